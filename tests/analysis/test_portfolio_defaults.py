"""Issue 12, portfolio defaults that follow the screening: the default eligibility (top two tiers, never
insufficient_data, never a ``blocks_portfolio`` flag), widening it and saying so, the Σ score × cost objective
(one strong flagship beats several cheap projects of equal score), exactness against brute force on random
instances (hypothesis), and the track mix."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from screening.analysis.portfolio import (
    PortfolioConstraints,
    _integer_weights,
    blocking_flag_ids,
    eligibility,
    optimise,
    value_for_money,
)
from screening.analysis.sheets import portfolio_sheet
from screening.criteria.models import CriteriaSet


def with_blocking(criteria: CriteriaSet, flag_ids: list[str]) -> CriteriaSet:
    """The criteria set with ``blocks_portfolio`` set on the named flags (and only on them)."""
    flags = [f.model_copy(update={"blocks_portfolio": f.id in flag_ids}) for f in criteria.flags]
    return criteria.model_copy(update={"flags": flags})


def some_flag(criteria: CriteriaSet, n: int = 0) -> str:
    """A flag id of the criteria set, taken from it (never a hard-coded criteria item)."""
    return [f.id for f in criteria.flags if f.when is not None][n]


def ranked_frame(criteria: CriteriaSet) -> pd.DataFrame:
    """One project per tier of the criteria set and one with insufficient data, plus a top-tier project with
    the first flag and one with the second; all cheap, all of the same score."""
    tiers = [t.id for t in criteria.tiers]
    first, second = some_flag(criteria, 0), some_flag(criteria, 1)
    rows = [(f"T-{t}", t, "") for t in tiers]
    rows += [("T-insufficient", "insufficient_data", ""), ("F-1", tiers[0], first), ("F-2", tiers[1], second)]
    frame = pd.DataFrame(rows, columns=["project_id", "tier", "flags"])
    frame["score"] = 70.0
    frame["total_investment_usd_m"] = 10.0
    frame["track"] = "standard"
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


# ------------------------------------------------------------------------------------------- eligibility


def test_default_eligibility_is_the_top_two_tiers_without_blocking_flags(default_criteria):
    first = some_flag(default_criteria, 0)
    cs = with_blocking(default_criteria, [first])
    frame = ranked_frame(cs)
    p = optimise(frame, PortfolioConstraints(budget=1e6), criteria=cs)
    top_two = [t.id for t in cs.tiers[:2]]
    assert top_two == ["priority", "recommended"]
    # the second flag does not block: its project stays; the first one's project is left out
    assert set(p.chosen["project_id"]) == {f"T-{t}" for t in top_two} | {"F-2"}
    assert set(p.chosen["tier"]) <= set(top_two)
    e = p.eligibility
    assert e is not None and not e.widened
    assert e.tiers == tuple(top_two) and e.blocking_flags == (first,)
    assert (e.ranked, e.eligible) == (len(frame), 3)
    assert e.left_out_by_tier == len(cs.tiers) - 2 + 1  # conditional, deferred, insufficient_data
    assert e.left_out_by_blocking_flag == 1
    said = e.describe()
    assert said.en.startswith("Eligibility (the default") and said.zh.startswith("候选范围（默认")
    assert first in said.en and first in said.zh


def test_without_criteria_the_schema_tiers_apply_and_no_flag_blocks(default_criteria):
    frame = ranked_frame(default_criteria)
    p = optimise(frame, PortfolioConstraints(budget=1e6))
    assert set(p.chosen["tier"]) == {"priority", "recommended"}
    assert {"F-1", "F-2"} <= set(p.chosen["project_id"])
    assert p.eligibility is not None and p.eligibility.blocking_flags == ()


def test_blocking_flags_come_from_the_criteria(default_criteria):
    chosen = [some_flag(default_criteria, 2), some_flag(default_criteria, 3)]
    assert blocking_flag_ids(with_blocking(default_criteria, chosen)) == chosen
    assert blocking_flag_ids(with_blocking(default_criteria, [])) == []
    assert blocking_flag_ids(None) == []


def test_widening_adds_tiers_and_lifts_flags_and_is_said(default_criteria):
    first = some_flag(default_criteria, 0)
    cs = with_blocking(default_criteria, [first])
    frame = ranked_frame(cs)
    wide = PortfolioConstraints(budget=1e6, include_tiers=["conditional"], allow_flags=[first])
    p = optimise(frame, wide, criteria=cs)
    assert set(p.chosen["project_id"]) == {"T-priority", "T-recommended", "T-conditional", "F-1", "F-2"}
    e = p.eligibility
    assert e is not None and e.widened
    assert e.added_tiers == ("conditional",) and e.allowed_flags == (first,) and e.blocking_flags == ()
    said = e.describe()
    assert said.en.startswith("Eligibility widened") and "conditional" in said.en and first in said.en
    assert said.zh.startswith("候选范围已放宽") and "conditional" in said.zh
    rows = dict(zip(*p.constraints_frame().T.to_numpy(), strict=True))
    assert rows["eligibility_widened"] is True
    assert rows["eligible_tiers"] == "priority, recommended, conditional"
    assert rows["default_eligible_tiers"] == "priority, recommended"
    assert rows["allow_flags"] == first and rows["include_tiers"] == "conditional"
    assert "Eligibility widened" in rows["eligibility"] and "候选范围已放宽" in rows["eligibility"]
    # insufficient data too, only when asked for
    q = optimise(frame, PortfolioConstraints(budget=1e6, include_tiers=["insufficient_data"]), criteria=cs)
    assert "T-insufficient" in set(q.chosen["project_id"]) and q.eligibility.widened


def test_narrowing_is_not_widening(default_criteria):
    cs = with_blocking(default_criteria, [])
    frame = ranked_frame(cs)
    p = optimise(frame, PortfolioConstraints(budget=1e6, exclude_tiers=["recommended"]), criteria=cs)
    assert set(p.chosen["tier"]) == {"priority"}
    assert p.eligibility is not None and not p.eligibility.widened
    # a tier already in the default is no widening either
    q = eligibility(PortfolioConstraints(budget=1, include_tiers=["priority"]), cs)
    assert not q.widened and q.tiers == ("priority", "recommended")


def test_unknown_tier_is_refused():
    with pytest.raises(ValueError):
        PortfolioConstraints(budget=1, include_tiers=["excellent"])  # type: ignore[list-item]


def test_value_for_money_shows_the_eligible_projects_only(default_criteria):
    cs = with_blocking(default_criteria, [some_flag(default_criteria, 0)])
    frame = ranked_frame(cs)
    v = value_for_money(frame, constraints=PortfolioConstraints(budget=1), criteria=cs)
    assert set(v["project_id"]) == {"T-priority", "T-recommended", "F-2"}


def test_on_the_sample_the_default_leaves_out_what_the_screening_does_not_recommend(default_criteria):
    """The pipeline on the sample, with a flag that fires on a top-tier project made blocking: the default
    portfolio (a budget for everything) takes exactly the top two tiers less that flag's projects."""
    from screening.pipeline import run

    plain = run(SAMPLES / "sample_projects.xlsx")
    top_two = [t.id for t in plain.criteria.tiers[:2]]
    top = plain.ranked[plain.ranked["tier"].isin(top_two)]
    fired = sorted({f for s in top["flags"].fillna("") for f in str(s).split(";") if f})
    flag_ids = {f.id for f in plain.criteria.flags}
    blocking = next(f for f in fired if f in flag_ids)
    r = run(SAMPLES / "sample_projects.xlsx", criteria=with_blocking(plain.criteria, [blocking]))
    total = float(r.ranked["total_investment_usd_m"].sum())
    p = optimise(r, PortfolioConstraints(budget=total))
    ranked = r.ranked
    flagged = ranked["flags"].fillna("").str.split(";").map(lambda fs: blocking in fs)
    want = ranked[ranked["tier"].isin(top_two) & ~flagged]
    assert set(p.chosen["project_id"]) == set(want["project_id"].astype(str))
    assert "insufficient_data" not in set(p.chosen["tier"])
    assert not set(p.chosen["tier"]) & {"conditional", "deferred"}
    assert p.eligibility is not None and p.eligibility.left_out_by_blocking_flag == int(
        (ranked["tier"].isin(top_two) & flagged).sum()
    )
    assert p.eligibility.left_out_by_blocking_flag >= 1
    assert set(r.excluded["project_id"].astype(str)).isdisjoint(p.chosen["project_id"])


