"""The app's CSV downloads are neutralised and say so (issue 15, item 3).

A CSV whose ids all lead with a formula character and whose names are formula payloads
(``hostile_corpus.formula_lead_csv``) is uploaded; the bytes behind the ranking, data-issues and portfolio
download buttons are taken from Streamlit's media file manager as the button registers them (AppTest itself
cannot read a download), and no cell in them is a formula: each such cell has its leading apostrophe, numbers
are numbers. Each page says, beside its button, that the CSV is for reading and the .xlsx is the file to load
again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import errors, metric_int, ok, open_app, page
from hostile_corpus import FORMULA_PAYLOADS, formula_lead_csv
from streamlit.runtime.media_file_manager import MediaFileManager

from screening import present
from screening.io.export import FORMULA_LEADS


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """file name → the download's data (a callable for deferred downloads, made on demand as on a click)."""
    got: dict[str, Callable[[], Any]] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def spy_add(self: MediaFileManager, path_or_data: Any, *args: Any, **kwargs: Any) -> str:
        name = kwargs.get("file_name", args[2] if len(args) > 2 else None)
        if name:
            got[name] = lambda: path_or_data
        return add(self, path_or_data, *args, **kwargs)

    def spy_deferred(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        name = kwargs.get("file_name", args[2] if len(args) > 2 else None)
        if name:
            got[name] = data_callable
        return add_deferred(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return got


def _rows(make: Callable[[], Any]) -> list[list[str]]:
    data = make()
    assert isinstance(data, bytes) and data.startswith(b"\xef\xbb\xbf"), type(data)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _formula_cells(rows: list[list[str]]) -> list[str]:
    out = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_LEADS):
                try:
                    float(cell)
                except ValueError:
                    out.append(cell)
    return out


def _column(rows: list[list[str]], name: str) -> list[str]:
    j = rows[0].index(name)
    return [r[j] for r in rows[1:]]


def _says_for_reading(at, lang: str) -> None:  # noqa: ANN001 - AppTest
    note = present.t("csv_neutralised_note", lang)
    assert note in [str(c.value) for c in at.caption], "the page must say the CSV is for reading"


def test_csv_downloads_are_neutralised_and_say_so(
    tmp_path: Path, downloads: dict[str, Callable[[], Any]]
) -> None:
    path = formula_lead_csv(tmp_path)
    at = page(open_app("en"), "data")
    at.file_uploader(key="data_upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    ok(at)
    assert not errors(at), errors(at)
    ranked = metric_int(at, "Ranked")
    assert ranked > 0

    # data issues: the two formula values and their formula-leading ids
    _says_for_reading(at, "en")
    issues = _rows(downloads["data_issues.csv"])
    assert not _formula_cells(issues), _formula_cells(issues)
    values = _column(issues, "value")
    assert "'=NOW()" in values and "'-1+cmd|' /C calc'!A0" in values
    assert all(v.startswith("'") for v in _column(issues, "project_id"))

    # the ranking
    at = page(at, "export")
    _says_for_reading(at, "en")
    ranking = _rows(downloads[f"{path.stem}_ranking.csv"])
    assert not _formula_cells(ranking), _formula_cells(ranking)
    assert len(ranking) - 1 == ranked
    assert all(v.startswith("'") and v[1] in "=+-@" for v in _column(ranking, "project_id"))
    assert {"'" + p for p in FORMULA_PAYLOADS[:4]} <= set(_column(ranking, "project_name"))
    assert all(float(v) >= 0 for v in _column(ranking, "score"))  # numbers stay numbers

    # the portfolio
    at = page(at, "portfolio")
    at.button(key="pf_solve").click().run()
    ok(at)
    _says_for_reading(at, "en")
    chosen = _rows(downloads[f"{path.stem}_portfolio.csv"])
    assert len(chosen) > 1
    assert not _formula_cells(chosen), _formula_cells(chosen)
    assert all(v.startswith("'") for v in _column(chosen, "project_id"))
    assert [float(v) for v in _column(chosen, "cost")]


def test_the_note_is_in_chinese_too() -> None:
    at = page(open_app("zh"), "export")
    _says_for_reading(at, "zh")
    assert "xlsx" in present.t("csv_neutralised_note", "zh")
