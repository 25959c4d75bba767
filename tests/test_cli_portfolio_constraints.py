"""``screening score --portfolio-constraints FILE``: the constraints file on the command line (issue 17 item 4),
a must-fund, an exclusion pair, two funding pools and two budget years on the bundled sample."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import yaml
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from screening.cli import app

EXAMPLE = ROOT / "sample_projects" / "portfolio_constraints.yaml"
SAMPLE = SAMPLES / "sample_projects.xlsx"
runner = CliRunner()


def invoke(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def _portfolio_ids(book: Path) -> list[str]:
    wb = openpyxl.load_workbook(book, read_only=True)
    sheet = next(name for name in wb.sheetnames if name.lower().startswith("portfolio"))
    rows = list(wb[sheet].iter_rows(values_only=True))
    header = next(r for r in rows if r and "project_id" in r)
    at = header.index("project_id")
    return [r[at] for r in rows[rows.index(header) + 1 :] if r and r[at]]


def test_the_example_file_binds_its_must_fund_and_its_exclusion_pair(tmp_path: Path) -> None:
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    out = tmp_path / "pf.xlsx"
    r = invoke("score", SAMPLE, "--out", out, "--portfolio-constraints", EXAMPLE)
    assert r.exit_code == 0, r.output
    chosen = set(_portfolio_ids(out))
    assert set(spec["must_fund"]) <= chosen
    assert not set(spec.get("must_not", [])) & chosen
    for group in spec["exclusive"]:
        assert len(set(group) & chosen) <= 1
    for pool in spec["pools"]:
        assert f"the {pool} pool of USD" in r.output
    for year in spec["budget_by_year"]:
        assert f"the {year} budget of USD" in r.output


def test_a_budget_on_the_command_line_wins_over_the_file(tmp_path: Path) -> None:
    r = invoke(
        "score", SAMPLE, "--out", tmp_path / "pf.xlsx", "--portfolio-constraints", EXAMPLE, "--budget", 1400
    )
    assert r.exit_code == 0, r.output
    assert "the budget of USD 1,400.00 m" in r.output


def test_an_unknown_project_in_the_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("budget: 1000\nmust_fund: [NO-SUCH-ID]\n", encoding="utf-8")
    r = invoke("score", SAMPLE, "--out", tmp_path / "pf.xlsx", "--portfolio-constraints", bad)
    assert r.exit_code == 2
    assert "NO-SUCH-ID" in r.output and "Traceback" not in r.output
