"""Issue 17 item 4, portfolio under real constraints: must-fund and must-not (and reviewers' decisions, an
approval overriding the default eligibility and said per project), exclusive groups, dependencies, funding
pools and yearly budgets. Each constraint binds in a tiny hand-checked case; a hypothesis property checks the
MILP optimum against brute force over every subset under random constraints of all kinds; infeasibility is
explained in words; the frontier and the binding analysis cover the new constraints."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.analysis.portfolio import (
    ConstraintsError,
    PortfolioConstraints,
    binding_constraints,
    construction_years,
    efficient_frontier,
    optimise,
    parse_profile,
)
from screening.i18n import t

TOP = ("priority", "recommended")


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A ranked frame from rows (project_id, score, cost, tier and anything else), ranked by score."""
    out = pd.DataFrame(rows).rename(columns={"cost": "total_investment_usd_m"})
    out = out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    for col, default in (("tier", "priority"), ("track", "standard"), ("flags", "")):
        if col not in out.columns:
            out[col] = default
        out[col] = out[col].fillna(default)
    return out


def ids(p) -> set[str]:  # noqa: ANN001 - a Portfolio
    return set(p.chosen["project_id"])


THREE = [
    {"project_id": "A", "score": 90.0, "cost": 100.0},
    {"project_id": "B", "score": 80.0, "cost": 100.0},
    {"project_id": "C", "score": 70.0, "cost": 100.0, "tier": "conditional"},
    {"project_id": "D", "score": 60.0, "cost": 100.0},
]


# ------------------------------------------------------------------------------ hand-checked, one at a time


def test_must_fund_overrides_the_default_eligibility_and_says_so() -> None:
    ranked = frame(THREE)
    assert ids(optimise(ranked, PortfolioConstraints(budget=200))) == {"A", "B"}  # C is conditional
    p = optimise(ranked, PortfolioConstraints(budget=200, must_fund=["C"]))
    assert p.status == "optimal" and ids(p) == {"A", "C"}  # C forced; A is the best partner
    row = p.chosen.set_index("project_id").loc["C"]
    assert row["forced_by"] == "must_fund" and row["funded_despite"] == "tier:conditional"
    assert p.chosen.set_index("project_id").loc["A", "funded_despite"] == ""
    (note,) = p.override_notes()
    assert "C" in note.en and "despite" in note.en and "conditional" in note.en and "尽管" in note.zh
    items = dict(zip(p.constraints_frame("en")["item"], p.constraints_frame("en")["value"], strict=True))
    assert "despite" in str(items["funded_despite:1"]) and items["must_fund"] == "C"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_reviewers_approval_forces_and_a_rejection_bars(lang: str) -> None:
    ranked = frame(THREE)
    approve, reject = t("decision_approve", lang), t("decision_reject", lang)
    p = optimise(ranked, PortfolioConstraints(budget=200), decisions={"C": approve, "A": reject})
    assert ids(p) == {"B", "C"}
    assert p.chosen.set_index("project_id").loc["C", "forced_by"] == "reviewer_approval"
    (note,) = p.override_notes()
    assert "reviewer's approval" in note.en and "评审人批准" in note.zh
    defer = optimise(ranked, PortfolioConstraints(budget=200), decisions={"C": "defer"})
    assert ids(defer) == {"A", "B"}  # defer changes nothing


def test_a_blocking_flag_is_named_as_what_the_approval_overrode(default_criteria) -> None:  # noqa: ANN001
    flag = next(f.id for f in default_criteria.flags if f.blocks_portfolio)
    rows = [dict(r) for r in THREE[:2]] + [{"project_id": "F", "score": 50.0, "cost": 10.0, "flags": flag}]
    ranked = frame(rows)
    p = optimise(
        ranked, PortfolioConstraints(budget=110), criteria=default_criteria, decisions={"F": "approve"}
    )
    assert ids(p) == {"A", "F"}
    assert p.chosen.set_index("project_id").loc["F", "funded_despite"] == f"flag:{flag}"
    assert flag in p.override_notes()[0].en


