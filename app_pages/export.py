"""Export: the ranked workbook (the same writer as the command-line tool) with the current weights."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import common
from screening import views
from screening.export import ranking_frame, workbook_bytes


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
    wb_lang = st.radio(common.t("export_lang"), ["zh", "en"], index=0 if lang == "zh" else 1, horizontal=True,
                       format_func=lambda c: {"zh": "中文", "en": "English"}[c], key="export_lang")
    stem = Path(st.session_state["source"]["name"]).stem or "projects"
    st.download_button(common.t("download_workbook"), data=lambda: workbook_bytes(result, wb_lang),
                       file_name=f"{stem}_ranked_{wb_lang}.xlsx", type="primary", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="download_workbook")
    csv = ranking_frame(result).to_csv(index=False).encode("utf-8-sig")
    st.download_button(common.t("download_csv"), data=csv, file_name=f"{stem}_ranking.csv", mime="text/csv",
                       on_click="ignore", key="download_csv")
    counts = views.counts_frame(result, lang)
    st.dataframe(counts[["label", "count"]], hide_index=True,
                 column_config={"label": " ", "count": views.t("count", lang)})


common.guarded(body)
