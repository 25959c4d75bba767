"""Reviewers' decisions carried by a re-imported workbook become portfolio constraints (issue 17 item 4):
an approval funds a project the default eligibility leaves out and says so, a rejection bars one, a defer or
a word the tool does not know changes nothing, and an approval of an excluded record is said, not fatal."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLES

from screening.analysis.portfolio import PortfolioConstraints, decisions_of, optimise
from screening.io.export import write_workbook
from screening.io.schema import SHEETS
from screening.pipeline import run


def annotate(path: Path, decisions: dict[str, str]) -> None:
    """Type reviewer decisions into an exported workbook's record sheets, as a planner would in Excel."""
    wb = openpyxl.load_workbook(path)
    titles = {SHEETS[k][lang] for k in ("ranking", "excluded") for lang in ("en", "zh")}
    for title in wb.sheetnames:
        if title not in titles:
            continue
        ws = wb[title]
        header = [c.value for c in ws[1]]
        id_col = next(i for i, h in enumerate(header) if h in ("project_id", "项目编号")) + 1
        dec_col = next(i for i, h in enumerate(header) if h in ("reviewer_decision", "审核意见")) + 1
        for r in range(2, ws.max_row + 1):
            pid = ws.cell(r, id_col).value
            if pid in decisions:
                ws.cell(r, dec_col).value = decisions[pid]
    wb.save(path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_decisions_from_a_reimported_workbook(tmp_path: Path, lang: str) -> None:
    first = run(SAMPLES / "sample_projects.xlsx")
    ranked = first.ranked.set_index("project_id")
    outside = str(ranked.index[~ranked["tier"].isin(["priority", "recommended"])][0])
    best = str(first.ranked["project_id"].iloc[0])
    gone = str(first.excluded["project_id"].iloc[0])
    other = str(first.ranked["project_id"].iloc[1])
    path = tmp_path / f"reviewed_{lang}.xlsx"
    write_workbook(first, path, lang)
    approve = "通过" if lang == "zh" else "approve"
    reject = "否决" if lang == "zh" else "Rejected"
    annotate(path, {outside: approve, best: reject, gone: approve, other: "maybe later"})
    again = run(path)
    decisions = decisions_of(again)
    assert decisions == {outside: "approve", best: "reject", gone: "approve"}  # "maybe later" is no decision
    budget = float(ranked["total_investment_usd_m"].sum())
    plain = optimise(again, PortfolioConstraints(budget=budget))
    p = optimise(again, PortfolioConstraints(budget=budget), decisions=decisions)
    chosen = set(p.chosen["project_id"])
    assert outside in chosen and outside not in set(plain.chosen["project_id"])
    assert best not in chosen and best in set(plain.chosen["project_id"])
    row = p.chosen.set_index("project_id").loc[outside]
    assert row["forced_by"] == "reviewer_approval"
    assert row["funded_despite"].startswith(("tier:", "flag:"))
    assert any(outside in n.en and "reviewer's approval" in n.en for n in p.override_notes())
    assert p.eligibility is not None and p.eligibility.approved_not_ranked == (gone,)
    said = p.eligibility.describe()
    assert gone in said.en and "excluded" in said.en and gone in said.zh
    assert decisions_of(first) == {}  # a plain input carries no decisions
