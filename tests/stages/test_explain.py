"""The rationale's reasons: a criterion not assessed names the inputs that are blank for that project."""

from __future__ import annotations

from conftest import rec, write_csv

from screening.pipeline import run
from screening.report import rationale_of


def test_a_missing_part_is_named_and_a_given_part_is_not(tmp_path, default_criteria):
    records = [
        rec("A", in_cooperation_plan=True),  # government guidance given, market operation blank
        rec("B"),  # both blank
    ]
    result = run(write_csv(tmp_path / "p.csv", records), criteria=default_criteria, inference=False)
    rat = rationale_of(result)
    line = rat[rat["criterion"] == "government_with_market"].set_index("project_id")
    assert line.loc["A", "status"] == "not_assessed"
    assert "in_cooperation_plan" not in line.loc["A", "reason_en"]
    assert "private_capital_share" in line.loc["A", "reason_en"]
    assert "in_cooperation_plan" in line.loc["B", "reason_en"]
    assert "纳入" in line.loc["B", "reason_zh"] or "合作规划" in line.loc["B", "reason_zh"]
