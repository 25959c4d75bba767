"""What each dimension and criterion added to one project's score, against the median of its track; the
distance to the next tier and what would close it; its review flags with their consequence; its rank
interval from the robustness analysis when one was run.

Everything here is read off a run's :class:`~screening.model.Result` and re-computed with the pipeline's own
functions (:func:`screening.stages.score.weigh`, :func:`screening.stages.rank.ranked_table`); nothing is
scored a second way. Values are ids and numbers; the words are the presentation layer's.

How the score is composed. A project's total is the sum over criteria, in criteria-file order, of *points ×
effective weight* (``Scores.contributions``), rounded to 0.01. A criterion's *contribution* is that product
in weighted points (points out of the 100 of the total); a dimension's contribution is the sum over its
criteria. So the criteria's contributions add up to the score (before its rounding to 0.01), and so do the
dimensions'. The *track median* of a dimension (or criterion) is the median of that contribution over the
ranked projects of the project's track (small-and-beautiful, flagship, standard), this project included.
Medians do not add up, so the chart shows each dimension against its own median rather than a waterfall
from a median project that does not exist.

The next tier. A tier is the highest whose line (``min_score`` in the criteria file) the score reaches, then
capped by review flags (``max_tier`` of a flag) and by dimension hurdles, and ``insufficient_data`` below the
completeness line (:func:`screening.stages.score.tier_codes`). So three things can stand between a project
and the next tier:

* points — the gap is ``line − score`` (zero or negative once the score is at or above the line);
* a review flag whose ``max_tier`` is below the next tier — **points never close it**: the flag goes only
  when the facts behind it change (:attr:`NextTier.flag_blocks`);
* a dimension hurdle — closed by points in the weak dimension (:attr:`NextTier.hurdle_blocks`).

What would close it: the fewest criteria whose raising to full points (100) reaches the next tier. When only
points stand in the way, taking criteria by *headroom* (effective weight × points still missing) largest
first gives the smallest such set exactly (to reach a sum with the fewest terms, take the largest terms
first). A hurdle needs points in the weak dimension, so when one blocks, the criteria of the failing
dimensions come first (largest headroom within the dimension first); the set is then pruned of any member
the others do without. Every step is checked by re-scoring the project through ``weigh`` and
``ranked_table``, so the suggestion holds under any missing-data policy; the set is the fewest when no hurdle
binds and irreducible (no member can be dropped) when one does. A single "criterion with the most headroom"
was not chosen: it rarely closes a gap alone, and a planner asks what it takes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from screening.analysis.sensitivity import Smaa
from screening.i18n import Text
from screening.model import Result
from screening.stages.rank import ranked_table
from screening.stages.score import TIER_NONE, fill_value, tier_codes, weigh

__all__ = [
    "FULL_POINTS",
    "Contribution",
    "CriterionPart",
    "DimensionPart",
    "FlagPart",
    "NextTier",
    "RankInterval",
    "contribution",
    "rescore",
]

FULL_POINTS = 100.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionPart(_Frozen):
    """One criterion of the project: its points, weight and what it added, against its track median."""

    criterion: str
    dimension: str
    applicable: bool
    assessed: bool
    points: float | None  # None when not assessed (or not applicable)
    effective_weight: float  # share of the total (0–1) the criterion carries for this project
    contribution: float  # points × effective weight (points the missing-data policy gives when not assessed)
    median: float  # median contribution over the ranked projects of the track
    vs_median: float  # contribution − median
    headroom: float  # weighted points still to gain at full points: effective weight × (100 − points)


class DimensionPart(_Frozen):
    """One dimension: the sum of its criteria's contributions, against the track median of that sum."""

    dimension: str
    contribution: float
    median: float
    vs_median: float
    score: float | None  # the dimension's own score (0–100), None when nothing in it was assessed
    median_score: float | None


class FlagPart(_Frozen):
    """A review flag on the project and its consequence as the criteria file states it."""

    flag: str
    label: Text
    reason: Text
    max_tier: str | None  # the best tier the flag allows, None for a flag that caps nothing
    blocks_portfolio: bool  # left out of the default portfolio
    binds: bool  # the flag is what holds the project below the next tier


