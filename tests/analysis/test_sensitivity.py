"""Weight sensitivity: decomposition equals weigh, exact flip points re-scored with weigh, seeded Monte Carlo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from screening.analysis.sensitivity import (
    decompose,
    draw_ranks,
    draw_weights,
    monte_carlo,
    one_at_a_time,
    smallest_change,
    sweep_curves,
    swept_weights,
)
from screening.stages.rank import order, ranks_of
from screening.stages.score import PointMatrix, Weights, weigh

TRACKS = np.array(["flagship", "small_and_beautiful", "standard"])


def make_pm(
    n: int, seed: int, *, dims: int = 4, per_dim: int = 3, nan_share: float = 0.15, decimals: int = 1
) -> tuple[PointMatrix, Weights]:
    """Random point matrix with a track-only dimension, a criterion not applicable to one track and blanks."""
    rng = np.random.default_rng(seed)
    m = dims * per_dim
    dim_of = [f"d{k}" for k in range(dims) for _ in range(per_dim)]
    crit = [f"c{j}" for j in range(m)]
    tracks = TRACKS[rng.integers(0, 3, n)]
    app = np.ones((n, m), dtype=bool)
    app[:, per_dim * (dims - 1) :] = (tracks == "small_and_beautiful")[
        :, None
    ]  # dimension only for one track
    app[:, 0] = tracks != "small_and_beautiful"
    pts = np.round(rng.uniform(0, 100, (n, m)), decimals)
    pts[rng.random((n, m)) < nan_share] = np.nan
    pts = np.where(app, pts, np.nan)
    pm = PointMatrix(np.array([f"P{i:03d}" for i in range(n)]), crit, dim_of, pts, app, tracks)
    w = Weights(
        {f"d{k}": float(rng.integers(5, 30)) for k in range(dims)},
        {c: float(rng.integers(1, 4)) for c in crit},
    )
    return pm, w


def ranks_under(pm: PointMatrix, w: Weights, policy: str = "zero") -> dict[str, int]:
    s = weigh(pm, w, policy)
    return dict(zip(pm.project_ids, ranks_of(order(s.total, s.completeness, pm.id_order)), strict=True))


@pytest.mark.parametrize("policy", ["zero", "neutral", "renormalise"])
def test_decomposition_reproduces_weigh(policy):
    for seed in range(5):
        pm, w = make_pm(200, seed)
        dec = decompose(pm, w, policy)
        rng = np.random.default_rng(seed)
        for _ in range(20):
            raw = rng.dirichlet(np.ones(len(dec.dimensions))) * 100
            raw[rng.random(len(raw)) < 0.2] = 0.0  # some dimensions switched off
            ww = Weights(dict(zip(dec.dimensions, raw, strict=True)), w.criteria)
            s = weigh(pm, ww, policy)
            total, comp = dec.scores(raw)
            np.testing.assert_array_equal(total, s.total)
            np.testing.assert_array_equal(comp, s.completeness)


@pytest.mark.parametrize("policy", ["zero", "neutral", "renormalise"])
def test_exact_equals_weigh_bit_for_bit(policy):
    """Decomposition.exact (the recomputation near half-cents) is weigh's own arithmetic, for every project."""
    for seed in range(4):
        pm, w = make_pm(150, 20 + seed, decimals=seed % 2)
        dec = decompose(pm, w, policy)
        rng = np.random.default_rng(seed)
        everyone = np.arange(dec.n)
        for _ in range(10):
            raw = rng.dirichlet(np.ones(len(dec.dimensions))) * 100
            raw[rng.random(len(raw)) < 0.2] = 0.0
            s = weigh(pm, Weights(dict(zip(dec.dimensions, raw, strict=True)), w.criteria), policy)
            unrounded = np.zeros(dec.n)
            for j in range(s.contributions.shape[1]):  # weigh's total before rounding, in its order
                unrounded += s.contributions[:, j]
            rows = np.tile(raw, (dec.n, 1))
            np.testing.assert_array_equal(dec.exact(rows, everyone, "total"), unrounded + 0.0)
            np.testing.assert_array_equal(np.round(dec.exact(rows, everyone, "total"), 2), s.total)
            c = dec.exact(rows, everyone, "completeness")
            np.testing.assert_array_equal(np.clip(np.round(c, 6), 0, 1), s.completeness)


