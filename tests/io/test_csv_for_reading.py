"""The CSV downloads are for reading (issue 15, item 3): ``csv_for_reading`` gives every text cell that starts
with ``= + - @``, TAB or CR a leading apostrophe (OWASP, CSV injection), keeps numbers as numbers — a
negative amount is data, not a formula, and so is text that is a plain decimal number such as ``-5`` —
and leaves every other cell as it was. Checked on hand-made frames and on the frames the app offers for
download (ranking, data issues, portfolio) made from a file whose ids and names are formula payloads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hostile_corpus import FORMULA_PAYLOADS, formula_lead_csv

from screening import pipeline, present
from screening.analysis.portfolio import PortfolioConstraints, optimise
from screening.io.export import FORMULA_LEADS, csv_for_reading, neutralise_cell
from screening.model import Result
from screening.report import ranking_frame


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so that Excel reads the Chinese text
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _column(data: bytes, name: str) -> list[str]:
    rows = _rows(data)
    j = rows[0].index(name)
    return [r[j] for r in rows[1:]]


def _dangerous(cell: str) -> bool:
    """A cell a spreadsheet program would take as a formula: it leads with a formula character and is not a
    plain number."""
    if not cell.startswith(FORMULA_LEADS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return cell.strip().lower() in ("-inf", "+inf", "-nan", "+nan", "-infinity", "+infinity")


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_lead_gets_an_apostrophe(lead: str) -> None:
    value = f'{lead}HYPERLINK("http://example.invalid","x")'
    got = _column(csv_for_reading(pd.DataFrame({"name": [value, "plain"]})), "name")
    assert got == ["'" + value, "plain"]  # the whole cell kept after the apostrophe, CR and TAB included


def test_numbers_stay_numbers_and_a_negative_amount_is_data() -> None:
    frame = pd.DataFrame(
        {
            "amount": [-5.0, 12.5, -0.25],
            "count": np.array([-3, 0, 7], dtype="int64"),
            "as_text": ["-5", "+1.5", "-2e3"],  # plain numbers written as text: read as numbers, not formulas
            "mixed": [-3, 2.5, "=1+1"],  # an object column holding numbers and text
        }
    )
    data = csv_for_reading(frame)
    assert _column(data, "amount") == ["-5.0", "12.5", "-0.25"]
    assert [float(v) for v in _column(data, "amount")] == [-5.0, 12.5, -0.25]
    assert _column(data, "count") == ["-3", "0", "7"]
    assert _column(data, "as_text") == ["-5", "+1.5", "-2e3"]
    assert _column(data, "mixed") == ["-3", "2.5", "'=1+1"]


@pytest.mark.parametrize("value", ["-2+3", "-1,234", "-inf", "-", "+", "-A1", "-5%", "+1 2", "-1e", "--5"])
def test_text_that_only_starts_like_a_number_is_neutralised(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["plain", "a=b", "1+1", "'already quoted", " =1+1", "（=全角）", "项目 = 工程", "", "5-3"]
)
def test_other_text_is_left_as_it_is(value: str) -> None:
    assert neutralise_cell(value) == value
    assert _column(csv_for_reading(pd.DataFrame({"c": [value]})), "c") == [value]


@pytest.mark.parametrize(
    "value", [None, np.nan, pd.NA, pd.NaT, True, 3, -7.5, np.float64(-1.0), np.int64(-2)]
)
def test_blanks_and_numbers_are_not_touched(value: object) -> None:
    assert neutralise_cell(value) is value


def test_every_kind_of_text_column_is_covered() -> None:
    """Object, the string dtype, categoricals and two columns of one name: none is skipped; the header is
    neutralised too; blanks stay blank; the frame passed in is not changed."""
    frame = pd.DataFrame(
        {
            "object": ["=a", None],
            "string": pd.array(["=b", None], dtype="string"),
            "category": pd.Categorical(["=c", None]),
            "=header": ["ok", "ok"],
        }
    )
    frame.insert(1, "object", ["+d", "fine"], allow_duplicates=True)
    before = frame.copy()
    rows = _rows(csv_for_reading(frame))
    assert rows[0] == ["object", "object", "string", "category", "'=header"]
    assert rows[1] == ["'=a", "'+d", "'=b", "'=c", "ok"]
    assert rows[2] == ["", "fine", "", "", "ok"]
    pd.testing.assert_frame_equal(frame, before)


def test_a_non_text_object_is_neutralised_as_written() -> None:
    class Said:
        def __str__(self) -> str:
            return "=1+1"

    assert _column(csv_for_reading(pd.DataFrame({"c": [Said()]})), "c") == ["'=1+1"]


# --------------------------------------------------------------------- the frames the app offers for download


@pytest.fixture(scope="module")
def hostile_result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return pipeline.run(formula_lead_csv(tmp_path_factory.mktemp("formulas")))


def _no_cell_is_a_formula(data: bytes) -> list[list[str]]:
    rows = _rows(data)
    bad = [(i, cell) for i, row in enumerate(rows) for cell in row if _dangerous(cell)]
    assert not bad, bad[:5]
    return rows


def test_ranking_csv(hostile_result: Result) -> None:
    ranked = ranking_frame(hostile_result)
    assert ranked["project_id"].astype(str).str.startswith(FORMULA_LEADS).all()  # the input is hostile
    data = csv_for_reading(ranked)
    rows = _no_cell_is_a_formula(data)
    assert len(rows) - 1 == len(ranked) > 0
    ids = _column(data, "project_id")
    assert ids == ["'" + str(v) for v in ranked["project_id"]]
    names = set(_column(data, "project_name"))
    assert {"'" + p for p in FORMULA_PAYLOADS[:4]} <= names
    assert [float(v) for v in _column(data, "score")] == pytest.approx(ranked["score"].tolist())


def test_data_issues_csv(hostile_result: Result) -> None:
    issues = present.issues_table(hostile_result, "en").drop(columns=["severity_code"])
    assert len(issues) >= 2
    data = csv_for_reading(issues)
    _no_cell_is_a_formula(data)
    assert "'=NOW()" in _column(data, "value")
    assert "'-1+cmd|' /C calc'!A0" in _column(data, "value")


def test_portfolio_csv(hostile_result: Result) -> None:
    budget = 0.2 * float(hostile_result.ranked["total_investment_usd_m"].sum())
    chosen = optimise(hostile_result, PortfolioConstraints(budget=budget)).chosen
    assert len(chosen) > 0
    data = csv_for_reading(chosen)
    _no_cell_is_a_formula(data)
    assert _column(data, "project_id") == ["'" + str(v) for v in chosen["project_id"]]
    assert [float(v) for v in _column(data, "cost")] == pytest.approx(chosen["cost"].tolist())


def test_the_xlsx_keeps_the_cells_as_written(hostile_result: Result, tmp_path: Path) -> None:
    """The workbook is the round-trip file: its cells hold the text as the user wrote it (plain string cells,
    which no spreadsheet program runs), with no apostrophe added."""
    from openpyxl import load_workbook

    from screening.io.export import write_workbook

    out = tmp_path / "ranked.xlsx"
    write_workbook(hostile_result, out, "en")
    ws = load_workbook(out, read_only=True)["Ranking"]
    rows = list(ws.iter_rows(values_only=True))
    j = list(rows[0]).index("project_id")
    assert [r[j] for r in rows[1 : len(hostile_result.ranked) + 1]] == hostile_result.ranked[
        "project_id"
    ].tolist()