class NextTier(_Frozen):
    """The distance to the next tier and what would close it."""

    tier: str | None  # the next tier up; None at the top tier or with insufficient data
    line: float | None  # its min_score
    gap: float | None  # line − score, rounded to 0.01; ≤ 0 once the score is at or above the line
    insufficient: bool  # below the completeness line: data, not points, decide the tier
    completeness: float
    completeness_line: float
    flag_blocks: tuple[str, ...]  # flags whose max_tier forbids the next tier: points never close them
    hurdle_blocks: tuple[str, ...]  # failed hurdles whose max_tier forbids the next tier
    raise_criteria: tuple[str, ...]  # the criteria to raise to full points, largest headroom first
    reachable: bool  # raising ``raise_criteria`` reaches the next tier (False when a flag or data block it)
    score_after: float | None  # the score with ``raise_criteria`` at full points
    tier_after: str | None


class RankInterval(_Frozen):
    """The project's ranks over the Monte Carlo's weight draws (:func:`screening.analysis.sensitivity.
    monte_carlo`)."""

    rank: int
    p05: int
    p50: int
    p95: int
    p_top_k: float
    top_k: int
    label: str  # stable / sensitive / not_assessed
    draws: int


class Contribution(_Frozen):
    """Everything the contribution view of one ranked project shows."""

    project_id: str
    track: str
    score: float
    tier: str
    points_tier: str  # the tier the score alone gives (before flags and hurdles)
    rank: int
    rank_in_track: int
    track_size: int
    median_score: float
    dimensions: tuple[DimensionPart, ...]
    criteria: tuple[CriterionPart, ...]
    flags: tuple[FlagPart, ...]
    hurdles: tuple[str, ...]  # failed hurdle ids
    next_tier: NextTier
    rank_interval: RankInterval | None

    def dimension_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [d.model_dump() for d in self.dimensions], columns=list(DimensionPart.model_fields)
        )

    def criterion_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.model_dump() for c in self.criteria], columns=list(CriterionPart.model_fields))


def _row_of(result: Result, project_id: str) -> int:
    """The project's row in the point matrix (the ranked table's index label)."""
    ranked = result.ranked
    hit = ranked.index[ranked["project_id"].astype(str) == str(project_id)]
    if not len(hit):
        raise KeyError(f"{project_id!r} is not a ranked project of this run")
    return int(hit[0])


def rescore(result: Result, row: int, points: np.ndarray) -> tuple[float, str]:
    """(score, tier) of the project at point-matrix ``row`` with its points replaced by ``points`` (NaN = not
    assessed), computed by the pipeline's own ``weigh`` and ``ranked_table`` on that one row."""
    pm = result.pm
    one = replace(
        pm,
        project_ids=pm.project_ids[row : row + 1],
        points=np.asarray(points, dtype=float).reshape(1, -1),
        applicable=pm.applicable[row : row + 1],
        tracks=pm.tracks[row : row + 1],
    )
    scores = weigh(one, result.weights, result.criteria.missing_policy)
    live = result.ranked.loc[[row]].set_axis([0])
    table = ranked_table(live, one, scores, result.tier_caps[row : row + 1], result.criteria)
    return float(table["score"].iloc[0]), str(table["tier"].iloc[0])


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else 0.0


def _flag_parts(result: Result, project_id: str, target_index: int | None) -> tuple[FlagPart, ...]:
    cs = result.criteria
    tier_ids = cs.tier_ids()
    by_flag = {f.id: f for f in cs.flags}
    by_gate = {g.id: g for g in cs.gates}
    hits = result.hits
    mine = hits[(hits["kind"] == "flag") & (hits["project_id"].astype(str) == str(project_id))]
    out = []
    for _, h in mine.drop_duplicates("id").iterrows():
        fid = str(h["id"])
        flag, gate = by_flag.get(fid), by_gate.get(fid)
        max_tier = flag.max_tier if flag is not None else (gate.flag_max_tier if gate is not None else None)
        binds = (
            max_tier is not None
            and target_index is not None
            and max_tier in tier_ids
            and tier_ids.index(max_tier) > target_index
        )
        out.append(
            FlagPart(
                flag=fid,
                label=Text(zh=str(h["label_zh"]), en=str(h["label_en"])),
                reason=Text(zh=str(h["reason_zh"]), en=str(h["reason_en"])),
                max_tier=max_tier,
                blocks_portfolio=bool(flag.blocks_portfolio) if flag is not None else False,
                binds=bool(binds),
            )
        )
    return tuple(out)