def test_sensitivity_ranks_match_rank_module():
    from screening.stages.rank import rank

    pm, w = make_pm(300, 3, decimals=0, nan_share=0.4)  # many ties
    s = weigh(pm, w)
    frame = pd.DataFrame(
        {"project_id": pm.project_ids, "score": s.total, "completeness": s.completeness, "track": pm.tracks}
    )
    ranked = rank(frame).set_index("project_id")["rank"].loc[pm.project_ids].tolist()
    dec = decompose(pm, w)
    assert draw_ranks(pm, w, dec.base)[0].tolist() == ranked  # the Monte Carlo fast path
    smaa = monte_carlo(pm, w, draws=5, seed=0).table.set_index("project_id")["rank"]
    assert smaa.loc[pm.project_ids].tolist() == ranked


# Coarse points (0/50/100 or blank), few criteria and ids out of text order: ties in score, in completeness
# and in both are common, so every part of the fast path's sort key is exercised.
@given(
    n=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    nan_share=st.sampled_from([0.0, 0.3, 0.7]),
    policy=st.sampled_from(["zero", "neutral", "renormalise"]),
    draws=st.integers(1, 6),
)
def test_fast_ranker_equals_rank_order_with_ties(n, seed, nan_share, policy, draws):
    rng = np.random.default_rng(seed)
    dims = int(rng.integers(1, 4))
    dim_of = [f"d{k}" for k in range(dims) for _ in range(int(rng.integers(1, 3)))]
    m = len(dim_of)
    tracks = rng.choice(TRACKS[:2], n)
    app = np.ones((n, m), dtype=bool)
    app[:, -1] = tracks == TRACKS[0]  # the last criterion applies to one track only
    pts = rng.choice([0.0, 50.0, 100.0], (n, m))
    pts[(rng.random((n, m)) < nan_share) | ~app] = np.nan
    ids = rng.permutation([str(i) for i in range(n)])  # "10" sorts before "9"
    pm = PointMatrix(ids, [f"c{j}" for j in range(m)], dim_of, pts, app, tracks)
    w = Weights(
        {f"d{k}": float(rng.integers(0, 5)) for k in range(dims)},
        {f"c{j}": float(rng.integers(1, 3)) for j in range(m)},
    )
    if not any(w.dimensions.values()):
        w = Weights({**w.dimensions, "d0": 1.0}, w.criteria)
    dec = decompose(pm, w, policy)
    wd = np.vstack([dec.base, draw_weights(dec.base, draws, concentration=2.0, seed=seed % 1000)])
    wd[1::2] = np.round(wd[1::2])  # whole weights: totals on half-cents happen
    got = draw_ranks(pm, w, wd, policy)
    for b in range(len(wd)):
        s = weigh(pm, Weights(dict(zip(dec.dimensions, wd[b], strict=True)), w.criteria), policy)
        assert got[b].tolist() == ranks_of(order(s.total, s.completeness, pm.id_order)).tolist()


@pytest.mark.parametrize("policy", ["zero", "renormalise"])
def test_monte_carlo_ranks_equal_weigh_each_draw(policy):
    pm, w = make_pm(400, 11, decimals=0, nan_share=0.3)
    dec = decompose(pm, w, policy)
    wd = draw_weights(dec.base, 40, concentration=5.0, seed=4)
    got = draw_ranks(pm, w, wd, policy)
    for b in range(len(wd)):
        ww = Weights(dict(zip(dec.dimensions, wd[b], strict=True)), w.criteria)
        want = ranks_under(pm, ww, policy)
        assert got[b].tolist() == [want[p] for p in pm.project_ids]


def test_inactive_dimension_leaves_total_unchanged():
    """A project whose track has no criterion in a dimension keeps its total when that weight moves."""
    pm, w = make_pm(60, 5, nan_share=0.0)
    dim = "d3"  # only small_and_beautiful has criteria here
    others = pm.tracks != "small_and_beautiful"
    base = weigh(pm, w).total
    for t in (0.0, 5.0, 40.0, 60.0):
        moved = weigh(pm, swept_weights(w, dim, t)).total
        np.testing.assert_allclose(moved[others], base[others], atol=0.011)


