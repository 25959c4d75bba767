"""The exported workbook: sheets, accounting, safe text (contract 6), Excel limits, both languages."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from screening.export import MAX_CELL, write_workbook
from screening.pipeline import run

from conftest import BASE_RECORD

EN_SHEETS = ["Summary", "Ranking", "Rationale", "Excluded", "Invalid", "Data issues", "Criteria", "Audit"]


def rec(pid, **kw):
    return {**BASE_RECORD, "project_id": pid, **kw}


def write_csv(path, records):
    import csv

    headers = list(dict.fromkeys(k for r in records for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for r in records:
            w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return path


@pytest.fixture
def result(tmp_path):
    # CSV, because openpyxl itself refuses to write the control character this input needs.
    return run(write_csv(tmp_path / "in.csv", [
        rec("F1", project_name='=HYPERLINK("http://example.com","click")'),
        rec("F2", project_name="+cmd", description="-2+3", location="@SUM(A1)"),
        rec("F3", project_name="tab\tstart", description="bell\x07char"),
        rec("X1", project_name="Grand casino resort", sector="tourism"),
        rec("I1", total_investment_usd_m="abc"),
        rec("L1", description="x" * 40_000),
    ]))


def sheet_rows(path, title):
    ws = openpyxl.load_workbook(path, read_only=True)[title]
    rows = list(ws.iter_rows(values_only=True))
    width = len(rows[0])
    return rows[0], [tuple(r) + (None,) * (width - len(r)) for r in rows[1:]]


def test_sheets_and_outcome_accounting(result, tmp_path):
    out = tmp_path / "o.xlsx"
    write_workbook(result, out, "en")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == EN_SHEETS
    header, ranked = sheet_rows(out, "Ranking")
    assert header[:6] == ("project_id", "rank", "rank_in_track", "score", "tier", "track")
    assert "flags" in header and "project_name" in header
    _, excluded = sheet_rows(out, "Excluded")
    _, invalid = sheet_rows(out, "Invalid")
    assert len(ranked) + len(excluded) + len(invalid) == 6
    assert [r[0] for r in excluded] == ["X1"]
    inv_header, invalid_rows = sheet_rows(out, "Invalid")
    assert invalid_rows[0][inv_header.index("source_row")] == 6
    assert "not a number" in invalid_rows[0][inv_header.index("problems")]


def test_user_text_is_never_a_formula(result, tmp_path):
    out = tmp_path / "o.xlsx"
    write_workbook(result, out, "en")
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name), name
    header, ranked = sheet_rows(out, "Ranking")
    names = {r[0]: r[header.index("project_name")] for r in ranked}
    assert names["F1"] == '=HYPERLINK("http://example.com","click")'   # unchanged, no apostrophe
    assert names["F2"] == "+cmd"
    wb = openpyxl.load_workbook(out)
    cell = next(c for c in wb["Ranking"]["A"] if c.value == "F1")
    assert wb["Ranking"].cell(cell.row, header.index("project_name") + 1).data_type == "s"


def test_control_characters_removed_and_long_text_cut(result, tmp_path):
    out = tmp_path / "o.xlsx"
    stats = write_workbook(result, out, "en")
    assert stats["control_characters_removed"] >= 1 and stats["cells_truncated"] >= 1
    header, ranked = sheet_rows(out, "Ranking")
    desc = {r[0]: r[header.index("description")] for r in ranked}
    assert desc["F3"] == "bellchar"
    assert len(desc["L1"]) == MAX_CELL and desc["L1"].endswith("[truncated / 已截断]")
    _, audit = sheet_rows(out, "Audit")
    audit_map = {r[0]: r[1] for r in audit if r and r[0]}
    assert audit_map["control_characters_removed"] == stats["control_characters_removed"]
    assert audit_map["records_read"] == 6 and len(audit_map["input_sha256"]) == 64


def test_chinese_workbook(result, tmp_path):
    out = tmp_path / "zh.xlsx"
    write_workbook(result, out, "zh")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["概要", "排名", "评分依据", "排除项目", "无效记录", "数据问题", "评价标准", "审计信息"]
    header, rows = sheet_rows(out, "排名")
    assert header[:5] == ("项目编号", "排名", "类内排名", "得分", "等级")
    assert "项目名称" in header


def test_sheet_titles_legal():
    from screening.export import _legal_title

    assert _legal_title("a/b:c*d?[e]" + "x" * 40) == "a b c d  e " + "x" * 20
    assert len(_legal_title("y" * 50)) == 31
