"""The exported workbook: sheets, accounting, safe text (contract 6), Excel limits, both languages."""

from __future__ import annotations

import zipfile
from io import BytesIO

import openpyxl
import pytest
from conftest import rec, write_csv

from screening import report
from screening.io import export, xlsx_stream
from screening.io.export import MAX_CELL, write_workbook
from screening.pipeline import run


def expected_sheets(result, lang):
    from screening.io.schema import SHEETS

    tracks = [t.label.get(lang)[:31].strip() for t in result.criteria.tracks]
    keys_before = ["summary", "ranking"]
    keys_after = ["review", "rationale", "excluded", "invalid", "issues", "criteria"]
    return (
        [SHEETS[k][lang] for k in keys_before]
        + tracks
        + [SHEETS[k][lang] for k in keys_after]
        + ([SHEETS["countries"][lang]] if result.input.countries is not None else [])
        + ([SHEETS["inferred"][lang]] if result.inference.on else [])
        + [SHEETS["audit"][lang]]
    )


@pytest.fixture
def result(tmp_path):
    # CSV, because openpyxl itself refuses to write the control character this input needs.
    return run(
        write_csv(
            tmp_path / "in.csv",
            [
                rec("F1", project_name='=HYPERLINK("http://example.com","click")'),
                rec("F2", project_name="+cmd", description="-2+3", location="@SUM(A1)"),
                rec("F3", project_name="tab\tstart", description="bell\x07char"),
                rec("X1", project_name="Grand casino resort", sector="tourism"),
                rec("I1", total_investment_usd_m="abc"),
                rec("L1", description="x" * 40_000),
            ],
        )
    )


def sheet_rows(path, title):
    ws = openpyxl.load_workbook(path, read_only=True)[title]
    rows = list(ws.iter_rows(values_only=True))
    width = len(rows[0])
    return rows[0], [tuple(r) + (None,) * (width - len(r)) for r in rows[1:]]


def test_sheets_and_outcome_accounting(result, tmp_path):
    out = tmp_path / "o.xlsx"
    write_workbook(result, out, "en")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == expected_sheets(result, "en")
    assert wb.sheetnames[:2] == ["Summary", "Ranking"] and wb.sheetnames[-1] == "Audit"
    header, ranked = sheet_rows(out, "Ranking")
    assert header[:7] == ("project_id", "project_name", "rank", "rank_in_track", "score", "tier", "track")
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
    assert names["F1"] == '=HYPERLINK("http://example.com","click")'  # unchanged, no apostrophe
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
    assert wb.sheetnames == expected_sheets(result, "zh")
    assert {"概要", "排名", "评分依据", "排除项目", "无效记录", "数据问题", "评价标准", "审计信息"} <= set(
        wb.sheetnames
    )
    header, rows = sheet_rows(out, "排名")
    assert header[:6] == ("项目编号", "项目名称", "排名", "类内排名", "得分", "等级")
    assert "项目名称" in header


def test_sheet_titles_legal():
    from screening.io.export import _legal_title

    assert _legal_title("a/b:c*d?[e]" + "x" * 40) == "a b c d  e " + "x" * 20
    assert len(_legal_title("y" * 50)) == 31


