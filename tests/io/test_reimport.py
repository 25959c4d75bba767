"""Round trip of the ranked workbook: export → load again → same records, same scores, reviews carried."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from conftest import BASE_RECORD, SAMPLES, rec, write_csv

from screening.io import export
from screening.io.export import write_workbook
from screening.io.read import read_input
from screening.io.reimport import is_exported
from screening.io.schema import RESERVED_HEADERS, SHEETS, decision_code
from screening.pipeline import run
from screening.vocab.columns import header_lookup, norm_key

RECORDS = [
    rec(
        "R1",
        project_name="Clinic",
        sector="health",
        total_investment_usd_m=5,
        livelihood_focus="yes",
        direct_beneficiaries=20000,
        esia_completed="yes",
        env_category="C",
        private_capital_share="45%",
    ),
    rec(
        "R2",
        project_name="Rail link",
        sector="transport",
        total_investment_usd_m=900,
        country="Laos",
        env_category="A",
        esia_completed="no",
        hard_connectivity=3,
        firr_pct="8%",
    ),
    rec(
        "R3",
        project_name='=HYPERLINK("http://x","y")',
        sector="digital",
        total_investment_usd_m=120,
        country="Egypt",
        description="-2+3",
        my_extra_column="kept as data",
    ),
    rec(
        "8", project_name="Numeric id", total_investment_usd_m="1.2亿", energy_source="wind", status="planned"
    ),
    rec("X1", project_name="Grand casino resort", sector="tourism"),
    rec("X2", project_name="Coal plant", sector="energy", energy_source="coal", status="planned"),
    rec("I1", total_investment_usd_m="abc"),
    rec("I2", country="Atlantis"),
    rec("D1", project_name="Twin A"),
    rec("D1", project_name="Twin B"),
    rec("", project_name="No id"),
]


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rt")
    return run(write_csv(tmp / "projects.csv", RECORDS)), tmp


def summary(result):
    ranked = result.ranked.set_index("project_id")
    return (
        result.counts(),
        sorted(result.records["project_id"].fillna("").astype(str)),
        ranked["score"].to_dict(),
        ranked["rank"].to_dict(),
        ranked["tier"].to_dict(),
        ranked["track"].to_dict(),
        sorted(result.excluded["project_id"]),
        sorted(result.invalid["project_id"].fillna("").astype(str)),
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_round_trip_keeps_every_record_and_score(first, lang):
    result, tmp = first
    out = tmp / f"out_{lang}.xlsx"
    write_workbook(result, out, lang)
    again = run(out)
    assert again.input.exported
    assert summary(again) == summary(result)
    assert again.counts() == {"records": 11, "ranked": 4, "excluded": 2, "invalid": 5}
    # No reserved column is read back as input data; the extra input column is.
    cols = set(again.validated.input_columns)
    for name, (en, zh) in RESERVED_HEADERS.items():
        assert name not in cols and en not in cols and zh not in cols
    assert not any(c.startswith(("dim_", "维度得分")) for c in cols)
    assert "my_extra_column" in cols
    assert again.ranked.set_index("project_id").loc["R3", "project_name"] == '=HYPERLINK("http://x","y")'
    # And a second round trip is stable too.
    out2 = tmp / f"out2_{lang}.xlsx"
    write_workbook(again, out2, lang)
    assert summary(run(out2)) == summary(result)


def test_source_rows_refer_to_the_exported_sheets(first):
    result, tmp = first
    out = tmp / "rows.xlsx"
    write_workbook(result, out, "en")
    again = run(out)
    rev = again.input.reviews
    wb = openpyxl.load_workbook(out, read_only=True)
    for row in rev.itertuples():
        ws = wb[row.source_sheet]
        header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
        values = [c.value for c in next(ws.iter_rows(min_row=row.source_row, max_row=row.source_row))]
        shown = values[header.index("project_id")]
        assert (shown if shown is None else str(shown)) == row.project_id
    inv_head = next(wb["Invalid"].iter_rows(max_row=1, values_only=True))
    at = inv_head.index("project_id")
    first_rows = {r[at]: i + 2 for i, r in enumerate(wb["Invalid"].iter_rows(min_row=2, values_only=True))}
    again_out = tmp / "rows2.xlsx"
    write_workbook(again, again_out, "en")
    wb2 = openpyxl.load_workbook(again_out, read_only=True)
    header = next(wb2["Invalid"].iter_rows(max_row=1, values_only=True))
    assert header[:4] == ("project_id", "project_name", "source_sheet", "source_row")  # name beside the id
    inv2 = {r[0]: r for r in wb2["Invalid"].iter_rows(min_row=2, values_only=True)}
    assert inv2["I1"][2:4] == ("Invalid", first_rows["I1"])  # sheet and row of the loaded workbook
    issues2 = list(wb2["Data issues"].iter_rows(min_row=2, values_only=True))
    assert issues2 and {r[0] for r in issues2} <= {"Invalid", "Ranking", "Excluded"}


def _annotate(
    path, decisions: dict[str, tuple[str | None, str | None]], sheets=("Ranking", "Excluded", "Invalid")
):
    """Fill reviewer columns in an exported workbook as a planner would (Excel keeps everything else)."""
    wb = openpyxl.load_workbook(path)
    for title in wb.sheetnames:
        if not any(
            title == SHEETS[k][lang] for k in ("ranking", "excluded", "invalid") for lang in ("en", "zh")
        ):
            continue
        ws = wb[title]
        header = [c.value for c in ws[1]]
        id_col = next(i for i, h in enumerate(header) if h in ("project_id", "项目编号")) + 1
        dec_col = next(i for i, h in enumerate(header) if h in ("reviewer_decision", "审核意见")) + 1
        note_col = next(i for i, h in enumerate(header) if h in ("reviewer_note", "审核备注")) + 1
        for r in range(2, ws.max_row + 1):
            pid = ws.cell(r, id_col).value
            if pid in decisions:
                ws.cell(r, dec_col).value, ws.cell(r, note_col).value = decisions[pid]
    wb.save(path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reviewer_decisions_are_carried(first, lang):
    result, tmp = first
    out = tmp / f"review_{lang}.xlsx"
    write_workbook(result, out, lang)
    _annotate(
        out,
        {
            "R1": ("approve", "site visit done"),
            "R2": ("否决", "too large"),
            "X1": ("defer", None),
            "I1": (None, "ask for the figure"),
            "R3": ("maybe later", None),
        },
    )
    again = run(out)
    assert summary(again) == summary(result)  # annotations change nothing else
    rev = again.input.reviews.set_index("project_id")
    assert (
        rev.loc["R1", "reviewer_decision"] == "approve"
        and rev.loc["R1", "reviewer_note"] == "site visit done"
    )
    assert rev.loc["R2", "reviewer_decision"] == "reject"
    assert rev.loc["X1", "reviewer_decision"] == "defer" and rev.loc["X1", "previous_outcome"] == "excluded"
    assert rev.loc["I1", "reviewer_note"] == "ask for the figure"
    assert rev.loc["R3", "reviewer_decision"] == "maybe later"  # an unknown word is kept as written
    assert rev.loc["R1", "previous_score"] == pytest.approx(
        result.ranked.set_index("project_id").loc["R1", "score"]
    )
    # Into the new workbook, in its language.
    out2 = tmp / f"review2_{lang}.xlsx"
    write_workbook(again, out2, lang)
    words = {"approve": "通过", "reject": "否决", "defer": "暂缓"} if lang == "zh" else {}
    wb = openpyxl.load_workbook(out2, read_only=True)
    rows = list(wb[SHEETS["ranking"][lang]].iter_rows(values_only=True))
    header = rows[0]
    pid, dec, note = (
        header.index(h)
        for h in (
            ("项目编号", "审核意见", "审核备注")
            if lang == "zh"
            else ("project_id", "reviewer_decision", "reviewer_note")
        )
    )
    got = {r[pid]: (r[dec], r[note]) for r in rows[1:]}
    assert got["R1"] == (words.get("approve", "approve"), "site visit done")
    assert got["R2"] == (words.get("reject", "reject"), "too large")
    ex = list(wb[SHEETS["excluded"][lang]].iter_rows(values_only=True))
    ex_dec = ex[0].index("审核意见" if lang == "zh" else "reviewer_decision")
    assert {r[0]: r[ex_dec] for r in ex[1:]}["X1"] == words.get("defer", "defer")
    # The Review sheet lists each annotated record, then and now, and counts decisions.
    review = list(wb[SHEETS["review"][lang]].iter_rows(values_only=True))
    listed = {r[0] for r in review[1:] if r and r[0] in ("R1", "R2", "R3", "X1", "I1")}
    assert listed == {"R1", "R2", "R3", "X1", "I1"}
    counts = {
        r[0]: r[1]
        for r in review
        if r and r[0] in (words.get("approve", "approve"), words.get("reject", "reject"))
    }
    assert counts == {words.get("approve", "approve"): 1, words.get("reject", "reject"): 1}
    audit = {r[0]: r[1] for r in wb[SHEETS["audit"][lang]].iter_rows(values_only=True) if len(r) > 1}
    assert audit["reviews_carried"] == 5 and audit["input_is_exported_workbook"] == "yes"
    # And once more: decisions survive a second round trip.
    third = run(out2)
    assert third.input.reviews.set_index("project_id").loc["R2", "reviewer_decision"] == "reject"


def test_track_sheets_are_not_read(first):
    result, tmp = first
    out = tmp / "views.xlsx"
    write_workbook(result, out, "en")
    inp = read_input(out)
    assert inp.exported and len(inp.projects.frame) == result.counts()["records"]
    assert set(inp.reviews["source_sheet"]) <= {"Ranking", "Excluded", "Invalid"}


def test_numbered_continuation_sheets_are_read(first, monkeypatch, tmp_path):

    result, _ = first
    monkeypatch.setattr(export, "MAX_ROWS", 3)  # 2 records a sheet
    out = tmp_path / "split.xlsx"
    write_workbook(result, out, "zh")
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "排名 (2)" in names and "无效记录 (3)" in names
    again = run(out)
    assert summary(again) == summary(result)


def test_deleted_rows_are_reported(first, tmp_path):
    result, _ = first
    out = tmp_path / "deleted.xlsx"
    write_workbook(result, out, "en")
    wb = openpyxl.load_workbook(out)
    wb["Ranking"].delete_rows(2)
    wb.save(out)
    again = run(out)
    assert again.counts()["records"] == result.counts()["records"] - 1
    messages = " ".join(again.issues["message_en"])
    assert "Audit says" in messages and "Ranking" in messages


def test_sample_workbooks_round_trip(tmp_path):
    for sample in ("sample_projects.xlsx", "problem_projects.xlsx"):
        result = run(SAMPLES / sample)
        for lang in ("en", "zh"):
            out = tmp_path / f"{lang}_{sample}"
            write_workbook(result, out, lang)
            assert summary(run(out)) == summary(result), (sample, lang)


def test_recognition_and_vocabulary(tmp_path, xlsx):
    plain = xlsx([BASE_RECORD])
    assert not read_input(plain).exported
    # A sheet called Audit that this tool did not write is just a sheet.
    wb = openpyxl.load_workbook(plain)
    wb.create_sheet("Audit").append(["tool", "something else"])
    wb.save(plain)
    assert not read_input(plain).exported
    assert is_exported({"Audit": [["Audit"], [], ["key", "value"], ["tool", "bri-screening"]]})
    assert is_exported({"审计信息": [["审计信息"], [], ["项目", "取值"], ["tool", "bri-screening"]]})
    for word, code in [
        ("approve", "approve"),
        ("Approved", "approve"),
        ("通过", "approve"),
        ("否决", "reject"),
        (" reject ", "reject"),
        ("暂缓", "defer"),
        ("DEFER", "defer"),
        ("", None),
        (None, None),
        (np.nan, None),
    ]:
        assert decision_code(word) == code, word


def test_reserved_headers_never_collide_with_input_headers():
    lookup = header_lookup()
    for name, (en, zh) in RESERVED_HEADERS.items():
        assert norm_key(en) not in lookup and norm_key(zh) not in lookup, name
    from screening.vocab.columns import RESERVED

    assert set(RESERVED) <= set(RESERVED_HEADERS)
