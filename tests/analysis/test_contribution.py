"""The contribution view of one project: contributions add up to the score, medians are the track's, the
distance to the next tier is the line's, and the suggested criteria really reach the next tier when the
project is scored again by the pipeline (``pipeline.reweigh`` on a point matrix with those criteria at full
points); flags hold a tier whatever the points; the rank interval is the Monte Carlo's."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from screening import pipeline
from screening.analysis.contribution import FULL_POINTS, contribution
from screening.analysis.sensitivity import monte_carlo
from screening.model import Result
from screening.stages.score import TIER_NONE, Weights


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLES / "sample_projects.xlsx")


def _ids(result: Result) -> list[str]:
    return result.ranked["project_id"].astype(str).tolist()


def _tier_after(result: Result, pid: str, criteria: tuple[str, ...] | list[str]) -> str:
    """The project's tier when the pipeline re-ranks a point matrix with ``criteria`` at full points."""
    pm = result.pm
    row = int(np.flatnonzero(pm.project_ids.astype(str) == pid)[0])
    points = pm.points.copy()
    for c in criteria:
        points[row, pm.criterion_ids.index(c)] = FULL_POINTS
    again = pipeline.reweigh(replace(result, pm=replace(pm, points=points)), result.weights)
    ranked = again.ranked
    return str(ranked.loc[ranked["project_id"].astype(str) == pid, "tier"].iloc[0])


def _better_or_equal(result: Result, tier: str, target: str) -> bool:
    ids = result.criteria.tier_ids()
    return tier in ids and ids.index(tier) <= ids.index(target)


def _effective_weights(result: Result, pid: str) -> dict[str, float]:
    """Each criterion's share of the total from the criteria file's weights (zero policy): W_d / ΣW over the
    dimensions with an applicable weighted criterion, times w_c / Σw over the applicable criteria of d."""
    pm = result.pm
    row = int(np.flatnonzero(pm.project_ids.astype(str) == pid)[0])
    applicable = dict(zip(pm.criterion_ids, pm.applicable[row], strict=True))
    out: dict[str, float] = {}
    live = {d.id: sum(c.weight for c in d.criteria if applicable[c.id]) for d in result.criteria.dimensions}
    big = sum(d.weight for d in result.criteria.dimensions if live[d.id] > 0)
    for d in result.criteria.dimensions:
        for c in d.criteria:
            ok = applicable[c.id] and live[d.id] > 0
            out[c.id] = d.weight / big * c.weight / live[d.id] if ok else 0.0
    return out


def test_contributions_add_up_to_the_score_for_every_ranked_project(result: Result) -> None:
    assert result.criteria.missing_policy == "zero"  # the oracle below is the zero policy's
    for pid in _ids(result):
        view = contribution(result, pid)
        total = 0.0
        for c in view.criteria:  # in criteria-file order, as the pipeline adds them
            total += c.contribution
        assert round(total, 2) == view.score, pid
        assert abs(sum(d.contribution for d in view.dimensions) - view.score) <= 0.005 + 1e-9, pid
        eff = _effective_weights(result, pid)
        for c in view.criteria:
            assert c.effective_weight == pytest.approx(eff[c.criterion], abs=1e-12), (pid, c.criterion)
            assert c.contribution == pytest.approx((c.points or 0.0) * eff[c.criterion], abs=1e-9)
            assert c.headroom == pytest.approx(eff[c.criterion] * (FULL_POINTS - (c.points or 0.0)), abs=1e-9)
        by_dim: dict[str, float] = {}
        for c in view.criteria:
            by_dim[c.dimension] = by_dim.get(c.dimension, 0.0) + c.contribution
        assert {d.dimension: pytest.approx(d.contribution) for d in view.dimensions} == by_dim


