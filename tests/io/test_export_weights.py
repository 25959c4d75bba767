"""The workbook shows where the weights came from: the Criteria sheet and the Audit sheet (issue 16)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SAMPLES

from screening.analysis.committee import committee_smaa, group_criteria
from screening.criteria import load_criteria
from screening.criteria.elicitation import (
    combine,
    elicit,
    read_judgements,
    read_weights_file,
    weights_file_yaml,
)
from screening.io.export import write_workbook
from screening.pipeline import run

JUDGEMENTS = ROOT / "sample_projects" / "judgements"


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    cs = load_criteria()
    d = tmp_path_factory.mktemp("w")
    reviewers = []
    for j in sorted(JUDGEMENTS.glob("*.yaml")):
        p = d / j.name
        p.write_text(weights_file_yaml(elicit(read_judgements(j), cs)), encoding="utf-8")
        reviewers.append(read_weights_file(p, cs))
    committee = combine(reviewers, cs)
    result = run(SAMPLES / "sample_projects.xlsx", criteria=group_criteria(cs, committee))
    return result, committee, committee_smaa(result, committee, draws=200, top_k=10)


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def test_criteria_and_audit_sheets_show_the_provenance_and_the_committee(tmp_path: Path, board) -> None:
    result, committee, smaa = board
    out = tmp_path / "w.xlsx"
    write_workbook(result, out, "en", committee=committee, board=smaa)
    crit = _rows(out, "Criteria")
    flat = [str(v) for r in crit for v in r if v is not None]
    assert "Where the weights come from (weights files)" in flat
    dims = committee.scopes[0]
    header = next(r for r in crit if r and r[0] == "item")
    assert [h for h in header if h][5:] == [r.by for r in dims.reviewers]
    for item in dims.items:
        row = next(r for r in crit if r and r[0] == item)
        assert row[1] == pytest.approx(dims.group[item], abs=1e-4)
        assert row[2] == pytest.approx(dims.spread[item].low, abs=1e-4)
    assert any(dims.furthest in v and "Furthest" in v for v in flat)
    prov = [
        r
        for r in crit
        if len(r) > 2 and r[1] == "Reviewer B (environment and social safeguards)" and r[2] == "ahp"
    ]
    assert prov and prov[0][4] == pytest.approx(
        committee.scopes[1].reviewers[1].content.provenance.cr, abs=1e-4
    )
    assert "above Saaty's limit" in prov[0][7]
    audit = {r[0]: r[1] for r in _rows(out, "Audit") if len(r) > 1 and r[0]}
    assert audit["weights_rule[dimensions]"] == "mean" and audit["weights_rule[environment]"] == "aij"
    assert "Reviewer C (country desk)" in audit["weights_furthest[dimensions]"]
    assert audit["committee_draws"] == 200
    # the criteria rows carry the weights used: the group's
    weights = {r[1]: r[3] for r in crit if r and r[0] == "dimension"}
    for k, v in dims.group.items():
        assert weights[k] == pytest.approx(v, abs=0.006)  # the sheet shows weights to 0.01


def test_without_weights_files_the_sheets_are_as_before(tmp_path: Path, board) -> None:
    result, committee, _ = board
    plain, given = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(result, plain, "zh")
    write_workbook(result, given, "zh", committee=committee)
    a, b = _rows(plain, "评价标准"), _rows(given, "评价标准")
    assert b[: len(a)] == a and len(b) > len(a)
    keys = [r[0] for r in _rows(plain, "审计信息") if r]
    assert not any(str(k).startswith(("weights_", "committee_")) for k in keys)
