"""Portfolio: the best set of eligible ranked projects under a budget and optional constraints (an exact MILP;
by default the top two tiers, Σ score × cost), with the eligibility said, the track mix, the efficient frontier
and a value-for-money chart. Every computation is :mod:`screening.analysis.portfolio`; the tables and charts
come from :mod:`screening.present`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from pydantic import ValidationError

from app_pages import common
from screening import present
from screening.analysis.portfolio import (
    COST,
    INSUFFICIENT,
    ConstraintsError,
    PortfolioConstraints,
    binding_constraints,
    blocking_flag_ids,
    decisions_of,
    despite_label,
    efficient_frontier,
    eligibility,
    frontier_budgets,
    objective_label,
    optimise,
    value_for_money,
)
from screening.analysis.portfolio_constraints import constraints_from_text
from screening.io.export import csv_for_reading
from screening.present.brief import portfolio_brief_pdf
from screening.present.tables import eligibility_text
from screening.report import result_fingerprint

FRONTIER_POINTS = 8


# The fields a constraints file brings to the page (issue 17); the page's own widgets set the rest.
FILE_FIELDS = (
    "must_fund",
    "must_not",
    "exclusive",
    "requires",
    "decisions",
    "pools",
    "pool_shares",
    "budget_by_year",
)


def _solve_pressed() -> None:
    st.session_state["_pf_pending"] = True


def _constraints_from_widgets(budget: float) -> dict[str, Any]:
    ss = st.session_state
    small_share = float(ss.get("pf_min_small_share", 0))
    country = float(ss.get("pf_max_country_share", 100))
    sector = float(ss.get("pf_max_sector_share", 100))
    return {
        "budget": float(budget),
        "min_small_share": small_share / 100 if small_share > 0 else None,
        "min_small_count": int(ss.get("pf_min_small_count", 0)) or None,
        "min_flagship_count": int(ss.get("pf_min_flagship_count", 0)) or None,
        "max_country_share": country / 100 if country < 100 else None,
        "max_sector_share": sector / 100 if sector < 100 else None,
        "no_duplicates": bool(ss.get("pf_no_duplicates", False)),
        "exclude_flagged": bool(ss.get("pf_exclude_flagged", False)),
        "exclude_tiers": list(ss.get("pf_exclude_tiers", [])),
        "exclude_flags": list(ss.get("pf_exclude_flags", [])),
        "objective": str(ss.get("pf_objective", "score_weighted_cost")),
        "include_tiers": list(ss.get("pf_include_tiers", [])),
        "allow_flags": list(ss.get("pf_allow_flags", [])),
        "time_limit": float(ss.get("pf_time_limit", 30.0)),
        "cost_column": str(ss.get("pf_cost_column", COST)),
        "whole_groups": bool(ss.get("pf_whole_groups", True)),
        **_real_constraints(),
    }


def _real_constraints() -> dict[str, Any]:
    """Must-fund, must-not, exclusions, dependencies, pools and yearly budgets: those of the uploaded
    constraints file, with the page's must-fund, must-not and one exclusive group added."""
    ss = st.session_state
    from_file: dict[str, Any] = dict(ss.get("_pf_file_fields") or {})
    must = list(dict.fromkeys([*from_file.get("must_fund", []), *ss.get("pf_must_fund", [])]))
    never = list(dict.fromkeys([*from_file.get("must_not", []), *ss.get("pf_must_not", [])]))
    exclusive = [list(g) for g in from_file.get("exclusive", [])]
    one_of = list(ss.get("pf_exclusive_one", []))
    if len(one_of) > 1:
        exclusive.append(one_of)
    return {
        **{k: v for k, v in from_file.items() if k in FILE_FIELDS},
        "must_fund": must,
        "must_not": never,
        "exclusive": exclusive,
    }