def test_medians_are_over_the_ranked_projects_of_the_track(result: Result) -> None:
    ranked = result.ranked
    for track in ranked["track"].astype(str).unique():
        peers = ranked.loc[ranked["track"].astype(str) == track, "project_id"].astype(str).tolist()
        views = [contribution(result, p) for p in peers]
        for view in views:
            assert view.track == track and view.track_size == len(peers)
            assert view.median_score == pytest.approx(float(np.median([v.score for v in views])))
        first = views[0]
        for k, d in enumerate(first.dimensions):
            expected = float(np.median([v.dimensions[k].contribution for v in views]))
            assert d.median == pytest.approx(expected)
            assert d.vs_median == pytest.approx(d.contribution - expected)
        for j, c in enumerate(first.criteria):
            assert c.median == pytest.approx(float(np.median([v.criteria[j].contribution for v in views])))


def test_the_distance_to_the_next_tier_is_the_lines(result: Result) -> None:
    cs = result.criteria
    lines = {t.id: t.min_score for t in cs.tiers}
    top = cs.tiers[0].id
    seen_top = seen_gap = 0
    for pid in _ids(result):
        view = contribution(result, pid)
        nxt = view.next_tier
        if view.tier == top:
            assert nxt.tier is None and nxt.gap is None and nxt.raise_criteria == ()
            seen_top += 1
            continue
        if view.tier == TIER_NONE:
            assert nxt.insufficient and nxt.tier is None and nxt.completeness < nxt.completeness_line
            continue
        ids = cs.tier_ids()
        assert nxt.tier == ids[ids.index(view.tier) - 1]
        assert nxt.line == lines[nxt.tier]
        assert nxt.gap == round(lines[nxt.tier] - view.score, 2)
        if nxt.gap <= 0:  # the score is at or over the line: a flag or a hurdle must hold the tier
            assert nxt.flag_blocks or nxt.hurdle_blocks, pid
        seen_gap += 1
    assert seen_top and seen_gap


def test_at_the_line_the_distance_is_exactly_zero(result: Result) -> None:
    """Move the next tier's line onto a held project's score: the distance is 0.00, not a rounding crumb."""
    cs = result.criteria
    held = next(
        v
        for v in (contribution(result, p) for p in _ids(result))
        if v.next_tier.hurdle_blocks or v.next_tier.flag_blocks
    )
    target = held.next_tier.tier
    tiers = [t.model_copy(update={"min_score": held.score}) if t.id == target else t for t in cs.tiers]
    moved = pipeline.reweigh(replace(result, criteria=cs.model_copy(update={"tiers": tiers})), result.weights)
    view = contribution(moved, held.project_id)
    assert view.tier == held.tier  # still held by its flag or hurdle
    assert view.next_tier.gap == 0.0
    assert view.next_tier.line == held.score


def test_the_suggestion_reaches_the_next_tier_through_the_pipeline(result: Result) -> None:
    suggested = 0
    for pid in _ids(result):
        view = contribution(result, pid)
        nxt = view.next_tier
        if not nxt.reachable:
            continue
        assert nxt.tier is not None and nxt.raise_criteria
        after = _tier_after(result, pid, nxt.raise_criteria)
        assert _better_or_equal(result, after, nxt.tier), (pid, after)
        assert after == nxt.tier_after
        # irreducible: without any one of them the next tier is not reached
        for c in nxt.raise_criteria:
            rest = [k for k in nxt.raise_criteria if k != c]
            if rest:
                assert not _better_or_equal(result, _tier_after(result, pid, rest), nxt.tier), (pid, c)
        if not nxt.hurdle_blocks and nxt.gap is not None:  # the fewest: fewer criteria lack the points
            k = len(nxt.raise_criteria)
            largest = sorted((c.headroom for c in view.criteria), reverse=True)
            assert sum(largest[: k - 1]) < nxt.gap
        suggested += 1
    assert suggested >= 2