def _close(
    result: Result, row: int, target_index: int, failing_dims: set[str]
) -> tuple[tuple[str, ...], bool, float | None, str | None]:
    """The criteria to raise to full points to reach tier ``target_index`` (see the module's docstring)."""
    pm, scores = result.pm, result.scores
    tier_ids = result.criteria.tier_ids()
    base = pm.points[row].copy()
    eff = scores.effective_weight[row]
    filled = np.where(np.isnan(base), fill_value(result.criteria.missing_policy), base)
    headroom = np.where(pm.applicable[row], eff * (FULL_POINTS - filled), 0.0)
    # A not-assessed criterion earns what the missing-data policy gives (0 under ``zero``): collecting it at
    # full points gains the rest.
    order = sorted(
        (
            j
            for j in range(len(base))
            if pm.applicable[row, j] and (np.isnan(base[j]) or base[j] < FULL_POINTS)
        ),
        key=lambda j: (pm.dimension_of[j] not in failing_dims, -headroom[j], j),
    )

    def reaches(chosen: list[int]) -> tuple[bool, float, str]:
        pts = base.copy()
        pts[chosen] = FULL_POINTS
        score, tier = rescore(result, row, pts)
        return tier in tier_ids and tier_ids.index(tier) <= target_index, score, tier

    chosen: list[int] = []
    ok, score, tier = False, float("nan"), ""
    for j in order:
        chosen.append(j)
        ok, score, tier = reaches(chosen)
        if ok:
            break
    if not ok:
        return (), False, (score if chosen else None), (tier if chosen else None)
    for j in reversed(chosen[:-1]):  # prune: drop any member the others do without
        rest = [k for k in chosen if k != j]
        if reaches(rest)[0]:
            chosen = rest
    ok, score, tier = reaches(chosen)
    chosen.sort(key=lambda j: (-headroom[j], j))
    return tuple(pm.criterion_ids[j] for j in chosen), ok, score, tier


def _rank_interval(smaa: Smaa | None, project_id: str) -> RankInterval | None:
    if smaa is None:
        return None
    table = smaa.table
    mine = table[table["project_id"].astype(str) == str(project_id)]
    if mine.empty:
        return None
    r = mine.iloc[0]
    return RankInterval(
        rank=int(r["rank"]),
        p05=int(r["rank_p05"]),
        p50=int(r["rank_p50"]),
        p95=int(r["rank_p95"]),
        p_top_k=float(r["p_top_k"]),
        top_k=int(smaa.top_k),
        label=str(r["label"]),
        draws=int(smaa.draws),
    )


def _failed_hurdles(result: Result, ranked_row: dict[str, Any]) -> tuple[str, ...]:
    failed = str(ranked_row.get("hurdles", "") or "")
    known = {h.id for h in result.criteria.hurdles}
    return tuple(h for h in failed.split(";") if h in known)