# ---------------------------------------------------------------------------------------------- objective


def flagship_or_many_cheap() -> pd.DataFrame:
    """One USD 100 m flagship scoring 80 and four USD 20 m projects scoring 80: the budget of 100 buys the
    flagship alone or the four cheap ones (80 m), never both."""
    rows = [("FLAG", 100.0, "flagship")] + [(f"CHEAP{i}", 20.0, "small_and_beautiful") for i in range(4)]
    frame = pd.DataFrame(rows, columns=["project_id", "total_investment_usd_m", "track"])
    frame["score"] = 80.0
    frame["tier"] = "priority"
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def test_score_weighted_cost_prefers_the_strong_expensive_project():
    frame = flagship_or_many_cheap()
    p = optimise(frame, PortfolioConstraints(budget=100))
    assert p.constraints.objective == "score_weighted_cost"  # the default
    assert list(p.chosen["project_id"]) == ["FLAG"]
    assert p.objective == pytest.approx(80 * 100)
    # the old objective counts projects: four cheap ones beat the flagship
    q = optimise(frame, PortfolioConstraints(budget=100, objective="sum_of_scores"))
    assert set(q.chosen["project_id"]) == {f"CHEAP{i}" for i in range(4)}
    assert q.objective == pytest.approx(4 * 80)