# ----------------------------------------------------------------- every sheet, read back for content


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """A run with ranked projects in several tracks, an excluded one, invalid ones and a data issue."""
    tmp = tmp_path_factory.mktemp("rich")
    records = [
        rec(
            "R1",
            project_name="Clinic",
            sector="health",
            total_investment_usd_m=5,
            livelihood_focus="yes",
            direct_beneficiaries=20000,
            esia_completed="yes",
            env_category="C",
        ),
        rec(
            "R2",
            project_name="Rail link",
            sector="transport",
            total_investment_usd_m=900,
            country="Laos",
            env_category="A",
            esia_completed="yes",
            hard_connectivity=3,
        ),
        rec("R3", project_name="Data centre", sector="digital", total_investment_usd_m=120, country="Egypt"),
        rec(
            "R4", project_name="Wind farm", total_investment_usd_m=80, energy_source="wind", status="planned"
        ),
        rec("X1", project_name="Grand casino resort", sector="tourism"),
        rec("X2", project_name="Coal plant", sector="energy", energy_source="coal", status="planned"),
        rec("I1", total_investment_usd_m="abc"),
        rec("I2", country="Atlantis"),
        rec("", project_name="No id"),
        rec("R5", project_name="Odd sector", sector="spaceflight"),
    ]
    path = write_csv(tmp / "rich.csv", records)
    result = run(path)
    out_en, out_zh = tmp / "rich_en.xlsx", tmp / "rich_zh.xlsx"
    stats = write_workbook(result, out_en, "en")
    write_workbook(result, out_zh, "zh")
    return result, out_en, out_zh, stats


def records_of(path, title):
    header, rows = sheet_rows(path, title)
    return header, [dict(zip(header, r, strict=False)) for r in rows]


def test_summary_counts_weights_and_charts(rich):
    result, out, _, _ = rich
    wb = openpyxl.load_workbook(out)
    ws = wb["Summary"]
    cells = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0] is not None}
    c = result.counts()
    assert cells["Records read"][0] == c["records"] == 10
    assert cells["Ranked"][0] == c["ranked"]
    assert cells["Excluded (negative list)"][0] == c["excluded"] == 2
    assert cells["Invalid (cannot be screened)"][0] == c["invalid"] == 3
    tier_total = sum(cells[t.label.en][0] for t in result.criteria.tiers) + cells["Insufficient data"][0]
    assert tier_total == c["ranked"]
    assert sum(cells[t.label.en][0] for t in result.criteria.tracks) == c["ranked"]
    bands = [k for k in cells if isinstance(k, str) and "–" in k and k[0].isdigit()]
    assert sum(cells[b][0] for b in bands) == c["ranked"]
    total_w = sum(d.weight for d in result.criteria.dimensions)
    for d in result.criteria.dimensions:
        assert cells[d.label.en][0] == pytest.approx(d.weight / total_w * 100, abs=0.01)
    assert cells["Kenya (KEN)"][3] >= 1  # country table: total column
    assert cells["(not recognised)"][2] == 1  # Atlantis: invalid
    charts = ws._charts
    assert len(charts) >= 2 and all(ch.tagname == "barChart" for ch in charts)
    with zipfile.ZipFile(out) as zf:
        chart_xml = zf.read("xl/charts/chart1.xml").decode()
    assert "Summary" in chart_xml and "$B$" in chart_xml  # the chart reads cells of this sheet


def test_ranking_columns_formats_and_reviewer_dropdown(rich):
    result, out, _, _ = rich
    header, rows = records_of(out, "Ranking")
    for name in (
        "rank",
        "rank_in_track",
        "score",
        "tier",
        "track",
        "traffic_light",
        "flags",
        "completeness",
        "reviewer_decision",
        "reviewer_note",
        "project_name",
        "total_investment_usd_m",
    ):
        assert name in header, name
    assert any(h.startswith("dim_") for h in header)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["project_id"] for r in rows] == result.ranked["project_id"].tolist()
    assert all(r["reviewer_decision"] is None and r["reviewer_note"] is None for r in rows)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    wb = openpyxl.load_workbook(out)
    ws = wb["Ranking"]
    assert (
        ws.freeze_panes == "B2"
        and ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{len(rows) + 1}"
    )
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    score_col = header.index("score") + 1
    assert ws.cell(2, score_col).number_format == "0.00"
    assert ws.cell(2, header.index("completeness") + 1).number_format == "0%"
    assert ws.cell(1, 1).font.bold and ws.cell(1, 1).fill.fgColor.rgb.endswith("1F4E78")
    assert ws.column_dimensions["A"].width >= 8
    rules = {rule.type for cf in ws.conditional_formatting for rule in cf.rules}
    assert {"dataBar", "cellIs", "expression"} <= rules
    tier_formulas = {
        rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules if rule.type == "cellIs"
    }
    assert '"priority"' in tier_formulas and '"insufficient_data"' in tier_formulas
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == 1
    for word in ("approve", "reject", "defer", "通过", "否决", "暂缓"):
        assert word in dvs[0].formula1
    dec_col = ws.cell(1, header.index("reviewer_decision") + 1).column_letter
    assert str(dvs[0].sqref) == f"{dec_col}2:{dec_col}{len(rows) + 1}"
    note = ws.cell(1, header.index("rank") + 1).comment
    assert note is not None and "1 = best" in note.text and "总排名" in note.text