def test_exclusive_group_keeps_at_most_one() -> None:
    ranked = frame(THREE)
    p = optimise(ranked, PortfolioConstraints(budget=300, exclusive=[["A", "B"]]))
    assert ids(p) == {"A", "D"}  # not both A and B; C not eligible
    assert ids(optimise(ranked, PortfolioConstraints(budget=300))) == {"A", "B", "D"}


def test_requires_funds_b_only_with_a() -> None:
    rows = [
        {"project_id": "A", "score": 40.0, "cost": 100.0},
        {"project_id": "B", "score": 95.0, "cost": 100.0},
        {"project_id": "E", "score": 80.0, "cost": 100.0},
    ]
    ranked = frame(rows)
    assert ids(optimise(ranked, PortfolioConstraints(budget=200))) == {"B", "E"}
    p = optimise(ranked, PortfolioConstraints(budget=200, requires={"B": ["A"]}))
    assert ids(p) == {"A", "B"}  # 95 + 40 = 135 > 80 alone with A or E with nothing
    barred = optimise(ranked, PortfolioConstraints(budget=200, requires={"B": ["A"]}, must_not=["A"]))
    assert ids(barred) == {"E"}  # B cannot come without A


def test_pool_money_does_not_count_against_the_budget() -> None:
    rows = [
        {"project_id": "A", "score": 90.0, "cost": 100.0, "funding_bank_usd_m": "80"},
        {"project_id": "B", "score": 80.0, "cost": 100.0, "funding_bank_usd_m": None},
    ]
    ranked = frame(rows)
    assert ids(optimise(ranked, PortfolioConstraints(budget=120))) == {"A"}  # no pool declared: full cost
    p = optimise(ranked, PortfolioConstraints(budget=120, pools={"bank": 100}))
    assert ids(p) == {"A", "B"}  # A takes 20 of the budget, B 100
    totals = p.pool_totals().set_index("budget")
    assert totals.loc["budget", "used"] == pytest.approx(120) and totals.loc["pool:bank", "used"] == 80
    assert "pools" in p.message.en and "资金池" in p.message.zh
    tight = optimise(ranked, PortfolioConstraints(budget=120, pools={"bank": 50}))
    assert ids(tight) == {"B"}  # the pool cannot carry A's 80


def test_pool_shares_in_the_constraints_override_the_column() -> None:
    rows = [{"project_id": "A", "score": 90.0, "cost": 100.0, "funding_bank_usd_m": 80.0}]
    ranked = frame(rows)
    assert ids(optimise(ranked, PortfolioConstraints(budget=30, pools={"bank": 100}))) == {"A"}  # 20 ≤ 30
    given = PortfolioConstraints(budget=30, pools={"bank": 100}, pool_shares={"A": {"bank": 60}})
    assert ids(optimise(ranked, given)) == set()  # 100 − 60 = 40 > 30
    over = PortfolioConstraints(budget=30, pools={"bank": 100}, pool_shares={"A": {"bank": 120}})
    with pytest.raises(ConstraintsError, match="pool shares add to USD 120.00 m, more than its cost"):
        optimise(ranked, over)


def test_yearly_budgets_spread_the_cost_over_construction_years() -> None:
    rows = [
        {"project_id": "A", "score": 90.0, "cost": 120.0, "start_year": 2025, "construction_months": 24},
        {"project_id": "B", "score": 80.0, "cost": 120.0, "start_year": 2025, "construction_months": 12},
        {"project_id": "C", "score": 70.0, "cost": 100.0, "start_year": 2026, "cost_profile": "40;60"},
    ]
    ranked = frame(rows)
    p = optimise(ranked, PortfolioConstraints(budget=1000, budget_by_year={2025: 100}))
    # A: 60 in 2025 and 60 in 2026; B: 120 in 2025 (over 100 alone); C: nothing in 2025
    assert ids(p) == {"A", "C"}
    years = p.year_totals().set_index("budget")
    assert years.loc["year:2025", "used"] == pytest.approx(60)
    both = optimise(ranked, PortfolioConstraints(budget=1000, budget_by_year={2025: 200, 2027: 50}))
    assert ids(both) == {"A", "B"}  # C puts 60 in 2027
    assert both.chosen.set_index("project_id").loc["A", "spend_2025_usd_m"] == pytest.approx(60)


