"""Weight sensitivity: exact one-at-a-time flip points and a seeded SMAA-style Monte Carlo.

Both analyses re-use the point matrix. Under a change of *dimension* weights the within-dimension shares of
every criterion are fixed, so each project's total is a function of the dimension weights ``W`` only::

    total_i(W) = Σ_d [d active for i] · W_d · S_id  /  Σ_d [d active for i] · W_d

where ``S_id`` is the project's weighted points in dimension ``d`` (criterion shares × points, as in
:func:`screening.stages.score.weigh`) and a dimension is *active* for a project when at least one of its
criteria applies to the project's track (under the ``renormalise`` policy: when at least one was assessed). A
dimension with no applicable criterion for a track drops out of that project's denominator, exactly as in
``weigh``. Completeness decomposes the same way (with the ``zero``-policy shares, as in ``weigh``). The shares,
``S_id`` and the active dimensions come from ``weigh``'s own functions (:func:`screening.stages.score.
within_dimension_shares`, :func:`~screening.stages.score.dimension_sums`). Totals are rounded to 0.01 and
ranked by the rule of :func:`screening.stages.rank.order` (score desc, completeness desc, ``project_id`` asc).
The per-dimension sum differs from ``weigh``'s criterion-by-criterion sum only in the last bits, which matters
only when a total lies on a half-cent: such entries (within 1e-6 of a rounding half-point) are recomputed with
``weigh``'s own functions (:meth:`Decomposition.exact`), so rounded totals, completeness and ranks equal
``weigh``'s exactly (the tests check this, draw by draw).

**One-at-a-time sweeps** (:func:`one_at_a_time`). The weight of one dimension ``d`` moves to ``t`` while the
others are rescaled proportionally so that the sum of weights stays ``Σ``. Because totals are invariant to
scaling all weights, this is the same ranking as moving ``W_d`` to ``s = t·R/(Σ−t)`` with the others held
(``R = Σ − W_d``), and each total becomes a linear-fractional function of ``s``::

    f_i(s) = (a_i·s + b_i) / (p_i·s + q_i)

(linear when every dimension is active for the project). Two projects swap where ``f_i = f_j``, a quadratic
in ``s`` solved in closed form (no grid search): for each of the top ``k`` projects the table gives, per
dimension and direction, the weight at which it first changes rank position and the weight at which it
leaves the top ``k`` (walking the sorted crossings with every other project). Flip points are crossings of the
*unrounded* totals; since ranking uses totals rounded to 0.01, the rank under ``weigh`` changes somewhere in
the *band* where the two totals differ by less than 0.01 (``topk_band_from``/``topk_band_to``): before the
band the project is still in the top ``k``, after it it is not (the tests re-score with ``weigh`` there).

**Criterion weights** (:func:`criterion_flips`, issue 17): the same sweep for one *criterion*'s weight inside
its dimension, the other criteria of that dimension rescaled proportionally, dimension weights fixed. A total
is then ``(C + W_k·(f·s + B)/(s + Q)) / (D + W_k)`` — again linear-fractional in the swept weight ``s`` — so
the crossings are solved by the same closed form; the rows add the ``criterion`` column.

**Smallest change** (:func:`smallest_change`): the least one-at-a-time move that changes the top-``k`` set,
measured as the absolute change of the swept weight, its relative change ``|Δ|/W_d``, and the L1 distance
between the normalised weight vectors (``2|Δ|/Σ`` for a proportional rescale). It is the minimum over
one-at-a-time moves, not over arbitrary simultaneous changes of several weights.

**Monte Carlo / SMAA** (:func:`monte_carlo`; Lahdelma, Hokkanen & Salminen 1998, "SMAA — Stochastic
multiobjective acceptability analysis", EJOR 106; Tervonen & Figueira 2008). Uncertainty model: the
normalised dimension weights are drawn from a Dirichlet distribution centred on the chosen weights,
``w ~ Dirichlet(κ · w₀/Σw₀)``, so ``E[w] = w₀/Σw₀`` and ``Var(w_d) = p_d(1−p_d)/(κ+1)`` with
``p_d = w_{0,d}/Σw₀``; the concentration ``κ`` (default 100: a dimension holding 20 % of the weight varies with
a standard deviation of 4 points, i.e. ±20 % of itself) states how sure the planner is of the weights.
Dimensions with weight 0 stay at 0. Draws come from ``numpy.random.default_rng(seed)`` all at once (a
``draws × dimensions`` array), so results do not depend on chunking or threads. Draws are processed in chunks
of at most ``chunk_cells`` draw×project cells (memory bounded at 100k projects); in each draw every project is
ranked by the stated rule with one integer sort key. Streaming per-project counters over *all* draws give
``P(top k)``, ``P(rank 1)``, mean, minimum and maximum rank. The 5th/50th/95th percentile ranks
(empirical ``inverted_cdf`` quantiles) come from the ranks of the first ``percentile_draws`` draws, kept in a
bounded array of ``rank_sample_bytes`` (all draws when they fit: 10,000 draws × 5,000 projects do; at 100k
projects about 335 draws); percentiles are then computed in chunks of projects.

Label rule: a project is ``stable`` when its top-``k`` verdict holds in at least 95 % of draws
(``P(top k) ≥ 0.95`` or ``≤ 0.05``) **and** its 90 % rank interval is no wider than
``max(2, 0.2 × rank)`` positions; otherwise ``sensitive``. A project assessed on less than the criteria's
completeness line (``completeness_threshold``, given by the caller) is ``not_assessed`` — "not assessed, data
too thin" — whatever its draws say: a blank earns the same under every draw, so a steady rank there only
repeats how little is known (issue 14 item 6).

Length: about 780 lines. The flip points, the sweep and the Monte Carlo share one decomposition of the
total (:class:`Decomposition`) and its exactness fix-up; apart, each would need that decomposition from a
third module that only they use.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from screening.i18n import Text, text
from screening.stages import rank as ranking
from screening.stages.score import (
    PointMatrix,
    Weights,
    dimension_sums,
    effective_weights,
    fill_value,
    weigh,
    weight_vectors,
    weighted_sum,
    within_dimension_shares,
)

if TYPE_CHECKING:
    from pandas._typing import Scalar


__all__ = [
    "Decomposition",
    "Smaa",
    "criterion_flips",
    "decompose",
    "draw_ranks",
    "draw_weights",
    "monte_carlo",
    "one_at_a_time",
    "smallest_change",
    "sweep_curves",
    "swept_criterion_weights",
    "swept_weights",
]


ROUND_BAND = 0.01  # totals are rounded to 0.01 before ranking


SMAA_COLUMNS = [
    "project_id",
    "rank",
    "rank_p05",
    "rank_p50",
    "rank_p95",
    "rank_min",
    "rank_max",
    "rank_mean",
    "p_top_k",
    "p_first",
    "label",
]


STABLE_RULE = (
    "stable: P(top k) >= 0.95 or <= 0.05, and the 5th-95th percentile rank interval is at most "
    "max(2, 0.2 x rank) positions wide; otherwise sensitive"
)


THIN_LABEL = "not_assessed"
THIN_RULE = (
    "not_assessed (data too thin): completeness below {line}; such a project is never called stable, since a "
    "blank earns the same points under every weight draw"
)


@dataclass(frozen=True)
class Decomposition:
    """Per-project, per-dimension parts of the total and of completeness (weights of criteria folded in)."""

    project_ids: np.ndarray  # (n,) str
    dimensions: list[str]  # (D,)
    base: np.ndarray  # (D,) the chosen dimension weights
    score_parts: np.ndarray  # (n, D) S_id: weighted points within dimension d (0 where inactive)
    score_active: np.ndarray  # (n, D) bool: d counts in the project's denominator for the total
    completeness_parts: np.ndarray  # (n, D)
    completeness_active: np.ndarray  # (n, D) bool
    dim_index: np.ndarray  # (m,) dimension of each criterion
    shares: np.ndarray  # (n, m) criterion share within its dimension (the policy's)
    filled: np.ndarray  # (n, m) points, blanks filled as the policy says
    base_shares: np.ndarray  # (n, m) zero-policy share within its dimension (completeness terms)
    assessed: np.ndarray  # (n, m) 1.0 where assessed, else 0.0
    id_order: np.ndarray  # (n,) position in project_id text order (the last tie-break)

    @property
    def n(self) -> int:
        return len(self.project_ids)

    def totals(self, w: np.ndarray) -> np.ndarray:
        """Unrounded totals for dimension weights ``w`` of shape (D,) → (n,) or (B, D) → (B, n)."""
        return _ratio(np.asarray(w, dtype=float), self.score_parts, self.score_active)

    def completeness(self, w: np.ndarray) -> np.ndarray:
        """Completeness (rounded to 1e-6 and clipped, as in ``weigh``) for weights ``w``."""
        w = np.asarray(w, dtype=float)
        c = _ratio(w, self.completeness_parts, self.completeness_active) * 1e6
        c = self.fix_half(c, w, "completeness")
        return np.clip(np.rint(c) / 1e6, 0, 1)

    def scores(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(total rounded to 0.01, completeness) exactly as ``weigh`` gives them for these dimension weights."""
        w = np.asarray(w, dtype=float)
        cents = self.fix_half(self.totals(w) * 100, w, "total")
        return np.rint(cents) / 100, self.completeness(w)

    def fix_half(self, scaled: np.ndarray, w: np.ndarray, kind: str) -> np.ndarray:
        """Where a scaled value (cents, or millionths of completeness) lies within 1e-6 of a rounding
        half-point, the decomposed sum may round differently from ``weigh``'s criterion-by-criterion sum:
        recompute those few entries with ``weigh``'s own arithmetic (same operations, same order)."""
        near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
        if not near.any():
            return scaled
        single = scaled.ndim == 1
        sc = scaled[None, :] if single else scaled
        nr = near[None, :] if single else near
        ww = w[None, :] if w.ndim == 1 else w
        rows, cols = np.nonzero(nr)
        out = sc.copy()
        factor = 100.0 if kind == "total" else 1e6
        out[rows, cols] = self.exact(ww[rows], cols, kind) * factor
        return out[0] if single else out

    def exact(self, w_rows: np.ndarray, idx: np.ndarray, kind: str = "total") -> np.ndarray:
        """``weigh``'s unrounded total (or completeness) of projects ``idx`` under weight rows ``w_rows``,
        computed by :func:`screening.stages.score.weigh`'s own functions (same operations, same order)."""
        if kind == "total":
            eff = effective_weights(self.shares[idx], self.score_active[idx], w_rows, self.dim_index)
            return weighted_sum(eff, self.filled[idx]) + 0.0
        eff = effective_weights(self.base_shares[idx], self.completeness_active[idx], w_rows, self.dim_index)
        return weighted_sum(eff, self.assessed[idx])