def test_track_sheets_are_views_of_ranking(rich):
    result, out, _, _ = rich
    _, ranking = records_of(out, "Ranking")
    for t in result.criteria.tracks:
        header, rows = records_of(out, t.label.en[:31].strip())
        assert header[:3] == ("rank_in_track", "rank", "project_id")
        expected = [r["project_id"] for r in ranking if r["track"] == t.id]
        assert [r["project_id"] for r in rows] == expected
        assert [r["rank_in_track"] for r in rows] == list(range(1, len(rows) + 1))
        assert "reviewer_decision" not in header  # decisions are made on Ranking only


def test_rationale_explains_every_point(rich):
    result, out, _, _ = rich
    header, rows = records_of(out, "Rationale")
    assert header == (
        "project_id",
        "dimension",
        "criterion_id",
        "criterion",
        "status",
        "value",
        "points",
        "max_points",
        "weight_pct",
        "contribution",
        "reason",
        "source",
    )
    n_criteria = len(result.criteria.criteria)
    assert len(rows) == len(result.ranked) * n_criteria
    by_project: dict[str, float] = {}
    for r in rows:
        by_project[r["project_id"]] = by_project.get(r["project_id"], 0.0) + (r["contribution"] or 0.0)
        assert r["status"] in ("assessed", "not_assessed", "not_applicable")
        assert r["reason"]
        if r["status"] == "not_assessed":
            assert "not assessed" in r["reason"]
    for pid, score in result.ranked.set_index("project_id")["score"].items():
        assert by_project[pid] == pytest.approx(score, abs=0.05)


def test_excluded_invalid_issues_criteria_sheets(rich):
    result, out, _, _ = rich
    _, excluded = records_of(out, "Excluded")
    assert sorted(r["project_id"] for r in excluded) == ["X1", "X2"]
    for r in excluded:
        assert r["gates"] and r["reasons"] and r["sources"] and r["project_name"]
    inv_header, invalid = records_of(out, "Invalid")
    assert inv_header[:7] == (  # the project's name beside its id, then where the record came from
        "project_id",
        "project_name",
        "source_sheet",
        "source_row",
        "problem_columns",
        "problem_values",
        "problems",
    )
    by_id = {r["project_id"]: r for r in invalid}
    assert by_id["I1"]["total_investment_usd_m"] == "abc"  # the raw value, for re-import
    assert (
        by_id["I1"]["problem_columns"] == "total_investment_usd_m" and by_id["I1"]["problem_values"] == "abc"
    )
    assert by_id["I1"]["source_row"] == 8 and by_id["I1"]["source_sheet"] == "rich"
    assert "Atlantis" in by_id["I2"]["problem_values"]
    assert by_id[None]["source_row"] == 10
    _, issues = records_of(out, "Data issues")
    assert any(
        r["project_id"] == "R5" and r["severity"] == "data" and r["value"] == "spaceflight" for r in issues
    )
    _, crit = records_of(out, "Criteria")
    kinds = {r["kind"] for r in crit}
    assert {"gate", "dimension", "criterion", "tier"} <= kinds
    assert sum(r["weight_pct"] for r in crit if r["kind"] == "dimension") == pytest.approx(100, abs=0.1)
    assert {r["id"] for r in crit if r["kind"] == "criterion"} == {c.id for _, c in result.criteria.criteria}