def test_construction_years_and_cost_profiles() -> None:
    assert [construction_years(m) for m in (None, 0, 6, 12, 13, 24, 25, "36")] == [1, 1, 1, 1, 2, 2, 3, 3]
    assert parse_profile("40;35;25") == pytest.approx([0.4, 0.35, 0.25])
    assert parse_profile("50%；50%") == pytest.approx([0.5, 0.5])
    assert parse_profile(None) is None and parse_profile("  ") is None
    with pytest.raises(ConstraintsError, match="adds to 90"):
        parse_profile("40;50", "X")
    with pytest.raises(ConstraintsError, match="per cent figures separated by ';'") as err:
        parse_profile("forty;sixty", "X")
    assert "\n" not in str(err.value) and "分年投资比例" in err.value.text.zh


def test_a_bad_profile_in_the_file_is_one_line_naming_the_project() -> None:
    rows = [{"project_id": "A", "score": 90.0, "cost": 100.0, "start_year": 2025, "cost_profile": "70;20"}]
    with pytest.raises(ConstraintsError, match="project A: cost_profile '70;20' adds to 90, not 100"):
        optimise(frame(rows), PortfolioConstraints(budget=100, budget_by_year={2025: 100}))


def test_unknown_ids_are_one_line_naming_them() -> None:
    with pytest.raises(ConstraintsError, match="2 project id.*not in the file: X1, X2"):
        optimise(frame(THREE), PortfolioConstraints(budget=100, must_not=["X1"], exclusive=[["A", "X2"]]))


def test_contradictions_are_refused_when_the_constraints_are_made() -> None:
    with pytest.raises(ValueError, match="both must-fund"):
        PortfolioConstraints(budget=1, must_fund=["A"], must_not=["A"])
    with pytest.raises(ValueError, match="both must-fund"):
        PortfolioConstraints(budget=1, must_fund=["A"], decisions={"A": "reject"})
    with pytest.raises(ConstraintsError, match="contradict"):
        optimise(frame(THREE), PortfolioConstraints(budget=1, must_not=["A"]), decisions={"A": "approve"})
    with pytest.raises(ValueError, match="without a budget"):
        PortfolioConstraints(budget=1, pool_shares={"A": {"nowhere": 1}})


# ------------------------------------------------------------------------------------------ infeasibility


def test_must_fund_over_a_year_budget_is_said_in_words() -> None:
    rows = [
        {"project_id": "A", "score": 90.0, "cost": 820.0, "start_year": 2027, "construction_months": 12},
        {"project_id": "B", "score": 80.0, "cost": 10.0, "start_year": 2027},
    ]
    p = optimise(frame(rows), PortfolioConstraints(budget=5000, must_fund=["A"], budget_by_year={2027: 600}))
    assert p.status == "infeasible"
    assert "need USD 820.00 m, more than the 2027 budget of USD 600.00 m" in p.message.en
    assert "2027 年预算 600.00 百万美元" in p.message.zh


def test_must_fund_over_a_pool_and_over_the_budget() -> None:
    rows = [{"project_id": "A", "score": 90.0, "cost": 100.0, "funding_bank_usd_m": 70.0}]
    pool = optimise(frame(rows), PortfolioConstraints(budget=100, must_fund=["A"], pools={"bank": 50}))
    assert "the bank pool of USD 50.00 m" in pool.message.en
    main = optimise(frame(rows), PortfolioConstraints(budget=20, must_fund=["A"], pools={"bank": 80}))
    assert "need USD 30.00 m, more than the budget of USD 20.00 m" in main.message.en


def test_must_fund_conflicts_with_exclusion_and_dependency() -> None:
    ranked = frame(THREE)
    ex = optimise(ranked, PortfolioConstraints(budget=500, must_fund=["A", "B"], exclusive=[["A", "B"]]))
    assert ex.status == "infeasible" and "exclusive group" in ex.message.en and "互斥" in ex.message.zh
    dep = optimise(
        ranked, PortfolioConstraints(budget=500, must_fund=["A"], requires={"A": ["B"]}, must_not=["B"])
    )
    assert "requires B, which may not be funded" in dep.message.en
    missing = optimise(ranked, PortfolioConstraints(budget=500, must_fund=["A"], requires={"A": ["C"]}))
    assert "requires C, which is not a candidate" in missing.message.en