def test_no_points_lift_a_flags_cap(result: Result) -> None:
    held = [v for v in (contribution(result, p) for p in _ids(result)) if v.next_tier.flag_blocks]
    assert held
    for view in held:
        nxt = view.next_tier
        assert not nxt.reachable and nxt.raise_criteria == ()
        assert any(f.binds for f in view.flags)
        everything = [c.criterion for c in view.criteria if c.applicable]
        assert _tier_after(result, view.project_id, everything) == view.tier  # all at 100: still held
        binding = {f.flag: f for f in view.flags if f.binds}
        ids = result.criteria.tier_ids()
        for fid in nxt.flag_blocks:
            cap = binding[fid].max_tier
            assert cap is not None and ids.index(cap) > ids.index(nxt.tier or "")


def test_flags_carry_the_criteria_files_consequence(result: Result) -> None:
    by_id = {f.id: f for f in result.criteria.flags}
    hits = result.hits[result.hits["kind"] == "flag"]
    for pid in _ids(result):
        view = contribution(result, pid)
        mine = hits.loc[hits["project_id"].astype(str) == pid, "id"].drop_duplicates().tolist()
        assert [f.flag for f in view.flags] == mine
        for f in view.flags:
            if f.flag in by_id:
                assert f.max_tier == by_id[f.flag].max_tier
                assert f.blocks_portfolio == by_id[f.flag].blocks_portfolio
                assert f.reason.en and f.reason.zh and f.label.en and f.label.zh


def test_the_rank_interval_is_the_monte_carlos(result: Result) -> None:
    smaa = monte_carlo(
        result.pm,
        result.weights,
        result.criteria.missing_policy,
        draws=200,
        top_k=10,
        seed=3,
        completeness_threshold=result.criteria.completeness_threshold,
    )
    table = smaa.table.set_index(smaa.table["project_id"].astype(str))
    for pid in _ids(result)[:10]:
        view = contribution(result, pid, smaa)
        ri = view.rank_interval
        assert ri is not None
        assert (ri.p05, ri.p50, ri.p95) == tuple(
            int(table.loc[pid, c]) for c in ("rank_p05", "rank_p50", "rank_p95")
        )
        assert ri.p05 <= ri.p50 <= ri.p95 and ri.rank == view.rank
        assert ri.top_k == 10 and ri.draws == 200
        assert contribution(result, pid).rank_interval is None


def test_a_project_that_is_not_ranked_is_refused(result: Result) -> None:
    with pytest.raises(KeyError):
        contribution(result, "no such project")


@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=9, max_size=9),
    st.integers(min_value=0, max_value=52),
)
def test_under_any_weights_the_parts_add_up_and_the_suggestion_holds(
    result: Result, dim_weights: list[int], which: int
) -> None:
    dims = [d.id for d in result.criteria.dimensions]
    weights = Weights(
        {d: float(w) for d, w in zip(dims, dim_weights, strict=False)}
        | {d: 1.0 for d in dims[len(dim_weights) :]},
        dict(result.weights.criteria),
    )
    again = pipeline.reweigh(result, weights)
    ids = _ids(again)
    pid = ids[which % len(ids)]
    view = contribution(again, pid)
    total = 0.0
    for c in view.criteria:
        total += c.contribution
    assert round(total, 2) == view.score
    nxt = view.next_tier
    if nxt.reachable and nxt.tier is not None:
        assert _better_or_equal(again, _tier_after(again, pid, nxt.raise_criteria), nxt.tier)


@pytest.mark.parametrize("policy", ["neutral", "renormalise"])
def test_every_missing_data_policy_keeps_the_identity_and_the_suggestion(result: Result, policy: str) -> None:
    criteria = result.criteria.model_copy(update={"missing_policy": policy})
    other = pipeline.run(SAMPLES / "sample_projects.xlsx", criteria=criteria)
    suggested = 0
    for pid in _ids(other):
        view = contribution(other, pid)
        total = 0.0
        for c in view.criteria:
            total += c.contribution
        assert round(total, 2) == view.score, pid
        nxt = view.next_tier
        if nxt.reachable and nxt.tier is not None:
            assert _better_or_equal(other, _tier_after(other, pid, nxt.raise_criteria), nxt.tier), pid
            suggested += 1
    assert suggested
