"""Two stored runs compared: who entered or left the ranking and the top k, whose tier changed, and for each
of them the criteria and weights that moved it — recomputed from the stored inputs, never guessed from the
stored scores.

Both runs are computed again by the pipeline from their stored bytes, mapping, criteria and weights
(:func:`screening.store.runs.rerun`; two runs that differ only in their weights are read and screened once
and re-weighed, :func:`screening.pipeline.reweigh`, which gives what a fresh run gives). The movements are
:func:`screening.analysis.compare.compare`'s. For a project ranked in both, each criterion's contribution
(points × effective weight, ``Scores.contributions``, as :mod:`screening.analysis.contribution` reads it) in
A and in B gives the change ``c_B − c_A``, split into the part the points moved and the part the weights
moved by the symmetric (Shapley) split of a product::

    by_points = (p_B − p_A) × (e_A + e_B) / 2        by_weight = (e_B − e_A) × (p_A + p_B) / 2

The two parts add up to the change exactly, and swapping A and B negates each of them (the order of the
runs never changes who is credited), which a split at A's weights would not. ``p`` is the points the
missing-data policy counts (a not-assessed criterion earns 0, or 50 under ``neutral``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from screening.analysis.compare import compare
from screening.i18n import Text
from screening.model import Result
from screening.pipeline import reweigh
from screening.stages.score import fill_value
from screening.store.db import Store
from screening.store.runs import StoredRun, criteria_of, load_run, rerun

__all__ = ["CriterionMove", "DiffEntry", "RunDiff", "WeightChange", "diff_runs", "diff_results"]

# Moves below half a hundredth are not listed: totals are rounded to 0.01 (our own cut-off, for the reader;
# the parts listed are exact).
MIN_MOVE = 0.005

CHANGES = ("entered_ranking", "left_ranking", "entered_top_k", "left_top_k", "tier_changed")
_MIRROR = {
    "entered_ranking": "left_ranking",
    "left_ranking": "entered_ranking",
    "entered_top_k": "left_top_k",
    "left_top_k": "entered_top_k",
    "tier_changed": "tier_changed",
}


@dataclass(frozen=True)
class CriterionMove:
    """What one criterion did to a project's score from A to B, in points of the total."""

    criterion: str
    dimension: str
    contribution_a: float
    contribution_b: float
    by_points: float
    by_weight: float

    @property
    def change(self) -> float:
        return self.contribution_b - self.contribution_a


@dataclass(frozen=True)
class WeightChange:
    """A dimension's or criterion's weight that differs between the two runs (None: not in that set)."""

    kind: str  # dimension / criterion
    id: str
    weight_a: float | None
    weight_b: float | None


@dataclass(frozen=True)
class DiffEntry:
    """A project whose place changed: entered or left the ranking or the top k, or changed tier."""

    project_id: str
    project_name: str | None
    changes: tuple[str, ...]  # of CHANGES
    outcome_a: str  # ranked / excluded / invalid / absent
    outcome_b: str
    rank_a: int | None
    rank_b: int | None
    score_a: float | None
    score_b: float | None
    tier_a: str | None
    tier_b: str | None
    gates_a: tuple[str, ...]  # the gates that excluded it in A (when it was not ranked there)
    gates_b: tuple[str, ...]
    moves: tuple[CriterionMove, ...]  # largest change first; empty unless ranked in both


