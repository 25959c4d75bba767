"""The Chinese workbook shows code-list values by their Chinese labels, never the English codes; the English
workbook keeps the codes on its record sheets; the project name stands beside the id."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from screening.io.export import workbook_bytes
from screening.io.schema import SHEETS
from screening.pipeline import run
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.columns import label as column_label

SAMPLE = Path(__file__).parents[1] / "golden" / "sample_projects_v0_1.xlsx"
RECORD_SHEETS = ("ranking", "excluded", "countries")


@pytest.fixture(scope="module")
def result():
    return run(SAMPLE)


def _sheets(result, lang):
    wb = openpyxl.load_workbook(BytesIO(workbook_bytes(result, lang)), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _code_columns(result):
    """Canonical column name -> the codes it may hold (code lists, classifier values, yes/no)."""
    out: dict[str, set[object]] = {c.id: set(c.values) for c in result.criteria.classifiers}
    for col in COLUMN_BY_NAME.values():
        if col.kind == "code" and col.codes:
            out[col.name] = {c.code for c in CODE_LISTS[col.codes].codes}
        elif col.kind == "bool":
            out[col.name] = {True, False, "True", "False"}
    return out


def _headers(name, result, lang):
    if name in COLUMN_BY_NAME:
        return column_label(name, "zh") if lang == "zh" else name
    return None


def test_zh_record_sheets_show_no_english_code(result):
    sheets = _sheets(result, "zh")
    codes = _code_columns(result)
    zh_header = {column_label(n, "zh"): n for n in COLUMN_BY_NAME}
    checked = 0
    bad = []
    for key in RECORD_SHEETS:
        rows = sheets.get(SHEETS[key]["zh"])
        assert rows, key
        head = rows[0]
        for i, h in enumerate(head):
            name = zh_header.get(h, h)
            if name not in codes:
                continue
            for row in rows[1:]:
                v = row[i] if i < len(row) else None
                if v is None:
                    continue
                checked += 1
                if v in codes[name] or isinstance(v, bool):
                    bad.append((key, h, v))
    assert checked > 100
    assert not bad, bad[:10]


def test_en_record_sheets_keep_codes(result):
    sheets = _sheets(result, "en")
    codes = _code_columns(result)
    rows = sheets[SHEETS["ranking"]["en"]]
    head = rows[0]
    seen = 0
    for i, h in enumerate(head):
        if h in COLUMN_BY_NAME and COLUMN_BY_NAME[h].kind == "code" and h in codes:
            for row in rows[1:]:
                if i < len(row) and row[i] is not None:
                    assert row[i] in codes[h], (h, row[i])
                    seen += 1
    assert seen > 10


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_project_name_beside_the_id(result, lang):
    sheets = _sheets(result, lang)
    for key in ("ranking", "excluded"):
        head = sheets[SHEETS[key][lang]][0]
        want = [_headers("project_id", result, lang), _headers("project_name", result, lang)]
        assert list(head[:2]) == want, (key, head[:3])
