"""Per-criterion points on fixed anchors, then dimension scores, total (0–100), completeness and tier.

The point matrix (projects × criteria, NaN = not assessed) is kept so that a change of weights is a
weighted sum over it (:func:`weigh`), without re-reading or re-validating anything (DESIGN.md "Performance
budget"). Totals are sums of per-criterion contributions added element-wise in criteria-file order, not a
BLAS product, and are rounded to 0.01 before ranking (DESIGN.md contract 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.criteria.rules import Context

NEUTRAL_POINTS = 50.0


def text_order(project_ids: np.ndarray) -> np.ndarray:
    """Each id's position in text order, as integers (equal ids keep their order): the last tie-break of
    :func:`screening.stages.rank.order`."""
    order = np.argsort(np.asarray(project_ids).astype(str), kind="stable")
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order))
    return pos


@dataclass(frozen=True)
class PointMatrix:
    """Everything a re-weighting needs, and nothing that depends on weights."""

    project_ids: np.ndarray  # (n,) str
    criterion_ids: list[str]  # (m,)
    dimension_of: list[str]  # (m,) dimension id of each criterion
    points: np.ndarray  # (n, m) float, NaN = not assessed
    applicable: np.ndarray  # (n, m) bool: the criterion applies to the project's track
    tracks: np.ndarray  # (n,) str

    @cached_property
    def id_order(self) -> np.ndarray:
        """Each project's position in ``project_id`` text order (:func:`text_order`): the ranking's last
        tie-break, as integers."""
        return text_order(self.project_ids)

    @property
    def assessed(self) -> np.ndarray:
        return ~np.isnan(self.points) & self.applicable

    # Weight-independent pieces of weigh(), worked out once per point matrix.
    @cached_property
    def id_index(self) -> pd.Index:
        return pd.Index(self.project_ids)

    @cached_property
    def track_codes(self) -> np.ndarray:
        """Each project's track as an integer code (for ranking within tracks)."""
        return pd.factorize(self.tracks)[0]

    @cached_property
    def dimension_layout(self) -> tuple[list[str], np.ndarray]:
        """Dimension ids in first-seen order, and each criterion's index into them."""
        dims = list(dict.fromkeys(self.dimension_of))
        return dims, np.array([dims.index(d) for d in self.dimension_of], dtype=int).reshape(-1)

    @cached_property
    def assessed_f(self) -> np.ndarray:
        """:attr:`assessed` as 0/1 floats, columns contiguous."""
        return np.asfortranarray(self.assessed, dtype=float)

    def filled(self, value: float) -> np.ndarray:
        """Points with ``value`` where not assessed, columns contiguous (cached per value)."""
        cache = self.__dict__.setdefault("_filled", {})
        if value not in cache:
            cache[value] = np.asfortranarray(np.where(self.assessed, self.points, value))
        return cache[value]

    def patterns(self, assessed_only: bool) -> tuple[np.ndarray, np.ndarray]:
        """Distinct rows of the criteria that count (applicable, and assessed if ``assessed_only``) and each
        project's row among them."""
        cache = self.__dict__.setdefault("_patterns", {})
        if assessed_only not in cache:
            counts = self.assessed if assessed_only else self.applicable
            if len(counts) == 0 or counts.shape[1] == 0:
                cache[assessed_only] = (
                    np.zeros((min(len(counts), 1), counts.shape[1]), dtype=bool),
                    np.zeros(len(counts), dtype=np.intp),
                )
            else:
                packed = np.packbits(counts, axis=1)
                keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
                _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
                cache[assessed_only] = (counts[first], inverse.reshape(-1).astype(np.intp))
        return cache[assessed_only]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.points, index=self.project_ids, columns=self.criterion_ids)