@dataclass(frozen=True)
class RunDiff:
    labels: tuple[str, str]
    top_k: int
    entries: tuple[DiffEntry, ...]  # in B's rank order, then those ranked only in A
    weight_changes: tuple[WeightChange, ...]
    summary: dict[str, Any]  # compare()'s summary: counts and Kendall's τ-b
    names: dict[str, Text] = field(default_factory=dict)  # "criterion:id", "dimension:id", "tier:id" → label

    @property
    def empty(self) -> bool:
        return not self.entries and not self.weight_changes

    def of(self, project_id: str) -> DiffEntry | None:
        return next((e for e in self.entries if e.project_id == project_id), None)

    def mirrored(self) -> RunDiff:
        """This diff read from B to A (what :func:`diff_runs` of (b, a) gives)."""
        entries = tuple(
            DiffEntry(
                project_id=e.project_id,
                project_name=e.project_name,
                changes=tuple(sorted((_MIRROR[c] for c in e.changes), key=CHANGES.index)),
                outcome_a=e.outcome_b,
                outcome_b=e.outcome_a,
                rank_a=e.rank_b,
                rank_b=e.rank_a,
                score_a=e.score_b,
                score_b=e.score_a,
                tier_a=e.tier_b,
                tier_b=e.tier_a,
                gates_a=e.gates_b,
                gates_b=e.gates_a,
                moves=tuple(
                    CriterionMove(
                        m.criterion,
                        m.dimension,
                        m.contribution_b,
                        m.contribution_a,
                        -m.by_points,
                        -m.by_weight,
                    )
                    for m in e.moves
                ),
            )
            for e in self.entries
        )
        weights = tuple(WeightChange(w.kind, w.id, w.weight_b, w.weight_a) for w in self.weight_changes)
        return replace(self, labels=(self.labels[1], self.labels[0]), entries=entries, weight_changes=weights)


def _same_scoring(a: StoredRun, b: StoredRun) -> bool:
    """Everything but the weights is equal: one reading and screening serves both runs."""
    return (
        a.summary.input_sha256 == b.summary.input_sha256
        and a.summary.input_name == b.summary.input_name
        and a.sheet == b.sheet
        and a.mapping_text == b.mapping_text
        and a.criteria_text == b.criteria_text
        and a.inference == b.inference
        and a.country_sheet == b.country_sheet
    )


def _results(a: StoredRun, b: StoredRun) -> tuple[Result, Result]:
    ra = rerun(a)
    if not _same_scoring(a, b):
        return ra, rerun(b)
    cs_b = criteria_of(b.criteria_text, b.weights_text, b.summary.criteria_name)
    from screening.stages.score import Weights

    rb = reweigh(ra, Weights.of(cs_b))
    return ra, replace(rb, criteria=cs_b)


def _weight_changes(a: Result, b: Result) -> tuple[WeightChange, ...]:
    out = []
    for kind, wa, wb in (
        ("dimension", a.weights.dimensions, b.weights.dimensions),
        ("criterion", a.weights.criteria, b.weights.criteria),
    ):
        for key in [*wa, *(k for k in wb if k not in wa)]:
            va, vb = wa.get(key), wb.get(key)
            if va != vb:
                out.append(
                    WeightChange(
                        kind, key, None if va is None else float(va), None if vb is None else float(vb)
                    )
                )
    return tuple(out)


def _parts(result: Result) -> tuple[dict[str, int], dict[str, int], np.ndarray, np.ndarray]:
    """(row by project id, column by criterion id, counted points, effective weights)."""
    pm, scores = result.pm, result.scores
    rows = {str(pid): int(i) for i, pid in zip(result.ranked.index, result.ranked["project_id"], strict=True)}
    cols = {c: j for j, c in enumerate(pm.criterion_ids)}
    points = np.where(np.isnan(pm.points), fill_value(result.criteria.missing_policy), pm.points)
    points = np.where(pm.applicable, points, 0.0)
    return rows, cols, points, scores.effective_weight


def _moves(pid: str, a: Result, b: Result, pa: Any, pb: Any, min_move: float) -> tuple[CriterionMove, ...]:
    rows_a, cols_a, pts_a, eff_a = pa
    rows_b, cols_b, pts_b, eff_b = pb
    i, k = rows_a[pid], rows_b[pid]
    dim_of = {**dict(zip(b.pm.criterion_ids, b.pm.dimension_of, strict=True))}
    dim_of.update(
        {c: d for c, d in zip(a.pm.criterion_ids, a.pm.dimension_of, strict=True) if c not in dim_of}
    )
    out = []
    for crit in [*cols_a, *(c for c in cols_b if c not in cols_a)]:
        ja, jb = cols_a.get(crit), cols_b.get(crit)
        p_a = float(pts_a[i, ja]) if ja is not None else 0.0
        e_a = float(eff_a[i, ja]) if ja is not None else 0.0
        p_b = float(pts_b[k, jb]) if jb is not None else 0.0
        e_b = float(eff_b[k, jb]) if jb is not None else 0.0
        c_a, c_b = p_a * e_a, p_b * e_b
        if abs(c_b - c_a) < min_move or (c_a == c_b):
            continue
        out.append(
            CriterionMove(
                crit, dim_of[crit], c_a, c_b, (p_b - p_a) * (e_a + e_b) / 2, (e_b - e_a) * (p_a + p_b) / 2
            )
        )
    out.sort(key=lambda m: (-abs(m.change), m.criterion))
    return tuple(out)


