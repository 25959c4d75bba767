"""Tests for screening.template: the input template workbook in English and Chinese."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from screening.io import template
from screening.io.read import read_input
from screening.io.template import SHEET_NAMES, write_template
from screening.pipeline import run
from screening.vocab.columns import (
    CODE_LISTS,
    COLUMN_BY_NAME,
    COUNTRY_COLUMNS,
    PROJECT_COLUMNS,
    REQUIRED,
    Column,
    header_lookup,
    norm_key,
)

LANGS = ["en", "zh"]
COUNTRY_SHEET_COLUMNS = [COLUMN_BY_NAME["country"], *COUNTRY_COLUMNS]
ONE_RECORD: dict[str, str | int] = {
    "project_id": "P1",
    "project_name": "x",
    "country": "Kenya",
    "sector": "transport",
    "total_investment_usd_m": 10,
}


def _write(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"template_{lang}.xlsx"
    write_template(path, lang=lang)
    return path


def _header(column: Column, lang: str) -> str:
    return column.zh if lang == "zh" else column.name


def _col_index(ws: Worksheet, column: Column, lang: str) -> int:
    headers = [c.value for c in ws[3]]
    return headers.index(_header(column, lang)) + 1


def _validations(ws: Worksheet, cell: str) -> list[DataValidation]:
    return [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]


def _list_values(wb: openpyxl.Workbook, dv: DataValidation) -> list[str]:
    formula = dv.formula1
    assert formula is not None
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, ref = formula.split("!")
    return [str(row[0].value) for row in wb[sheet.strip("'")][ref.replace("$", "")]]


def _fill_row(path: Path, lang: str, values: dict[str, str | int], row: int = 4) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAMES[lang]["projects"]]
    for name, value in values.items():
        ws.cell(row=row, column=_col_index(ws, COLUMN_BY_NAME[name], lang), value=value)
    wb.save(path)


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_and_headers(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    names = SHEET_NAMES[lang]
    assert wb.sheetnames[:3] == [names["projects"], names["countries"], names["readme"]]
    for key, columns in (("projects", list(PROJECT_COLUMNS)), ("countries", COUNTRY_SHEET_COLUMNS)):
        ws = wb[names[key]]
        assert [c.value for c in ws[3]] == [_header(c, lang) for c in columns]
        other = [c.value for c in ws[1]]
        for column, label in zip(columns, other, strict=True):
            assert (column.en if lang == "zh" else column.zh) in str(label)
        assert all(c.font.italic for c in ws[1]) and all(c.font.italic for c in ws[2])
        assert all(c.value for c in ws[2]), "every column has a note"
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref.startswith("A3:")
        for j, column in enumerate(columns, start=1):
            head = ws.cell(row=3, column=j)
            assert head.comment is not None
            comment = head.comment.text
            assert column.name in comment and column.zh in comment
            assert all(alias in comment for alias in column.aliases)
            assert ws.column_dimensions[get_column_letter(j)].width >= 10
    projects = wb[names["projects"]]
    required_fill = {
        projects.cell(row=3, column=_col_index(projects, COLUMN_BY_NAME[n], lang)).fill.fgColor.rgb
        for n in REQUIRED
    }
    for name in REQUIRED:
        j = _col_index(projects, COLUMN_BY_NAME[name], lang)
        assert projects.cell(row=3, column=j).font.bold
        assert "*" in str(projects.cell(row=2, column=j).value)
        note = projects.cell(row=3, column=j).comment
        assert note is not None and "*" in note.text
    for column in PROJECT_COLUMNS:
        if not column.required:
            j = _col_index(projects, column, lang)
            cell = projects.cell(row=3, column=j)
            assert not cell.font.bold and cell.fill.fgColor.rgb not in required_fill
            assert "*" not in str(projects.cell(row=2, column=j).value)


@pytest.mark.parametrize("lang", LANGS)
def test_notes_carry_units_and_code_lists(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    ws = wb[SHEET_NAMES[lang]["projects"]]

    def note(name: str) -> str:
        return str(ws.cell(row=2, column=_col_index(ws, COLUMN_BY_NAME[name], lang)).value)

    assert "USD million" in note("total_investment_usd_m") and "百万美元" in note("total_investment_usd_m")
    assert "0–1; '45%' accepted" in note("private_capital_share") and "45%" in note("local_employment_share")
    assert "percent" in note("firr_pct").lower() and "百分数" in note("firr_pct")
    countries = wb[SHEET_NAMES[lang]["countries"]]
    debt = str(
        countries.cell(row=2, column=_col_index(countries, COLUMN_BY_NAME["debt_distress_risk"], lang)).value
    )
    assert "in_distress" in debt and "not_rated" in debt
    sector = note("sector")
    assert all(c.code in sector and c.zh in sector for c in CODE_LISTS["sector"].codes)
    assert sector.startswith("* 必填" if lang == "zh" else "* Required")


@pytest.mark.parametrize("lang", LANGS)
def test_rows_above_header_never_look_like_a_header(tmp_path: Path, lang: str) -> None:
    lookup = header_lookup()
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    for ws in wb.worksheets:
        last = 2 if ws.title != SHEET_NAMES[lang]["readme"] else ws.max_row
        for row in ws.iter_rows(min_row=1, max_row=last):
            hits = [c.value for c in row if isinstance(c.value, str) and norm_key(c.value) in lookup]
            assert hits == [], (ws.title, hits)


@pytest.mark.parametrize("lang", LANGS)
def test_read_back_empty_template(tmp_path: Path, lang: str) -> None:
    inp = read_input(_write(tmp_path, lang))
    names = SHEET_NAMES[lang]
    assert inp.projects.sheet == names["projects"]
    assert inp.projects.header_row == 3
    assert len(inp.projects.frame) == 0
    assert set(inp.projects.frame.columns) == {c.name for c in PROJECT_COLUMNS}
    assert inp.countries is not None
    assert inp.countries.sheet == names["countries"]
    assert inp.countries.header_row == 3
    assert len(inp.countries.frame) == 0
    assert set(inp.countries.frame.columns) == {c.name for c in COUNTRY_SHEET_COLUMNS}


@pytest.mark.parametrize("lang", LANGS)
def test_one_filled_row_runs_through_the_pipeline(tmp_path: Path, lang: str) -> None:
    path = _write(tmp_path, lang)
    _fill_row(path, lang, ONE_RECORD)
    result = run(path)
    assert result.counts() == {"records": 1, "ranked": 1, "excluded": 0, "invalid": 0}
    assert result.records["source_row"].tolist() == [4]


@pytest.mark.parametrize("lang", LANGS)
def test_every_list_column_has_a_matching_drop_down(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    for key, columns in (("projects", list(PROJECT_COLUMNS)), ("countries", COUNTRY_SHEET_COLUMNS)):
        ws = wb[SHEET_NAMES[lang][key]]
        for column in columns:
            letter = get_column_letter(_col_index(ws, column, lang))
            if column.kind in ("code", "bool", "level"):
                for cell in (f"{letter}4", f"{letter}2000"):
                    dvs = [dv for dv in _validations(ws, cell) if dv.type == "list"]
                    assert len(dvs) == 1, (key, column.name, cell)
                assert not _validations(ws, f"{letter}3"), "the header row carries no validation"
                values = _list_values(wb, dvs[0])
                if column.kind == "code":
                    codes = CODE_LISTS[str(column.codes)].codes
                    assert values == ([c.zh for c in codes] if lang == "zh" else [c.code for c in codes])
                elif column.kind == "bool":
                    assert values == (["是", "否"] if lang == "zh" else ["yes", "no"])
                else:
                    assert values == ["0", "1", "2", "3"]
            elif column.kind == "share":
                dvs = _validations(ws, f"{letter}4")
                assert len(dvs) == 1 and dvs[0].type == "decimal" and dvs[0].operator == "between"
                assert (dvs[0].formula1, dvs[0].formula2) == ("0", "1")
                assert dvs[0].showErrorMessage and dvs[0].error
    names = {c.name for c in PROJECT_COLUMNS if c.kind == "code"}
    assert {
        "sector",
        "status",
        "energy_source",
        "enterprise_type",
        "financing_model",
        "env_category",
        "standards_applied",
        "security_risk",
    } <= names


@pytest.mark.parametrize("lang", LANGS)
def test_list_formulas_fit_excel_limit(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    lists = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists
    for dv in lists:
        assert len(str(dv.formula1)) <= 255, dv.formula1
        assert len(dv.error or "") <= 225 and len(dv.errorTitle or "") <= 32


@pytest.mark.parametrize("lang", LANGS)
def test_drop_down_values_are_read_without_issues(tmp_path: Path, lang: str) -> None:
    """Whatever a user picks from a drop-down (codes or Chinese labels, yes/是) reads back cleanly."""
    path = _write(tmp_path, lang)
    wb = openpyxl.load_workbook(path)
    values: dict[str, str | int] = dict(ONE_RECORD)
    ws = wb[SHEET_NAMES[lang]["projects"]]
    for column in PROJECT_COLUMNS:
        if column.kind in ("code", "bool", "level") and not column.required:
            letter = get_column_letter(_col_index(ws, column, lang))
            values[column.name] = _list_values(wb, _validations(ws, f"{letter}4")[0])[1]
    wb.close()
    _fill_row(path, lang, values)
    result = run(path)
    assert result.issues.empty, result.issues[["column", "value", "message_en"]].to_string()
    assert result.counts()["invalid"] == 0 and result.counts()["records"] == 1
    record = result.records.iloc[0]
    assert record["energy_source"] == "oil" and record["security_risk"] == "medium"
    assert record["hard_connectivity"] == 1 and record["esia_completed"] is False


def test_code_none_from_drop_down_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "en")
    _fill_row(path, "en", {**ONE_RECORD, "energy_source": "none", "standards_applied": "none"})
    record = run(path).records.iloc[0]
    assert record["energy_source"] == "none" and record["standards_applied"] == "none"


def test_long_lists_go_to_a_hidden_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template, "MAX_LIST_CHARS", 40)
    path = _write(tmp_path, "en")
    wb = openpyxl.load_workbook(path)
    assert template.LISTS_SHEET in wb.sheetnames
    assert wb[template.LISTS_SHEET].sheet_state == "hidden"
    ws = wb["projects"]
    letter = get_column_letter(_col_index(ws, COLUMN_BY_NAME["sector"], "en"))
    (dv,) = _validations(ws, f"{letter}4")
    assert str(dv.formula1).startswith(f"{template.LISTS_SHEET}!")
    assert _list_values(wb, dv) == CODE_LISTS["sector"].values
    for other in wb.worksheets:
        for dv in other.data_validations.dataValidation:
            assert len(str(dv.formula1)) <= 40 or not str(dv.formula1).startswith('"')
    wb.close()
    inp = read_input(path)
    assert inp.projects.sheet == "projects" and inp.projects.header_row == 3
    assert inp.countries is not None and inp.countries.sheet == "countries"
    _fill_row(path, "en", ONE_RECORD)
    assert run(path).counts() == {"records": 1, "ranked": 1, "excluded": 0, "invalid": 0}


@pytest.mark.parametrize("lang", LANGS)
def test_readme_is_bilingual(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    text = "\n".join(
        str(c.value) for row in wb[SHEET_NAMES[lang]["readme"]].iter_rows() for c in row if c.value
    )
    for name in REQUIRED:
        assert name in text
    for phrase in (
        "USD million",
        "百万美元",
        "*_share",
        "0 to 1",
        "*_pct",
        "是/否",
        "yes/no",
        "kept",
        "保留",
        "optional",
        "可选",
    ):
        assert phrase in text, phrase


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lang"):
        write_template(tmp_path / "t.xlsx", lang="fr")