def test_the_one_constraint_to_relax_is_named() -> None:
    rows = [
        {"project_id": "A", "score": 90.0, "cost": 100.0, "track": "flagship", "start_year": 2025},
        {"project_id": "B", "score": 80.0, "cost": 100.0, "track": "flagship", "start_year": 2025},
    ]
    cons = PortfolioConstraints(budget=500, min_flagship_count=2, budget_by_year={2025: 150})
    p = optimise(frame(rows), cons)
    assert p.status == "infeasible" and "any one of these alone" in p.message.en
    assert "the minimum number of flagship projects; the 2025 budget of USD 150.00 m" in p.message.en
    one = optimise(frame(rows), cons.model_copy(update={"min_flagship_count": None, "must_fund": ["A", "B"]}))
    assert "the 2 must-fund project(s) need USD 200.00 m, more than the 2025 budget" in one.message.en
    rows[1]["start_year"] = 2026
    only = PortfolioConstraints(
        budget=500, min_flagship_count=2, budget_by_year={2025: 50, 2026: 500}, exclusive=[["A", "B"]]
    )
    said = optimise(frame(rows), only).message.en
    # A alone breaks the 2025 budget, A with B the exclusion: only the count, dropped, leaves B alone
    assert "only relaxing the minimum number of flagship projects leaves a feasible set" in said


def test_a_must_fund_project_excluded_by_the_screening_cannot_be_funded() -> None:
    from conftest import SAMPLES

    from screening.pipeline import run

    result = run(SAMPLES / "sample_projects.xlsx")
    gone = str(result.excluded["project_id"].iloc[0])
    with pytest.raises(ConstraintsError, match="excluded by the screening"):
        optimise(result, PortfolioConstraints(budget=100, must_fund=[gone]))
    p = optimise(result, PortfolioConstraints(budget=100, must_not=[gone]))  # harmless: it is not ranked
    assert p.status == "optimal"


# ------------------------------------------------------------------------------- frontier and binding


def test_frontier_keeps_the_new_constraints() -> None:
    ranked = frame(THREE)
    cons = PortfolioConstraints(budget=200, must_fund=["C"], exclusive=[["A", "B"]])
    fr = efficient_frontier(ranked, cons, budgets=[50, 100, 200, 400])
    assert list(fr["status"]) == ["infeasible", "optimal", "optimal", "optimal"]
    assert list(fr["projects"]) == [0, 1, 2, 3]  # at 400: C, A (not B), D
    assert fr["objective"].iloc[1:].is_monotonic_increasing


def test_binding_constraints_bind_exactly_when_dropping_them_pays() -> None:
    rows = [
        {"project_id": "A", "score": 90.0, "cost": 120.0, "start_year": 2025, "funding_bank_usd_m": 20.0},
        {"project_id": "B", "score": 80.0, "cost": 120.0, "start_year": 2025},
        {"project_id": "C", "score": 70.0, "cost": 50.0, "start_year": 2026},
    ]
    cons = PortfolioConstraints(
        budget=1000, pools={"bank": 500}, budget_by_year={2025: 150, 2026: 500}, exclusive=[["B", "C"]]
    )
    p = optimise(frame(rows), cons)
    assert ids(p) == {"A", "C"}
    b = binding_constraints(p).set_index("constraint")
    assert bool(b.loc["year:2025", "binds"]) and not bool(b.loc["year:2025", "tight"])  # 100 of 150 used
    assert not bool(b.loc["pool:bank", "binds"]) and not bool(b.loc["budget", "binds"])
    assert not bool(b.loc["exclusive", "binds"])  # without it, B still does not fit 2025
    assert b.loc["year:2025", "used"] == pytest.approx(100) and b.loc["year:2025", "limit"] == 150
    assert b.loc["year:2025", "objective_without"] > p.objective
    assert "2025" in b.loc["year:2025", "label"].en


