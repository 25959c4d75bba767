"""A workbook exported by version 0.1 still loads: ``tests/golden/exported_v0_1.xlsx`` (see tests/golden/README.md).

The golden workbook is the bundled sample scored and exported by version 0.1.0 (``screening score``), with
reviewer decisions filled in afterwards as a planner would. Loading it again must keep working in later
versions: it is recognised as an exported workbook, every record is read, the reviewer decisions are
carried, and the ranking equals that of the sample itself.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT

from screening.io.export import workbook_bytes
from screening.pipeline import run

GOLDEN = ROOT / "tests" / "golden" / "exported_v0_1.xlsx"
# What tests/golden/README.md says was filled in by hand: project_id -> (decision code, note).
DECISIONS = {
    "BR-046": ("approve", "site visit done"),
    "BR-035": ("defer", "ESIA first / 先完成环评"),
    "BR-017": ("reject", None),
}


@pytest.fixture(scope="module")
def direct(default_criteria):
    # The sample as it was when the golden workbook was exported (tests/golden/README.md): the bundled sample
    # has since gained the facts criteria v2 reads, so it no longer equals the workbook's records.
    return run(GOLDEN.parent / "sample_projects_v0_1.xlsx", criteria=default_criteria)


@pytest.fixture(scope="module")
def again(default_criteria):
    return run(GOLDEN, criteria=default_criteria)


def test_golden_file_is_a_v0_1_export():
    wb = openpyxl.load_workbook(GOLDEN, read_only=True)
    audit = {r[0]: r[1] for r in wb["Audit"].iter_rows(values_only=True) if r and len(r) > 1 and r[0]}
    assert audit["tool"] == "bri-screening" and audit["tool_version"] == "0.1.0"
    assert audit["input_file"] == "sample_projects.xlsx"


def test_loads_as_exported_with_every_record(again, direct):
    assert again.input.exported
    # criteria v2 on these records: BR-052 and BR-061 (cancelled) are not candidates and BR-025 (a coal unit
    # extension of blank status) is new coal capacity, so 8 are excluded where 1.0.0 excluded 5
    assert again.counts() == direct.counts() == {"records": 61, "ranked": 53, "excluded": 8, "invalid": 0}
    assert sorted(again.records["project_id"]) == sorted(direct.records["project_id"])
    assert sorted(again.excluded["project_id"]) == sorted(direct.excluded["project_id"])
    # The input columns, and only they, are read back: no tool column (rank, score, dim_…) becomes data.
    assert set(again.validated.input_columns) == set(direct.validated.input_columns)


def test_reviewer_decisions_are_carried(again):
    rev = again.input.reviews
    assert rev is not None and len(rev) == 61
    filled = rev[rev["reviewer_decision"].notna() | rev["reviewer_note"].notna()].set_index("project_id")
    assert set(filled.index) == set(DECISIONS)
    for pid, (decision, note) in DECISIONS.items():
        assert filled.loc[pid, "reviewer_decision"] == decision
        assert (
            None if pd.isna(filled.loc[pid, "reviewer_note"]) else filled.loc[pid, "reviewer_note"]
        ) == note
    assert filled.loc["BR-017", "previous_outcome"] == "excluded"
    assert filled.loc["BR-046", "previous_rank"] == 1 and filled.loc["BR-046", "previous_tier"] == "priority"


def test_same_ranking_as_the_sample_itself(again, direct):
    a = again.ranked.reset_index(drop=True)
    b = direct.ranked.reset_index(drop=True)
    assert a["project_id"].tolist() == b["project_id"].tolist()
    assert a["score"].tolist() == b["score"].tolist()
    for col in ("rank", "rank_in_track", "tier", "track", "completeness", "flags"):
        assert a[col].tolist() == b[col].tolist(), col


def test_decisions_reach_the_next_export(again):
    from io import BytesIO

    wb = openpyxl.load_workbook(BytesIO(workbook_bytes(again, "en")), read_only=True)
    rows = list(wb["Ranking"].iter_rows(values_only=True))
    header = rows[0]
    pid, dec, note = (header.index(h) for h in ("project_id", "reviewer_decision", "reviewer_note"))
    got = {r[pid]: (r[dec], r[note]) for r in rows[1:] if r[dec] is not None or r[note] is not None}
    assert got == {"BR-046": ("approve", "site visit done"), "BR-035": ("defer", "ESIA first / 先完成环评")}
