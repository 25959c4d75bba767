"""Robustness: how fragile is the ranking under the current weights? One-at-a-time flip points for the top k,
the smallest change that alters the top k, a sweep chart, and a seeded Monte Carlo (SMAA) behind a button.
Every computation is :mod:`screening.sensitivity`; the charts and tables come from :mod:`screening.views`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import common
from screening import present
from screening.analysis.sensitivity import Smaa, monte_carlo, one_at_a_time, smallest_change, sweep_curves
from screening.i18n import has
from screening.io.export import csv_for_reading
from screening.model import Result
from screening.report import result_fingerprint

MAX_DRAWS = 20_000


@st.cache_data(show_spinner=False, max_entries=8)
def _oat(fingerprint: str, top_k: int, _result: Result):  # noqa: ANN202 - a DataFrame
    r = _result
    return one_at_a_time(r.pm, r.weights, r.criteria.missing_policy, top_k=top_k)


@st.cache_data(show_spinner=False, max_entries=16)
def _sweep(fingerprint: str, dimension: str, ids: tuple[str, ...], _result: Result):  # noqa: ANN202
    r = _result
    return sweep_curves(
        r.pm, r.weights, r.criteria.missing_policy, dimension=dimension, project_ids=list(ids), steps=101
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _monte_carlo(
    fingerprint: str, draws: int, top_k: int, seed: int, concentration: float, _result: Result
) -> Smaa:
    """One Monte Carlo per (result fingerprint: data, criteria and weights; parameters)."""
    r = _result
    return monte_carlo(
        r.pm,
        r.weights,
        r.criteria.missing_policy,
        draws=draws,
        top_k=top_k,
        seed=seed,
        concentration=concentration,
        completeness_threshold=r.criteria.completeness_threshold,
    )


def _run_pressed() -> None:
    ss = st.session_state
    ss["rb_mc_request"] = {
        "fingerprint": ss.get("_rb_fingerprint"),
        "draws": int(ss["rb_draws"]),
        "top_k": int(ss["rb_top_k"]),
        "seed": int(ss["rb_seed"]),
        "concentration": float(ss["rb_kappa"]),
    }


def body() -> None:
    lang = common.lang()
    st.title(common.t("rb_title"))
    result = common.need_result()
    if result is None:
        return
    n = len(result.ranked)
    if n < 2:
        st.info(common.t("no_projects"))
        return
    st.caption(common.t("rb_intro"))
    cs = result.criteria
    fp = result_fingerprint(result)
    st.session_state["_rb_fingerprint"] = fp
    names = {
        str(k): str(v)
        for k, v in zip(
            result.ranked["project_id"],
            result.ranked.get("project_name", result.ranked["project_id"]),
            strict=True,
        )
    }

    k = int(
        st.number_input(
            common.t("rb_top_k"),
            min_value=1,
            max_value=max(1, n - 1),
            value=min(10, n - 1),
            step=1,
            help=common.t("rb_top_k_help"),
            key="rb_top_k",
        )
    )

    # ---- one at a time: flip points and the smallest change
    st.subheader(common.t("rb_oat"))
    st.caption(common.t("rb_oat_help"))
    with st.spinner(common.t("rb_oat_running")):  # a few seconds at 100,000 projects (docs/benchmarks.md)
        flips = _oat(fp, k, result)
    st.info(present.smallest_change_text(smallest_change(flips), k, lang, cs))
    st.caption(common.t("help_l1"))
    summary = present.flip_summary(flips, result, lang)
    num = st.column_config.NumberColumn
    cfg: dict[str, Any] = {
        "rank": present.t("rank", lang),
        "project_id": present.t("id", lang),
        "project_name": present.column_title("project_name", lang),
        "exit_dimension": present.t("rb_exit_dimension", lang),
        "direction": present.t("rb_direction", lang),
        "weight": num(present.t("rb_current_weight", lang), format="%.2f"),
        "exit_weight": num(present.t("rb_exit_weight", lang), format="%.2f"),
        "exit_change": num(present.t("rb_exit_change", lang), format="%+.2f"),
        "exit_rival": present.t("rb_exit_rival", lang),
        "rank_flip_dimension": present.t("dimension", lang) + " · " + present.t("rb_direction", lang),
        "rank_flip_weight": num(present.t("rb_rank_flip_weight", lang), format="%.2f"),
        "rank_flip_rival": present.t("rb_rank_flip_rival", lang),
    }
    common.dataframe(summary, hide_index=True, column_config=cfg, key="rb_flip_summary")
    with st.expander(common.t("rb_all_flips")):
        full = present.flips_table(flips, result, lang)
        common.dataframe(
            full,
            hide_index=True,
            column_config={
                "rank": present.t("rank", lang),
                "project_id": present.t("id", lang),
                "project_name": present.column_title("project_name", lang),
                "dimension": present.t("dimension", lang),
                "direction": present.t("rb_direction", lang),
                "weight": num(present.t("rb_current_weight", lang), format="%.2f"),
                "rank_flip_weight": num(present.t("rb_rank_flip_weight", lang), format="%.2f"),
                "rank_flip_rival": present.t("rb_rank_flip_rival", lang),
                "topk_flip_weight": num(present.t("rb_exit_weight", lang), format="%.2f"),
                "topk_flip_rival": present.t("rb_exit_rival", lang),
                "topk_band_from": num(present.t("rb_band", lang) + " ↓", format="%.2f"),
                "topk_band_to": num(present.t("rb_band", lang) + " ↑", format="%.2f"),
                "topk_change": num(present.t("rb_exit_change", lang), format="%+.2f"),
            },
        )

    # ---- sweep chart
    dims = [
        d
        for d in result.weights.dimensions
        if result.weights.dimensions[d] < sum(result.weights.dimensions.values())
    ]
    if dims:
        default_dim = smallest_change(flips)
        first = (
            str(default_dim["dimension"])
            if default_dim is not None and default_dim["dimension"] in dims
            else dims[0]
        )
        if st.session_state.get("rb_dimension") not in dims:
            st.session_state["rb_dimension"] = first
        dim = common.selectbox(
            st,
            common.t("rb_sweep_dim"),
            dims,
            format_func=lambda d: present.dimension_label(d, lang, cs),
            key="rb_dimension",
        )
        top_ids = tuple(result.ranked["project_id"].astype(str).head(k))
        curves = _sweep(fp, dim, top_ids, result).copy()  # the legend names each line by id and name
        curves["project_id"] = curves["project_id"].map(lambda i: common.id_and_name(i, names))
        st.altair_chart(
            present.sweep_chart(curves, lang, cs, dim, float(result.weights.dimensions[dim]), {}),
            width="stretch",
        )

    # ---- Monte Carlo
    st.subheader(common.t("rb_mc"))
    st.caption(common.t("help_smaa"))
    c1, c2, c3 = st.columns(3)
    c1.slider(common.t("rb_draws"), min_value=100, max_value=MAX_DRAWS, value=2_000, step=100, key="rb_draws")
    c2.number_input(common.t("rb_seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key="rb_seed")
    kappa = c3.number_input(
        common.t("rb_kappa"),
        min_value=1.0,
        max_value=10_000.0,
        value=100.0,
        step=10.0,
        help=common.t("help_kappa"),
        key="rb_kappa",
    )
    st.caption(common.t("help_kappa"))
    with st.expander(common.t("help_model_details")):
        st.caption(present.uncertainty_text(float(kappa), lang))
    st.button(common.t("rb_run"), type="primary", key="rb_run", on_click=_run_pressed)
    req = st.session_state.get("rb_mc_request")
    if req is None:
        st.info(common.t("rb_press_run"))
        return
    if req["fingerprint"] != fp:
        st.warning(common.t("rb_stale"))
        return
    with st.spinner(common.t("rb_running")):
        smaa = _monte_carlo(fp, req["draws"], req["top_k"], req["seed"], req["concentration"], result)
    labels = smaa.table["label"].value_counts()
    st.success(
        common.t(
            "rb_mc_done",
            draws=smaa.draws,
            n=len(smaa.table),
            seconds=smaa.seconds,
            seed=smaa.seed,
            kappa=smaa.concentration,
            k=smaa.top_k,
            stable=int(labels.get("stable", 0)),
            sensitive=int(labels.get("sensitive", 0)),
        )
    )
    thin = smaa.thin_note()
    if thin is not None:
        st.warning(thin.get(lang))
    top = min(len(smaa.table), max(20, 2 * smaa.top_k))
    named = smaa.table.copy()  # the chart labels each bar with this column: the id with the project's name
    named["project_id"] = named["project_id"].map(lambda i: common.id_and_name(i, names))
    st.altair_chart(present.rank_interval_chart(named, lang, smaa.top_k, top=top), width="stretch")
    st.caption(common.t("rb_interval_legend"))
    st.caption(common.t("help_stable"))
    shown = present.smaa_table(smaa.table, result, lang)
    tcfg: dict[str, Any] = {c: present.t(c, lang) for c in shown.columns if has(c)}
    tcfg.update(
        {
            "project_id": present.t("id", lang),
            "project_name": present.column_title("project_name", lang),
            "label": st.column_config.TextColumn(present.t("rb_label", lang), help=common.t("help_stable")),
            "p_top_k": st.column_config.ProgressColumn(
                present.t("p_top_n", lang, k=smaa.top_k), min_value=0.0, max_value=1.0, format="percent"
            ),
            "p_first": st.column_config.NumberColumn(present.t("p_first", lang), format="percent"),
            "rank_mean": st.column_config.NumberColumn(present.t("rank_mean", lang), format="%.2f"),
        }
    )
    common.dataframe(shown, hide_index=True, column_config=tcfg, height=420, key="rb_smaa_table")
    csv = csv_for_reading(smaa.table)
    st.download_button(
        common.t("download_sensitivity"),
        data=csv,
        file_name="sensitivity.csv",
        mime="text/csv",
        on_click="ignore",
        key="rb_download",
    )
    st.caption(common.t("csv_neutralised_note"))


common.guarded(body)
