"""Ranking: counts by outcome, filters, the ranked table and three charts."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from screening import present
from screening.criteria.models import IndexRole
from screening.model import Result
from screening.report import review_frame, triage


def _picked() -> None:
    """A row was clicked: open that project's rationale."""
    state = st.session_state.get("ranking_table")
    rows = list(
        getattr(getattr(state, "selection", None), "rows", None)
        or (state or {}).get("selection", {}).get("rows", [])
    )
    ids = st.session_state.get("_ranking_ids", [])
    if rows and rows[0] < len(ids):
        st.session_state["project_id"] = ids[rows[0]]
        st.session_state["_goto_project"] = True


FIRST_SCREEN_WIDTHS = {"project_id": 72, "project_name": 200, "tier": 96, "track": 140, "flags": 200}


def body() -> None:
    lang = common.lang()
    st.title(common.t("ranking_title"))
    result = common.need_result()
    if result is None:
        return
    cs = result.criteria
    _triage(result, lang)
    counts = present.counts_frame(result, lang)
    cols = st.columns(len(counts))
    for col, (_, row) in zip(cols, counts.iterrows(), strict=True):
        col.metric(row["label"], f"{row['count']:,}")

    opts = present.filter_options(result.ranked, cs)
    fmt = {
        "country": lambda v: present.country_label(v, lang),
        "sector": lambda v: present.code_label("sector", v, lang),
        "track": lambda v: present.track_label(v, lang, cs),
        "tier": lambda v: present.tier_label(v, lang, cs),
        "light": lambda v: present.light_label(v, lang, cs),
    }
    title = {"light": "role_traffic_light"}  # the criteria set's traffic light, by its role
    keys = [k for k in present.FILTERS if k != "light" or present.light_column(cs) is not None]
    with st.expander(common.t("filters"), expanded=False):
        chosen = {}
        for fc, key in zip(st.columns(len(keys)), keys, strict=True):
            chosen[key] = common.multiselect(
                fc, common.t(title.get(key, key)), opts[key], format_func=fmt[key], key=f"filter_{key}"
            )
    shown = present.apply_filters(result.ranked, present.Filters(**chosen), cs)
    st.caption(common.t("showing_rows", shown=len(shown), total=len(result.ranked)))
    if shown.empty:
        st.info(common.t("no_match"))
        return
    table = present.ranking_table(shown, lang, cs)
    column_config: dict[str, Any] = {c: present.column_title(c, lang, cs) for c in table.columns}
    column_config["score"] = st.column_config.ProgressColumn(
        present.column_title("score", lang), min_value=0, max_value=100, format="%.2f", width=120
    )
    # the first screen at 1280 px holds rank, id, name, score, tier, track and flags (issue 18): the long
    # text columns get fixed widths, a name's rest shows on hover and on the project page
    text = st.column_config.TextColumn
    for name, px in FIRST_SCREEN_WIDTHS.items():
        if name in table.columns:
            column_config[name] = text(present.column_title(name, lang, cs), width=px)
    column_config["completeness"] = st.column_config.NumberColumn(
        present.column_title("completeness", lang), format="%d%%"
    )
    column_config |= common.money_config(table.columns, column_config)
    st.caption(common.t("select_hint"))
    st.session_state["_ranking_ids"] = table["project_id"].astype(str).tolist()
    common.dataframe(
        table,
        hide_index=True,
        column_config=column_config,
        height=420,
        on_select=_picked,
        selection_mode="single-row",
        key="ranking_table",
    )
    if st.session_state.pop("_goto_project", False):
        st.switch_page("app_pages/project.py")

    left, right = st.columns(2)
    left.altair_chart(present.score_distribution_chart(shown, lang, cs), width="stretch")
    right.altair_chart(present.ipf_quadrant_chart(shown, lang, cs), width="stretch")
    if cs.index_by_role(IndexRole.IPF_FINANCIAL_ECONOMIC) is None:
        right.caption(common.t("ipf_missing"))
    st.altair_chart(present.tier_by_country_chart(shown, lang, cs), width="stretch")
    _reviews(result, lang)


def _triage(result: Result, lang: str) -> None:
    """When most ranked projects are too thin to judge, say so first and show the triage before the ranking:
    excluded, flagged, needs data, and the columns to collect first (issue 14 item 6)."""
    tri = triage(result)
    if not tri.thin:
        return
    st.warning(tri.headline().get(lang))
    st.subheader(common.t("triage_title"))
    st.caption(tri.why().get(lang))
    for col, (key, line, ids) in zip(st.columns(3), tri.groups(), strict=True):
        col.markdown(f"**{line.get(lang)}**")
        with col.expander(common.t("triage_list"), expanded=False):
            common.dataframe(_id_names(result, list(ids), lang), hide_index=True, key=f"triage_ids_{key}")
    st.write(tri.judged_line().get(lang))
    st.markdown(f"**{common.t('triage_collect_title')}**")
    with st.spinner(common.t("voi_working")):
        voi = common.voi(result)
    common.dataframe(voi.columns_table(lang, 15), hide_index=True, key="triage_collect")
    if not voi.decides_any():
        st.info(common.t("triage_collect_none"))
    st.caption(common.t("voi_held_fixed"))
    st.divider()


def _id_names(result: Result, ids: list[str], lang: str) -> pd.DataFrame:
    """Project ids with their names beside them (the first record's name for a shared id)."""
    rec = result.records
    names: dict[str, str] = {}
    if "project_name" in rec:
        names = dict(
            zip(rec["project_id"].astype(str)[::-1], rec["project_name"].astype(str)[::-1], strict=True)
        )
    return pd.DataFrame(
        {
            present.t("id", lang): ids,
            present.column_title("project_name", lang): [names.get(str(i), "") for i in ids],
        }
    )


def _reviews(result: Result, lang: str) -> None:
    """Reviewers' decisions carried from a re-loaded exported workbook (issue: round trip): stored as codes
    (approve / defer / reject, whichever language they were typed in), shown in the chosen language."""
    reviews = getattr(result.input, "reviews", None)
    if reviews is None or len(reviews) == 0:
        return
    frame = review_frame(result, lang)
    cs = result.criteria
    for col in ("previous_tier", "tier"):  # the criteria set's own tier labels (English: the code's label)
        frame[col] = frame[col].map(lambda v: present.tier_label(v, lang, cs) if isinstance(v, str) else v)
    with st.expander(f"{common.t('reviews_title')}: {len(frame)}", expanded=bool(len(frame))):
        counts = frame["reviewer_decision"].dropna().value_counts()
        blank = int(len(frame) - counts.sum())
        parts = [f"{k}: {v}" for k, v in counts.items()]
        parts += [f"{common.t('no_decision')}: {blank}"] if blank else []
        st.write(" · ".join(parts) or "—")
        num = st.column_config.NumberColumn
        cfg: dict[str, Any] = {c: present.column_title(c, lang, cs) for c in frame.columns}
        cfg |= {
            "reviewer_decision": common.t("reviewer_decision"),
            "reviewer_note": st.column_config.TextColumn(common.t("reviewer_note"), width="large"),
            "previous_outcome": common.t("previous_outcome"),
            "previous_rank": num(common.t("previous_rank"), format="%d"),
            "previous_score": num(common.t("previous_score"), format="%.2f"),
            "previous_tier": common.t("previous_tier"),
            "now_outcome": common.t("now_outcome"),
            "rank": num(present.column_title("rank", lang), format="%d"),
            "score": num(present.column_title("score", lang), format="%.2f"),
        }
        common.dataframe(frame, hide_index=True, column_config=cfg, key="reviews_table")


common.guarded(body)
