"""Issue 14 item 6, triage when data are thin: the triage (excluded / flagged / needs data) and the thin-file
rule; the value of information checked honestly — a column it names is filled in the file and the file run
again, and the tier it predicted is the tier the pipeline gives —; SMAA and the portfolio saying why thin
records are neither "stable" nor "optimal"; the CLI and the workbook saying so first.

The thin file is synthetic (:func:`conftest.thin_sample_csv`), the full one the bundled sample, so nothing
here depends on a real data set staying thin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SAMPLES, thin_sample_csv
from openpyxl import load_workbook

from screening import pipeline
from screening.analysis.portfolio import PortfolioConstraints, optimise
from screening.analysis.sensitivity import monte_carlo
from screening.analysis.value_of_information import candidate_values, value_of_information
from screening.criteria.rules import LinearScorer, text_rules
from screening.i18n import t, text
from screening.io.export import write_workbook
from screening.model import Result
from screening.report import THIN_FILE_SHARE, triage
from screening.vocab.columns import COLUMN_BY_NAME

SAMPLE = SAMPLES / "sample_projects.xlsx"


@pytest.fixture(scope="module")
def thin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return thin_sample_csv(tmp_path_factory.mktemp("thin") / "thin.csv")


@pytest.fixture(scope="module")
def thin(thin_path: Path) -> Result:
    return pipeline.run(thin_path)


@pytest.fixture(scope="module")
def full() -> Result:
    return pipeline.run(SAMPLE)


def _tier_of(result: Result, pid: str) -> str:
    row = result.ranked[result.ranked["project_id"].astype(str) == pid]
    assert len(row) == 1, pid
    return str(row["tier"].iloc[0])


def _cell(value: object) -> object:
    """A value as a planner would type it in the file."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    return value


def _rerun_with(path: Path, out: Path, pid: str, column: str, value: object) -> Result:
    """The CSV at ``path`` with ``column`` of project ``pid`` set to ``value``, screened again."""
    frame = pd.read_csv(path, dtype=object, keep_default_na=False)
    if column not in frame.columns:
        frame[column] = ""
    frame.loc[frame["project_id"].astype(str) == pid, column] = str(_cell(value))
    frame.to_csv(out, index=False)
    return pipeline.run(out)


def _sample_csv(tmp: Path) -> Path:
    """The sample's project sheet as CSV (so that the same fill-and-rerun helper serves both files)."""
    from screening.io.read import read_input

    out = tmp / "sample.csv"
    read_input(SAMPLE).projects.frame.to_csv(out, index=False)
    return out


# ------------------------------------------------------------------------------------------------ triage


def test_the_thin_file_is_thin_and_the_sample_is_not(thin: Result, full: Result) -> None:
    tri = triage(thin)
    needs = int((thin.ranked["tier"].astype(str) == "insufficient_data").sum())
    assert tri.needs_data == needs and tri.ranked == len(thin.ranked)
    assert needs > THIN_FILE_SHARE * len(thin.ranked) and tri.thin
    assert 0 < tri.judged < tri.ranked  # a few complete records stay judged
    assert tri.excluded == len(thin.excluded)
    flagged = int((thin.ranked["flags"].astype(str) != "").sum())
    assert tri.flagged == flagged
    assert set(tri.needs_data_ids) == set(
        thin.ranked.loc[thin.ranked["tier"].astype(str) == "insufficient_data", "project_id"].astype(str)
    )
    assert not triage(full).thin
    assert triage(full).needs_data == int((full.ranked["tier"].astype(str) == "insufficient_data").sum())