def test_splitting_a_project_into_phases_changes_nothing():
    """Σ score × cost counts a programme by its money, not by how many records it is filed as."""
    whole = pd.DataFrame(
        {"project_id": ["A", "B"], "total_investment_usd_m": [60.0, 50.0], "score": [75.0, 78.0]}
    )
    split = pd.DataFrame(
        {
            "project_id": ["A1", "A2", "A3", "B"],
            "total_investment_usd_m": [20.0, 20.0, 20.0, 50.0],
            "score": [75.0, 75.0, 75.0, 78.0],
        }
    )
    for frame in (whole, split):
        frame["tier"], frame["track"] = "priority", "standard"
    cons = PortfolioConstraints(budget=60)
    assert optimise(whole, cons).objective == optimise(split, cons).objective == pytest.approx(75 * 60)
    # Σ score changes its mind when A is filed as three records: whole, B wins; split, the pieces do
    by_count = cons.model_copy(update={"objective": "sum_of_scores"})
    assert set(optimise(whole, by_count).chosen["project_id"]) == {"B"}
    assert set(optimise(split, by_count).chosen["project_id"]) == {"A1", "A2", "A3"}


def test_integer_weights_are_exact_and_bounded():
    score = np.array([79.82, 81.38, 64.64])
    cost = np.array([6.0, 28.0, 2.8])
    w, unit = _integer_weights(score, cost, "score_weighted_cost")
    assert np.all(w == np.rint(w))
    assert w * unit == pytest.approx(score * cost, rel=1e-12)
    fine = np.array([1 / 3, 2.0])  # off every decimal grid: a dollar's resolution, in the weight only
    w, unit = _integer_weights(np.array([70.0, 70.0]), fine, "score_weighted_cost")
    assert w * unit == pytest.approx(70 * fine, abs=70 * 1e-6)
    huge = np.full(4000, 123456.789123)  # the weights' sum would pass 2⁵³: a coarser grid, still integers
    w, unit = _integer_weights(np.full(4000, 99.99), huge, "score_weighted_cost")
    assert float(w.sum()) < 2.0**53 and np.all(w == np.rint(w))
    assert w * unit == pytest.approx(99.99 * huge, rel=1e-6)
    w, unit = _integer_weights(score, cost, "sum_of_scores")
    assert w * unit == pytest.approx(score)


def brute_force(frame: pd.DataFrame, c: PortfolioConstraints) -> float | None:
    """Best Σ score × cost (or Σ score) over every subset within the budget and counts (None: none fits)."""
    rows = frame.to_dict("records")
    best: float | None = None
    for r in range(len(rows) + 1):
        for subset in itertools.combinations(rows, r):
            cost = sum(p["total_investment_usd_m"] for p in subset)
            if cost > c.budget + 1e-9:
                continue
            small = [p for p in subset if p["track"] == "small_and_beautiful"]
            if c.min_small_count and len(small) < c.min_small_count:
                continue
            if c.min_flagship_count and sum(p["track"] == "flagship" for p in subset) < c.min_flagship_count:
                continue
            if c.objective == "sum_of_scores":
                value = sum(p["score"] for p in subset)
            else:
                value = sum(p["score"] * p["total_investment_usd_m"] for p in subset)
            if best is None or value > best:
                best = value
    return best


