"""Committee: each reviewer fills a swing or pairwise form (or uploads a weights file made by
``screening weights``); the group view shows every reviewer's weights, the group's, the spread and who lies
furthest; the group weights can be applied to the whole app; with two or more reviewers an SMAA over their
own weight sets and the Dirichlet around the group weights. Layout only: the maths is
:mod:`screening.criteria.elicitation` and :mod:`screening.analysis.committee`, the tables
:mod:`screening.present.committee`."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import streamlit as st
from pydantic import ValidationError

from app_pages import common
from screening import present
from screening.analysis.committee import committee_smaa, group_criteria
from screening.analysis.weights import apply_weights
from screening.criteria.elicitation import (
    Committee,
    ElicitationError,
    Reviewer,
    combine,
    elicit,
    reviewer_of,
    warnings_of,
    weights_file_from_bytes,
    weights_file_yaml,
)
from screening.criteria.models import CriteriaSet
from screening.present import committee as view

KEY = "cm_reviewers"  # session state: {"<reviewer>|<scope>": Reviewer}
SMAA_DRAWS = 2_000  # why: the page's quick look (about a second on 100 projects); the CLI takes --draws


def _reviewers() -> dict[str, Reviewer]:
    return st.session_state.setdefault(KEY, {})


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:60] or "reviewer"


def _form(cs: CriteriaSet, lang: str) -> None:
    scopes: list[str | None] = [None, *(d.id for d in cs.dimensions if len(d.criteria) > 1)]
    c1, c2 = st.columns(2)
    scope = common.selectbox(
        c1,
        common.t("cm_app_scope"),
        scopes,
        format_func=lambda s: view.scope_title(cs, s, lang),
        key="cm_scope",
    )
    method = c2.radio(
        common.t("cm_app_method"),
        ["swing", "ahp"],
        format_func=lambda m: present.t(f"cm_app_method_{m}", lang),
        horizontal=True,
        key="cm_method",
    )
    items = view.scope_items(cs, scope)
    labels = {k: view.item_label(cs, k, lang) for k in items}
    tag = scope or "dimensions"
    with st.form(f"cm_form_{tag}_{method}"):
        f1, f2 = st.columns(2)
        by = f1.text_input(common.t("cm_app_by"), key=f"cm_by_{tag}_{method}")
        date = f2.date_input(common.t("cm_app_date"), value=dt.date.today(), key=f"cm_date_{tag}_{method}")
        ratings: dict[str, float] = {}
        codes: dict[tuple[str, str], int] = {}
        if method == "swing":
            st.caption(common.t("cm_app_swing_help"))
            for i, k in enumerate(items):
                ratings[k] = st.number_input(
                    labels[k],
                    min_value=0,
                    max_value=100,
                    value=100 if i == 0 else 50,
                    step=5,
                    key=f"cm_sw_{tag}_{k}",
                )
        else:
            pairs = view.pairs_of(items)
            st.caption(common.t("cm_app_ahp_help", n=len(pairs)))
            for a, b in pairs:
                la, lb = labels[a], labels[b]
                codes[(a, b)] = st.select_slider(
                    common.t("cm_app_pair", a=la, b=lb),
                    options=view.PAIR_CODES,
                    value=1,
                    format_func=functools.partial(view.pair_words, la, lb, lang=lang),
                    key=f"cm_ahp_{tag}_{a}_{b}",
                )
        added = st.form_submit_button(common.t("cm_app_add"))
    if not added:
        return
    name = by.strip()
    if not name:
        st.error(common.t("cm_app_need_name"))
        return
    try:
        if method == "swing":
            j = view.swing_judgements(items, ratings, name, date)
        else:
            j = view.ahp_judgements(items, codes, name, date)
        wf = elicit(j, cs, common.t("cm_app_form"))
    except ElicitationError as exc:
        st.error(exc.text.get(lang))
        return
    except ValidationError as exc:
        st.error(common.t("cm_app_invalid", msg=exc.errors()[0]["msg"]))
        return
    _reviewers()[f"{name}|{tag}"] = reviewer_of(wf, f"{_slug(name)}_{tag}.yaml")
    st.success(common.t("cm_app_added", by=name, scope=view.scope_title(cs, scope, lang)))
    for said in warnings_of(wf.provenance):
        st.warning(said.get(lang))


def _uploads(cs: CriteriaSet, lang: str) -> None:
    ups = common.file_uploader(
        st, common.t("cm_app_upload"), key="cm_upload", types=["yaml", "yml"], accept_multiple_files=True
    )
    for up in ups or []:
        try:
            r = weights_file_from_bytes(up.getvalue(), up.name, cs)
        except ElicitationError as exc:
            st.error(exc.text.get(lang))
            continue
        _reviewers()[f"{r.by}|{r.scope or 'dimensions'}"] = r


def _group(cs: CriteriaSet, committee: Committee, lang: str) -> None:
    st.header(common.t("cm_app_group"))
    for v in view.group_view(committee, cs, lang):
        st.subheader(v.title)
        st.caption(v.rule)
        common.dataframe(v.table, hide_index=True)
        if v.furthest:
            st.info(v.furthest)
    st.subheader(common.t("wb_w_provenance"))
    common.dataframe(view.provenance_table(committee, cs, lang), hide_index=True)
    cols = st.columns(3)
    for k, r in enumerate(_reviewers().values()):
        cols[k % 3].download_button(
            common.t("cm_app_download", by=r.by, file=r.file),
            data=weights_file_yaml(r.content).encode("utf-8"),
            file_name=r.file,
            mime="application/x-yaml",
            on_click="ignore",
            key=f"cm_dl_{k}",
        )
    b1, b2 = st.columns(2)
    if b1.button(common.t("cm_app_apply"), key="cm_apply", type="primary"):
        ss = st.session_state
        ss["weights"] = committee.overrides()
        ss["editor_version"] = ss.get("editor_version", 0) + 1
        ss.pop("_editor_last", None)
        st.rerun()
    if b2.button(common.t("cm_app_clear"), key="cm_clear"):
        st.session_state[KEY] = {}
        st.rerun()


def _robustness(cs: CriteriaSet, committee: Committee, lang: str) -> None:
    ld = common.loaded()
    if not committee.several or ld.base is None:
        return
    st.header(common.t("cm_app_robust"))
    st.caption(common.t("cm_app_robust_help", draws=SMAA_DRAWS))
    if not st.button(common.t("cm_app_robust_run"), key="cm_robust"):
        return
    result = apply_weights(ld.base, group_criteria(cs, committee))
    with st.spinner(common.t("rb_running")):
        board = committee_smaa(result, committee, draws=SMAA_DRAWS, top_k=10, seed=0)
    shown = board.table.copy()
    cfg: dict[str, Any] = {
        c: common.t(f"wb_col_{c}") for c in ("rank_best", "rank_worst", "reviewers_top_k") if c in shown
    }
    cfg["p_top_k_dirichlet"] = st.column_config.ProgressColumn(
        common.t("wb_col_p_top_k_dirichlet"), min_value=0.0, max_value=1.0, format="percent"
    )
    cfg["p_top_k_committee"] = st.column_config.ProgressColumn(
        common.t("wb_col_p_top_k_committee"), min_value=0.0, max_value=1.0, format="percent"
    )
    common.dataframe(shown, hide_index=True, column_config=cfg, height=420, key="cm_board")


def render() -> None:
    lang = common.lang()
    st.title(common.t("cm_app_title"))
    st.caption(common.t("cm_app_intro"))
    if common.need_result() is None:
        return
    cs = common.loaded().criteria
    if cs is None:
        return
    _form(cs, lang)
    _uploads(cs, lang)
    reviewers = list(_reviewers().values())
    if not reviewers:
        st.info(common.t("cm_app_none"))
        return
    try:
        committee = combine(reviewers, cs)
    except ElicitationError as exc:
        st.error(exc.text.get(lang))
        return
    _group(cs, committee, lang)
    _robustness(cs, committee, lang)


common.guarded(render)