@dataclass(frozen=True)
class Weights:
    dimensions: dict[str, float]
    criteria: dict[str, float]

    @classmethod
    def of(cls, criteria: CriteriaSet) -> Weights:
        return cls(
            {d.id: d.weight for d in criteria.dimensions}, {c.id: c.weight for _, c in criteria.criteria}
        )


@dataclass(frozen=True)
class Scores:
    total: np.ndarray  # (n,) rounded to 0.01
    completeness: np.ndarray  # (n,) 0–1
    contributions: np.ndarray  # (n, m) points × effective weight
    effective_weight: np.ndarray  # (n, m) share of the total each criterion carries for this project
    dimension_scores: pd.DataFrame  # (n, d) 0–100, NaN where nothing was assessed
    dimension_assessed: np.ndarray  # (n, d) share of each dimension's applicable weight assessed


def point_matrix(frame: pd.DataFrame, criteria: CriteriaSet, ctx: Context) -> PointMatrix:
    """Score every criterion column-wise on its fixed anchors."""
    columns = []
    applicable = []
    tracks = frame["track"].astype(str).to_numpy()
    for _dim, crit in criteria.criteria:
        columns.append(np.asarray(crit.scorer.score(frame, ctx), dtype=float))
        app = np.ones(len(frame), dtype=bool) if crit.tracks is None else np.isin(tracks, crit.tracks)
        if crit.applies_when is not None:
            app = app & crit.applies_when.evaluate(frame, ctx)
        applicable.append(app)
    n, m = len(frame), len(columns)
    points = np.column_stack(columns) if m else np.zeros((n, 0))
    app = np.column_stack(applicable) if m else np.zeros((n, 0), dtype=bool)
    points = np.where(app, points, np.nan)
    return PointMatrix(
        project_ids=frame["project_id"].astype(str).to_numpy(),
        criterion_ids=[c.id for _, c in criteria.criteria],
        dimension_of=[d.id for d, _ in criteria.criteria],
        points=points,
        applicable=app,
        tracks=tracks,
    )


def weigh(pm: PointMatrix, weights: Weights, policy: str = "zero") -> Scores:
    """Combine the point matrix under ``weights``: dimension scores, total and completeness.

    A criterion's share of the total is ``W_d / ΣW × w_c / Σw`` over the dimensions and criteria that apply to
    the project's track (:func:`criterion_shares`). ``policy``: ``zero`` — not assessed earns 0 (default);
    ``neutral`` — earns 50; ``renormalise`` — not-assessed criteria drop out of the denominators (DESIGN.md
    "Missing data").

    Shares depend only on which criteria count for a project (its track, and under ``renormalise`` also which
    were assessed), so they are worked out once per distinct pattern and gathered; points enter column by
    column in criteria-file order (:func:`weighted_sum`). Every project's figures come from the same
    element-wise operations wherever it sits in the file (contract 4), which ``tests/stages/test_score.py``
    checks against a row-by-row reference. The sensitivity analyses re-use these functions, so their exact
    recomputation equals this one bit for bit.
    """
    n, m = pm.points.shape
    w, big_w = weight_vectors(pm, weights)
    dims, dim_index = pm.dimension_layout
    patterns, inverse = pm.patterns(policy == "renormalise")
    share_u, eff_u = criterion_shares(patterns, w, big_w, dim_index)
    base_u, base_inverse = eff_u, inverse  # completeness counts zero-policy shares
    base_share_u = share_u
    if policy == "renormalise":
        app_patterns, base_inverse = pm.patterns(False)
        base_share_u, base_u = criterion_shares(app_patterns, w, big_w, dim_index)
    filled = pm.filled(fill_value(policy))  # Fortran order: columns contiguous
    eff, share = _gather(eff_u, inverse), _gather(share_u, inverse)
    base = eff if base_u is eff_u else _gather(base_u, base_inverse)
    contributions = np.empty((n, m), order="F")
    total = weighted_sum(eff, filled, products=contributions)
    completeness = weighted_sum(base, pm.assessed_f)
    num = dimension_sums(share, dim_index, len(dims), filled)
    den = dimension_sums(share_u, dim_index, len(dims))[inverse]
    dim_scores = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    base_share = share if base_share_u is share_u else _gather(base_share_u, base_inverse)
    dim_assessed = dimension_sums(base_share, dim_index, len(dims), pm.assessed_f)
    return Scores(
        total=np.round(total + 0.0, 2),
        completeness=np.clip(np.round(completeness, 6), 0, 1),
        contributions=contributions,
        effective_weight=eff,
        dimension_scores=pd.DataFrame(np.round(dim_scores, 2), columns=dims, index=pm.id_index),
        dimension_assessed=np.clip(np.round(dim_assessed, 6), 0, 1),
    )


