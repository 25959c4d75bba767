"""The Robustness and Portfolio pages through Streamlit's AppTest, and their Streamlit-free view helpers:
each page renders on the sample in both languages; a small Monte Carlo gives one row per ranked project; a
budget solves to an optimal portfolio within the budget; an infeasible constraint shows the solver's plain
message, never an exception."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from app_helpers import APP, SAMPLE
from app_helpers import errors as _errors
from app_helpers import metric as _metric
from app_helpers import ok as _ok
from app_helpers import open_app as _app
from app_helpers import page as _page
from streamlit.testing.v1 import AppTest

from screening import pipeline, present
from screening.analysis.portfolio import (
    PortfolioConstraints,
    efficient_frontier,
    frontier_budgets,
    optimise,
    value_for_money,
)
from screening.analysis.sensitivity import monte_carlo, one_at_a_time, smallest_change, sweep_curves
from screening.analysis.weights import apply_weights, validated_weights
from screening.i18n import Text
from screening.model import Result
from screening.present.tables import eligibility_text
from screening.report import result_fingerprint


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLE)


# a read-only st.dataframe keeps no key in AppTest: find each table by a column only it has
MARKS = {"rb_flip_summary": "exit_dimension", "rb_smaa_table": "p_first", "pf_chosen_table": "cum_cost"}


def _frame(at: AppTest, key: str) -> pd.DataFrame:
    for df in at.dataframe:
        value = df.value
        if MARKS[key] in value.columns:
            return value
    raise AssertionError(f"no dataframe {key!r}")


# ----------------------------------------------------------------------------------------------- pages


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page,title", [("robustness", "rb_title"), ("portfolio", "pf_title")])
def test_page_renders(page: str, title: str, lang: str) -> None:
    at = _page(_app(lang), page)
    assert at.title[0].value == present.t(title, lang)
    assert not _errors(at), _errors(at)


def test_navigation_order() -> None:
    text = Path(APP).read_text(encoding="utf-8")
    order = [text.index(f'"app_pages/{p}.py"') for p in ("project", "robustness", "portfolio", "export")]
    assert order == sorted(order)


def test_robustness_shows_flip_points_and_the_smallest_change(result: Result) -> None:
    at = _page(_app("en"), "robustness")
    flips = one_at_a_time(result.pm, result.weights, result.criteria.missing_policy, top_k=10)
    text = present.smallest_change_text(smallest_change(flips), 10, "en", result.criteria)
    assert text in [str(i.value) for i in at.info]
    summary = _frame(at, "rb_flip_summary")
    assert summary["project_id"].tolist() == result.ranked["project_id"].astype(str).head(10).tolist()
    at.number_input(key="rb_top_k").set_value(5).run()
    _ok(at)
    assert len(_frame(at, "rb_flip_summary")) == 5
    dims = list(result.weights.dimensions)
    at.selectbox(key="rb_dimension").set_value(dims[-1]).run()
    _ok(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_monte_carlo_gives_one_row_per_ranked_project(result: Result, lang: str) -> None:
    at = _page(_app(lang), "robustness")
    assert present.t("rb_press_run", lang) in [str(i.value) for i in at.info]
    at.slider(key="rb_draws").set_value(200)
    at.number_input(key="rb_seed").set_value(7)
    at.button(key="rb_run").click().run()
    _ok(at)
    assert not _errors(at), _errors(at)
    table = _frame(at, "rb_smaa_table")
    assert len(table) == len(result.ranked)
    assert table["project_id"].tolist() == result.ranked["project_id"].astype(str).tolist()
    verdicts = {present.t(k, lang) for k in ("rb_stable", "rb_sensitive", "rb_not_assessed")}
    assert set(table["label"]) <= verdicts
    expected = monte_carlo(
        result.pm,
        result.weights,
        result.criteria.missing_policy,
        draws=200,
        top_k=10,
        seed=7,
        completeness_threshold=result.criteria.completeness_threshold,
    )
    assert table["label"].tolist() == [present.smaa_label(x, lang) for x in expected.table["label"]]
    assert table["p_top_k"].tolist() == expected.table["p_top_k"].tolist()  # the library's, reproducibly
    assert table["rank_p95"].tolist() == expected.table["rank_p95"].tolist()
    # a rerun (e.g. the language switch) shows the cached run, not a new one
    at.radio(key="lang").set_value("en" if lang == "zh" else "zh").run()
    _ok(at)
    assert len(_frame(at, "rb_smaa_table")) == len(result.ranked)


def test_monte_carlo_marked_stale_after_a_weight_change(result: Result) -> None:
    at = _page(_app("en"), "robustness")
    at.slider(key="rb_draws").set_value(200)
    at.button(key="rb_run").click().run()
    _ok(at)
    dim = result.criteria.dimensions[0].id
    at.session_state["weights"] = {"dimensions": {dim: 40.0}, "criteria": {}}
    at.run()
    _ok(at)
    assert present.t("rb_stale", "en") in [str(w.value) for w in at.warning]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_portfolio_with_a_budget_is_optimal_within_it(result: Result, lang: str) -> None:
    at = _page(_app(lang), "portfolio")
    assert present.t("pf_press_solve", lang) in [str(i.value) for i in at.info]
    budget = 3000.0
    at.number_input(key="pf_budget").set_value(budget)
    at.button(key="pf_solve").click().run()
    _ok(at)
    assert not _errors(at), _errors(at)
    assert _metric(at, present.t("pf_status", lang)) == present.status_label("optimal", lang)
    assert _metric(at, present.t("pf_gap", lang)) == f"{0.0:.4%}"
    chosen = _frame(at, "pf_chosen_table")
    assert chosen["cost"].sum() <= budget + 1e-6
    expected = optimise(result, PortfolioConstraints(budget=budget, time_limit=30))
    assert (  # issue 12: the objective is Σ score × cost, so compare the total score, not the objective
        set(chosen["project_id"]) == set(expected.chosen["project_id"])
        or round(chosen["score"].sum(), 2) == expected.total_score
    )
    assert set(expected.chosen["tier"]) <= {t.id for t in result.criteria.tiers[:2]}  # the default
    assert expected.eligibility is not None
    assert eligibility_text(expected.eligibility, lang, result.criteria) in [str(c.value) for c in at.caption]
    mix = _track_mix(at, lang)
    assert mix[present.t("pf_projects", lang)].sum() == len(chosen)
    assert mix[present.t("cost", lang)].sum() == pytest.approx(chosen["cost"].sum())
    msg = expected.message.get(lang)
    assert msg in [str(s.value) for s in at.success]
    other = expected.message.get("en" if lang == "zh" else "zh")
    assert other not in [str(s.value) for s in at.success]  # one language only
    assert len(at.get("vega_lite_chart")) == 2  # frontier and value for money
    labels = [b.proto.label for b in at.get("download_button")]
    assert present.t("brief_pf_download", lang) in labels  # the portfolio's one-page brief (made on click)


def test_portfolio_default_budget_is_a_fifth_of_the_total(result: Result) -> None:
    at = _page(_app("en"), "portfolio")
    total = float(result.ranked["total_investment_usd_m"].sum())
    assert at.number_input(key="pf_budget").value == pytest.approx(round(0.2 * total, 1))
    at.button(key="pf_solve").click().run()
    _ok(at)
    assert _metric(at, "Solver status") == "optimal"
    assert _frame(at, "pf_chosen_table")["cost"].sum() <= round(0.2 * total, 1) + 1e-6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_infeasible_constraint_shows_the_message(result: Result, lang: str) -> None:
    at = _page(_app(lang), "portfolio")
    at.number_input(key="pf_min_flagship_count").set_value(999)
    at.button(key="pf_solve").click().run()
    _ok(at)
    expected = optimise(
        result,
        PortfolioConstraints(
            budget=round(0.2 * float(result.ranked["total_investment_usd_m"].sum()), 1),
            min_flagship_count=999,
        ),
    )
    assert expected.status == "infeasible"
    assert _errors(at) == [expected.message.get(lang)]
    assert _metric(at, present.t("pf_status", lang)) == present.status_label("infeasible", lang)
    assert "Traceback" not in " ".join(_errors(at))


def test_portfolio_constraints_reach_the_solver(result: Result) -> None:
    at = _page(_app("en"), "portfolio")
    at.number_input(key="pf_budget").set_value(5000.0)
    at.slider(key="pf_max_country_share").set_value(30)
    at.checkbox(key="pf_exclude_flagged").check()
    at.multiselect(key="pf_exclude_tiers").set_value(["deferred"])
    at.button(key="pf_solve").click().run()
    _ok(at)
    chosen = _frame(at, "pf_chosen_table")
    expected = optimise(
        result,
        PortfolioConstraints(
            budget=5000.0, max_country_share=0.3, exclude_flagged=True, exclude_tiers=["deferred"]
        ),
    )
    assert (
        round(chosen["score"].sum(), 2) == expected.total_score
    )  # issue 12: the objective is Σ score × cost
    # changing a constraint without solving again marks the shown solution as stale
    at.slider(key="pf_max_country_share").set_value(50).run()
    assert present.t("pf_stale", "en") in [str(w.value) for w in at.warning]


def _track_mix(at: AppTest, lang: str) -> pd.DataFrame:
    share = present.t("pf_cost_share", lang)
    return next(df.value for df in at.dataframe if share in df.value.columns)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_widened_eligibility_and_the_objective_reach_the_solver_and_are_said(
    result: Result, lang: str
) -> None:
    at = _page(_app(lang), "portfolio")
    at.number_input(key="pf_budget").set_value(3000.0)
    at.multiselect(key="pf_include_tiers").set_value(["conditional"])
    at.radio(key="pf_objective").set_value("sum_of_scores")
    at.button(key="pf_solve").click().run()
    _ok(at)
    cons = PortfolioConstraints(budget=3000.0, include_tiers=["conditional"], objective="sum_of_scores")
    expected = optimise(result, cons)
    chosen = _frame(at, "pf_chosen_table")
    assert round(chosen["score"].sum(), 2) == expected.total_score
    assert expected.eligibility is not None and expected.eligibility.widened
    assert eligibility_text(expected.eligibility, lang, result.criteria) in [str(w.value) for w in at.warning]
    assert len(_track_mix(at, lang)) == len(result.criteria.tracks)


# ----------------------------------------------------------------------------------------------- views


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_analysis_charts_build(result: Result, lang: str) -> None:
    cs, pm, w, pol = result.criteria, result.pm, result.weights, result.criteria.missing_policy
    smaa = monte_carlo(pm, w, pol, draws=100, top_k=10, seed=1)
    dim = next(iter(w.dimensions))
    ids = result.ranked["project_id"].astype(str).head(10).tolist()
    curves = sweep_curves(pm, w, pol, dimension=dim, project_ids=ids, steps=21)
    cons = PortfolioConstraints(budget=2000)
    p = optimise(result, cons)
    vfm = value_for_money(result, p, cons)
    frontier = efficient_frontier(result, cons, budgets=frontier_budgets(vfm["cost"], 2000, 4))
    charts = [
        present.rank_interval_chart(smaa.table, lang, 10, top=20),
        present.sweep_chart(curves, lang, cs, dim, float(w.dimensions[dim])),
        present.frontier_chart(frontier, lang, 2000),
        present.value_for_money_chart(vfm, lang, cs),
    ]
    for chart in charts:
        assert isinstance(chart, alt.LayerChart)
        chart.to_dict()  # a valid Vega-Lite spec
    shown = present.smaa_table(smaa.table, result, lang)
    assert len(shown) == len(result.ranked)
    assert set(shown["label"]) <= {present.t("rb_stable", lang), present.t("rb_sensitive", lang)}
    flips = one_at_a_time(pm, w, pol, top_k=10)
    summary = present.flip_summary(flips, result, lang)
    assert summary["rank"].tolist() == list(range(1, 11))
    assert len(present.flips_table(flips, result, lang)) == len(flips)


def test_frontier_budgets_include_the_chosen_budget() -> None:
    b = frontier_budgets([10.0, 20.0, 70.0], 33.0, 8)
    assert 33.0 in b and min(b) == 10.0 and max(b) == 100.0 and len(b) == 8 and b == sorted(b)


def test_portfolio_message_is_a_text_in_each_language(result: Result) -> None:
    p = optimise(result, PortfolioConstraints(budget=100.0))
    assert (
        isinstance(p.message, Text)
        and p.message.en.startswith("Optimal:")
        and p.message.zh.startswith("最优：")
    )
    details = p.constraints_frame("zh").set_index("item")["value"]
    assert details["message"] == p.message.zh
    assert p.constraints_frame().set_index("item")["value"]["message"] == f"{p.message.en} / {p.message.zh}"


def test_fingerprint_follows_the_weights(result: Result) -> None:
    cs = result.criteria
    edited = validated_weights(cs, {"dimensions": {cs.dimensions[0].id: 40.0}, "criteria": {}})
    other = apply_weights(result, edited)
    assert result_fingerprint(result) == result_fingerprint(result)
    assert result_fingerprint(other) != result_fingerprint(result)