def test_audit_sheet(rich):
    result, out, _, stats = rich
    _, rows = sheet_rows(out, "Audit")
    audit = {r[0]: r[1] for r in rows if r and r[0]}
    assert audit["tool"] == "bri-screening"
    assert audit["criteria_sha256"] == result.criteria_sha256 and len(audit["input_sha256"]) == 64
    assert audit["criteria_fingerprint"] == result.criteria.fingerprint() != audit["criteria_sha256"]
    assert audit["input_file"] == "rich.csv"
    assert (audit["records_read"], audit["ranked"], audit["excluded"], audit["invalid"]) == (10, 5, 2, 3)
    assert audit["made_at"] == result.made_at and audit["language"] == "en"
    assert (
        audit["sheets"].split("; ")
        == stats["sheets"]
        == openpyxl.load_workbook(out, read_only=True).sheetnames
    )
    assert "rank" in audit["tool_columns"].split("; ") and "project_name" not in audit["tool_columns"]


def test_chinese_labels_and_codes(rich):
    result, _, out, _ = rich
    header, rows = records_of(out, "排名")
    assert (
        "审核意见" in header and "审核备注" in header and "行业" in header and "总投资（百万美元）" in header
    )
    assert any(h.startswith("维度得分：") for h in header)
    sectors = {r["行业"] for r in rows}
    assert "卫生健康" in sectors and "health" not in sectors  # code cells hold Chinese labels
    assert {r["等级"] for r in rows} <= {"优先推荐", "推荐", "有条件推荐", "暂缓", "资料不足"}
    wb = openpyxl.load_workbook(out)
    ws = wb["排名"]
    tier_formulas = {
        rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules if rule.type == "cellIs"
    }
    assert '"资料不足"' in tier_formulas
    _, rat = records_of(out, "评分依据")
    assert {r["评估状态"] for r in rat} <= {"已评估", "未评估", "不适用"}
    summary = {r[0]: r[1:] for r in wb["概要"].iter_rows(values_only=True) if r and r[0] is not None}
    assert summary["输入记录数"][0] == 10