def _constraints_file_widgets(ids: list[str], has_reviews: bool) -> None:
    """The constraints file upload (docs/portfolio.md) and the fields for must-fund, must-not and one
    exclusive group; the file's pools, yearly budgets and dependencies are said in a caption."""
    ss = st.session_state
    with st.expander(common.t("pf_real_constraints"), expanded=bool(ss.get("_pf_file_fields"))):
        st.caption(common.t("pf_real_constraints_help"))
        up = common.file_uploader(
            st, common.t("pf_constraints_upload"), types=["yaml", "yml"], key="pf_constraints_upload"
        )
        if up is None:
            ss.pop("_pf_file_fields", None)
            ss.pop("_pf_file_error", None)
        elif ss.get("_pf_file_seen") != (up.name, up.size):
            ss["_pf_file_seen"] = (up.name, up.size)
            try:
                raw = up.getvalue().decode("utf-8-sig")
                parsed = constraints_from_text(raw, where=up.name, overrides={"budget": 0.0})
            except UnicodeDecodeError:
                ss["_pf_file_error"] = common.t("pf_constraints_not_text", name=up.name)
                ss.pop("_pf_file_fields", None)
            except ConstraintsError as exc:
                ss["_pf_file_error"] = exc.text.get(common.lang())
                ss.pop("_pf_file_fields", None)
            else:
                ss.pop("_pf_file_error", None)
                ss["_pf_file_fields"] = {k: v for k, v in parsed.model_dump().items() if k in FILE_FIELDS}
        if ss.get("_pf_file_error"):
            st.error(ss["_pf_file_error"])
        fields = ss.get("_pf_file_fields")
        if fields:
            said = PortfolioConstraints(budget=0, **fields).describe()[1:]  # not the placeholder budget
            sep = common.t("sep_items")
            st.caption(
                common.t("pf_constraints_loaded", items=sep.join(x.get(common.lang()) for x in said) or "—")
            )
        c1, c2, c3 = st.columns(3)
        common.multiselect(
            c1, common.t("pf_must_fund"), ids, key="pf_must_fund", help=common.t("pf_must_fund_help")
        )
        common.multiselect(c2, common.t("pf_must_not"), ids, key="pf_must_not")
        common.multiselect(c3, common.t("pf_exclusive_one"), ids, key="pf_exclusive_one")
        if has_reviews:
            st.checkbox(
                common.t("pf_use_decisions"),
                value=True,
                help=common.t("pf_use_decisions_help"),
                key="pf_use_decisions",
            )


def _solve(result, cons: PortfolioConstraints) -> dict[str, Any]:  # noqa: ANN001 - a pipeline.Result
    """Optimise, then the efficient frontier at a handful of budgets (with a progress bar), the
    value-for-money data and which constraints bind."""
    decisions = decisions_of(result) if st.session_state.get("pf_use_decisions", True) else {}
    with st.spinner(common.t("pf_solving")):
        portfolio = optimise(result, cons, decisions=decisions)
        # why: our choice — a few seconds per re-solve keeps the page responsive on large files
        binding = binding_constraints(portfolio, min(cons.time_limit, 5.0)) if portfolio.ok else None
    cons = portfolio.constraints  # with the reviewers' decisions
    vfm = value_for_money(result, portfolio, cons)
    frontier = None
    if portfolio.status != "no_candidates" and len(vfm):
        budgets = frontier_budgets(vfm["cost"].to_numpy(), cons.budget, FRONTIER_POINTS)
        bar = st.progress(0.0, text=common.t("pf_frontier_progress", i=0, n=len(budgets)))
        parts = []
        for i, b in enumerate(budgets, start=1):
            parts.append(efficient_frontier(result, cons, budgets=[b]))
            bar.progress(i / len(budgets), text=common.t("pf_frontier_progress", i=i, n=len(budgets)))
        bar.empty()
        frontier = pd.concat(parts, ignore_index=True)
    return {"portfolio": portfolio, "frontier": frontier, "vfm": vfm, "binding": binding}


