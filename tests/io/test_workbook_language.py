"""Each workbook in one language, on the bundled samples: no sheet of the Chinese workbook shows an English
code of a code list (part by part: a cell of several codes joined with ';' too), countries by their Chinese
name with the ISO code in its own column; the English workbook's Summary and Rationale values show no
Chinese code label; long text wraps."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

import screening
from screening.io.export import workbook_bytes
from screening.io.schema import SHEETS, reserved_header
from screening.pipeline import run
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.columns import label as column_label
from screening.vocab.countries import all_iso3

SAMPLES = sorted((Path(screening.__file__).parent / "_data" / "sample_projects").glob("*.xlsx"))


@pytest.fixture(scope="module", params=[p.name for p in SAMPLES])
def result(request, default_criteria):
    return run(next(p for p in SAMPLES if p.name == request.param), criteria=default_criteria)


@pytest.fixture(scope="module")
def books(result):
    out = {}
    for lang in ("zh", "en"):
        wb = openpyxl.load_workbook(BytesIO(workbook_bytes(result, lang)))
        out[lang] = wb
    return out


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _parts(value: object) -> list[str]:
    return [p.strip() for p in re.split("[;；]", str(value)) if p.strip()]


def _code_headers(result) -> dict[str, set[str]]:
    """The Chinese header of every column that holds codes → the English codes it must never show."""
    cs = result.criteria
    out: dict[str, set[str]] = {}
    for col in COLUMN_BY_NAME.values():
        if col.codes and col.kind in ("code", "level"):
            out[column_label(col.name, "zh")] = {c.code for c in CODE_LISTS[col.codes].codes}
        elif col.kind == "bool":
            out[column_label(col.name, "zh")] = {"True", "False", "true", "false"}
    for cl in cs.classifiers:
        out[cl.label.zh] = set(cl.values)
    out[reserved_header("track", "zh")] = {t.id for t in cs.tracks}
    out[reserved_header("tier", "zh")] = {c.code for c in CODE_LISTS["tier"].codes}
    out[reserved_header("positive_list", "zh")] = {c.id for c in cs.positive_list}
    out[column_label("country", "zh")] = set(all_iso3())
    return out


def test_no_sheet_of_the_zh_workbook_shows_an_english_code(result, books):
    wb = books["zh"]
    headers = _code_headers(result)
    checked, bad = 0, []
    for ws in wb.worksheets:
        if ws.title in (SHEETS["audit"]["zh"], SHEETS["invalid"]["zh"]):
            continue  # the Invalid sheet holds the input as the user wrote it, to be corrected
        rows = _rows(ws)
        if not rows:
            continue
        for j, head in enumerate(rows[0]):
            codes = headers.get(str(head))
            if codes is None:
                continue
            for row in rows[1:]:
                v = row[j] if j < len(row) else None
                if v is None:
                    continue
                checked += 1
                if isinstance(v, bool) or any(p in codes for p in _parts(v)):
                    bad.append((ws.title, head, v))
    assert checked > 100
    assert not bad, bad[:10]


def test_zh_rationale_values_show_no_code(result, books):
    """The 取值 column: every value a criterion read, by its words (a code field's value never its code)."""
    cs = result.criteria
    fields = {c.id: sorted(c.scorer.fields()) for _, c in cs.criteria}
    codes: set[str] = {"True", "False", "None", "nan"}
    for cl in CODE_LISTS.values():
        codes |= {c.code for c in cl.codes if not c.code.isdigit()}
    for cl in cs.classifiers:
        codes |= set(cl.values)
    codes |= {t.id for t in cs.tracks}
    rows = _rows(books["zh"][SHEETS["rationale"]["zh"]])
    head = list(rows[0])
    at_id, at_value = 2, head.index("取值")  # the third column is the criterion's id
    assert {row[at_id] for row in rows[1:]} <= set(fields)
    checked, bad = 0, []
    for row in rows[1:]:
        value = row[at_value]
        if not value:
            continue
        read = fields[row[at_id]]
        if all(COLUMN_BY_NAME.get(f) is not None and COLUMN_BY_NAME[f].kind == "text" for f in read):
            continue  # the user's own words (e.g. a corridor written "none") are shown as written
        checked += 1
        for part in re.split("；", str(value)):
            shown = part.split("：", 1)[-1].strip()
            if shown in codes:
                bad.append((row[0], row[at_id], value))
    assert checked > 50
    assert not bad, bad[:10]


def test_zh_countries_by_name_with_the_iso_code_beside(result, books):
    wb = books["zh"]
    iso = set(all_iso3())
    name_head, code_head = column_label("country", "zh"), reserved_header("iso3", "zh")
    seen = 0
    for key in ("ranking", "excluded", "countries"):
        title = SHEETS[key]["zh"]
        if title not in wb.sheetnames:
            continue
        rows = _rows(wb[title])
        head = list(rows[0])
        at = head.index(name_head)
        assert head[at + 1] == code_head, (key, head[at : at + 2])
        for row in rows[1:]:
            if row[at] is None:
                continue
            seen += 1
            assert row[at] not in iso, (key, row[at])
            assert row[at + 1] in iso, (key, row[at + 1])
    assert seen > 10


def test_en_record_sheets_keep_iso_codes(books):
    rows = _rows(books["en"][SHEETS["ranking"]["en"]])
    head = list(rows[0])
    assert "iso3" not in head
    at = head.index("country")
    values = {row[at] for row in rows[1:] if row[at] is not None}
    assert values and values <= set(all_iso3())


def test_en_summary_and_rationale_show_no_chinese_code_label(result, books):
    cs = result.criteria
    labels: set[str] = set()
    for cl in CODE_LISTS.values():
        labels |= {c.zh for c in cl.codes}
    for cl in cs.classifiers:
        labels |= {v.zh for v in cl.values.values()}
    labels |= {t.label.zh for t in cs.tracks} | {t.label.zh for t in cs.tiers}
    wb = books["en"]
    bad = []
    summary = _rows(wb[SHEETS["summary"]["en"]])
    for row in summary:
        for v in row:
            if isinstance(v, str) and any(p in labels for p in _parts(v)):
                bad.append(("summary", v))
    rationale = _rows(wb[SHEETS["rationale"]["en"]])
    at = list(rationale[0]).index("value")
    for row in rationale[1:]:
        for part in re.split("; ", str(row[at] or "")):
            if part.split(": ", 1)[-1] in labels:
                bad.append(("rationale", row[at]))
    assert not bad, bad[:10]
    light = next(c for c in cs.classifiers if c.role == "traffic_light")
    words = {v.en for v in light.values.values()}
    assert any(v in words for row in summary for v in row)  # the light by its words, never "green"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_long_text_wraps_and_sources_are_short(result, books, lang):
    ws = books[lang][SHEETS["rationale"][lang]]
    rows = _rows(ws)
    head = list(rows[0])
    reason = head.index("理由" if lang == "zh" else "reason") + 1
    source = head.index("依据来源" if lang == "zh" else "source") + 1
    cell = ws.cell(row=2, column=reason)
    assert cell.value and cell.alignment.wrap_text
    assert ws.cell(row=2, column=source).alignment.wrap_text
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(reason)].width >= 60
    shorts = {s.short.get(lang) for s in result.criteria.sources.values() if s.short is not None}
    keys = set(result.criteria.sources)
    for row in rows[1:200]:
        said = str(row[source - 1])
        assert any(said.startswith(s) for s in shorts), said
        assert said.split(" ", 1)[0] not in keys, said  # never a bare key