# ------------------------------------------------------------------------- property: MILP == brute force


def spend(row: dict[str, object], main: float) -> dict[int, float]:
    """Money of one project per year, written out independently of the module."""
    start = int(row["start_year"])  # type: ignore[call-overload]
    profile = row.get("cost_profile")
    if isinstance(profile, str) and profile:
        parts = [float(x) / 100 for x in profile.split(";")]
    else:
        k = max(1, math.ceil(float(row["construction_months"]) / 12))  # type: ignore[arg-type]
        parts = [1 / k] * k
    return {start + j: main * s for j, s in enumerate(parts)}


def brute(ranked: pd.DataFrame, c: PortfolioConstraints) -> float | None:
    forced, barred = set(c.forced_ids()), set(c.barred_ids())
    rows = [r for r in ranked.to_dict("records") if r["tier"] in TOP or r["project_id"] in forced]
    best = None
    eps = 1e-7
    for r in range(len(rows) + 1):
        for subset in itertools.combinations(rows, r):
            chosen = {p["project_id"] for p in subset}
            if not forced <= chosen or chosen & barred:
                continue
            if any(len(chosen & set(g)) > 1 for g in c.exclusive):
                continue
            if any(b in chosen and not set(a) <= chosen for b, a in c.requires.items()):
                continue
            pooled = {
                p["project_id"]: {k: float(v) for k, v in c.pool_shares.get(p["project_id"], {}).items()}
                for p in subset
            }
            main = {
                p["project_id"]: p["total_investment_usd_m"] - sum(pooled[p["project_id"]].values())
                for p in subset
            }
            if sum(main.values()) > c.budget + eps:
                continue
            if any(
                sum(pooled[i].get(pool, 0.0) for i in chosen) > cap + eps for pool, cap in c.pools.items()
            ):
                continue
            per_year: dict[int, float] = {}
            for p in subset:
                for y, v in spend(p, main[p["project_id"]]).items():
                    per_year[y] = per_year.get(y, 0.0) + v
            if any(per_year.get(y, 0.0) > cap + eps for y, cap in c.budget_by_year.items()):
                continue
            value = round(sum(p["score"] * p["total_investment_usd_m"] for p in subset), 6)
            best = value if best is None or value > best else best
    return best