def body() -> None:
    lang = common.lang()
    st.title(common.t("pf_title"))
    result = common.need_result()
    if result is None:
        return
    ranked = result.ranked
    if ranked.empty:
        st.info(common.t("pf_no_ranked"))
        return
    cs = result.criteria
    st.caption(common.t("pf_intro"))
    st.caption(common.t("help_highs"))
    fp = result_fingerprint(result)
    total = float(pd.to_numeric(ranked.get(COST, pd.Series(dtype=float)), errors="coerce").fillna(0).sum())

    budget = st.number_input(
        common.t("pf_budget"),
        min_value=0.0,
        value=round(0.2 * total, 1),
        step=10.0,
        format="%.1f",
        help=common.t("pf_budget_help", total=total),
        key="pf_budget",
    )
    st.radio(
        common.t("pf_objective"),
        ["score_weighted_cost", "sum_of_scores"],
        format_func=lambda v: objective_label(v).get(lang),
        help=common.t("pf_objective_help"),
        key="pf_objective",
    )
    _eligibility_widgets(cs, lang)
    with st.expander(common.t("pf_constraints"), expanded=False):
        c1, c2, c3 = st.columns(3)
        c1.slider(common.t("pf_min_small_share"), 0, 100, 0, 5, key="pf_min_small_share")
        c1.number_input(
            common.t("pf_min_small_count"),
            min_value=0,
            max_value=100_000,
            value=0,
            step=1,
            help=common.t("pf_zero_none"),
            key="pf_min_small_count",
        )
        c1.number_input(
            common.t("pf_min_flagship_count"),
            min_value=0,
            max_value=100_000,
            value=0,
            step=1,
            help=common.t("pf_zero_none"),
            key="pf_min_flagship_count",
        )
        c2.slider(common.t("pf_max_country_share"), 5, 100, 100, 5, key="pf_max_country_share")
        c2.slider(common.t("pf_max_sector_share"), 5, 100, 100, 5, key="pf_max_sector_share")
        c2.number_input(
            common.t("pf_time_limit"),
            min_value=1.0,
            max_value=600.0,
            value=30.0,
            step=5.0,
            key="pf_time_limit",
        )
        tiers: list[str] = [x.id for x in cs.tiers]
        tiers += [x for x in present.filter_options(ranked)["tier"] if x not in tiers]
        common.multiselect(
            c3,
            common.t("pf_exclude_tiers"),
            tiers,
            format_func=lambda v: present.tier_label(v, lang, cs),
            key="pf_exclude_tiers",
        )
        flags_present = sorted(
            {
                f
                for s in ranked.get("flags", pd.Series(dtype=str)).dropna().astype(str)
                for f in s.split(";")
                if f
            }
        )
        flag_labels = {f.id: f.label.get(lang) for f in cs.flags}
        common.multiselect(
            c3,
            common.t("pf_exclude_flags"),
            flags_present,
            format_func=lambda f: flag_labels.get(f, f),
            key="pf_exclude_flags",
        )
        c3.checkbox(common.t("pf_exclude_flagged"), key="pf_exclude_flagged")
        c3.checkbox(common.t("pf_no_duplicates"), key="pf_no_duplicates")
        c3.checkbox(common.t("pf_whole_groups"), value=True, key="pf_whole_groups")
        common.selectbox(
            c3,
            common.t("pf_cost_column"),
            present.cost_columns(ranked) or [COST],
            format_func=lambda c: present.column_title(c, lang, cs),
            help=common.t("pf_cost_column_help"),
            key="pf_cost_column",
        )
    reviews = getattr(result.input, "reviews", None)
    _constraints_file_widgets(
        sorted(ranked["project_id"].astype(str)), reviews is not None and len(reviews) > 0
    )
    st.button(common.t("pf_solve"), type="primary", key="pf_solve", on_click=_solve_pressed)

    wanted = _constraints_from_widgets(budget)
    if st.session_state.pop("_pf_pending", False):
        try:
            cons = PortfolioConstraints(**wanted)
        except ValidationError as err:
            first = err.errors()[0]
            st.error(
                common.t(
                    "pf_invalid_option", option=first["loc"][0] if first["loc"] else "", msg=first["msg"]
                )
            )
            return
        try:
            solved = _solve(result, cons)
        except ConstraintsError as exc:
            st.error(exc.text.get(lang))
            return
        st.session_state["pf_solution"] = {"fingerprint": fp, "wanted": wanted, **solved}

    sol = st.session_state.get("pf_solution")
    if sol is None:
        st.info(common.t("pf_press_solve"))
        return
    if sol["fingerprint"] != fp or sol["wanted"] != wanted:
        st.warning(common.t("pf_stale"))
    _show(sol, lang, cs, result)


def _eligibility_widgets(cs, lang: str) -> None:  # noqa: ANN001 - a CriteriaSet
    """The default eligibility in words, and the two ways to widen it (tiers beyond the top two, flags that
    block the default portfolio)."""
    default = eligibility(PortfolioConstraints(budget=0), cs)
    blocking = blocking_flag_ids(cs)
    flag_labels = {f.id: f.label.get(lang) for f in cs.flags}
    sep = common.t("sep_list")
    with st.expander(common.t("pf_eligibility"), expanded=False):
        st.caption(
            common.t(
                "pf_eligibility_help",
                tiers=sep.join(present.tier_label(x, lang, cs) for x in default.tiers),
                flags=sep.join(flag_labels.get(f, f) for f in blocking) or "—",
            )
        )
        left, right = st.columns(2)
        wider = [x.id for x in cs.tiers if x.id not in default.tiers] + [INSUFFICIENT]
        common.multiselect(
            left,
            common.t("pf_include_tiers"),
            wider,
            format_func=lambda v: present.tier_label(v, lang, cs),
            key="pf_include_tiers",
        )
        common.multiselect(
            right,
            common.t("pf_allow_flags"),
            blocking,
            format_func=lambda f: flag_labels.get(f, f),
            key="pf_allow_flags",
        )