def test_flip_point_hand_example():
    """Two dimensions, all active: A = (90, 50), B = (60, 80); weights 50/50. A leads (70 vs 70? no: 70 / 70)."""
    pts = np.array([[90.0, 50.0], [60.0, 81.0], [10.0, 10.0]])
    pm = PointMatrix(
        np.array(["A", "B", "C"]),
        ["x", "y"],
        ["dx", "dy"],
        pts,
        np.ones((3, 2), bool),
        np.array(["standard"] * 3),
    )
    w = Weights({"dx": 60.0, "dy": 40.0}, {"x": 1.0, "y": 1.0})
    # totals: A = 0.6·90 + 0.4·50 = 74, B = 0.6·60 + 0.4·81 = 68.4; they cross where
    # t·90 + (100−t)·50 = t·60 + (100−t)·81  →  t = 3100/61
    flips = one_at_a_time(pm, w, top_k=1)
    row = flips[(flips["dimension"] == "dx") & (flips["direction"] == "down")].iloc[0]
    assert row["project_id"] == "A"
    assert row["topk_flip_weight"] == pytest.approx(3100 / 61, rel=1e-12)
    assert row["topk_flip_rival"] == "B"
    assert ranks_under(pm, swept_weights(w, "dx", row["topk_band_to"] + 1e-9))["A"] == 1
    assert ranks_under(pm, swept_weights(w, "dx", row["topk_band_from"] - 1e-9))["A"] == 2
    up = flips[(flips["dimension"] == "dx") & (flips["direction"] == "up")].iloc[0]
    assert np.isnan(up["topk_flip_weight"])  # more weight on dx only helps A


def _verify_rows(pm, w, flips, k, policy="zero"):
    checked = 0
    for _, row in flips.dropna(subset=["topk_flip_rival"]).iterrows():
        before = row["topk_band_from"] - 1e-9 if row["direction"] == "up" else row["topk_band_to"] + 1e-9
        after = row["topk_band_to"] + 1e-9 if row["direction"] == "up" else row["topk_band_from"] - 1e-9
        if not (0 <= before < row["total_weight"] and 0 <= after < row["total_weight"]):
            continue
        # exact crossing of the unrounded totals
        dec = decompose(pm, w, policy)
        t = row["topk_flip_weight"]
        sw = swept_weights(w, row["dimension"], t)
        tot = dec.totals(np.array([sw.dimensions[d] for d in dec.dimensions]))
        i = list(pm.project_ids).index(row["project_id"])
        j = list(pm.project_ids).index(row["topk_flip_rival"])
        assert tot[i] == pytest.approx(tot[j], abs=1e-9)
        # re-scored with weigh: in the top k before the rounding band, out of it after
        assert ranks_under(pm, swept_weights(w, row["dimension"], before), policy)[row["project_id"]] <= k
        assert ranks_under(pm, swept_weights(w, row["dimension"], after), policy)[row["project_id"]] > k
        checked += 1
    return checked


def test_flip_points_rescored_with_weigh_random():
    checked = 0
    for seed in range(6):
        pm, w = make_pm(25, 100 + seed, nan_share=0.1)
        flips = one_at_a_time(pm, w, top_k=3)
        assert set(flips["direction"]) <= {"up", "down"}
        checked += _verify_rows(pm, w, flips, 3)
    assert checked >= 10


def test_smallest_change_changes_top_k():
    pm, w = make_pm(40, 7)
    k = 4
    flips = one_at_a_time(pm, w, top_k=k)
    best = smallest_change(flips)
    assert best is not None
    live = flips.dropna(subset=["topk_flip_weight"])
    assert best["change"] == pytest.approx(live["topk_change"].abs().min())
    assert best["l1"] == pytest.approx(2 * best["change"] / sum(w.dimensions.values()))
    base_top = {p for p, r in ranks_under(pm, w).items() if r <= k}
    row = live.loc[live["topk_change"].abs().idxmin()]
    beyond = row["topk_band_to"] + 1e-9 if row["direction"] == "up" else row["topk_band_from"] - 1e-9
    new_top = {p for p, r in ranks_under(pm, swept_weights(w, best["dimension"], beyond)).items() if r <= k}
    assert new_top != base_top
    assert best["leaves"] in base_top - new_top
    # a smaller move in the same direction keeps the top k
    halfway = best["weight"] + (best["new_weight"] - best["weight"]) / 2
    assert {
        p for p, r in ranks_under(pm, swept_weights(w, best["dimension"], halfway)).items() if r <= k
    } == base_top


