"""Issue 17: flip points for criterion weights (not only dimensions), each verified by re-scoring with
``weigh`` at the flip weight ± epsilon — in the top k just before the rounding band, out of it just after —
and the unrounded totals of the two projects equal at the flip itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sensitivity import make_pm, ranks_under

from screening.analysis.sensitivity import (
    _criterion_coefficients,
    criterion_flips,
    decompose,
    one_at_a_time,
    swept_criterion_weights,
)
from screening.stages.rank import order, ranks_of
from screening.stages.score import PointMatrix, Weights, weight_vectors

EPS = 1e-9


def raw_ranks(pm: PointMatrix, w: Weights, policy: str) -> dict[str, int]:
    """Ranks by the unrounded totals (flip points are their crossings), tie-breaks as stages.rank."""
    dec = decompose(pm, w, policy)
    total, comp = dec.totals(dec.base), dec.completeness(dec.base)
    return dict(zip(pm.project_ids, ranks_of(order(total, comp, pm.id_order)), strict=True))


def verify(pm: PointMatrix, w: Weights, flips, k: int, policy: str = "zero") -> tuple[int, int]:  # noqa: ANN001
    """Each top-k flip row: the two unrounded totals equal at the flip weight; by the unrounded totals the
    project is in the top k at the flip weight − ε and out at + ε (towards the sweep's direction); and,
    where no third project lies within a cent of it or crosses it in the band (so rounding involves only
    the pair, which does not cross back inside it), ``weigh``'s own
    ranks agree just outside the rounding band. Returns (rows checked, rows checked by weigh too)."""
    checked = rounded = 0
    for _, row in flips.dropna(subset=["topk_flip_rival"]).iterrows():
        crit, pid, t_f = row["criterion"], row["project_id"], row["topk_flip_weight"]
        up = row["direction"] == "up"
        eps = 1e-7 * row["total_weight"]
        if not (eps < t_f - eps and t_f + eps < row["total_weight"]):
            continue
        at = swept_criterion_weights(pm, w, crit, t_f)
        dec = decompose(pm, at, policy)
        raw = dec.totals(dec.base)
        i = list(pm.project_ids).index(pid)
        j = list(pm.project_ids).index(row["topk_flip_rival"])
        assert raw[i] == pytest.approx(raw[j], abs=1e-7), row.to_dict()
        near, far = (t_f - eps, t_f + eps) if up else (t_f + eps, t_f - eps)
        assert raw_ranks(pm, swept_criterion_weights(pm, w, crit, near), policy)[pid] <= k, row.to_dict()
        assert raw_ranks(pm, swept_criterion_weights(pm, w, crit, far), policy)[pid] > k, row.to_dict()
        checked += 1
        before = row["topk_band_from"] - EPS if up else row["topk_band_to"] + EPS
        after = row["topk_band_to"] + EPS if up else row["topk_band_from"] - EPS
        if not (0 < before < row["total_weight"] and 0 < after < row["total_weight"]):
            continue
        signs, pair = [], []
        lone = True
        for t in (before, after):  # no third project within a cent of it, nor crossing it in the band
            d = decompose(pm, swept_criterion_weights(pm, w, crit, t), policy)
            tot = d.totals(d.base)
            gap = np.delete(tot - tot[i], [i, j])
            lone &= bool((np.abs(gap) > 0.011).all())
            signs.append(np.sign(gap))
            pair.append(np.sign(tot[j] - tot[i]))
        lone &= bool((signs[0] == signs[1]).all()) and pair[0] != pair[1]  # the pair does not cross back
        if lone:
            assert ranks_under(pm, swept_criterion_weights(pm, w, crit, before), policy)[pid] <= k
            assert ranks_under(pm, swept_criterion_weights(pm, w, crit, after), policy)[pid] > k
            rounded += 1
    return checked, rounded


def test_hand_example() -> None:
    """One dimension of two criteria x, y (weights 3, 1): A = (90, 50) → 80, B = (60, 81) → 65.25; with x at
    t and y at 4 − t, A = B where 90t + 50(4 − t) = 60t + 81(4 − t), t = 124/61."""
    pm = PointMatrix(
        np.array(["A", "B", "C"]),
        ["x", "y", "z"],
        ["d1", "d1", "d2"],
        np.array([[90.0, 50.0, 50.0], [60.0, 81.0, 50.0], [10.0, 10.0, 10.0]]),
        np.ones((3, 3), bool),
        np.array(["standard"] * 3),
    )
    w = Weights({"d1": 50.0, "d2": 50.0}, {"x": 3.0, "y": 1.0, "z": 1.0})
    flips = criterion_flips(pm, w, top_k=1)
    assert set(flips["criterion"]) == {"x", "y"}  # z is alone in d2: nothing to rescale
    row = flips[(flips["criterion"] == "x") & (flips["direction"] == "down")].iloc[0]
    assert (row["project_id"], row["dimension"], row["topk_flip_rival"]) == ("A", "d1", "B")
    assert row["topk_flip_weight"] == pytest.approx(124 / 61, rel=1e-12)
    assert row["total_weight"] == 4.0 and row["weight"] == 3.0
    assert ranks_under(pm, swept_criterion_weights(pm, w, "x", row["topk_band_to"] + EPS))["A"] == 1
    assert ranks_under(pm, swept_criterion_weights(pm, w, "x", row["topk_band_from"] - EPS))["A"] == 2
    up = flips[(flips["criterion"] == "x") & (flips["direction"] == "up")].iloc[0]
    assert np.isnan(up["topk_flip_weight"])  # more weight on x only helps A
    assert verify(pm, w, flips, 1) == (2, 2)  # x down and y up, each checked by weigh too


def test_swept_criterion_weights_keep_the_dimension_sum_and_the_rest() -> None:
    pm, w = make_pm(10, 1)
    moved = swept_criterion_weights(pm, w, "c1", 0.5)
    same = [c for c, d in zip(pm.criterion_ids, pm.dimension_of, strict=True) if d == "d0"]
    assert sum(moved.criteria[c] for c in same) == pytest.approx(sum(w.criteria[c] for c in same))
    assert moved.criteria["c1"] == 0.5 and moved.dimensions == w.dimensions
    assert all(moved.criteria[c] == w.criteria[c] for c in pm.criterion_ids if c not in same)
    with pytest.raises(ValueError, match="outside"):
        swept_criterion_weights(pm, w, "c1", 1e6)


@pytest.mark.parametrize("policy", ["zero", "neutral", "renormalise"])
def test_coefficients_give_the_current_totals(policy: str) -> None:
    pm, w = make_pm(40, 11)
    dec = decompose(pm, w, policy)
    base = dec.totals(dec.base)
    cw, _ = weight_vectors(pm, w)
    for j in range(len(pm.criterion_ids)):
        a, b, p, q = _criterion_coefficients(dec, pm, w, policy, j)
        np.testing.assert_allclose((a * cw[j] + b) / (p * cw[j] + q), base, atol=1e-9)
        moved = swept_criterion_weights(pm, w, pm.criterion_ids[j], 0.3 * cw[j] + 0.1)
        s = moved.criteria[pm.criterion_ids[j]] * (cw[dec.dim_index == dec.dim_index[j]].sum() - cw[j])
        s /= (
            sum(
                moved.criteria[c]
                for c, d in zip(pm.criterion_ids, pm.dimension_of, strict=True)
                if d == pm.dimension_of[j] and c != pm.criterion_ids[j]
            )
            or 1.0
        )
        want = decompose(pm, moved, policy)
        np.testing.assert_allclose((a * s + b) / (p * s + q), want.totals(want.base), atol=1e-7)


@pytest.mark.parametrize("policy", ["zero", "neutral", "renormalise"])
def test_criterion_flips_rescored_with_weigh(policy: str) -> None:
    checked = rounded = 0
    for seed in range(6):
        pm, w = make_pm(25, 300 + seed, nan_share=0.1)
        flips = criterion_flips(pm, w, policy, top_k=3)
        assert set(flips["direction"]) <= {"up", "down"}
        assert flips["criterion"].isin(pm.criterion_ids).all()
        c, r = verify(pm, w, flips, 3, policy)
        checked, rounded = checked + c, rounded + r
    assert checked >= 10 and rounded >= 5


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5), st.sampled_from(["zero", "neutral", "renormalise"]))
def test_every_criterion_flip_holds_under_weigh(seed: int, k: int, policy: str) -> None:
    pm, w = make_pm(15, seed, nan_share=0.2)
    verify(pm, w, criterion_flips(pm, w, policy, top_k=k), k, policy)


def test_the_dimension_api_is_unchanged() -> None:
    pm, w = make_pm(30, 2)
    flips = one_at_a_time(pm, w, top_k=3)
    assert "criterion" not in flips.columns and list(flips.columns)[:3] == ["project_id", "rank", "dimension"]