@st.composite
def problems(draw: st.DrawFn) -> tuple[pd.DataFrame, PortfolioConstraints]:
    n = draw(st.integers(2, 8))
    pids = [f"P{i}" for i in range(n)]
    rows = []
    for pid in pids:
        rows.append(
            {
                "project_id": pid,
                "score": draw(st.integers(2000, 9500)) / 100,
                "cost": float(draw(st.integers(1, 40)) * 6),
                "tier": draw(st.sampled_from(["priority", "recommended", "conditional"])),
                "start_year": draw(st.sampled_from([2025, 2026])),
                "construction_months": draw(st.sampled_from([6, 18, 30])),
                "cost_profile": draw(st.sampled_from([None, None, "50;50", "20;30;50"])),
            }
        )
    ranked = frame(rows)
    pick = st.lists(st.sampled_from(pids), max_size=2, unique=True)
    must = draw(pick)
    must_not = [p for p in draw(pick) if p not in must]
    exclusive = [
        g
        for g in draw(
            st.lists(st.lists(st.sampled_from(pids), min_size=2, max_size=3, unique=True), max_size=2)
        )
    ]
    requires: dict[str, list[str]] = {}
    for _ in range(draw(st.integers(0, 2))):
        b, a = draw(st.sampled_from(pids)), draw(st.sampled_from(pids))
        if a != b:
            requires.setdefault(b, []).append(a)
    total = float(sum(float(r["cost"]) for r in rows))  # type: ignore[arg-type]
    share = st.integers(10, 100).map(lambda k: round(k / 100 * total, 1))
    pools = draw(st.dictionaries(st.sampled_from(["bank", "fund"]), share.map(lambda v: v / 2), max_size=2))
    shares: dict[str, dict[str, float]] = {}
    for row in rows:
        for pool in pools:
            if draw(st.booleans()):
                most = int(float(row["cost"]) // len(pools))  # type: ignore[arg-type]
                shares.setdefault(str(row["project_id"]), {})[pool] = float(draw(st.integers(0, most)))
    cons = PortfolioConstraints(
        budget=draw(share),
        must_fund=must,
        must_not=must_not,
        exclusive=exclusive,
        requires=requires,
        pools=pools,
        pool_shares=shares,
        budget_by_year=draw(st.dictionaries(st.sampled_from([2025, 2026, 2027]), share, max_size=2)),
        time_limit=20,
    )
    return ranked, cons


@settings(max_examples=60, deadline=None)
@given(problems())
def test_milp_optimum_equals_brute_force_under_all_the_new_constraints(
    problem: tuple[pd.DataFrame, PortfolioConstraints],
) -> None:
    ranked, cons = problem
    want = brute(ranked, cons)
    got = optimise(ranked, cons)
    candidates = ranked["tier"].isin(TOP) | ranked["project_id"].isin(list(cons.forced_ids()))
    if not candidates.any():  # nothing to choose from: said as such, whatever the constraints
        assert got.status == "no_candidates" and want in (0.0, None), (got.status, want)
        return
    if want is None:
        assert got.status == "infeasible", (got.status, got.message.en)
        return
    assert got.status == "optimal", got.message.en
    assert got.objective == pytest.approx(want, abs=1e-6)
    assert set(cons.forced_ids()) <= ids(got) and not ids(got) & set(cons.barred_ids())
    assert got.budget_used() <= cons.budget + 1e-6
    for _, row in got.year_totals().iterrows():
        assert row["used"] <= row["limit"] + 1e-6
    for _, row in got.pool_totals().iterrows():
        assert row["used"] <= row["limit"] + 1e-6


def test_must_fund_duplicates_are_said() -> None:
    ranked = frame(THREE)
    hits = pd.DataFrame(
        [
            {"project_id": "A", "id": "dup", "kind": "flag", "partners": "B"},
            {"project_id": "B", "id": "dup", "kind": "flag", "partners": "A"},
        ]
    )
    cons = PortfolioConstraints(budget=500, must_fund=["A", "B"], no_duplicates=True)
    p = optimise(ranked, cons, hits=hits)
    assert p.status == "infeasible" and "flagged as duplicates of each other" in p.message.en


@pytest.mark.parametrize(
    ("row", "cons", "words"),
    [
        ({"cost": None}, {"must_fund": ["X"]}, "have no amount in 'total_investment_usd_m'"),
        ({"start_year": None}, {"must_fund": ["X"], "budget_by_year": {2025: 9}}, "have no start year"),
        ({"funding_bank_usd_m": "lots"}, {"pools": {"bank": 9}}, "'funding_bank_usd_m' is not an amount"),
        ({"cost_profile": "a;b"}, {"budget_by_year": {2025: 9}}, "cost_profile should be per cent figures"),
    ],
)
def test_bad_project_data_for_the_constraints_is_one_line(
    row: dict[str, object], cons: dict[str, object], words: str
) -> None:
    base = {"project_id": "X", "score": 50.0, "cost": 10.0, "tier": "priority", "start_year": 2025}
    ranked = frame([{**base, **row}, {"project_id": "Y", "score": 60.0, "cost": 5.0, "start_year": 2025}])
    with pytest.raises(ConstraintsError, match=words) as err:
        optimise(ranked, PortfolioConstraints(budget=100, **cons))  # type: ignore[arg-type]
    assert "\n" not in str(err.value) and err.value.text.zh


def test_without_a_start_year_a_project_is_left_out_of_yearly_budgets_and_counted() -> None:
    rows = [
        {"project_id": "A", "score": 90.0, "cost": 10.0, "start_year": 2025},
        {"project_id": "B", "score": 80.0, "cost": 10.0},
    ]
    p = optimise(frame(rows), PortfolioConstraints(budget=100, budget_by_year={2025: 100}))
    assert ids(p) == {"A"} and p.eligibility is not None and p.eligibility.left_out_by_no_year == 1
    assert "no start year" in p.eligibility.describe().en