def test_rationale_continues_on_numbered_sheets(rich, tmp_path, monkeypatch):

    result = rich[0]
    monkeypatch.setattr(export, "MAX_ROWS", 40)
    out = tmp_path / "split.xlsx"
    stats = write_workbook(result, out, "en")
    total = len(result.ranked) * len(result.criteria.criteria)
    n_sheets = -(-total // 39)
    names = ["Rationale"] + [f"Rationale ({k})" for k in range(2, n_sheets + 1)]
    assert [s for s in stats["continued_sheets"] if s.startswith("Rationale")] == names[1:]
    wb = openpyxl.load_workbook(out)
    assert [s for s in wb.sheetnames if s.startswith("Rationale")] == names
    seen = 0
    for name in names:
        ws = wb[name]
        assert ws.max_row <= 40 and ws.cell(1, 1).value == "project_id"
        seen += ws.max_row - 1
        assert "continued on sheets" in ws.cell(1, 1).comment.text
    assert seen == total
    audit = {r[0]: r[1] for r in sheet_rows(out, "Audit")[1] if r and r[0]}
    assert audit["continued_sheets"] == ", ".join(stats["continued_sheets"])
    summary = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert any(s.startswith("Continued past Excel's row limit on: Rationale (2)") for s in summary)


def test_formula_like_text_everywhere_is_text(tmp_path):
    bad = ["=1+1", "+1", "-1", "@x", "=cmd|' /C calc'!A0"]
    path = write_csv(
        tmp_path / "f.csv",
        [rec("A" + str(i), project_name=b, description=b, lead_enterprise=b) for i, b in enumerate(bad)]
        + [rec("=X", project_name="=BAD()", sector="tourism", description="casino")],
    )
    result = run(path)
    for lang in ("en", "zh"):
        out = tmp_path / f"f_{lang}.xlsx"
        write_workbook(result, out, lang)
        with zipfile.ZipFile(out) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
        wb = openpyxl.load_workbook(out)
        texts = {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        assert set(bad) <= texts and "=X" in texts and "=BAD()" in texts


def test_raw_row_stream_matches_openpyxl_cells(rich, tmp_path, monkeypatch):
    """The fast body writer and openpyxl's own cell path give the same values, types and formats."""

    result = rich[0]
    fast = tmp_path / "fast.xlsx"
    write_workbook(result, fast, "zh")
    monkeypatch.setattr(xlsx_stream, "FAST_ROWS", False)
    slow = tmp_path / "slow.xlsx"
    write_workbook(result, slow, "zh")
    a, b = openpyxl.load_workbook(fast), openpyxl.load_workbook(slow)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        rows_a = [
            [(c.value, c.value is not None and c.data_type, c.number_format) for c in r]
            for r in a[name].iter_rows()
        ]
        rows_b = [
            [(c.value, c.value is not None and c.data_type, c.number_format) for c in r]
            for r in b[name].iter_rows()
        ]
        assert rows_a == rows_b, name


def test_text_with_cr_tab_and_markup_is_kept():
    """The body writer keeps text exactly: leading CR or tab, markup characters, padding, line breaks."""
    import pandas as pd

    from screening.io.export import _Writer

    texts = [
        "\rstarts with CR",
        "\tstarts with tab",
        "a < b & c > d",
        "  padded  ",
        "line\nbreak",
        "=1+2",
        "-3",
        "8",
    ]
    w = _Writer("en")
    w.table("t", pd.DataFrame({"project_id": texts, "n": [1.5, 2, None, True, 0.1, -1e-7, 3, 8]}))
    buf = BytesIO()
    w.wb.save(buf)
    rows = list(openpyxl.load_workbook(BytesIO(buf.getvalue()))["t"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == texts
    assert [r[1] for r in rows] == [1.5, 2, None, True, 0.1, -1e-7, 3, 8]
    with zipfile.ZipFile(BytesIO(buf.getvalue())) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")


def test_extra_sheets_come_before_audit_and_are_not_read_back(rich, tmp_path):
    import pandas as pd

    from screening.analysis.sheets import ExtraSheet

    result = rich[0]
    out = tmp_path / "extra.xlsx"
    extra = ExtraSheet("Portfolio", "投资组合", pd.DataFrame({"project_id": ["R1"], "chosen": [True]}))
    write_workbook(result, out, "en", extra_sheets=[extra])
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[-2:] == ["Portfolio", "Audit"]
    assert run(out).counts() == result.counts()


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_streamed_rationale_equals_the_whole_table(rich, tmp_path, monkeypatch, chunk):
    """The Rationale sheets are written piece by piece (bounded memory); pieces and sheet breaks must not
    lose, repeat or reorder a row."""

    result = rich[0]
    monkeypatch.setattr(export, "MAX_ROWS", 29)  # sheet breaks fall inside a project's criteria
    monkeypatch.setattr(report, "RATIONALE_CHUNK", chunk)
    out = tmp_path / f"stream{chunk}.xlsx"
    write_workbook(result, out, "en")
    wb = openpyxl.load_workbook(out, read_only=True)
    written = []
    for name in [s for s in wb.sheetnames if s.startswith("Rationale")]:
        written += [r for r in wb[name].iter_rows(min_row=2, values_only=True)]
    whole = report.rationale_frame(result, "en")
    assert len(written) == len(whole)
    assert [r[0] for r in written] == whole["project_id"].tolist()
    assert [r[2] for r in written] == whole["criterion_id"].tolist()
    reasons = list(whole.columns).index("reason")
    assert [r[reasons] for r in written] == whole["reason"].tolist()