def _track_mix_table(p, lang: str, cs) -> pd.DataFrame:  # noqa: ANN001 - Portfolio, CriteriaSet
    mix = p.track_mix()
    return pd.DataFrame(
        {
            present.t("track", lang): [present.track_label(x, lang, cs) for x in mix["track"]],
            present.t("pf_projects", lang): mix["projects"],
            present.t("cost", lang): mix["cost"],
            present.t("pf_cost_share", lang): mix["cost_share"] * 100,
        }
    )


def _show(sol: dict[str, Any], lang: str, cs, result) -> None:  # noqa: ANN001 - CriteriaSet, pipeline.Result
    p = sol["portfolio"]
    message = p.message.get(lang)
    {"optimal": st.success, "time_limit": st.warning}.get(p.status, st.error)(message)
    if p.eligibility is not None:  # a widened eligibility is said as a warning, the default as a note
        (st.warning if p.eligibility.widened else st.caption)(eligibility_text(p.eligibility, lang, cs))
        thin = p.eligibility.thin_note()
        if thin is not None:
            st.warning(thin.get(lang))
    note = p.group_note()
    if note is not None:
        st.caption(note.get(lang))
    m = st.columns(6)
    m[0].metric(common.t("pf_status"), present.status_label(p.status, lang), help=common.t("help_status"))
    m[1].metric(common.t("pf_gap"), "—" if p.gap is None else f"{p.gap:.4%}", help=common.t("help_gap"))
    m[2].metric(common.t("pf_chosen_count"), f"{len(p.chosen):,}")
    m[3].metric(common.t("pf_total_cost"), f"{p.total_cost:,.1f}")
    m[4].metric(common.t("pf_total_score"), "—" if np.isnan(p.total_score) else f"{p.total_score:,.2f}")
    per_dollar = p.mean_score_per_dollar
    m[5].metric(common.t("pf_mean_score_per_dollar"), "—" if np.isnan(per_dollar) else f"{per_dollar:,.2f}")
    names = {
        str(k): str(v)
        for k, v in zip(
            result.ranked["project_id"],
            result.ranked.get("project_name", result.ranked["project_id"]),
            strict=True,
        )
    }

    if p.ok and len(p.chosen):
        st.subheader(common.t("pf_chosen"))
        table = present.portfolio_table(p.chosen, lang, cs)
        num = st.column_config.NumberColumn
        cfg: dict[str, Any] = {c: present.column_title(c, lang, cs) for c in table.columns}
        cfg.update(
            {
                "cost": num(present.t("cost", lang), format="%,.1f"),
                "score": num(present.t("score", lang), format="%.2f"),
                "cum_cost": num(present.t("cum_cost", lang), format="%,.1f"),
                "cum_score": num(present.t("cum_score", lang), format="%.2f"),
            }
        )
        common.dataframe(table, hide_index=True, column_config=cfg, key="pf_chosen_table")
        st.subheader(common.t("pf_track_mix_heading"))
        mix = _track_mix_table(p, lang, cs)
        common.dataframe(
            mix,
            hide_index=True,
            column_config={
                present.t("cost", lang): num(format="%,.1f"),
                present.t("pf_cost_share", lang): num(format="%.1f%%"),
            },
            key="pf_track_mix_table",
        )
        stem = Path(st.session_state["source"]["name"]).stem or "projects"
        st.download_button(
            common.t("download_portfolio"),
            data=csv_for_reading(p.chosen),
            file_name=f"{stem}_portfolio.csv",
            mime="text/csv",
            on_click="ignore",
            key="pf_download",
        )
        st.caption(common.t("csv_neutralised_note"))
        chosen_ids = tuple(str(x) for x in p.chosen["project_id"])
        st.download_button(  # made when clicked: WeasyPrint takes seconds
            common.t("brief_pf_download"),
            data=lambda: portfolio_brief_pdf(result, chosen_ids, lang),
            file_name=f"{stem}_portfolio_brief_{lang}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key="pf_brief_download",
            help=common.t("brief_pf_download_help"),
        )
    _show_real_constraints(sol, lang, cs)
    st.caption(common.t("help_gap"))
    with st.expander(common.t("pf_details")):
        details = p.constraints_frame(lang)
        details["value"] = details["value"].map(lambda v: "" if v is None else str(v))
        common.dataframe(
            details,
            hide_index=True,
            column_config={"item": present.t("pf_item", lang), "value": present.t("pf_value", lang)},
        )

    frontier = sol.get("frontier")
    left, right = st.columns(2)
    if frontier is not None and frontier["objective"].notna().any():
        left.altair_chart(
            present.frontier_chart(frontier, lang, p.constraints.budget, p.constraints.objective),
            width="stretch",
        )
        left.caption(common.t("pf_frontier_note", n=len(frontier)))
    vfm = sol.get("vfm")
    if vfm is not None and len(vfm):
        right.altair_chart(present.value_for_money_chart(vfm, lang, cs, names), width="stretch")
        right.caption(common.t("pf_vfm_note"))


