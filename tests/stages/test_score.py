"""Engine: fixed anchors, weights, missing-data policies, tiers, re-weighting from the point matrix."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
from conftest import BASE_RECORD

from screening.criteria.loader import load_criteria_bytes
from screening.pipeline import reweigh, run
from screening.report import rationale_of
from screening.stages.score import Weights

CRIT = textwrap.dedent("""
    id: engine-test
    version: "1"
    title: {zh: 测试, en: Test}
    missing_policy: {policy}
    sources: {p: {cite: paper}}
    tracks:
      - {id: small_and_beautiful, label: {zh: 小而美, en: SB}, when: {field: total_investment_usd_m, le: 50}}
      - {id: standard, label: {zh: 常规, en: Standard}}
    dimensions:
      - id: social
        label: {zh: 社会, en: Social}
        weight: 3
        criteria:
          - id: jobs
            label: {zh: 就业, en: Jobs}
            scorer: {kind: linear, field: local_jobs, anchors: [[0, 0], [1000, 100]]}
            source: p
          - id: trainees
            label: {zh: 培训, en: Trainees}
            weight: 1
            tracks: [small_and_beautiful]
            scorer: {kind: steps, field: trainees, steps: [[10, 50], [100, 100]]}
            source: p
      - id: gov
        label: {zh: 治理, en: Governance}
        weight: 1
        criteria:
          - id: procurement
            label: {zh: 采购, en: Procurement}
            scorer: {kind: map, field: open_procurement, map: {"true": 100, "false": 0}}
            source: p
    tiers:
      - {id: priority, min_score: 75, label: {zh: 优先, en: P}}
      - {id: deferred, min_score: 0, label: {zh: 暂缓, en: D}}