def contribution(result: Result, project_id: str, smaa: Smaa | None = None) -> Contribution:
    """The contribution view of one ranked project (``KeyError`` for a project that is not ranked).

    ``smaa``: the Monte Carlo of the robustness analysis, when one was run on this very result (its rank
    interval is read for the project); None leaves :attr:`Contribution.rank_interval` empty.
    """
    row = _row_of(result, project_id)
    cs, pm, scores = result.criteria, result.pm, result.scores
    ranked = result.ranked
    me: dict[str, Any] = {str(k): v for k, v in cast(pd.Series, ranked.loc[row]).items()}
    track = str(pm.tracks[row])
    peers = ranked.index.to_numpy()[pm.tracks[ranked.index.to_numpy()] == track]
    contrib = scores.contributions
    dims, dim_index = pm.dimension_layout

    crit_parts = []
    for j, cid in enumerate(pm.criterion_ids):
        p = pm.points[row, j]
        applicable = bool(pm.applicable[row, j])
        filled = fill_value(cs.missing_policy) if np.isnan(p) else float(p)
        med = _median(contrib[peers, j])
        c = float(contrib[row, j])
        crit_parts.append(
            CriterionPart(
                criterion=cid,
                dimension=pm.dimension_of[j],
                applicable=applicable,
                assessed=applicable and not np.isnan(p),
                points=None if np.isnan(p) else float(p),
                effective_weight=float(scores.effective_weight[row, j]),
                contribution=c,
                median=med,
                vs_median=c - med,
                headroom=float(scores.effective_weight[row, j] * (FULL_POINTS - filled))
                if applicable
                else 0.0,
            )
        )
    dim_contrib = np.zeros((contrib.shape[0], len(dims)))
    for j in range(contrib.shape[1]):
        dim_contrib[:, dim_index[j]] += contrib[:, j]
    dim_scores = scores.dimension_scores.to_numpy()
    dim_parts = []
    for k, d in enumerate(dims):
        med = _median(dim_contrib[peers, k])
        own = dim_scores[row, k]
        peer_scores = dim_scores[peers, k]
        peer_scores = peer_scores[~np.isnan(peer_scores)]
        dim_parts.append(
            DimensionPart(
                dimension=d,
                contribution=float(dim_contrib[row, k]),
                median=med,
                vs_median=float(dim_contrib[row, k]) - med,
                score=None if np.isnan(own) else float(own),
                median_score=float(np.median(peer_scores)) if len(peer_scores) else None,
            )
        )

    score, tier = float(me["score"]), str(me["tier"])
    completeness = float(me["completeness"])
    tier_ids = cs.tier_ids()
    codes, names = tier_codes(np.array([score]), np.array([completeness]), cs)
    points_tier = names[int(codes[0])]
    hurdles = _failed_hurdles(result, me)
    insufficient = tier == TIER_NONE
    target_index = tier_ids.index(tier) - 1 if tier in tier_ids and tier_ids.index(tier) > 0 else None
    flags = _flag_parts(result, project_id, target_index)
    if target_index is None:
        nxt = NextTier(
            tier=None,
            line=None,
            gap=None,
            insufficient=insufficient,
            completeness=completeness,
            completeness_line=cs.completeness_threshold,
            flag_blocks=(),
            hurdle_blocks=(),
            raise_criteria=(),
            reachable=False,
            score_after=None,
            tier_after=None,
        )
    else:
        target = cs.tiers[target_index]
        by_hurdle = {h.id: h for h in cs.hurdles}
        hurdle_blocks = tuple(h for h in hurdles if tier_ids.index(by_hurdle[h].max_tier) > target_index)
        flag_blocks = tuple(f.flag for f in flags if f.binds)
        failing = {d for h in hurdle_blocks for d in by_hurdle[h].dimensions}
        raise_, ok, after, tier_after = (
            ((), False, None, None) if flag_blocks else _close(result, row, target_index, failing)
        )
        nxt = NextTier(
            tier=target.id,
            line=float(target.min_score),
            gap=round(float(target.min_score) - score, 2),
            insufficient=False,
            completeness=completeness,
            completeness_line=cs.completeness_threshold,
            flag_blocks=flag_blocks,
            hurdle_blocks=hurdle_blocks,
            raise_criteria=raise_,
            reachable=ok,
            score_after=after,
            tier_after=tier_after,
        )
    peer_totals = ranked.loc[peers, "score"].to_numpy(dtype=float)
    return Contribution(
        project_id=str(project_id),
        track=track,
        score=score,
        tier=tier,
        points_tier=points_tier,
        rank=int(me["rank"]),
        rank_in_track=int(me["rank_in_track"]),
        track_size=len(peers),
        median_score=_median(peer_totals),
        dimensions=tuple(dim_parts),
        criteria=tuple(crit_parts),
        flags=flags,
        hurdles=hurdles,
        next_tier=nxt,
        rank_interval=_rank_interval(smaa, project_id),
    )