def _show_real_constraints(sol: dict[str, Any], lang: str, cs) -> None:  # noqa: ANN001 - CriteriaSet
    """Projects funded against the default eligibility, the money per budget, pool and year, and which
    constraints bind (dropping one alone would raise the objective)."""
    p = sol["portfolio"]
    if not p.ok:
        return
    forced = (
        p.chosen[p.chosen["funded_despite"].astype(bool)] if "funded_despite" in p.chosen.columns else None
    )
    if forced is not None and len(forced):
        st.subheader(common.t("pf_overrides_heading"))
        sep = common.t("sep_items")
        common.dataframe(
            pd.DataFrame(
                {
                    present.column_title("project_id", lang): forced["project_id"],
                    present.column_title("tier", lang): [
                        present.tier_label(x, lang, cs) for x in forced["tier"]
                    ],
                    common.t("pf_col_forced_by"): [common.t(f"pf_forced_{x}") for x in forced["forced_by"]],
                    common.t("pf_col_funded_despite"): [
                        sep.join(despite_label(w).get(lang) for w in str(why).split(";") if w)
                        for why in forced["funded_despite"]
                    ],
                }
            ),
            hide_index=True,
            key="pf_overrides_table",
        )
    c = p.constraints
    if c.pools or c.budget_by_year:
        st.subheader(common.t("pf_budgets_heading"))
        money = pd.concat([p.pool_totals(), p.year_totals()], ignore_index=True)
        num = st.column_config.NumberColumn
        common.dataframe(
            pd.DataFrame(
                {
                    common.t("pf_col_constraint"): [_budget_name(x, lang) for x in money["budget"]],
                    common.t("pf_col_used"): money["used"],
                    common.t("pf_col_limit"): money["limit"],
                    common.t("pf_col_left"): money["left"],
                }
            ),
            hide_index=True,
            column_config={
                common.t(k): num(format="%,.1f") for k in ("pf_col_used", "pf_col_limit", "pf_col_left")
            },
            key="pf_budgets_table",
        )
    binding = sol.get("binding")
    if binding is not None and len(binding):
        st.subheader(common.t("pf_binding_heading"))
        st.caption(common.t("pf_binding_help"))
        yes, no, unknown = common.t("fmt_yes"), common.t("fmt_no"), common.t("pf_binds_unknown")
        common.dataframe(
            pd.DataFrame(
                {
                    common.t("pf_col_constraint"): [x.get(lang) for x in binding["label"]],
                    common.t("pf_col_binds"): [
                        unknown if b is None else (yes if b else no) for b in binding["binds"]
                    ],
                    common.t("pf_col_tight"): [yes if b else no for b in binding["tight"]],
                    common.t("pf_col_objective_without"): binding["objective_without"],
                }
            ),
            hide_index=True,
            column_config={
                common.t("pf_col_objective_without"): st.column_config.NumberColumn(format="%,.2f")
            },
            key="pf_binding_table",
        )


def _budget_name(key: str, lang: str) -> str:
    """``budget``, ``pool:<p>``, ``year:<y>`` in words."""
    kind, _, arg = key.partition(":")
    if kind == "pool":
        return present.t("pf_budget_pool", lang, pool=arg)
    if kind == "year":
        return present.t("pf_budget_year", lang, year=arg)
    return present.t("pf_budget_main", lang)


common.guarded(body)
