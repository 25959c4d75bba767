"""No page and no presentation module hands Streamlit literal words: user-visible text comes from the
catalogue (or the data). AST-based, so comments, docstrings and widget keys do not count."""

from __future__ import annotations

from pathlib import Path

import pytest
from code_scan import ROOT, streamlit_literals

SCREENS = sorted(
    [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "screening" / "present").glob("*.py")]
)


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_literal_text_reaches_streamlit(path: Path) -> None:
    found = streamlit_literals(path.read_text(encoding="utf-8"), str(path))
    assert found == [], [f"{path.name}:{line}: st.{call}({words!r})" for line, call, words in found]


PLANTED = """
import streamlit as st
from app_pages import common

st.title("Project ranking")                       # English literal
left, right = st.columns(2)
left.caption("项目排名")                           # Chinese literal, on a column
st.button(label=f"Download {n} rows")             # f-string with fixed words, as a keyword
st.sidebar.info(common.t("no_match"))             # fine: catalogue text
st.metric(common.t("score"), f"{value:.2f}")      # fine: the f-string has no words
st.dataframe(frame, key="ranking_table")          # fine: a key is no text
st.column_config.NumberColumn("Weight (%)")       # literal column header
st.Page("app_pages/ranking.py", title="Ranking")  # the path is fine, the title is not
LOG.error("page error: %s", detail)               # a log line, not the page
common.LOG.exception("load failed")               # likewise
st.caption(f":material/balance: {common.t('weights_edited')}")   # an icon code is no word
"""


def test_the_check_fails_on_planted_literals() -> None:
    found = streamlit_literals(PLANTED)
    assert [(call, words) for _, call, words in found] == [
        ("title", "Project ranking"),
        ("caption", "项目排名"),
        ("button", "Download  rows"),
        ("NumberColumn", "Weight (%)"),
        ("Page", "Ranking"),
    ]