def test_monte_carlo_reproducible_with_seed():
    pm, w = make_pm(500, 2)
    a = monte_carlo(pm, w, draws=600, top_k=10, seed=42)
    b = monte_carlo(pm, w, draws=600, top_k=10, seed=42, chunk_cells=5_000, workers=1)
    pd.testing.assert_frame_equal(a.table, b.table)
    c = monte_carlo(pm, w, draws=600, top_k=10, seed=43)
    assert not a.table.equals(c.table)
    t = a.table
    assert len(t) == 500 and set(t["label"]) <= {"stable", "sensitive"}
    assert (t["rank_min"] <= t["rank_p05"]).all() and (t["rank_p05"] <= t["rank_p50"]).all()
    assert (t["rank_p50"] <= t["rank_p95"]).all() and (t["rank_p95"] <= t["rank_max"]).all()
    assert t["p_top_k"].sum() == pytest.approx(10.0)
    assert t["p_first"].sum() == pytest.approx(1.0)
    assert a.percentile_draws == 600


def test_monte_carlo_bounded_percentile_sample():
    pm, w = make_pm(300, 9)
    full = monte_carlo(pm, w, draws=400, seed=1)
    small = monte_carlo(pm, w, draws=400, seed=1, rank_sample_bytes=300 * 2 * 50)
    assert small.percentile_draws == 50
    # counters over all draws do not depend on the percentile sample
    for col in ("p_top_k", "p_first", "rank_min", "rank_max", "rank_mean"):
        pd.testing.assert_series_equal(full.table[col], small.table[col])


def test_label_rule():
    pm, w = make_pm(80, 4)
    sure = monte_carlo(pm, w, draws=200, seed=0, concentration=1e9)
    assert (sure.table["label"] == "stable").all()
    loose = monte_carlo(pm, w, draws=400, seed=0, concentration=2.0)
    t = loose.table
    rule = ((t["p_top_k"] >= 0.95) | (t["p_top_k"] <= 0.05)) & (
        (t["rank_p95"] - t["rank_p05"]) <= np.maximum(2, 0.2 * t["rank"])
    )
    assert (t["label"] == np.where(rule, "stable", "sensitive")).all()
    assert (t["label"] == "sensitive").any()


def test_sweep_curves_match_weigh():
    pm, w = make_pm(30, 8)
    curves = sweep_curves(pm, w, dimension="d1", steps=11)
    assert len(curves) == 11 * 30
    at = curves[curves["weight"] == curves["weight"].unique()[4]]
    t = float(at["weight"].iloc[0])
    s = weigh(pm, swept_weights(w, "d1", t))
    np.testing.assert_array_equal(at["score"].to_numpy(), s.total)


def test_on_sample_workbook():
    from screening.pipeline import run

    r = run(SAMPLES / "sample_projects.xlsx")
    k = 5
    policy = r.criteria.missing_policy
    flips = one_at_a_time(r.pm, r.weights, policy, top_k=k)
    assert set(flips["project_id"]) == set(r.ranked["project_id"].head(k))
    assert _verify_rows(r.pm, r.weights, flips, k, policy) >= 1
    smaa = monte_carlo(r.pm, r.weights, policy, draws=500, top_k=k, seed=7)
    assert smaa.table["project_id"].tolist() == r.ranked["project_id"].tolist()
    assert smaa.table["rank"].tolist() == r.ranked["rank"].tolist()
    again = monte_carlo(r.pm, r.weights, policy, draws=500, top_k=k, seed=7)
    pd.testing.assert_frame_equal(smaa.table, again.table)