def test_the_line_is_more_than_half(full: Result) -> None:
    """Exactly half is not thin; one more is (the rule, on a ranked table whose tiers are set by hand)."""
    from dataclasses import replace

    n = len(full.ranked)
    for k, expected in ((n // 2, False), (n // 2 + 1, True)):
        tiers = np.array(["priority"] * n, dtype=object)
        tiers[:k] = "insufficient_data"
        ranked = full.ranked.assign(tier=tiers)
        assert triage(replace(full, ranked=ranked)).thin is expected


# ------------------------------------------------------------------------------------ value of information


def test_candidate_values_come_from_the_criteria(full: Result) -> None:
    cs = full.criteria
    tries = candidate_values(cs)
    texts = {f for rule in text_rules(cs) for f in rule.fields_}
    assert not set(tries) & texts  # text fields are read by term lists, never tried as values
    for field, values in tries.items():
        col = COLUMN_BY_NAME[field]
        if col.kind == "bool":
            assert values == (False, True)
    linear = [c.scorer for _, c in cs.criteria if isinstance(c.scorer, LinearScorer)]
    assert linear, "the default criteria have linear scorers"
    for sc in linear:
        col = COLUMN_BY_NAME[sc.field]
        lo = 0.0 if col.kind in ("money", "count", "share", "pct") else -np.inf
        for x, _ in sc.anchors:
            assert max(float(x), lo) in tries[sc.field]


@pytest.mark.parametrize("which", ["thin", "full"])
def test_a_column_it_names_changes_the_tier_when_filled(
    which: str, thin: Result, full: Result, thin_path: Path, tmp_path: Path
) -> None:
    """For projects where one column can move the tier, fill that column in the file with the value the
    analysis says reaches the best (then the worst) tier, run the file again, and compare."""
    result, path = (thin, thin_path) if which == "thin" else (full, _sample_csv(tmp_path))
    base = pipeline.run(path)
    voi = value_of_information(base)
    movers = voi.table[
        (voi.table["steps"] > 0) & voi.table["column"].map(lambda c: COLUMN_BY_NAME[c].table == "projects")
    ]
    assert len(movers), "some single column can move some project's tier"
    checked = movers.drop_duplicates("column").head(4)
    for row in checked.itertuples(index=False):
        assert _tier_of(base, row.project_id) == row.tier_now
        best = _rerun_with(path, tmp_path / "best.csv", row.project_id, row.column, row.best_value)
        assert _tier_of(best, row.project_id) == row.tier_best, row
        worst = _rerun_with(path, tmp_path / "worst.csv", row.project_id, row.column, row.worst_value)
        assert _tier_of(worst, row.project_id) == row.tier_worst, row
        assert row.tier_best != row.tier_now or row.tier_worst != row.tier_now
    del result


def test_the_weight_it_names_is_the_completeness_gained(
    thin: Result, thin_path: Path, tmp_path: Path
) -> None:
    voi = value_of_information(thin)
    t = voi.table
    rows = t[
        (t["steps"] == 0)
        & (t["weight"] > 0)
        & t["column"].map(lambda c: COLUMN_BY_NAME[c].table == "projects")
    ]
    row = rows.sort_values("weight", ascending=False).iloc[0]
    before = thin.ranked.set_index(thin.ranked["project_id"].astype(str)).loc[row.project_id]
    again = _rerun_with(thin_path, tmp_path / "w.csv", row.project_id, row.column, row.best_value)
    after = again.ranked.set_index(again.ranked["project_id"].astype(str)).loc[row.project_id]
    assert float(after["completeness"]) - float(before["completeness"]) == pytest.approx(row.weight, abs=1e-6)
    assert str(after["tier"]) == str(before["tier"]) == row.tier_now


def test_one_project_alone_gets_the_same_answer(thin: Result) -> None:
    voi = value_of_information(thin)
    pid = str(voi.table["project_id"].iloc[0])
    one = value_of_information(thin, project_ids=[pid])
    a = voi.table[voi.table["project_id"] == pid].reset_index(drop=True)
    b = one.table.reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_the_file_list_ranks_columns_that_decide_first(full: Result) -> None:
    voi = value_of_information(full)
    frame = voi.columns_frame()
    assert len(frame)
    t = voi.table
    for r in frame.head(5).itertuples(index=False):
        mine = t[t["column"] == r.column]
        assert r.projects_missing == len(mine)
        assert r.could_change_tier == int((mine["steps"] > 0).sum())
        assert r.tier_steps == int(mine["steps"].sum())
    steps = frame["tier_steps"].to_numpy()
    assert (steps[:-1] >= steps[1:]).all()
    # in words, with the catalogue's column labels in both languages (never the code)
    line = voi.file_lines(1)[0]
    top = str(frame["column"].iloc[0])
    assert COLUMN_BY_NAME[top].zh in line.zh and COLUMN_BY_NAME[top].en in line.en
    labels = voi.collect_first_labels("zh")
    assert len(labels) and all(";" not in s for s in labels)


# ----------------------------------------------------------------------------------- SMAA and the portfolio


def test_smaa_never_calls_a_thin_record_stable(thin: Result, full: Result) -> None:
    cs = thin.criteria
    smaa = monte_carlo(
        thin.pm,
        thin.weights,
        cs.missing_policy,
        draws=200,
        seed=3,
        completeness_threshold=cs.completeness_threshold,
    )
    tab = smaa.table.set_index("project_id")
    comp = pd.Series(thin.scores.completeness, index=thin.pm.project_ids)
    low = comp[comp < cs.completeness_threshold].index
    assert len(low) and set(tab.loc[low, "label"]) == {"not_assessed"}
    assert set(tab.drop(index=low)["label"]) <= {"stable", "sensitive"}
    note = smaa.thin_note()
    assert note is not None and str(len(low)) in note.en and str(len(low)) in note.zh
    assert smaa.meta()["not_assessed"] == len(low)
    assert note.en in str(smaa.meta()["not_assessed_note"]) and note.zh in str(
        smaa.meta()["not_assessed_note"]
    )
    plain = monte_carlo(thin.pm, thin.weights, cs.missing_policy, draws=200, seed=3)
    assert "not_assessed" not in set(plain.table["label"]) and plain.thin_note() is None
    assert plain.table["p_top_k"].tolist() == smaa.table["p_top_k"].tolist()  # the draws are the same


def test_the_portfolio_says_why_thin_records_are_not_funded(thin: Result, full: Result) -> None:
    p = optimise(thin, PortfolioConstraints(budget=1e6))
    assert p.eligibility is not None
    needs = triage(thin).needs_data
    note = p.eligibility.thin_note()
    assert note is not None and str(needs) in note.en and str(needs) in note.zh
    assert "insufficient_data" not in set(p.chosen["tier"].astype(str))
    items = dict(p.constraints_frame("en").itertuples(index=False))
    assert items["thin_data"] == note.en
    # the full sample is not thin: nothing to say; widening to insufficient_data is said whatever the file
    assert optimise(full, PortfolioConstraints(budget=1e6)).eligibility.thin_note() is None  # type: ignore[union-attr]
    wide = optimise(full, PortfolioConstraints(budget=1e6, include_tiers=["insufficient_data"]))
    assert wide.eligibility is not None
    assert wide.eligibility.thin_note() == text("pf_thin_included", line="50%")


# ------------------------------------------------------------------------------- the CLI and the workbook


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening.cli", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cli_says_so_first_on_a_thin_file(thin_path: Path, tmp_path: Path, lang: str) -> None:
    out = tmp_path / "thin.xlsx"
    p = _cli(
        "score",
        str(thin_path),
        "--out",
        str(out),
        "--lang",
        lang,
        "--budget",
        "5000",
        "--sensitivity",
        "--draws",
        "100",
    )
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == t("triage_title", lang)
    assert t("triage_collect_title", lang) in lines
    wrote = next(i for i, s in enumerate(lines) if s.startswith(t("cli_wrote_counts", lang).split("{")[0]))
    assert lines.index(t("triage_collect_title", lang)) < wrote
    thin_pf = [s for s in lines if s.startswith(t("pf_thin_note", lang).split("{")[0])]
    assert thin_pf, "the portfolio says why thin records are not funded"
    assert any(t("rb_not_assessed", lang) in s for s in lines), (
        "the SMAA says why thin records are not stable"
    )
    wb = load_workbook(out, read_only=True)
    summary = [
        r[0] if r else None for r in wb[wb.sheetnames[0]].iter_rows(min_row=1, max_row=8, values_only=True)
    ]
    assert t("triage_title", lang) in summary  # at the top of the Summary, before the counts
    assert ("Ranking" if lang == "en" else "排名") in wb.sheetnames  # the Ranking sheet stays (contract 1)


def test_the_cli_prints_no_triage_on_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "full.xlsx"
    p = _cli("score", str(SAMPLE), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert t("triage_title", "en") not in p.stdout
    assert p.stdout.startswith("Wrote")
    wb = load_workbook(out, read_only=True)
    cells = [r[0] if r else None for r in wb[wb.sheetnames[0]].iter_rows(values_only=True)]
    assert t("triage_title", "en") not in cells


def test_the_workbook_lists_what_to_collect_when_given(thin: Result, tmp_path: Path) -> None:
    voi = value_of_information(thin)
    out = tmp_path / "t.xlsx"
    write_workbook(thin, out, "zh", voi=voi)
    wb = load_workbook(out, read_only=True)
    cells = [str(r[0]) for r in wb[wb.sheetnames[0]].iter_rows(values_only=True) if r and r[0]]
    assert cells.index(t("triage_title", "zh")) < cells.index(t("triage_collect_title", "zh"))
    assert any(line.zh == c for line in voi.file_lines(8) for c in cells)


def test_tries_answered_without_weighing_agree_with_weighing(
    thin: Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tries that stay below the completeness line are answered from the shares, without ``weigh``: the same
    tiers, steps and weights as weighing every try (an infinite margin turns the shortcut off)."""
    import screening.analysis.value_of_information as voi_module

    quick = value_of_information(thin).table
    monkeypatch.setattr(voi_module, "QUICK_MARGIN", float("inf"))
    slow = value_of_information(thin).table
    assert len(quick) == len(slow)
    for col in ("project_id", "column", "tier_now", "tier_best", "tier_worst", "steps"):
        assert quick[col].tolist() == slow[col].tolist(), col
    assert np.allclose(quick["weight"].to_numpy(float), slow["weight"].to_numpy(float), atol=1e-6)
