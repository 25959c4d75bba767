"""Project: one project's full rationale — gates and flags, points by dimension and criterion with reasons
and sources, dimension scores against the track median, and the gap to the next tier."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import common
from screening import present
from screening.i18n import Text


def _option_labels(result, lang: str) -> dict[str, str]:  # noqa: ANN001 - a pipeline.Result
    """'id · name (outcome)' for every record, built in one pass (a selectbox formats every option)."""
    rec = result.records
    ids = rec["project_id"].astype(str)
    names = rec["project_name"].astype(str) if "project_name" in rec else ids
    outcome = rec["outcome"].map(
        {o: present.t("outcome_" + o, lang) for o in ("ranked", "excluded", "invalid")}
    )
    text = ids + " · " + names.str.slice(0, 60) + " (" + outcome.astype(str) + ")"
    return dict(zip(ids[::-1], text[::-1], strict=True))  # a shared id shows its first record


def _money(value: Any) -> str:
    """USD m with thousands separators and one decimal ("1,234.5"); a blank stays blank."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if number != number else f"{number:,.1f}"


def _picked() -> None:
    st.session_state["project_id"] = st.session_state.get("project_pick")


def body() -> None:
    lang = common.lang()
    st.title(common.t("project_title"))
    result = common.need_result()
    if result is None:
        return
    cs = result.criteria
    ranked_ids = result.ranked["project_id"].astype(str).tolist()
    others = [
        str(p)
        for p in result.records.loc[result.records["outcome"] != "ranked", "project_id"]
        if isinstance(p, str | int | float) and str(p) not in ("", "nan", "None")
    ]
    options = list(dict.fromkeys(ranked_ids + others))
    if not options:
        st.info(common.t("no_projects"))
        return
    wanted = st.session_state.get("project_id")
    if wanted not in options:
        wanted = options[0]
    if st.session_state.get("project_pick") != wanted:
        st.session_state["project_pick"] = wanted
    labels = _option_labels(result, lang)
    pid = st.selectbox(
        common.t("project_pick"),
        options,
        format_func=lambda p: labels.get(p, p),
        key="project_pick",
        on_change=_picked,
    )
    st.session_state["project_id"] = pid
    info = present.project_summary(result, pid)
    outcome = info["outcome"]
    hits = present.project_hits(result, pid, lang)
    hit_titles = {c: present.t(c, lang) for c in hits.columns}
    hit_cols: dict[str, Any] = hit_titles | common.long_text_config(hits.columns, hit_titles)
    wrapped = common.WRAPPED_ROW_HEIGHT

    if outcome == "excluded":
        st.error(common.t("excluded_project"))
        st.dataframe(hits, hide_index=True, column_config=hit_cols, row_height=wrapped)
        return
    if outcome == "invalid":
        st.error(common.t("invalid_project"))
        issues = present.issues_table(result, lang)
        mine = issues[issues["project_id"].astype(str) == pid].drop(columns=["severity_code"])
        titles = {c: present.t(c, lang) for c in mine.columns}
        st.dataframe(
            mine,
            hide_index=True,
            column_config=titles | common.long_text_config(mine.columns, titles),
            row_height=wrapped,
        )
        return

    row = info["row"]
    m = st.columns(4)
    m[0].metric(present.t("rank", lang), f"{int(row['rank'])} / {len(result.ranked)}")
    m[1].metric(present.t("rank_in_track", lang), int(row["rank_in_track"]))
    m[2].metric(present.t("score", lang), f"{float(row['score']):.2f}")
    m[3].metric(present.t("tier", lang), present.tier_label(row["tier"], lang, cs))
    light = present.light_column(cs)
    st.markdown(
        f"**{present.t('track', lang)}:** {present.track_label(row['track'], lang, cs)}"
        + (
            f"  \n**{present.t('role_traffic_light', lang)}:** {present.light_label(row.get(light), lang, cs)}"
            if light
            else ""
        )
    )
    st.caption(
        " · ".join(
            [
                f"{present.column_title('project_name', lang)}: {row.get('project_name', '')}",
                f"{present.column_title('country', lang)}: {present.country_label(row.get('country'), lang)}",
                f"{present.column_title('sector', lang)}: {present.code_label('sector', row.get('sector'), lang)}",
                f"{present.t('investment', lang)}: {_money(row.get('total_investment_usd_m'))}",
                f"{present.t('completeness', lang)}: {float(row['completeness']):.0%}",
            ]
        )
    )
    st.info(present.next_tier_text(result, pid, lang))
    group, members = present.project_group_members(result, pid, lang)
    if group:
        st.subheader(
            common.t(
                "project_group_heading",
                group=group["group"],
                size=group["size"],
                total=f"{group['total']:,.1f}",
            )
        )
        st.caption(common.t("project_group_note"))
        titles = {c: present.column_title(c, lang, cs) for c in members.columns}
        st.dataframe(
            members, hide_index=True, column_config=titles | common.money_config(members.columns, titles)
        )
    _collect_first(result, pid, lang)

    st.subheader(common.t("gates_flags"))
    if hits.empty:
        st.success(common.t("none_hit"))
    else:
        st.dataframe(hits, hide_index=True, column_config=hit_cols, row_height=wrapped)

    st.subheader(common.t("points_by_dimension"))
    st.caption(
        f"▇ {common.t('this_project')} · ┃ {common.t('track_median')} "
        f"({present.track_label(row['track'], lang, cs)})"
    )
    st.altair_chart(present.dimension_vs_median_chart(result, pid, lang), width="stretch")

    st.subheader(common.t("rationale"))
    rat = present.project_rationale(result, pid, lang)
    cfg: dict[str, Any] = {c: present.t(c, lang) for c in rat.columns}
    cfg["points"] = st.column_config.NumberColumn(present.t("points", lang), format="%.1f")
    cfg["weight"] = st.column_config.NumberColumn(present.t("weight", lang) + " (%)", format="%.2f")
    cfg["contribution"] = st.column_config.NumberColumn(present.t("contribution", lang), format="%.2f")
    cfg |= common.long_text_config(rat.columns, cfg)
    dims = present.dimension_vs_median(result, pid, lang)
    for dim_label in rat["dimension"].drop_duplicates():
        part = rat[rat["dimension"] == dim_label]
        score = dims.loc[dims["label"] == dim_label, "project"]
        head = (
            f"{dim_label} — {float(score.iloc[0]):.1f}"
            if len(score) and score.notna().all()
            else str(dim_label)
        )
        with st.expander(head, expanded=True):
            st.dataframe(
                part.drop(columns=["dimension"]), hide_index=True, column_config=cfg, row_height=wrapped
            )


def _collect_first(result, pid: str, lang: str) -> None:  # noqa: ANN001 - a pipeline.Result
    """What data would decide this project: its missing columns that would move its tier most."""
    cs = result.criteria
    st.subheader(common.t("voi_collect_first"))
    st.caption(common.t("voi_collect_first_help"))
    voi = common.project_voi(result, pid)
    lines = voi.project_lines(
        pid, lambda tier: Text(zh=present.tier_label(tier, "zh", cs), en=present.tier_label(tier, "en", cs))
    )
    if not lines:
        st.write(common.t("voi_project_none"))
    for line in lines:
        st.markdown(f"- {line.get(lang)}")
    st.caption(common.t("voi_held_fixed"))


common.guarded(body)
