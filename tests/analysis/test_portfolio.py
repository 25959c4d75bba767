"""Portfolio MILP: objective equals brute force on small random instances; clear messages; frontier.

Issue 12 changed two defaults, and the tests here follow them: only the top two tiers are eligible (the
random instances' ``deferred`` and ``insufficient_data`` rows are no longer candidates unless included), and
the objective is Σ score × cost (``sum_of_scores`` is the old Σ score; both are checked against brute force).
The new defaults themselves are tested in ``test_portfolio_defaults.py``."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES

import screening.analysis.portfolio as portfolio
from screening.analysis.portfolio import (
    PortfolioConstraints,
    duplicate_flag_ids,
    duplicate_pairs_from_hits,
    efficient_frontier,
    optimise,
    value_for_money,
)
from screening.i18n import Text

TRACKS = ["flagship", "small_and_beautiful", "standard"]


def instance(seed: int, n: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(5, 13))
    track = rng.choice(TRACKS, n)
    cost = np.where(
        track == "flagship",
        rng.uniform(200, 900, n),
        np.where(track == "small_and_beautiful", rng.uniform(1, 50, n), rng.uniform(20, 400, n)),
    )
    ranked = pd.DataFrame(
        {
            "project_id": [f"P{i:02d}" for i in range(n)],
            "score": np.round(rng.uniform(20, 95, n), 2),
            "total_investment_usd_m": np.round(cost, 1),
            "track": track,
            # mostly eligible tiers (the default takes only the top two), some left out
            "tier": rng.choice(
                ["priority", "recommended", "deferred", "insufficient_data"], n, p=[0.4, 0.35, 0.15, 0.1]
            ),
            "flags": rng.choice(["", "", "", "coal_review", "duplicate_construction"], n),
            "country": rng.choice(["KEN", "PAK", "LAO"], n),
            "sector": rng.choice(["energy", "transport", "water", "health"], n),
        }
    )
    ranked = ranked.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    ranked["rank"] = np.arange(1, n + 1)
    pairs = [tuple(rng.choice(n, 2, replace=False)) for _ in range(int(rng.integers(0, 4)))]
    rows = []
    for a, b in pairs:
        ida, idb = f"P{a:02d}", f"P{b:02d}"
        rows += [
            {"project_id": ida, "id": "duplicate_construction", "kind": "flag", "partners": idb},
            {"project_id": idb, "id": "duplicate_construction", "kind": "flag", "partners": ida},
        ]
    hits = pd.DataFrame(rows, columns=["project_id", "id", "kind", "partners"])
    return ranked, hits


DEFAULT_TIERS = ["priority", "recommended"]  # a bare frame has no criteria: the schema's top two tiers


def brute_force(ranked: pd.DataFrame, hits: pd.DataFrame, c: PortfolioConstraints) -> float | None:
    """Best objective value over all subsets of the eligible projects (None if no subset is feasible, NaN
    if no project is eligible)."""
    elig = ranked[ranked["tier"].isin([*DEFAULT_TIERS, *c.include_tiers])].copy()
    if c.exclude_tiers:
        elig = elig[~elig["tier"].isin(c.exclude_tiers)]
    if c.exclude_flagged:
        elig = elig[elig["flags"] == ""]
    if c.exclude_flags:
        elig = elig[~elig["flags"].isin(c.exclude_flags)]
    pairs = duplicate_pairs_from_hits(hits) if c.no_duplicates else set()
    rows = elig.to_dict("records")
    if not rows:
        return float("nan")
    best = None
    eps = 1e-9
    for r in range(len(rows) + 1):
        for subset in itertools.combinations(rows, r):
            cost = sum(p["total_investment_usd_m"] for p in subset)
            if cost > c.budget + eps:
                continue
            small = [p for p in subset if p["track"] == "small_and_beautiful"]
            if (
                c.min_small_share
                and sum(p["total_investment_usd_m"] for p in small) < c.min_small_share * cost - eps
            ):
                continue
            if c.min_small_count and len(small) < c.min_small_count:
                continue
            if c.min_flagship_count and sum(p["track"] == "flagship" for p in subset) < c.min_flagship_count:
                continue
            ok = True
            for col, cap in (("country", c.max_country_share), ("sector", c.max_sector_share)):
                if cap is None:
                    continue
                for v in {p[col] for p in subset}:
                    if sum(p["total_investment_usd_m"] for p in subset if p[col] == v) > cap * cost + eps:
                        ok = False
            ids = {p["project_id"] for p in subset}
            if any(a in ids and b in ids for a, b in pairs):
                ok = False
            if not ok:
                continue
            if c.objective == "sum_of_scores":
                value = round(sum(p["score"] for p in subset), 2)
            else:
                value = round(sum(p["score"] * p["total_investment_usd_m"] for p in subset), 6)
            if best is None or value > best + 1e-9:
                best = value
    return best


def random_constraints(
    rng: np.random.Generator, ranked: pd.DataFrame, kind: str, objective: str = "score_weighted_cost"
) -> PortfolioConstraints:
    budget = float(np.round(ranked["total_investment_usd_m"].sum() * rng.uniform(0.15, 0.7), 1))
    extra: dict[str, object] = {"objective": objective}
    if kind == "small_share":
        extra["min_small_share"] = float(rng.choice([0.05, 0.1, 0.3]))
    elif kind == "small_count":
        extra["min_small_count"] = int(rng.integers(1, 3))
    elif kind == "flagship":
        extra["min_flagship_count"] = int(rng.integers(1, 3))
    elif kind == "country":
        extra["max_country_share"] = float(rng.choice([0.4, 0.5, 0.7]))
    elif kind == "sector":
        extra["max_sector_share"] = float(rng.choice([0.3, 0.5]))
    elif kind == "duplicates":
        extra["no_duplicates"] = True
    elif kind == "exclude":
        extra.update(exclude_tiers=["recommended"], exclude_flags=["coal_review"])
    elif kind == "widened":
        extra.update(include_tiers=["deferred", "insufficient_data"])
    elif kind == "exclude_flagged":
        extra["exclude_flagged"] = True
    elif kind == "all":
        extra.update(
            min_small_share=0.05,
            min_flagship_count=1,
            max_country_share=0.6,
            max_sector_share=0.6,
            no_duplicates=True,
            include_tiers=["deferred"],
        )
    return PortfolioConstraints(budget=budget, time_limit=20, **extra)  # type: ignore[arg-type]


KINDS = [
    "budget",
    "small_share",
    "small_count",
    "flagship",
    "country",
    "sector",
    "duplicates",
    "exclude",
    "widened",
    "exclude_flagged",
    "all",
]


@pytest.mark.parametrize("objective", ["score_weighted_cost", "sum_of_scores"])
@pytest.mark.parametrize("kind", KINDS)
def test_objective_equals_brute_force(kind, objective):
    feasible = infeasible = 0
    for seed in range(20 if kind == "all" else 12):  # "all" is often infeasible: more draws
        rng = np.random.default_rng(1000 + seed)
        ranked, hits = instance(seed * 31 + KINDS.index(kind))
        cons = random_constraints(rng, ranked, kind, objective)
        want = brute_force(ranked, hits, cons)
        got = optimise(ranked, cons, hits=hits)
        if want is not None and np.isnan(want):
            assert got.status == "no_candidates", got.message
            continue
        if want is None:
            assert got.status == "infeasible", got.message
            infeasible += 1
            continue
        feasible += 1
        assert got.status == "optimal", got.message
        assert got.objective == pytest.approx(want, abs=1e-6)
        assert got.gap is not None and got.gap <= 1e-9
        chosen = got.chosen
        assert chosen["cost"].sum() <= cons.budget + 1e-9
        assert chosen["score"].sum() == pytest.approx(got.total_score)
        assert set(chosen["tier"]) <= {*DEFAULT_TIERS, *cons.include_tiers}
        assert chosen["cum_cost"].iloc[-1] == pytest.approx(got.total_cost) if len(chosen) else True
        assert list(chosen["rank"]) == sorted(chosen["rank"])
    assert feasible >= 3


def test_a_budget_for_everything_takes_every_eligible_project():
    # Issue 12: with only a budget, the eligible projects are the top two tiers, no longer every ranked one;
    # widening to every tier takes them all again.
    ranked, hits = instance(5, n=10)
    total = float(ranked["total_investment_usd_m"].sum())
    top = ranked[ranked["tier"].isin(DEFAULT_TIERS)]
    default = optimise(ranked, PortfolioConstraints(budget=total), hits=hits)
    assert default.eligible == len(top) < len(ranked)
    assert set(default.chosen["project_id"]) == set(top["project_id"])
    want = float((top["score"] * top["total_investment_usd_m"]).sum())
    assert default.objective == pytest.approx(want)
    wide = PortfolioConstraints(budget=total, include_tiers=["deferred", "insufficient_data"])
    every = optimise(ranked, wide, hits=hits)
    assert every.eligible == len(ranked) and len(every.chosen) == len(ranked)
    assert every.total_score == pytest.approx(ranked["score"].sum())


def test_infeasible_messages_are_one_clear_bilingual_line():
    ranked, hits = instance(3, n=10)
    eligible = ranked[ranked["tier"].isin(DEFAULT_TIERS)]  # issue 12: only eligible flagships count
    n_flag = int((eligible["track"] == "flagship").sum())
    p = optimise(ranked, PortfolioConstraints(budget=1e6, min_flagship_count=n_flag + 1), hits=hits)
    assert p.status == "infeasible" and not p.ok
    assert isinstance(p.message, Text) and "\n" not in p.message.en + p.message.zh
    assert p.message.en.startswith("Infeasible:") and p.message.zh.startswith("不可行")
    assert f"only {n_flag} eligible flagship" in p.message.en and "重大标志性工程仅" in p.message.zh
    assert p.chosen.empty and np.isnan(p.objective)
    cheap = float(np.sort(eligible.loc[eligible["track"] == "flagship", "total_investment_usd_m"])[0])
    q = optimise(ranked, PortfolioConstraints(budget=cheap / 2, min_flagship_count=1), hits=hits)
    assert q.status == "infeasible" and "above the budget" in q.message.en and "超过预算" in q.message.zh
    r = optimise(
        ranked,
        PortfolioConstraints(
            budget=100, exclude_tiers=["priority", "recommended", "deferred", "insufficient_data"]
        ),
    )
    assert r.status == "no_candidates" and "没有可选项目" in r.message.zh


def test_time_limit_message(monkeypatch):
    ranked, hits = instance(4, n=8)

    def fake(c, **kw):
        x = np.zeros(len(c))
        x[0] = 1
        return SimpleNamespace(
            x=x, status=1, message="Time limit reached.", mip_gap=0.05, mip_dual_bound=-1e4
        )

    monkeypatch.setattr(portfolio, "milp", fake)
    p = optimise(ranked, PortfolioConstraints(budget=1e6, time_limit=1), hits=hits)
    assert p.status == "time_limit" and p.gap == pytest.approx(0.05)
    assert "Time limit of 1 s reached" in p.message.en and "时间上限" in p.message.zh
    assert "\n" not in p.message.en + p.message.zh

    def none(c, **kw):
        return SimpleNamespace(
            x=None, status=1, message="Time limit reached.", mip_gap=None, mip_dual_bound=None
        )

    monkeypatch.setattr(portfolio, "milp", none)
    q = optimise(ranked, PortfolioConstraints(budget=1e6, time_limit=1), hits=hits)
    assert q.status == "time_limit" and "before any portfolio" in q.message.en and not q.ok


def test_frontier_is_monotone_and_matches_single_solves():
    ranked, hits = instance(8, n=10)
    cons = PortfolioConstraints(budget=100, max_country_share=0.6)
    budgets = [50.0, 200.0, 500.0, 1000.0, 3000.0]
    fr = efficient_frontier(ranked, cons, budgets, hits=hits)
    assert list(fr["budget"]) == budgets
    obj = fr["objective"].fillna(0).to_numpy()
    assert (np.diff(obj) >= -1e-9).all()
    for b, o in zip(budgets, fr["objective"], strict=True):
        single = optimise(ranked, cons.model_copy(update={"budget": b}), hits=hits)
        assert (np.isnan(o) and np.isnan(single.objective)) or o == pytest.approx(single.objective)
    default = efficient_frontier(ranked, PortfolioConstraints(budget=1), points=4)
    assert len(default) == 4
    top = ranked[ranked["tier"].isin(DEFAULT_TIERS)]  # issue 12: eligible tiers, Σ score × cost
    want = float((top["score"] * top["total_investment_usd_m"]).sum())
    assert default["objective"].iloc[-1] == pytest.approx(want)


def test_value_for_money_pareto():
    ranked, hits = instance(9, n=12)
    p = optimise(ranked, PortfolioConstraints(budget=800), hits=hits)
    v = value_for_money(ranked, p)
    assert set(v.loc[v["chosen"], "project_id"]) == set(p.chosen["project_id"])
    for _, row in v[v["pareto"]].iterrows():
        dominated = v[(v["cost"] <= row["cost"]) & (v["score"] > row["score"])]
        assert dominated.empty


def test_constraints_validated_and_echoed():
    with pytest.raises(ValueError):
        PortfolioConstraints(budget=-1)
    with pytest.raises(ValueError):
        PortfolioConstraints(budget=10, max_country_share=1.5)
    with pytest.raises(ValueError):
        PortfolioConstraints(budget=10, unknown=1)
    ranked, hits = instance(2, n=8)
    p = optimise(ranked, PortfolioConstraints(budget=500, min_small_count=1), hits=hits)
    echo = dict(zip(p.constraints_frame()["item"], p.constraints_frame()["value"], strict=True))
    assert echo["budget_usd_m"] == 500 and echo["min_small_count"] == 1
    assert echo["status"] == p.status and echo["mip_gap"] == p.gap


def test_on_sample_workbook_with_duplicates():
    from screening.pipeline import run

    r = run(SAMPLES / "sample_projects.xlsx")
    hits = r.hits
    # only the criteria's duplicates check (role "duplicates": herd investment in v2) keeps projects apart;
    # phases of one project name partners too, but may both be funded
    (dup_id,) = duplicate_flag_ids(r.criteria)
    pairs = duplicate_pairs_from_hits(hits, [dup_id])
    if not pairs:  # the sample's own duplicate pair depends on the criteria file; add one if absent
        a, b = r.ranked["project_id"].head(2)
        extra = pd.DataFrame(
            [
                {"project_id": a, "id": dup_id, "kind": "flag", "partners": b},
                {"project_id": b, "id": dup_id, "kind": "flag", "partners": a},
            ]
        )
        hits = pd.concat([hits, extra], ignore_index=True)
        pairs = duplicate_pairs_from_hits(hits, [dup_id])
    a, b = sorted(pairs)[0]
    total = float(r.ranked["total_investment_usd_m"].sum())
    free = optimise(r, PortfolioConstraints(budget=total), hits=hits)
    assert {a, b} <= set(free.chosen["project_id"])
    strict = optimise(r, PortfolioConstraints(budget=total, no_duplicates=True), hits=hits)
    assert strict.status == "optimal"
    assert not {a, b} <= set(strict.chosen["project_id"])
    p = optimise(
        r,
        PortfolioConstraints(
            budget=2000,
            min_flagship_count=1,
            min_small_share=0.05,
            max_country_share=0.5,
        ),
    )
    assert p.status == "optimal", p.message
    assert p.chosen["cost"].sum() <= 2000
    assert (p.chosen["track"] == "flagship").sum() >= 1
    assert set(p.chosen["tier"]) <= {t.id for t in r.criteria.tiers[:2]}  # the default eligibility
