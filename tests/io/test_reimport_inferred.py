"""An exported workbook loaded again: the values the tool inferred are inferred again with their evidence, the
scores stay the same, and a value a reviewer changed in the Ranking sheet is the reviewer's."""

from __future__ import annotations

from io import BytesIO

import openpyxl
from conftest import rec, write_csv

from screening.io.export import workbook_bytes
from screening.pipeline import run

RECORDS = [
    rec("P-1", sector="transport", description="The loan carries a 2% interest rate and a 20-year maturity."),
    rec("P-2", sector="health", description="Residents protested against the hospital site."),
]


def test_inferred_values_come_back_with_their_evidence(tmp_path, default_criteria):
    first = run(write_csv(tmp_path / "p.csv", RECORDS), criteria=default_criteria)
    assert first.inference.filled > 0
    again = run(workbook_bytes(first, "en"), name="ranked.xlsx", criteria=default_criteria)
    assert again.input.exported

    def filled(result):  # noqa: ANN001, ANN202 - (project, column, value) of every inferred cell
        ids = result.records.set_index("row_key")["project_id"]
        prov = result.inference.provenance
        return sorted(zip(prov["row_key"].map(ids), prov["column"], prov["value"].astype(str), strict=True))

    assert filled(first) == filled(again)
    assert first.ranked["score"].tolist() == again.ranked["score"].tolist()


def test_a_value_a_reviewer_changed_is_not_inferred_again(tmp_path, default_criteria):
    first = run(write_csv(tmp_path / "p.csv", RECORDS), criteria=default_criteria)
    wb = openpyxl.load_workbook(BytesIO(workbook_bytes(first, "en")))
    ws = wb["Ranking"]
    header = [c.value for c in ws[1]]
    col, pid = header.index("interest_rate_pct") + 1, header.index("project_id") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, pid).value == "P-1")
    assert ws.cell(row, col).value == 2
    ws.cell(row, col).value = 3.5  # the reviewer knows the real rate
    buf = BytesIO()
    wb.save(buf)
    again = run(buf.getvalue(), name="edited.xlsx", criteria=default_criteria)
    prov = again.inference.provenance
    assert not (prov["column"] == "interest_rate_pct").any()
    assert again.validated.records.set_index("project_id").loc["P-1", "interest_rate_pct"] == 3.5
