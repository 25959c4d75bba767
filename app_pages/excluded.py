"""Excluded and invalid records, each with every reason; nothing hidden. Flagged ranked projects too."""

from __future__ import annotations

import streamlit as st

from app_pages import common
from screening import present


def _config(frame, lang: str, cs) -> dict:  # noqa: ANN001 - display helper
    cfg: dict = {c: present.column_title(str(c), lang, cs) for c in frame.columns}
    for wide in ("reasons", "problems"):
        if wide in frame.columns:
            cfg[wide] = st.column_config.TextColumn(present.t(wide, lang), width="large")
    return cfg


FIRST = ("project_id", "project_name", "gate_ids", "reasons", "country", "country_iso")


def _order(frame) -> list[str]:  # noqa: ANN001 - a DataFrame
    """The gate hit and its reason right after the name (in view at 1280 px), then the country and the rest."""
    return [c for c in FIRST if c in frame.columns] + [c for c in frame.columns if c not in FIRST]


def _height(frame) -> int:  # noqa: ANN001 - a DataFrame
    """Tall enough for every row up to ten (wrapped rows), then the table scrolls."""
    return min(len(frame), 10) * common.WRAPPED_ROW_HEIGHT + 40


def body() -> None:
    lang = common.lang()
    st.title(common.t("excluded_title"))
    result = common.need_result()
    if result is None:
        return
    cs = result.criteria
    counts = result.counts()
    st.caption(
        " · ".join(f"{common.t(k)} {counts[k]:,}" for k in ("records", "ranked", "excluded", "invalid"))
    )

    ex = present.excluded_table(result, lang, kind="gate")
    st.subheader(f"{common.t('excluded_section')} ({len(ex):,})")
    if ex.empty:
        st.success(common.t("none_excluded"))
    else:
        common.dataframe(
            ex,
            hide_index=True,
            column_config=_config(ex, lang, cs),
            column_order=_order(ex),
            row_height=common.WRAPPED_ROW_HEIGHT,
            height=_height(ex),
        )

    # Not candidates (cancelled, suspended) are excluded for a reason of their own kind: shown apart.
    nc = present.excluded_table(result, lang, kind="not_candidate")
    if not nc.empty:
        st.subheader(f"{common.t('not_candidates_section')} ({len(nc):,})")
        st.caption(common.t("not_candidates_hint"))
        common.dataframe(
            nc,
            hide_index=True,
            column_config=_config(nc, lang, cs),
            column_order=_order(nc),
            row_height=common.WRAPPED_ROW_HEIGHT,
            height=_height(nc),
        )

    st.subheader(f"{common.t('invalid_section')} ({counts['invalid']:,})")
    inv = present.invalid_table(result, lang)
    if inv.empty:
        st.success(common.t("none_invalid"))
    else:
        common.dataframe(
            inv.astype(str).replace({"None": "", "nan": ""}),
            hide_index=True,
            column_config=_config(inv, lang, cs),
        )

    flagged = present.flagged_projects(result, lang)
    st.subheader(f"{common.t('flagged_section')} ({len(flagged):,})")
    if flagged.empty:
        st.success(common.t("none_flagged"))
    else:
        summary = present.flag_summary(result, lang)
        common.dataframe(  # the flag's label first; its id is the criteria file's, not a planner's word
            summary,
            hide_index=True,
            column_order=[c for c in summary.columns if c != "id"],
            row_height=common.WRAPPED_ROW_HEIGHT,
            column_config={
                **{c: present.t(c, lang) for c in summary.columns},
                "reason": st.column_config.TextColumn(present.t("reason", lang), width="large"),
            },
        )
        st.caption(common.t("flagged_hint"))
        common.dataframe(
            flagged,
            hide_index=True,
            column_config={c: present.column_title(str(c), lang, cs) for c in flagged.columns},
        )


common.guarded(body)
