"""Belt and Road project screening — the web app. Start with ``streamlit run app.py``.

Opens on the bundled sample. The pages live in ``app_pages/``; every computation is a call into the
``screening`` library (the same pipeline and workbook writer as the command-line tool).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from screening import present
from screening.i18n import text
from screening.limits import give_back_freed_memory

give_back_freed_memory()  # big freed blocks go back to the system: a lower peak on 100k rows (limits.py)

st.set_page_config(
    page_title=present.t("browser_title", "zh"), page_icon=":material/travel_explore:", layout="wide"
)
common.init_state()

with st.sidebar:  # the language picker reads the same in both languages; each language is named in itself
    st.radio(
        present.t("language", "zh"),
        options=["zh", "en"],
        key="lang",
        horizontal=True,
        format_func=lambda code: text("language_name").get(code),
    )

lang = common.lang()
PAGES = [
    ("ranking", "app_pages/ranking.py", ":material/leaderboard:"),
    ("data", "app_pages/data.py", ":material/upload_file:"),
    ("criteria", "app_pages/criteria.py", ":material/balance:"),
    ("project", "app_pages/project.py", ":material/manage_search:"),
    ("robustness", "app_pages/robustness.py", ":material/ssid_chart:"),
    ("committee", "app_pages/committee.py", ":material/groups:"),
    ("portfolio", "app_pages/portfolio.py", ":material/account_balance_wallet:"),
    ("excluded", "app_pages/excluded.py", ":material/block:"),
    ("export", "app_pages/export.py", ":material/download:"),
    ("howto", "app_pages/howto.py", ":material/help:"),
]
pages = [
    st.Page(path, title=present.t(f"page_{key}", lang), icon=icon, url_path=key, default=(key == "ranking"))
    for key, path, icon in PAGES
]
nav = st.navigation(pages)

st.session_state["_loaded"] = None
try:
    st.session_state["_loaded"] = common.load()
except Exception as exc:  # noqa: BLE001 - never a traceback on the page
    common.LOG.exception("load failed")
    st.session_state["_loaded"] = common.Loaded(None, None, None, None, common.error_text(exc))

with st.sidebar:
    ld = common.loaded()
    src = st.session_state["source"]
    shown = present.t(src["label"], lang) if src.get("label") else src["name"]
    st.caption(f"**{present.t('current_data', lang)}:** {shown}")
    if ld.result is not None:
        c = ld.result.counts()
        st.caption(
            " · ".join(f"{present.t(k, lang)} {c[k]}" for k in ("records", "ranked", "excluded", "invalid"))
        )
    if ld.criteria is not None:
        st.caption(
            f"**{present.t('current_criteria', lang)}:** {ld.criteria.title.get(lang)} "
            f"({ld.criteria.id} {ld.criteria.version})"
        )
    if ld.edited is not None and ld.criteria is not None and ld.edited is not ld.criteria:
        st.caption(f":material/balance: {present.t('weights_edited', lang)}")
    if ld.error:
        st.error(ld.error)

nav.run()