def _ratio(w: np.ndarray, parts: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Σ_d w_d·parts_d / Σ_d w_d·[active_d], 0 where the denominator is 0; element-wise in fixed order."""
    single = w.ndim == 1
    ww = w[None, :] if single else w
    num = np.zeros((ww.shape[0], parts.shape[0]))
    den = np.zeros_like(num)
    for d in range(parts.shape[1]):
        col = ww[:, d : d + 1]
        num += col * parts[None, :, d]
        den += col * active[None, :, d]
    out = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return out[0] if single else out


def decompose(pm: PointMatrix, weights: Weights, policy: str = "zero") -> Decomposition:
    """Split ``weigh(pm, weights, policy)`` into per-dimension parts (dimension scores are fixed under
    dimension re-weighting; only the dimension weights then vary)."""
    dims, dim_index = pm.dimension_layout
    w, base = weight_vectors(pm, weights)
    share, s_active = within_dimension_shares(
        pm.assessed if policy == "renormalise" else pm.applicable, w, dim_index, len(dims)
    )
    share0, c_active = within_dimension_shares(pm.applicable, w, dim_index, len(dims))
    filled, assessed = pm.filled(fill_value(policy)), pm.assessed_f
    return Decomposition(
        project_ids=np.asarray(pm.project_ids).astype(str),
        dimensions=dims,
        base=base,
        score_parts=dimension_sums(share, dim_index, len(dims), filled),
        score_active=s_active,
        completeness_parts=dimension_sums(share0, dim_index, len(dims), assessed),
        completeness_active=c_active,
        dim_index=dim_index,
        shares=share,
        filled=filled,
        base_shares=share0,
        assessed=assessed,
        id_order=pm.id_order,
    )


def _ranks(total: np.ndarray, completeness: np.ndarray, id_order: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of each project by :func:`screening.stages.rank.order`."""
    return ranking.ranks_of(ranking.order(total, completeness, id_order))


def swept_weights(weights: Weights, dimension: str, value: float) -> Weights:
    """Weights with ``dimension`` set to ``value`` and the other dimensions rescaled proportionally so that
    the sum of dimension weights is unchanged (the one-at-a-time sweep of :func:`one_at_a_time`)."""
    total = float(sum(weights.dimensions.values()))
    rest = total - float(weights.dimensions[dimension])
    if not 0 <= value <= total:
        raise ValueError(f"weight {value} for {dimension!r} outside [0, {total}]")
    if rest <= 0:
        raise ValueError(f"{dimension!r} holds all the weight; the others cannot be rescaled")
    factor = (total - value) / rest
    dims = {d: (float(value) if d == dimension else float(w) * factor) for d, w in weights.dimensions.items()}
    return Weights(dims, dict(weights.criteria))


def _coefficients(dec: Decomposition, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """f_i(s) = (a·s + b)/(p·s + q) when dimension k has weight s and the others keep their base weights."""
    others = np.ones(len(dec.dimensions), dtype=bool)
    others[k] = False
    wo = dec.base * others
    a = dec.score_parts[:, k] * dec.score_active[:, k]
    p = dec.score_active[:, k].astype(float)
    b = np.zeros(dec.n)
    q = np.zeros(dec.n)
    for d in np.flatnonzero(others):
        b += wo[d] * dec.score_parts[:, d]
        q += wo[d] * dec.score_active[:, d]
    return a, b, p, q


def _roots(qa: np.ndarray, qb: np.ndarray, qc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Real roots of qa·s² + qb·s + qc (vectorised). Returns (r1, r2, simple) with NaN for no root; a double
    root (no sign change) is dropped."""
    scale = np.maximum.reduce([np.abs(qa), np.abs(qb), np.abs(qc), np.full(qa.shape, 1e-300)])
    lin = np.abs(qa) <= 1e-12 * scale
    r1 = np.full(qa.shape, np.nan)
    r2 = np.full(qa.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.where(lin & (np.abs(qb) > 1e-12 * scale), -qc / qb, np.nan)
        disc = qb * qb - 4 * qa * qc
        sq = np.sqrt(np.where(disc > 0, disc, 0.0))
        qq = -0.5 * (qb + np.where(qb >= 0, sq, -sq))
        quad = ~lin & (disc > 0)
        r1 = np.where(quad, qq / qa, np.where(lin, lr, np.nan))
        r2 = np.where(quad, np.where(qq != 0, qc / qq, np.nan), np.nan)
    return r1, r2, quad | lin


def _band(ai, bi, pi, qi, aj, bj, pj, qj, s_star: float, lo: float, hi: float) -> tuple[float, float]:
    """Interval around the crossing ``s_star`` where |f_i − f_j| < 0.01 (clipped to [lo, hi])."""
    qa = ai * pj - aj * pi
    qb = ai * qj + bi * pj - aj * qi - bj * pi
    qc = bi * qj - bj * qi
    da, db, dc = pi * pj, pi * qj + qi * pj, qi * qj  # den_i · den_j
    cands = []
    for sign in (1.0, -1.0):
        r1, r2, _ = _roots(
            np.array([qa - sign * ROUND_BAND * da]),
            np.array([qb - sign * ROUND_BAND * db]),
            np.array([qc - sign * ROUND_BAND * dc]),
        )
        cands += [float(r1[0]), float(r2[0])]
    cands = [c for c in cands if not math.isnan(c)]
    below = [c for c in cands if c < s_star]
    above = [c for c in cands if c > s_star]
    return max([lo, *below]), min([hi, *above])


def _flip_rows(
    coef: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    w0: float,
    rest: float,
    total_w: float,
    ranks: np.ndarray,
    top: np.ndarray,
    project_ids: np.ndarray,
    lead: Mapping[str, object],
    *,
    floor: float,
) -> list[dict[str, object]]:
    """The flip rows of one swept weight (current ``w0``, the others summing to ``rest``, kept at ``total_w``
    by a proportional rescale) for the projects ``top``, each total being ``(a·s + b)/(p·s + q)`` in the
    swept weight ``s`` with the others held (module docstring). ``floor``: crossings at or below it are not
    in the sweep (0 for dimensions; a criterion's sweep is open at 0, see :func:`criterion_flips`)."""
    a, b, p, q = coef
    n = len(a)
    k_eff = len(top)
    s0 = w0  # others at base weight ⇒ s = the swept weight

    def to_t(s: float) -> float:
        return s * total_w / (rest + s)

    rows: list[dict[str, object]] = []
    for i in top:
        qa = a[i] * p - a * p[i]
        qb = a[i] * q + b[i] * p - a * q[i] - b * p[i]
        qc = b[i] * q - b * q[i]
        g0 = qa * s0 * s0 + qb * s0 + qc  # > 0 ⇔ i above j at the current weights
        tol = 1e-12 * (np.abs(qa) * s0 * s0 + np.abs(qb) * s0 + np.abs(qc) + 1e-300)
        above0 = np.where(np.abs(g0) > tol, g0 < 0, ranks < ranks[i])
        above0[i] = False
        r1, r2, _ = _roots(qa, qb, qc)
        for direction in ("up", "down"):
            events = []
            for r in (r1, r2):
                if direction == "up":
                    ok = ~np.isnan(r) & (r > s0)
                elif floor > 0:
                    ok = ~np.isnan(r) & (r < s0) & (r > floor)
                else:
                    ok = ~np.isnan(r) & (r < s0) & (r >= 0)
                ok[i] = False
                js = np.flatnonzero(ok)
                events.append((r[js], js))
            ev_s = np.concatenate([e[0] for e in events])
            ev_j = np.concatenate([e[1] for e in events])
            order = np.argsort(np.abs(ev_s - s0), kind="stable")
            ev_s, ev_j = ev_s[order], ev_j[order]
            above = above0.copy()
            count = int(above.sum())
            rank_flip = (float(ev_s[0]), int(ev_j[0])) if len(ev_s) else None
            topk_flip = (s0, -1) if count >= k_eff and k_eff < n else None
            if topk_flip is None and k_eff < n:
                for s, j in zip(ev_s, ev_j, strict=True):
                    above[j] = not above[j]
                    count += 1 if above[j] else -1
                    if count >= k_eff:
                        topk_flip = (float(s), int(j))
                        break
            row: dict[str, object] = {
                "project_id": project_ids[i],
                "rank": int(ranks[i]),
                **lead,
                "direction": direction,
                "weight": w0,
                "rank_flip_weight": np.nan,
                "rank_flip_rival": None,
                "topk_flip_weight": np.nan,
                "topk_flip_rival": None,
                "topk_band_from": np.nan,
                "topk_band_to": np.nan,
                "topk_change": np.nan,
                "topk_change_rel": np.nan,
                "total_weight": total_w,
            }
            if rank_flip is not None:
                row["rank_flip_weight"] = to_t(rank_flip[0])
                row["rank_flip_rival"] = project_ids[rank_flip[1]]
            if topk_flip is not None:
                s_f, j = topk_flip
                t_f = to_t(s_f)
                row["topk_flip_weight"] = t_f
                row["topk_change"] = t_f - w0
                row["topk_change_rel"] = (t_f - w0) / w0 if w0 > 0 else np.inf
                if j >= 0:
                    row["topk_flip_rival"] = project_ids[j]
                    lo, hi = _band(a[i], b[i], p[i], q[i], a[j], b[j], p[j], q[j], s_f, 0.0, np.inf)
                    row["topk_band_from"], row["topk_band_to"] = (
                        to_t(lo),
                        (total_w if hi == np.inf else to_t(hi)),
                    )
                else:
                    row["topk_band_from"] = row["topk_band_to"] = t_f
            rows.append(row)
    return rows


# The columns of a flip table: the project, then what each direction of the swept weight does to it.
FLIP_COLUMNS = [
    "project_id",
    "rank",
    "dimension",
    "direction",
    "weight",
    "rank_flip_weight",
    "rank_flip_rival",
    "topk_flip_weight",
    "topk_flip_rival",
    "topk_band_from",
    "topk_band_to",
    "topk_change",
    "topk_change_rel",
    "total_weight",
]


def one_at_a_time(
    pm: PointMatrix,
    weights: Weights,
    policy: str = "zero",
    *,
    top_k: int = 10,
    dimensions: list[str] | None = None,
) -> pd.DataFrame:
    """Exact flip points of one-at-a-time dimension-weight sweeps for the top ``top_k`` projects.

    One row per (project in the top k, dimension, direction ``up``/``down``). Columns: ``project_id``,
    ``rank``, ``dimension``, ``direction``, ``weight`` (current), ``rank_flip_weight`` (first weight at which the
    project changes rank position), ``rank_flip_rival``, ``topk_flip_weight`` (first weight at which it leaves
    the top k), ``topk_flip_rival`` (the project that overtakes it then), ``topk_band_from``/``topk_band_to``
    (weights around the flip where the two totals differ by less than 0.01, so rounding decides),
    ``topk_change`` (``topk_flip_weight − weight``), ``topk_change_rel`` (relative to ``weight``) and
    ``total_weight`` (Σ, kept fixed). NaN:
    no flip in that direction over the whole range ``[0, Σ)`` of the swept weight. Method: module docstring.
    """
    dec = decompose(pm, weights, policy)
    n = dec.n
    cols = FLIP_COLUMNS
    if n == 0 or not dec.dimensions:
        return pd.DataFrame(columns=cols)
    scores = weigh(pm, weights, policy)
    ranks = _ranks(scores.total, scores.completeness, dec.id_order)
    k_eff = min(top_k, n)
    top = np.argsort(ranks)[:k_eff]
    total_w = float(dec.base.sum())
    rows = []
    for k, dim in enumerate(dec.dimensions):
        if dimensions is not None and dim not in dimensions:
            continue
        w0 = float(dec.base[k])
        rest = total_w - w0
        if rest <= 0:
            continue
        a, b, p, q = _coefficients(dec, k)
        rows += _flip_rows(
            (a, b, p, q), w0, rest, total_w, ranks, top, dec.project_ids, {"dimension": dim}, floor=0.0
        )
    return pd.DataFrame(rows, columns=cols)


CRITERION_FLIP_COLUMNS = [
    "project_id",
    "rank",
    "criterion",
    *FLIP_COLUMNS[2:],
]  # a criterion, then its dimension


def swept_criterion_weights(pm: PointMatrix, weights: Weights, criterion: str, value: float) -> Weights:
    """Weights with ``criterion`` set to ``value`` and the other criteria of its dimension rescaled
    proportionally so that the dimension's sum of criterion weights is unchanged (the sweep of
    :func:`criterion_flips`); dimension weights and other dimensions' criteria untouched."""
    dim = pm.dimension_of[pm.criterion_ids.index(criterion)]
    same = [c for c, d in zip(pm.criterion_ids, pm.dimension_of, strict=True) if d == dim]
    total = float(sum(weights.criteria[c] for c in same))
    rest = total - float(weights.criteria[criterion])
    if not 0 <= value <= total:
        raise ValueError(f"weight {value} for {criterion!r} outside [0, {total}]")
    if rest <= 0:
        raise ValueError(f"{criterion!r} holds all the weight of {dim!r}; the others cannot be rescaled")
    factor = (total - value) / rest
    crit = dict(weights.criteria)
    for c in same:
        crit[c] = float(value) if c == criterion else float(weights.criteria[c]) * factor
    return Weights(dict(weights.dimensions), crit)


def _criterion_coefficients(
    dec: Decomposition, pm: PointMatrix, weights: Weights, policy: str, j: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """f_i(s) = (a·s + b)/(p·s + q) when criterion j has weight s and every other weight is held.

    With C, D the other dimensions' weighted parts and weights, W_k criterion j's dimension weight, and in
    that dimension B, Q the other counted criteria's Σ w·points and Σ w, f = the criterion's points:
    total = (C + W_k·(f·s + B)/(s + Q)) / (D + W_k) when the criterion counts for the project (linear-
    fractional in s), and a constant when it does not (another track, or not assessed under renormalise)."""
    w, big_w = weight_vectors(pm, weights)
    k = int(dec.dim_index[j])
    counts = pm.assessed if policy == "renormalise" else pm.applicable
    in_k = dec.dim_index == k
    others_k = in_k.copy()
    others_k[j] = False
    cw = counts[:, others_k] * w[others_k]
    q_k = cw.sum(axis=1)
    b_k = (cw * dec.filled[:, others_k]).sum(axis=1)
    f = dec.filled[:, j]
    od = np.ones(len(dec.dimensions), dtype=bool)
    od[k] = False
    c_o = (dec.score_parts[:, od] * big_w[od]).sum(axis=1)
    d_o = (dec.score_active[:, od] * big_w[od]).sum(axis=1)
    wk = float(big_w[k])
    alpha = counts[:, j]
    a = np.zeros(dec.n)
    b = np.zeros(dec.n)
    p = np.zeros(dec.n)
    q = np.ones(dec.n)
    live = alpha & (d_o + wk > 0)
    a[live] = c_o[live] + wk * f[live]
    b[live] = c_o[live] * q_k[live] + wk * b_k[live]
    p[live] = d_o[live] + wk
    q[live] = (d_o[live] + wk) * q_k[live]
    still = ~alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        act = q_k > 0
        num = c_o + np.where(act, wk * np.divide(b_k, q_k, out=np.zeros(dec.n), where=act), 0.0)
        den = d_o + np.where(act, wk, 0.0)
        const = np.divide(num, den, out=np.zeros(dec.n), where=den > 0)
    b[still] = const[still]
    return a, b, p, q


def criterion_flips(
    pm: PointMatrix,
    weights: Weights,
    policy: str = "zero",
    *,
    top_k: int = 10,
    criteria: list[str] | None = None,
) -> pd.DataFrame:
    """Exact flip points of one-at-a-time *criterion*-weight sweeps for the top ``top_k`` projects (issue 17).

    The weight of one criterion moves to ``t`` while the other criteria of its dimension are rescaled
    proportionally (the dimension's sum of criterion weights, ``total_weight``, stays; dimension weights do
    not move: :func:`swept_criterion_weights`). Under that sweep each total is again linear-fractional in the
    swept weight (:func:`_criterion_coefficients`), so flip points are the same closed-form crossings as
    :func:`one_at_a_time`'s. Columns: those of :func:`one_at_a_time` with ``criterion`` before ``dimension``
    (the criterion's dimension). The sweep is open at 0: at weight 0 a project whose only counted criterion
    of the dimension this is loses the dimension altogether (a jump, not a crossing), so the ``down``
    direction reports crossings in (0, weight). A criterion alone in its dimension has nothing to rescale
    and no rows (its dimension's weight is :func:`one_at_a_time`'s)."""
    dec = decompose(pm, weights, policy)
    n = dec.n
    if n == 0 or not pm.criterion_ids:
        return pd.DataFrame(columns=CRITERION_FLIP_COLUMNS)
    scores = weigh(pm, weights, policy)
    ranks = _ranks(scores.total, scores.completeness, dec.id_order)
    top = np.argsort(ranks)[: min(top_k, n)]
    w, _ = weight_vectors(pm, weights)
    rows = []
    for j, crit in enumerate(pm.criterion_ids):
        if criteria is not None and crit not in criteria:
            continue
        k = int(dec.dim_index[j])
        total_w = float(w[dec.dim_index == k].sum())
        w0 = float(w[j])
        rest = total_w - w0
        if rest <= 0:
            continue
        coef = _criterion_coefficients(dec, pm, weights, policy, j)
        lead = {"criterion": crit, "dimension": dec.dimensions[k]}
        rows += _flip_rows(coef, w0, rest, total_w, ranks, top, dec.project_ids, lead, floor=1e-12 * total_w)
    return pd.DataFrame(rows, columns=CRITERION_FLIP_COLUMNS)


def smallest_change(flips: pd.DataFrame, total_weight: float | None = None) -> pd.Series | None:
    """The one-at-a-time move that changes the top-k set with the least change of weight.

    ``flips`` is the table of :func:`one_at_a_time`. Returns a Series with ``dimension``, ``direction``,
    ``weight``, ``new_weight``, ``change`` (absolute), ``change_rel`` (``|Δ|/W_d``), ``l1`` (L1 distance of
    the normalised weight vectors, ``2|Δ|/Σ``; the measure minimised), ``leaves`` and ``enters`` (project
    ids); ``None`` when no one-at-a-time move over the full range changes the top k.
    """
    live = flips.dropna(subset=["topk_flip_weight"])
    if live.empty:
        return None
    label = cast("Scalar", live["topk_change"].abs().idxmin())  # an index label (stubs: Hashable)
    best = cast(pd.Series, live.loc[label])  # one row of the flips table
    total = float(best["total_weight"]) if total_weight is None else float(total_weight)
    change = float(best["topk_change"])
    out = pd.Series(
        {
            "dimension": best["dimension"],
            "direction": best["direction"],
            "weight": float(best["weight"]),
            "new_weight": float(best["topk_flip_weight"]),
            "change": abs(change),
            "change_rel": abs(float(best["topk_change_rel"])),
            "l1": (2 * abs(change) / total) if total > 0 else np.nan,
            "leaves": best["project_id"],
            "enters": best["topk_flip_rival"],
        }
    )
    return out


def sweep_curves(
    pm: PointMatrix,
    weights: Weights,
    policy: str = "zero",
    *,
    dimension: str,
    project_ids: list[str] | None = None,
    steps: int = 101,
) -> pd.DataFrame:
    """Totals along a one-at-a-time sweep of ``dimension`` (others rescaled), for charts: long frame with
    ``weight``, ``project_id``, ``score`` (rounded as ranked), ``rank``."""
    dec = decompose(pm, weights, policy)
    k = dec.dimensions.index(dimension)
    total_w = float(dec.base.sum())
    rest = total_w - float(dec.base[k])
    grid = np.linspace(0.0, total_w, steps)
    if rest > 0:
        ws = np.array(
            [
                [t if d == k else dec.base[d] * (total_w - t) / rest for d in range(len(dec.dimensions))]
                for t in grid
            ]
        )
    else:
        ws = np.tile(dec.base, (steps, 1))
    tot = np.round(dec.totals(ws) + 0.0, 2)
    comp = dec.completeness(ws)
    ranks = np.stack([_ranks(tot[s], comp[s], dec.id_order) for s in range(steps)])
    keep = np.arange(dec.n) if project_ids is None else np.flatnonzero(np.isin(dec.project_ids, project_ids))
    return pd.DataFrame(
        {
            "weight": np.repeat(grid, len(keep)),
            "project_id": np.tile(dec.project_ids[keep], steps),
            "score": tot[:, keep].ravel(),
            "rank": ranks[:, keep].ravel(),
        }
    )


@dataclass
class Smaa:
    """Result of :func:`monte_carlo`. ``table`` has one row per project, in base-rank order."""

    table: pd.DataFrame
    draws: int
    seed: int
    concentration: float
    top_k: int
    percentile_draws: int
    dimensions: list[str]
    base_weights: list[float]
    seconds: float = 0.0
    thin: int = (
        0  # projects labelled not_assessed: assessed on less than completeness_threshold of the weight
    )
    completeness_threshold: float | None = None
    rule: str = STABLE_RULE
    method: str = field(
        default=(
            "SMAA-style Monte Carlo (Lahdelma et al. 1998): normalised dimension weights ~ Dirichlet(kappa * w0/sum "
            "w0), seeded numpy default_rng; each draw ranked by score (0.01) desc, completeness desc, project_id "
            "asc; P(top k) and min/mean/max rank over all draws; percentile ranks over the first "
            "percentile_draws draws (inverted_cdf)."
        )
    )

    def meta(self) -> dict[str, object]:
        """Settings and method as plain values (for the workbook)."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "concentration": self.concentration,
            "top_k": self.top_k,
            "percentile_draws": self.percentile_draws,
            "dimensions": ", ".join(
                f"{d}={w:g}" for d, w in zip(self.dimensions, self.base_weights, strict=True)
            ),
            "rule": self.rule,
            "method": self.method,
            "not_assessed": self.thin,
            "not_assessed_rule": THIN_RULE.format(
                line="—" if self.completeness_threshold is None else f"{self.completeness_threshold:g}"
            ),
            "not_assessed_note": "" if (note := self.thin_note()) is None else f"{note.en} / {note.zh}",
        }

    def thin_note(self) -> Text | None:
        """Why the thin projects are not called stable, in words (None when there are none)."""
        if not self.thin:
            return None
        line = self.completeness_threshold or 0.0
        return text("rb_thin_note", n=self.thin, total=len(self.table), line=f"{line:.0%}")


def draw_weights(base: np.ndarray, draws: int, concentration: float = 100.0, seed: int = 0) -> np.ndarray:
    """``draws × D`` dimension weights ``Σbase · Dirichlet(κ · base/Σbase)`` (same sum as the chosen weights),
    seeded; zero weights stay 0."""
    base = np.asarray(base, dtype=float)
    rng = np.random.default_rng(seed)
    pos = base > 0
    out = np.zeros((draws, len(base)))
    if pos.sum() == 1:
        out[:, pos] = 1.0
    elif pos.any():
        alpha = concentration * base[pos] / base[pos].sum()
        out[:, pos] = rng.dirichlet(alpha, size=draws)
    return out * base.sum()


class _Ranker:
    """Ranks every project under many weight vectors at once: the fast path of
    :func:`screening.stages.rank.order` for Monte Carlo draws (a property test checks they agree).

    One float64 sort key per project and draw holds exact integers below 2**53:
    ``(cents + offset) · M + completeness·10⁶ · n + (n − 1 − position of project_id)`` with ``M = (10⁶+1)·n``
    (or ``cents · n + fixed secondary order`` when completeness does not depend on the weights), so one sort
    per draw reproduces score desc, completeness desc, ``project_id`` asc. Completeness is fixed only while the
    same dimensions carry weight for each project as under the chosen weights: a draw that takes all the weight
    off a project's dimensions (or puts weight back on them) is ranked by ``rank.order`` itself.
    """

    def __init__(self, dec: Decomposition, base_completeness: np.ndarray):
        self.dec = dec
        n = self.n = dec.n
        self.id_key = (n - 1 - dec.id_order).astype(float)
        ca, cp = dec.completeness_active, dec.completeness_parts
        ref = np.where(ca.any(axis=1), np.max(np.where(ca, cp, -np.inf), axis=1, initial=-np.inf), 0.0)
        self.comp_static = bool(np.all(~ca | np.isclose(cp, ref[:, None], rtol=0, atol=1e-12)))
        self.cents_off = int(math.ceil(float(np.abs(dec.score_parts).max(initial=0.0)) * 100 + 2))
        if self.comp_static:
            static = ranking.order(np.zeros(n), base_completeness, dec.id_order)  # best first
            self.sec = np.empty(n)
            self.sec[static] = np.arange(n - 1, -1, -1)
            self.mult = n
        else:
            self.mult = 1_000_001 * n
        if (2 * self.cents_off + 1) * self.mult >= 2**53:
            raise ValueError("too many projects for an exact sort key (limit about 900,000)")
        self.score_t = np.ascontiguousarray(dec.score_parts.T)
        self.comp_t = np.ascontiguousarray(dec.completeness_parts.T)
        self.s_pat, s_inv = np.unique(dec.score_active, axis=0, return_inverse=True)
        self.c_pat, c_inv = np.unique(dec.completeness_active, axis=0, return_inverse=True)
        self.s_inv, self.c_inv = s_inv.ravel(), c_inv.ravel()
        self.c_weighted = self._weighted(dec.base[None, :])[0]
        self.block = max(1, (1 << 17) // max(1, n))  # rows per cache-sized block

    @staticmethod
    def _ratio_into(
        out: np.ndarray, tmp: np.ndarray, w: np.ndarray, parts_t: np.ndarray, pat: np.ndarray, inv: np.ndarray
    ) -> None:
        """out = Σ_d w_d·parts_d / Σ_d w_d·active_d, element-wise in fixed dimension order (0 if no weight)."""
        if parts_t.shape[0] == 0:
            out[...] = 0.0
            return
        np.multiply(w[:, 0:1], parts_t[0], out=out)
        den_p = w[:, 0:1] * pat[None, :, 0]
        for d in range(1, parts_t.shape[0]):
            np.multiply(w[:, d : d + 1], parts_t[d], out=tmp)
            out += tmp
            den_p = den_p + w[:, d : d + 1] * pat[None, :, d]
        den = den_p[:, inv]
        np.divide(out, den, out=out, where=den > 0)

    def _weighted(self, w: np.ndarray) -> np.ndarray:
        """(B, patterns) bool: some dimension of the completeness pattern has weight in the draw."""
        return (w > 0).astype(float) @ self.c_pat.T.astype(float) > 0  # exact: sums of 0/1

    def keys(self, w: np.ndarray) -> np.ndarray:
        """(B, n) sort keys, larger = better."""
        n, b = self.n, len(w)
        key = np.empty((b, n))
        tmp = np.empty((min(self.block, b), n))
        t2 = np.empty_like(tmp)
        for r0 in range(0, b, self.block):
            r1 = min(b, r0 + self.block)
            o, t = key[r0:r1], tmp[: r1 - r0]
            wb = w[r0:r1]
            self._ratio_into(o, t, wb, self.score_t, self.s_pat, self.s_inv)
            o *= 100
            fixed = self.dec.fix_half(o, wb, "total")
            if fixed is not o:
                o[...] = fixed
            np.rint(o, out=o)  # cents, exactly as np.round(total, 2) does
            o += self.cents_off
            o *= self.mult
            if self.comp_static:
                o += self.sec[None, :]
                for r in np.flatnonzero((self._weighted(wb) != self.c_weighted).any(axis=1)):
                    o[r] = n - ranking.ranks_of(ranking.order(*self.dec.scores(wb[r]), self.dec.id_order))
            else:
                self._ratio_into(t, t2[: r1 - r0], wb, self.comp_t, self.c_pat, self.c_inv)
                t *= 1e6
                fixed = self.dec.fix_half(t, wb, "completeness")
                if fixed is not t:
                    t[...] = fixed
                np.rint(t, out=t)
                np.clip(t, 0, 1e6, out=t)
                t *= n
                t += self.id_key[None, :]
                o += t
        return key

    def ranks(self, w: np.ndarray) -> np.ndarray:
        """(B, n) int32 ranks, 1 = best."""
        order = np.argsort(self.keys(w), axis=1)  # ascending: last = best
        ranks = np.empty(order.shape, dtype=np.int32)
        np.put_along_axis(ranks, order, np.arange(self.n, 0, -1, dtype=np.int32)[None, :], axis=1)
        return ranks


def draw_ranks(pm: PointMatrix, weights: Weights, wdraws: np.ndarray, policy: str = "zero") -> np.ndarray:
    """Ranks (B, n; 1 = best) of every project under each row of ``wdraws`` (dimension weights in the order
    of :attr:`Decomposition.dimensions`), by the stated ranking rule, as :func:`monte_carlo` computes them."""
    dec = decompose(pm, weights, policy)
    return _Ranker(dec, weigh(pm, weights, policy).completeness).ranks(
        np.atleast_2d(np.asarray(wdraws, float))
    )


def monte_carlo(
    pm: PointMatrix,
    weights: Weights,
    policy: str = "zero",
    *,
    draws: int = 10_000,
    top_k: int = 10,
    seed: int = 0,
    concentration: float = 100.0,
    chunk_cells: int = 1 << 20,
    rank_sample_bytes: int = 128 << 20,
    workers: int | None = None,
    completeness_threshold: float | None = None,
) -> Smaa:
    """SMAA-style Monte Carlo over dimension weights (uncertainty model and method: module docstring).

    Returns per project: ``rank`` (under the chosen weights), ``rank_p05``, ``rank_p50``, ``rank_p95``,
    ``rank_min``, ``rank_max``, ``rank_mean``, ``p_top_k``, ``p_first`` and ``label`` (stable/sensitive).
    Reproducible for a given ``seed`` regardless of ``chunk_cells`` and ``workers``.

    ``completeness_threshold`` (the criteria's line; pass ``criteria.completeness_threshold``): a project
    assessed on less than this share of the weight is labelled ``not_assessed`` — never ``stable``: its rank
    moving little under weight draws says nothing when most of its weight was never scored (a blank earns the
    same under every draw).
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if concentration <= 0:
        raise ValueError("concentration must be positive")
    start = time.perf_counter()
    dec = decompose(pm, weights, policy)
    n = dec.n
    scores = weigh(pm, weights, policy)
    base_rank = _ranks(scores.total, scores.completeness, dec.id_order)
    k_eff = max(1, min(top_k, n)) if n else 0
    wdraws = draw_weights(dec.base, draws, concentration, seed)
    if n == 0:
        return Smaa(
            pd.DataFrame(columns=SMAA_COLUMNS),
            draws,
            seed,
            concentration,
            top_k,
            0,
            dec.dimensions,
            dec.base.tolist(),
        )
    ranker = _Ranker(dec, scores.completeness)
    p_sample = int(min(draws, max(1, rank_sample_bytes // (n * (2 if n < 65_535 else 4)))))
    sample = np.zeros((n, p_sample), dtype=np.uint16 if n < 65_535 else np.int32)  # project-major
    chunk = max(1, min(draws, chunk_cells // n))

    def work(lo: int) -> tuple[np.ndarray, ...]:
        hi = min(draws, lo + chunk)
        ranks = ranker.ranks(wdraws[lo:hi])
        if lo < p_sample:
            sample[:, lo : min(hi, p_sample)] = ranks[: min(hi, p_sample) - lo].T
        return (
            (ranks <= k_eff).sum(axis=0),
            (ranks == 1).sum(axis=0),
            ranks.sum(axis=0, dtype=np.int64),
            ranks.min(axis=0),
            ranks.max(axis=0),
        )

    starts = list(range(0, draws, chunk))
    n_workers = workers or min(2, os.cpu_count() or 1)
    if n_workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(n_workers) as ex:
            parts = list(ex.map(work, starts))
    else:
        parts = [work(lo) for lo in starts]
    in_top = np.sum([p[0] for p in parts], axis=0)
    first = np.sum([p[1] for p in parts], axis=0)
    rank_sum = np.sum([p[2] for p in parts], axis=0)
    rmin = np.min([p[3] for p in parts], axis=0)
    rmax = np.max([p[4] for p in parts], axis=0)

    # empirical inverted_cdf quantiles: the ceil(q·R)-th smallest of R sampled ranks, projects in chunks
    kth = [max(0, (pct * p_sample + 99) // 100 - 1) for pct in (5, 50, 95)]
    q = np.zeros((3, n))
    row_chunk = max(1, (16 << 20) // max(1, p_sample))
    for c0 in range(0, n, row_chunk):
        part = np.partition(sample[c0 : c0 + row_chunk], kth, axis=1)
        q[:, c0 : c0 + row_chunk] = part[:, kth].T
    p_top = in_top / draws
    width = q[2] - q[0]
    stable = ((p_top >= 0.95) | (p_top <= 0.05)) & (width <= np.maximum(2, 0.2 * base_rank))
    thin = (
        np.zeros(n, dtype=bool)
        if completeness_threshold is None
        else scores.completeness < completeness_threshold - 1e-9
    )
    table = (
        pd.DataFrame(
            {
                "project_id": dec.project_ids,
                "rank": base_rank,
                "rank_p05": q[0].astype(int),
                "rank_p50": q[1].astype(int),
                "rank_p95": q[2].astype(int),
                "rank_min": rmin.astype(int),
                "rank_max": rmax.astype(int),
                "rank_mean": np.round(rank_sum / draws, 2),
                "p_top_k": p_top,
                "p_first": first / draws,
                "label": np.where(thin, THIN_LABEL, np.where(stable, "stable", "sensitive")),
            },
            columns=SMAA_COLUMNS,
        )
        .sort_values("rank", kind="stable")
        .reset_index(drop=True)
    )
    return Smaa(
        table,
        draws,
        seed,
        concentration,
        top_k,
        p_sample,
        dec.dimensions,
        dec.base.tolist(),
        seconds=time.perf_counter() - start,
        thin=int(thin.sum()),
        completeness_threshold=completeness_threshold,
    )
