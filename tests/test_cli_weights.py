"""``screening weights`` and ``screening score --weights``: weights files made from judgements, applied, and a
committee of several reviewers (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from screening.analysis.committee import group_criteria
from screening.cli import app
from screening.criteria import load_criteria
from screening.criteria.elicitation import combine, read_weights_file
from screening.pipeline import run

JUDGEMENTS = ROOT / "sample_projects" / "judgements"
SAMPLE = SAMPLES / "sample_projects.xlsx"
runner = CliRunner()


def invoke(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def weights_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("weights")
    for j in sorted(JUDGEMENTS.glob("*.yaml")):
        r = invoke("weights", j, "--out", d / j.name)
        assert r.exit_code == 0, r.output
    return d


def test_weights_writes_a_file_that_reads_back_with_its_provenance(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    r = invoke("weights", JUDGEMENTS / "reviewer_a_ahp_dimensions.yaml", "--out", out)
    assert r.exit_code == 0, r.output
    assert "CR = 0.009" in r.output and "λmax" in r.output
    rev = read_weights_file(out, load_criteria())
    assert rev.content.provenance.method == "ahp" and rev.by == "Reviewer A (planning desk)"
    assert sum(rev.content.weights.values()) == pytest.approx(100, abs=1e-3)


def test_inconsistent_judgements_warn_with_the_judgement_to_change(tmp_path: Path) -> None:
    r = invoke("weights", JUDGEMENTS / "reviewer_b_ahp_environment.yaml", "--out", tmp_path / "b.yaml")
    assert r.exit_code == 0
    assert "above Saaty's limit of 0.10" in r.output and "esia over emissions" in r.output
    r = invoke(
        "weights",
        JUDGEMENTS / "reviewer_b_ahp_environment.yaml",
        "--out",
        tmp_path / "b.yaml",
        "--lang",
        "zh",
    )
    assert "萨蒂" in r.output


def test_weights_usage_and_input_errors_are_one_line(tmp_path: Path) -> None:
    r = invoke("weights", JUDGEMENTS / "reviewer_c_roc_dimensions.yaml", "--out", tmp_path / "w.txt")
    assert r.exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "method: roc\nby: x\ndate: 2026-12-01\nitems: [nowhere]\nranking: [nowhere]\n", encoding="utf-8"
    )
    r = invoke("weights", bad, "--out", tmp_path / "w.yaml")
    assert r.exit_code == 1 and "nowhere" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1 and not (tmp_path / "w.yaml").exists()


def test_score_with_one_weights_file_applies_it(tmp_path: Path, weights_dir: Path) -> None:
    out = tmp_path / "one.xlsx"
    f = weights_dir / "reviewer_c_roc_dimensions.yaml"
    r = invoke("score", SAMPLE, "--out", out, "--weights", f)
    assert r.exit_code == 0, r.output
    cs = load_criteria()
    applied = group_criteria(cs, combine([read_weights_file(f, cs)], cs))
    expected = run(SAMPLE, criteria=applied)
    wb = openpyxl.load_workbook(out, read_only=True)
    header = next(wb["Ranking"].iter_rows(max_row=1, values_only=True))
    pid = header.index("project_id")
    ids = [row[pid] for row in wb["Ranking"].iter_rows(min_row=2, values_only=True)]
    assert ids == expected.ranked["project_id"].astype(str).tolist()
    assert ids != run(SAMPLE, criteria=cs).ranked["project_id"].astype(str).tolist()  # the weights matter
    assert "Committee" not in wb.sheetnames  # one reviewer: no committee analysis


def test_score_with_a_committee_prints_the_group_and_its_robustness(
    tmp_path: Path, weights_dir: Path
) -> None:
    out = tmp_path / "board.xlsx"
    r = invoke("score", SAMPLE, "--out", out, "--weights", weights_dir, "--draws", "500")
    assert r.exit_code == 0, r.output
    assert "different methods (ahp, roc, swing)" in r.output
    assert "geometric mean" in r.output and "Furthest from the group: Reviewer C (country desk)" in r.output
    assert "Committee robustness (top 10)" in r.output
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "Committee" in wb.sheetnames


def test_bad_weights_files_stop_before_any_work(tmp_path: Path, weights_dir: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (weights_dir / "reviewer_c_roc_dimensions.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("country_context:", "country_contexts:", 1), encoding="utf-8")
    r = invoke("score", SAMPLE, "--out", tmp_path / "x.xlsx", "--weights", bad)
    assert r.exit_code == 1 and "country_contexts" in r.output and not (tmp_path / "x.xlsx").exists()
    same = tmp_path / "same"
    same.mkdir()
    for k in (1, 2):
        (same / f"c{k}.yaml").write_text(text, encoding="utf-8")
    r = invoke("score", SAMPLE, "--out", tmp_path / "x.xlsx", "--weights", same)
    assert r.exit_code == 1 and "two weights files" in r.output


def test_a_judgements_file_given_as_weights_says_what_to_do(tmp_path: Path) -> None:
    r = invoke(
        "score",
        SAMPLE,
        "--out",
        tmp_path / "x.xlsx",
        "--weights",
        JUDGEMENTS / "reviewer_c_roc_dimensions.yaml",
    )
    assert r.exit_code == 1 and "judgements file" in r.output and "screening weights" in r.output
