"""How a score is made: the criteria file in words, in the chosen language — the steps from a record to a tier,
the dimensions and their weights, each criterion's anchors, the gates, the review flags, the tiers and tracks.

The tables come from :mod:`screening.present.howto` (which words them with :mod:`screening.criteria.docs`);
the full bilingual reference (``screening criteria docs``) is offered as a download.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import common
from screening.criteria.docs import render_criteria_markdown
from screening.present import howto


def _wide(keys: list[str]) -> dict[str, Any]:
    return {k: st.column_config.TextColumn(common.t(f"howto_col_{k}"), width="large") for k in keys}


def _rules_in_full(frame: Any) -> None:  # noqa: ANN401 - a DataFrame
    """Each gate or flag: its name (and the tier it caps at), its reason in full and its short citation; the
    exact conditions, in the criteria file's terms, are in the downloadable reference."""
    lines = []
    for row in frame.to_dict("records"):
        cap = f" · {common.t('howto_col_max_tier')}: {row['max_tier']}" if row.get("max_tier") else ""
        source = common.t("howto_source_in_brackets", source=row["source"]) if row["source"] else ""
        lines.append(f"- **{_md(row['label'])}**{_md(cap)} — {_md(row['reason'])}{_md(source)}")
    st.markdown("\n".join(lines))
    st.caption(common.t("howto_conditions_in_reference"))


def _md(text: object) -> str:
    """Text from the criteria file shown as itself in Markdown (no emphasis, link, formula or table)."""
    out = str(text)
    for mark in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|", "~", "$"):
        out = out.replace(mark, "\\" + mark)
    return out


def body() -> None:
    lang = common.lang()
    st.title(common.t("howto_title"))
    ld = common.loaded()
    cs = ld.edited or ld.criteria
    if cs is None:
        st.error(ld.error or "")
        return
    st.markdown(f"**{cs.title.get(lang)}** · {cs.version}")
    for step in ("howto_step_read", "howto_step_gates", "howto_step_points", "howto_step_tier"):
        st.markdown(f"- {common.t(step)}")
    st.caption(common.t("howto_weights_note"))

    st.subheader(common.t("howto_dimensions"))
    dims = howto.dimensions_overview(cs, lang)
    num = st.column_config.NumberColumn
    common.dataframe(  # every dimension in view: the why of each weight is in full in its expander below
        dims,
        hide_index=True,
        key="howto_dimensions",
        column_order=["dimension", "weight", "share", "criteria_count"],
        height=(len(dims) + 1) * 36 + 3,
        column_config={
            "dimension": common.t("howto_col_dimension"),
            "weight": num(common.t("howto_col_weight"), format="%g"),
            "share": num(common.t("howto_col_share"), format="%.1f%%"),
            "criteria_count": num(common.t("howto_col_criteria_count"), format="%d"),
        },
    )
    for dim in cs.dimensions:
        with st.expander(f"{dim.label.get(lang)} · {common.t('howto_col_weight')} {dim.weight:g}"):
            if dim.why is not None:
                st.caption(f"{common.t('howto_col_why')}: {dim.why.get(lang)}")
            common.dataframe(
                howto.dimension_criteria(cs, dim, lang),
                hide_index=True,
                row_height=common.WRAPPED_ROW_HEIGHT,
                key=f"howto_dim_{dim.id}",
                column_config={
                    "criterion": common.t("howto_col_criterion"),
                    "weight": num(common.t("howto_col_weight"), format="%g"),
                    "tracks": common.t("howto_col_tracks"),
                    **_wide(["applies", "anchors", "source"]),
                },
            )

    # gates and flags as text, not tables: their reasons run to several lines and a table row cuts them
    st.subheader(common.t("howto_gates"))
    st.caption(common.t("howto_gates_note"))
    _rules_in_full(howto.gates_in_words(cs, lang))
    st.subheader(common.t("howto_flags"))
    st.caption(common.t("howto_flags_note"))
    _rules_in_full(howto.flags_in_words(cs, lang))
    left, right = st.columns(2)
    left.subheader(common.t("howto_tiers"))
    common.dataframe(
        howto.tiers_in_words(cs, lang),
        where=left,
        hide_index=True,
        row_height=common.WRAPPED_ROW_HEIGHT,
        key="howto_tiers",
        column_config={"tier": common.t("howto_col_tier"), **_wide(["rule"])},
    )
    right.subheader(common.t("howto_tracks"))
    common.dataframe(
        howto.tracks_in_words(cs, lang),
        where=right,
        hide_index=True,
        row_height=common.WRAPPED_ROW_HEIGHT,
        key="howto_tracks",
        column_config={"track": common.t("howto_col_track"), **_wide(["when", "why"])},
    )
    st.caption(f"{common.t('howto_missing')} {common.t(f'doc_policy_{cs.missing_policy}')}")
    st.download_button(
        common.t("howto_download"),
        data=render_criteria_markdown(cs).encode("utf-8"),
        file_name=f"{cs.id}-{cs.version}.md",
        mime="text/markdown",
        on_click="ignore",
        key="howto_download",
    )


common.guarded(body)