# The parts of weigh(), public so that the sensitivity analyses compute with the very same operations.


def weight_vectors(pm: PointMatrix, weights: Weights) -> tuple[np.ndarray, np.ndarray]:
    """(criterion weights in criteria-file order, dimension weights in :attr:`PointMatrix.dimension_layout`
    order) as float arrays."""
    dims, _ = pm.dimension_layout
    return (
        np.array([weights.criteria[c] for c in pm.criterion_ids], dtype=float),
        np.array([weights.dimensions[d] for d in dims], dtype=float),
    )


def fill_value(policy: str) -> float:
    """Points a not-assessed criterion earns under ``policy`` (50 under ``neutral``, else 0)."""
    return NEUTRAL_POINTS if policy == "neutral" else 0.0


def dimension_sums(
    a: np.ndarray, dim_index: np.ndarray, n_dims: int, b: np.ndarray | None = None
) -> np.ndarray:
    """(rows, n_dims): for each dimension, the sum over its criteria of ``a[:, j]`` (times ``b[:, j]`` if
    given), added criterion by criterion in criteria-file order; columns contiguous."""
    out = np.zeros((a.shape[0], n_dims), order="F")
    tmp = np.empty(a.shape[0]) if b is not None else None
    for j in range(a.shape[1]):
        out[:, dim_index[j]] += a[:, j] if b is None else np.multiply(a[:, j], b[:, j], out=tmp)
    return out


def weighted_sum(a: np.ndarray, b: np.ndarray, products: np.ndarray | None = None) -> np.ndarray:
    """Σ_j ``a[:, j] · b[:, j]``, added column by column in criteria-file order (how every total and
    completeness is summed); ``products`` (same shape), if given, receives the terms."""
    total = np.zeros(a.shape[0])
    tmp = np.empty(a.shape[0])
    for j in range(a.shape[1]):
        total += np.multiply(a[:, j], b[:, j], out=tmp if products is None else products[:, j])
    return total


def within_dimension_shares(
    counts: np.ndarray, w: np.ndarray, dim_index: np.ndarray, n_dims: int
) -> tuple[np.ndarray, np.ndarray]:
    """(share of each criterion within its dimension ``w_c / Σw``, whether each dimension is active) for each
    row of ``counts`` (bool: the criteria that count). A dimension is active when a criterion with weight
    counts in it."""
    crit_w = counts * w
    dim_sum = dimension_sums(crit_w, dim_index, n_dims)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(crit_w > 0, crit_w / dim_sum[:, dim_index], 0.0)
    return share, dim_sum > 0