""")


def crit(policy: str = "zero"):
    return load_criteria_bytes(CRIT.replace("{policy}", policy).encode(), "engine.yaml")


def rec(pid: str, **kw):
    return {**BASE_RECORD, "project_id": pid, **kw}


def score_of(result, pid):
    return result.ranked.set_index("project_id").loc[pid]


def test_weighted_sum_on_fixed_anchors(xlsx):
    r = run(
        xlsx([rec("A", total_investment_usd_m=200, local_jobs=500, open_procurement="yes")]), criteria=crit()
    )
    a = score_of(r, "A")
    # standard track: trainees not applicable; social = jobs 50; gov = 100; total = (3*50 + 1*100)/4
    assert a["score"] == pytest.approx(62.5)
    assert a["dim_social"] == 50 and a["dim_gov"] == 100 and a["completeness"] == 1


def test_track_specific_criterion_applies_only_to_its_track(xlsx):
    r = run(
        xlsx([rec("S", total_investment_usd_m=10, local_jobs=500, trainees=100, open_procurement="yes")]),
        criteria=crit(),
    )
    s = score_of(r, "S")
    assert s["track"] == "small_and_beautiful"
    assert s["dim_social"] == 75  # (50 + 100) / 2
    assert s["score"] == pytest.approx((3 * 75 + 100) / 4)


def test_missing_policies(xlsx):
    path = xlsx([rec("M", total_investment_usd_m=200, local_jobs=1000)])  # procurement blank
    zero, neutral, renorm = (
        score_of(run(path, criteria=crit(p)), "M") for p in ("zero", "neutral", "renormalise")
    )
    assert zero["score"] == 75 and zero["completeness"] == 0.75
    assert neutral["score"] == pytest.approx(75 + 12.5)
    assert renorm["score"] == 100
    assert zero["tier"] == "priority"


def test_insufficient_data_below_half_completeness(xlsx):
    r = run(xlsx([rec("T", total_investment_usd_m=200, open_procurement="yes")]), criteria=crit())
    t = score_of(r, "T")
    assert t["completeness"] == 0.25 and t["tier"] == "insufficient_data"


def test_not_assessed_is_explained_not_silent(xlsx):
    r = run(xlsx([rec("M", total_investment_usd_m=200, local_jobs=1000)]), criteria=crit())
    rat = rationale_of(r).set_index("criterion")
    assert rat.loc["procurement", "status"] == "not_assessed"
    assert (
        "not assessed" in rat.loc["procurement", "reason_en"]
        and "未评估" in rat.loc["procurement", "reason_zh"]
    )
    assert rat.loc["trainees", "status"] == "not_applicable"
    assert rat.loc["jobs", "points"] == 100 and rat.loc["jobs", "contribution"] == pytest.approx(75)
    assert rat["contribution"].sum() == pytest.approx(score_of(r, "M")["score"])


def test_reweigh_matches_a_fresh_run_with_those_weights(xlsx):
    rows = [
        rec(
            f"P{i}",
            total_investment_usd_m=20 + 30 * i,
            local_jobs=100 * i,
            trainees=7 * i,
            open_procurement="yes" if i % 2 else "no",
        )
        for i in range(12)
    ]
    path = xlsx(rows)
    base = run(path, criteria=crit())
    new = reweigh(base, Weights({"social": 1, "gov": 4}, {"jobs": 1, "trainees": 3, "procurement": 1}))
    fresh = run(path, criteria=crit().with_weights({"social": 1, "gov": 4}, {"trainees": 3}))
    a = new.ranked[["project_id", "score", "rank", "tier"]].reset_index(drop=True)
    b = fresh.ranked[["project_id", "score", "rank", "tier"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_ties_broken_by_completeness_then_project_id(xlsx):
    r = run(
        xlsx(
            [
                rec("B", total_investment_usd_m=200, local_jobs=0, open_procurement="no"),
                rec("A", total_investment_usd_m=200, local_jobs=0, open_procurement="no"),
                rec("C", total_investment_usd_m=200, local_jobs=0),
            ]
        ),
        criteria=crit(),
    )
    assert r.ranked["project_id"].tolist() == ["A", "B", "C"]
    assert np.all(r.ranked["score"].to_numpy() == 0)


def test_reweigh_breaks_ties_by_project_id_text_beyond_ten_projects(xlsx):
    # Twelve identical projects: only the project_id tie-break orders them, and positions 10 and 11 must not
    # sort as the text "10" < "2".
    ids = [f"P{i:02d}" for i in range(12)]
    path = xlsx(
        [rec(pid, total_investment_usd_m=200, local_jobs=300, open_procurement="yes") for pid in ids[::-1]]
    )
    new = reweigh(
        run(path, criteria=crit()),
        Weights({"social": 2, "gov": 1}, {"jobs": 1, "trainees": 1, "procurement": 1}),
    )
    assert new.ranked["project_id"].tolist() == ids
    assert new.ranked["rank"].tolist() == list(range(1, 13))


def _reference_weigh(points, applicable, dim_index, w, big_w, policy):
    """weigh() as first written, straight from its docstring: every share computed in place for every row."""
    n, m = points.shape
    assessed = ~np.isnan(points) & applicable
    counts = assessed if policy == "renormalise" else applicable

    def shares(counts):
        crit_w = counts * w
        dim_sum = np.zeros((n, len(big_w)))
        for j in range(m):
            dim_sum[:, dim_index[j]] += crit_w[:, j]
        active_w = np.zeros(n)
        for k in range(len(big_w)):
            active_w += np.where(dim_sum[:, k] > 0, big_w[k], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(crit_w > 0, crit_w / dim_sum[:, dim_index], 0.0)
            dim_share = np.where(active_w[:, None] > 0, big_w[None, :] / active_w[:, None], 0.0)
        return share, share * dim_share[:, dim_index]

    share, eff = shares(counts)
    base = shares(applicable)[1] if policy == "renormalise" else eff
    filled = np.where(assessed, points, 50.0 if policy == "neutral" else 0.0)
    total, completeness = np.zeros(n), np.zeros(n)
    for j in range(m):
        total += eff[:, j] * filled[:, j]
        completeness += np.where(assessed[:, j], base[:, j], 0.0)
    dims = np.full((n, len(big_w)), np.nan)
    for k in range(len(big_w)):
        num, den = np.zeros(n), np.zeros(n)
        for j in np.flatnonzero(dim_index == k):
            num += share[:, j] * filled[:, j]
            den += share[:, j]
        dims[:, k] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return np.round(total + 0.0, 2), np.clip(np.round(completeness, 6), 0, 1), eff, np.round(dims, 2)


@pytest.mark.parametrize("policy", ["zero", "neutral", "renormalise"])
@pytest.mark.parametrize("seed", range(4))
def test_weigh_equals_a_row_by_row_reference_bit_for_bit(policy, seed):
    from screening.stages.score import PointMatrix, weigh

    rng = np.random.default_rng(seed)
    n, dim_of = 80, ["a", "a", "b", "c", "c", "c", "b", "a"]
    m = len(dim_of)
    tracks = rng.choice(["s", "t", "u"], n)
    applicable = np.column_stack([tracks != "s" if j in (1, 5) else np.ones(n, bool) for j in range(m)])
    points = np.round(rng.uniform(0, 100, (n, m)), rng.integers(0, 3))
    points[rng.random((n, m)) < 0.3] = np.nan
    points[~applicable] = np.nan
    pm = PointMatrix(
        np.array([f"P{i}" for i in range(n)]), [f"c{j}" for j in range(m)], dim_of, points, applicable, tracks
    )
    weights = Weights(
        {"a": rng.uniform(0.1, 5), "b": rng.uniform(0.1, 5), "c": 0.0 if seed == 3 else 2.0},
        {f"c{j}": float(rng.uniform(0, 3)) for j in range(m)},
    )
    got = weigh(pm, weights, policy)
    dim_index = np.array([["a", "b", "c"].index(d) for d in dim_of])
    w = np.array([weights.criteria[f"c{j}"] for j in range(m)])
    big_w = np.array([weights.dimensions[d] for d in "abc"])
    for i in range(n):  # each row on its own: the figures must not depend on the other rows
        total, completeness, eff, dims = _reference_weigh(
            points[i : i + 1], applicable[i : i + 1], dim_index, w, big_w, policy
        )
        assert got.total[i] == total[0] and got.completeness[i] == completeness[0]
        np.testing.assert_array_equal(got.effective_weight[i], eff[0])
        np.testing.assert_array_equal(got.dimension_scores.to_numpy()[i], dims[0])
        np.testing.assert_array_equal(
            got.contributions[i],
            eff[0] * np.where(np.isnan(points[i]), 50.0 if policy == "neutral" else 0.0, points[i]),
        )


@pytest.mark.parametrize("policy", ["zero", "renormalise"])
def test_criterion_shares_are_weighs_effective_weights(policy):
    """The public parts of weigh (used by the sensitivity analyses) give weigh's shares, row by row."""
    from screening.stages.score import PointMatrix, criterion_shares, dimension_sums, weigh, weight_vectors

    rng = np.random.default_rng(5)
    n, dim_of = 50, ["a", "b", "a", "c", "c"]
    tracks = rng.choice(["s", "t"], n)
    applicable = np.column_stack([tracks != "s" if j == 3 else np.ones(n, bool) for j in range(len(dim_of))])
    points = np.where(rng.random((n, 5)) < 0.3, np.nan, np.round(rng.uniform(0, 100, (n, 5)), 1))
    points[~applicable] = np.nan
    pm = PointMatrix(
        np.array([f"P{i}" for i in range(n)]), [f"c{j}" for j in range(5)], dim_of, points, applicable, tracks
    )
    weights = Weights({"a": 2.0, "b": 0.0, "c": 1.5}, {f"c{j}": float(j % 3) for j in range(5)})
    s = weigh(pm, weights, policy)
    w, big_w = weight_vectors(pm, weights)
    dims, dim_index = pm.dimension_layout
    share, eff = criterion_shares(
        pm.assessed if policy == "renormalise" else pm.applicable, w, big_w, dim_index
    )
    np.testing.assert_array_equal(eff, s.effective_weight)
    num = dimension_sums(share, dim_index, len(dims), pm.filled(0.0))
    den = dimension_sums(share, dim_index, len(dims))
    want = np.round(np.where(den > 0, num / np.where(den > 0, den, 1), np.nan), 2)
    np.testing.assert_array_equal(want, s.dimension_scores.to_numpy())
