"""Portfolio and project groups (issue 14, item 2): the eligible members of a group are one decision by
default (checked against brute force), the portfolio says when a group is only partly in it, and the budget
counts ``total_investment_usd_m`` unless the planner names another money column."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from screening.analysis.portfolio import PortfolioConstraints, optimise


def grouped_instance(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 12))
    ranked = pd.DataFrame(
        {
            "project_id": [f"P{i:02d}" for i in range(n)],
            "score": np.round(rng.uniform(20, 95, n), 2),
            "total_investment_usd_m": np.round(rng.uniform(5, 300, n), 1),
            "track": rng.choice(["flagship", "small_and_beautiful", "standard"], n),
            "tier": rng.choice(["priority", "recommended", "deferred"], n, p=[0.45, 0.4, 0.15]),
        }
    )
    group = rng.choice(["G1", "G2", "G3", None, None], n)
    ranked["project_group"] = group
    sizes = pd.Series(group).value_counts()
    ranked["project_group_size"] = [int(sizes.get(g, 1)) if g is not None else 1 for g in group]
    ranked["project_group"] = ranked["project_group"].where(ranked["project_group_size"] > 1, None)
    ranked = ranked.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    ranked["rank"] = np.arange(1, n + 1)
    return ranked


def brute_force(ranked: pd.DataFrame, budget: float, whole: bool) -> float:
    elig = ranked[ranked["tier"].isin(["priority", "recommended"])].to_dict("records")
    best = 0.0
    for r in range(len(elig) + 1):
        for subset in itertools.combinations(elig, r):
            if sum(p["total_investment_usd_m"] for p in subset) > budget + 1e-9:
                continue
            if whole:
                ids = {p["project_id"] for p in subset}
                groups = {p["project_group"] for p in subset if isinstance(p["project_group"], str)}
                members = [
                    p for p in elig if isinstance(p["project_group"], str) and p["project_group"] in groups
                ]
                if any(p["project_id"] not in ids for p in members):
                    continue
            best = max(best, round(sum(p["score"] * p["total_investment_usd_m"] for p in subset), 6))
    return best


@pytest.mark.parametrize("whole", [True, False])
def test_whole_groups_equals_brute_force(whole: bool) -> None:
    for seed in range(12):
        ranked = grouped_instance(seed)
        budget = float(np.round(ranked["total_investment_usd_m"].sum() * 0.4, 1))
        got = optimise(ranked, PortfolioConstraints(budget=budget, whole_groups=whole, time_limit=20))
        assert got.status == "optimal", got.message
        assert got.objective == pytest.approx(brute_force(ranked, budget, whole), abs=1e-6)
        if whole:
            chosen = set(got.chosen["project_id"])
            elig = ranked[ranked["tier"].isin(["priority", "recommended"])]
            for _, members in elig.groupby("project_group"):
                ids = set(members["project_id"])
                assert ids <= chosen or not (ids & chosen), (seed, ids, chosen)


def _three_tranches() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["A1", "A2", "A3", "B"],
            "score": [90.0, 40.0, 80.0, 60.0],
            "total_investment_usd_m": [100.0, 100.0, 100.0, 100.0],
            "project_cost_usd_m": [150.0, 150.0, None, 120.0],
            "track": ["standard"] * 4,
            "tier": ["priority", "recommended", "deferred", "recommended"],  # A3 is not eligible
            "project_group": ["A1", "A1", "A1", None],
            "project_group_size": [3, 3, 3, 1],
            "rank": [1, 4, 2, 3],
        }
    )


def test_a_tranche_is_not_funded_without_its_eligible_sisters_and_the_gap_is_said() -> None:
    ranked = _three_tranches()
    together = optimise(ranked, PortfolioConstraints(budget=150))
    # A1 alone would be the best USD 100 m; with A2 it needs 200: B is chosen instead
    assert list(together.chosen["project_id"]) == ["B"]
    whole = optimise(ranked, PortfolioConstraints(budget=200))
    assert set(whole.chosen["project_id"]) == {"A1", "A2"}
    note = whole.group_note()
    assert note is not None and "A1" in note.en and "1 of them" in note.en  # A3 (deferred) is left out
    groups, members, partly = whole.group_counts()
    assert (groups, members, partly) == (1, 2, ["A1"])
    frame = whole.constraints_frame("en").set_index("item")["value"]
    assert frame["whole_groups"] is True and "project_groups" in frame.index
    split = optimise(ranked, PortfolioConstraints(budget=150, whole_groups=False))
    assert list(split.chosen["project_id"]) == ["A1"]
    assert split.group_note() is not None and any("one by one" in d.en for d in split.constraints.describe())


def test_the_budget_counts_the_column_the_planner_names() -> None:
    ranked = _three_tranches().assign(project_group=None, project_group_size=1)
    default = optimise(ranked, PortfolioConstraints(budget=200))
    assert set(default.chosen["project_id"]) == {"A1", "B"} and default.total_cost == 200
    by_cost = optimise(ranked, PortfolioConstraints(budget=200, cost_column="project_cost_usd_m"))
    assert list(by_cost.chosen["project_id"]) == ["A1"] and by_cost.total_cost == 150
    assert by_cost.eligibility is not None
    assert any("budget counted in project_cost_usd_m" in d.en for d in by_cost.constraints.describe())
    # a project with no amount in the chosen column is left out and counted apart (A3 is deferred anyway)
    gapped = ranked.assign(project_cost_usd_m=[150.0, None, None, 120.0])
    p = optimise(gapped, PortfolioConstraints(budget=1000, cost_column="project_cost_usd_m"))
    assert p.eligibility is not None and p.eligibility.left_out_by_no_cost == 1
    assert "1 more have no amount in project_cost_usd_m" in p.eligibility.describe().en