projects = st.lists(
    st.tuples(
        st.integers(1000, 9999).map(lambda h: h / 100),  # score in hundredths
        st.one_of(
            st.integers(1, 90_000).map(lambda c: c / 100),  # USD m to two decimals
            st.floats(0.5, 900, allow_nan=False).map(lambda c: round(c, 6)),  # to the dollar
        ),
        st.sampled_from(["flagship", "small_and_beautiful", "standard"]),
    ),
    min_size=1,
    max_size=9,
)


@given(
    items=projects,
    share=st.floats(0.05, 1.2),
    objective=st.sampled_from(["score_weighted_cost", "sum_of_scores"]),
    flagships=st.integers(0, 2),
    smalls=st.integers(0, 2),
)
def test_exact_against_brute_force(items, share, objective, flagships, smalls):
    frame = pd.DataFrame(items, columns=["score", "total_investment_usd_m", "track"])
    frame["project_id"] = [f"P{i}" for i in range(len(frame))]
    frame["tier"] = "priority"
    budget = round(float(frame["total_investment_usd_m"].sum()) * share, 2)
    cons = PortfolioConstraints(
        budget=budget,
        objective=objective,
        min_flagship_count=flagships or None,
        min_small_count=smalls or None,
        time_limit=20,
    )
    want = brute_force(frame, cons)
    got = optimise(frame, cons)
    if want is None:
        assert got.status == "infeasible"
        return
    assert got.status == "optimal" and got.gap is not None and got.gap <= 1e-9
    assert got.total_cost <= budget + 1e-9
    # exact: the costs of two decimals sit on the integer grid; a cost to the dollar on a 1e-6 grid
    assert got.objective == pytest.approx(want, rel=1e-12, abs=1e-6 * 100 * len(frame))


# ---------------------------------------------------------------------------------------------- track mix


def test_track_mix_counts_and_costs_every_track(default_criteria):
    frame = flagship_or_many_cheap()
    p = optimise(frame, PortfolioConstraints(budget=180), criteria=default_criteria)
    mix = p.track_mix().set_index("track")
    assert list(mix.index) == [t.id for t in default_criteria.tracks]  # every track, zero ones too
    assert mix.loc["flagship", "projects"] == 1 and mix.loc["flagship", "cost"] == pytest.approx(100)
    assert mix.loc["small_and_beautiful", "projects"] == 4
    assert mix.loc["small_and_beautiful", "cost"] == pytest.approx(80)
    assert mix.loc["standard", "projects"] == 0 and mix["cost_share"].sum() == pytest.approx(1)
    said = p.track_mix_text()
    labels = {t.id: t.label for t in default_criteria.tracks}
    assert said.en.startswith("Track mix:") and labels["flagship"].en in said.en
    assert said.zh.startswith("项目类型构成") and labels["flagship"].zh in said.zh
    assert "55.6%" in said.en and "55.6%" in said.zh  # 100 of 180
    rows = dict(zip(*p.constraints_frame().T.to_numpy(), strict=True))
    assert rows["track_projects:flagship"] == 1 and rows["track_cost_usd_m:small_and_beautiful"] == 80
    assert rows["track_projects:standard"] == 0
    assert rows["track_mix"].startswith("Track mix:") and "项目类型构成" in rows["track_mix"]


def test_portfolio_sheet_carries_eligibility_objective_and_track_mix(default_criteria):
    cs = with_blocking(default_criteria, [])
    frame = ranked_frame(cs)
    p = optimise(frame, PortfolioConstraints(budget=25, include_tiers=["deferred"]), criteria=cs)
    sheet = portfolio_sheet(p).frame
    items = dict(zip(sheet.iloc[:, 0], sheet.iloc[:, 1], strict=True))
    assert items["objective"] == "score_weighted_cost"
    assert "Σ score × cost" in items["objective_in_words"] and "Σ 得分 × 投资" in items["objective_in_words"]
    assert items["eligibility_widened"] is True and "deferred" in items["eligibility"]
    assert items["track_mix"].startswith("Track mix:")
    assert items["mean_score_per_dollar"] == pytest.approx(70.0)