def dimension_shares(active: np.ndarray, big_w: np.ndarray) -> np.ndarray:
    """``W_d / ΣW`` over the active dimensions of each row (0 where inactive or no weight). ``big_w``: the
    dimension weights, (n_dims,) for all rows or one row per row of ``active``."""
    bw = np.broadcast_to(big_w, active.shape)
    active_w = np.zeros(active.shape[0])
    for k in range(active.shape[1]):
        active_w += np.where(active[:, k], bw[:, k], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(active_w[:, None] > 0, bw / active_w[:, None], 0.0)


def effective_weights(
    share: np.ndarray, active: np.ndarray, big_w: np.ndarray, dim_index: np.ndarray
) -> np.ndarray:
    """Each criterion's share of the total: its share within its dimension × the dimension's share."""
    return share * dimension_shares(active, big_w)[:, dim_index]


def criterion_shares(
    counts: np.ndarray, w: np.ndarray, big_w: np.ndarray, dim_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(share within its dimension, effective weight) of each criterion, for each row of ``counts`` (bool:
    the criteria that count), under criterion weights ``w`` and dimension weights ``big_w``."""
    share, active = within_dimension_shares(counts, w, dim_index, len(big_w))
    return share, effective_weights(share, active, big_w, dim_index)


def _gather(per_pattern: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """Each project's row of a per-pattern array, as an (n, m) array with contiguous columns."""
    return np.take(per_pattern.T, inverse, axis=1).T


def hurdle_codes(
    dimension_scores: np.ndarray, dimension_assessed: np.ndarray, dims: list[str], criteria: CriteriaSet
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The dimension hurdles each row fails: (best tier they allow per row as an index into
    ``criteria.tiers`` or -1, each row's index into the labels, the distinct ``;``-joined hurdle ids). The ids
    are joined once per distinct set of failed hurdles, not once per row. ``dimension_scores`` and
    ``dimension_assessed``: (n, d) in ``dims`` order."""
    n = dimension_scores.shape[0]
    caps = np.full(n, -1)
    pattern = np.zeros(n, dtype=np.int64)  # bit k: the row fails hurdle k
    tier_ids = criteria.tier_ids()
    for k_h, h in enumerate(criteria.hurdles):
        hit = np.zeros(n, dtype=bool)
        for d in h.dimensions:
            if d not in dims:  # a dimension the scores do not carry (a partial weighting): nothing to check
                continue
            k = dims.index(d)
            with np.errstate(invalid="ignore"):
                hit |= (dimension_scores[:, k] < h.below) & (
                    dimension_assessed[:, k] >= h.min_assessed - 1e-9
                )
        caps = np.where(hit, np.maximum(caps, tier_ids.index(h.max_tier)), caps)
        pattern |= hit.astype(np.int64) << k_h
    distinct, codes = np.unique(pattern, return_inverse=True)
    labels = [";".join(h.id for k_h, h in enumerate(criteria.hurdles) if int(p) >> k_h & 1) for p in distinct]
    return caps, codes.reshape(-1), labels


TIER_NONE = "insufficient_data"


def tier_codes(
    total: np.ndarray, completeness: np.ndarray, criteria: CriteriaSet, caps: np.ndarray | None = None
) -> tuple[np.ndarray, list[str]]:
    """:func:`assign_tiers` as (each row's index into the tier names, the names: the criteria's tiers in
    order, then ``insufficient_data``)."""
    names = criteria.tier_ids()
    thresholds = np.array([t.min_score for t in criteria.tiers])
    idx = np.minimum((thresholds[None, :] > total[:, None]).sum(axis=1), len(names) - 1)
    if caps is not None:
        idx = np.where(caps >= 0, np.maximum(idx, caps), idx)
    insufficient = completeness < criteria.completeness_threshold - 1e-9
    return np.where(insufficient, len(names), idx).astype(np.int64), [*names, TIER_NONE]


def assign_tiers(
    total: np.ndarray, completeness: np.ndarray, criteria: CriteriaSet, caps: np.ndarray | None = None
) -> np.ndarray:
    """Highest tier whose ``min_score`` the total reaches; ``insufficient_data`` below the completeness line.

    ``caps`` (index into ``criteria.tiers``, -1 for none) holds the best tier the review flags and the
    dimension hurdles allow.
    """
    codes, names = tier_codes(total, completeness, criteria, caps)
    return np.array(names, dtype=object)[codes] if len(codes) else np.array([], dtype=object)
