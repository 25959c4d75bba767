"""Export: the ranked workbook (the same writer as the command-line tool) with the current weights."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import common
from screening import present
from screening.i18n import text
from screening.io.export import csv_for_reading, workbook_bytes
from screening.model import Result
from screening.report import ranking_frame, result_fingerprint, triage

# Above this many records the workbook is prepared behind a button with a progress bar (about 1 s per 1,000
# projects, docs/benchmarks.md) instead of being built silently when the download is clicked.
PREPARE_ABOVE = 5_000


def _prepared(result: Result, wb_lang: str) -> bytes | None:
    """Build the workbook with a progress bar when asked; keep the bytes for this result and language."""
    ss = st.session_state
    key = (result_fingerprint(result), wb_lang)
    kept = ss.get("_export_bytes")
    if kept is not None and kept[0] == key:
        return bytes(kept[1])
    st.caption(common.t("export_large", n=f"{len(result.records):,}"))
    if not st.button(common.t("export_prepare"), type="primary", key="export_prepare"):
        return None
    bar = st.progress(0.0, text=common.t("export_stage_start"))

    def say(stage: str, share: float) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=common.t("export_stage_" + stage.split(": ")[-1]))

    data = workbook_bytes(result, wb_lang, progress=say, voi=_voi(result))
    bar.empty()
    ss["_export_bytes"] = (key, data)
    return data


def _voi(result: Result) -> object:
    """The value of information for the Summary's triage: worked out (and cached) only for a thin file."""
    return common.voi(result) if triage(result).thin else None


def body() -> None:
    lang = common.lang()
    st.title(common.t("export_title"))
    result = common.need_result()
    if result is None:
        return
    st.write(common.t("export_note"))
    ld = common.loaded()
    if ld.edited is not None and ld.edited is not ld.criteria:
        st.caption(f":material/balance: {common.t('weights_edited')}")
    langs = ["zh", "en"]
    wb_lang = st.radio(
        common.t("export_lang"),
        langs,
        index=langs.index(lang),
        horizontal=True,
        format_func=lambda c: text("language_name").get(c),
        key="export_lang",
    )
    stem = Path(st.session_state["source"]["name"]).stem or "projects"
    data = (
        (lambda: workbook_bytes(result, wb_lang, voi=_voi(result)))
        if len(result.records) <= PREPARE_ABOVE
        else _prepared(result, wb_lang)
    )
    if data is not None:
        st.download_button(
            common.t("download_workbook"),
            data=data,
            file_name=f"{stem}_ranked_{wb_lang}.xlsx",
            type="primary",
            on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_workbook",
        )
    st.download_button(
        common.t("download_csv"),
        data=lambda: csv_for_reading(ranking_frame(result)),
        file_name=f"{stem}_ranking.csv",
        mime="text/csv",
        on_click="ignore",
        key="download_csv",
    )  # made when clicked: 100,000 rows take seconds
    st.caption(common.t("csv_neutralised_note"))
    counts = present.counts_frame(result, lang)
    common.dataframe(
        counts[["label", "count"]],
        hide_index=True,
        column_config={"label": " ", "count": present.t("count", lang)},
    )


common.guarded(body)