def _gates(result: Result) -> dict[str, tuple[str, ...]]:
    hits = result.hits
    if not len(hits):
        return {}
    g = hits[hits["kind"].isin(["gate", "not_candidate"])].drop_duplicates(["row_key", "id"])
    by_key = g.groupby("row_key", sort=False)["id"].agg(tuple)
    ids = result.records.set_index("row_key")["project_id"]
    out: dict[str, tuple[str, ...]] = {}
    for key, gates in by_key.items():
        pid = ids.get(key)
        if pid is not None:
            out[str(pid)] = tuple(gates)
    return out


def _opt_int(v: Any) -> int | None:
    return None if pd.isna(v) else int(v)


def _opt_float(v: Any) -> float | None:
    return None if pd.isna(v) else float(v)


def _opt_str(v: Any) -> str | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v)


def diff_results(
    a: Result,
    b: Result,
    *,
    top_k: int = 10,
    labels: tuple[str, str] = ("A", "B"),
    min_move: float = MIN_MOVE,
) -> RunDiff:
    """The diff of two computed runs (see the module's docstring); criteria whose contribution moved by less
    than ``min_move`` points are left out of each project's moves."""
    cmp = compare(a, b, top_k=top_k, labels=labels)
    t = cmp.table
    pa, pb = _parts(a), _parts(b)
    gates_a, gates_b = _gates(a), _gates(b)
    entries = []
    for _, r in t.iterrows():
        ranked_a, ranked_b = not pd.isna(r["rank_a"]), not pd.isna(r["rank_b"])
        in_a, in_b = bool(r[f"top_{top_k}_a"]), bool(r[f"top_{top_k}_b"])
        changes = []
        if ranked_b and not ranked_a:
            changes.append("entered_ranking")
        if ranked_a and not ranked_b:
            changes.append("left_ranking")
        if in_b and not in_a:
            changes.append("entered_top_k")
        if in_a and not in_b:
            changes.append("left_top_k")
        if bool(r.get("tier_changed", False)):
            changes.append("tier_changed")
        if not changes:
            continue
        pid = str(r["project_id"])
        entries.append(
            DiffEntry(
                project_id=pid,
                project_name=_opt_str(r["project_name"]),
                changes=tuple(changes),
                outcome_a=str(r["outcome_a"]),
                outcome_b=str(r["outcome_b"]),
                rank_a=_opt_int(r["rank_a"]),
                rank_b=_opt_int(r["rank_b"]),
                score_a=_opt_float(r["score_a"]),
                score_b=_opt_float(r["score_b"]),
                tier_a=_opt_str(r["tier_a"]),
                tier_b=_opt_str(r["tier_b"]),
                gates_a=gates_a.get(pid, ()) if not ranked_a else (),
                gates_b=gates_b.get(pid, ()) if not ranked_b else (),
                moves=_moves(pid, a, b, pa, pb, min_move) if ranked_a and ranked_b else (),
            )
        )
    return RunDiff(labels, top_k, tuple(entries), _weight_changes(a, b), dict(cmp.summary), _names(a, b))


def _names(*results: Result) -> dict[str, Text]:
    """The criteria sets' own labels of their dimensions, criteria and tiers (the later set wins)."""
    out: dict[str, Text] = {}
    for r in results:
        cs = r.criteria
        out.update({f"dimension:{d.id}": d.label for d in cs.dimensions})
        out.update({f"criterion:{c.id}": c.label for _, c in cs.criteria})
        out.update({f"tier:{t.id}": t.label for t in cs.tiers})
    return out


def diff_runs(store: Store, a: str, b: str, k: int = 10) -> RunDiff:
    """The diff of the stored runs ``a`` and ``b`` (names), recomputed from their stored inputs."""
    run_a, run_b = load_run(store, a), load_run(store, b)
    ra, rb = _results(run_a, run_b)
    return diff_results(ra, rb, top_k=k, labels=(run_a.name, run_b.name))
