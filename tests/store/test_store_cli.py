"""``screening runs list | show | diff`` and ``save_from_cli`` (behind ``score --save-run``), on SQLite and
PostgreSQL, in both languages; a mistake is one line and exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.store import list_runs, load_run, open_store
from screening.store.cli import runs_app, save_from_cli

from .store_helpers import DEFAULT_CRITERIA, SAMPLE, Runs, changed_weights_criteria

runner = CliRunner()
WIDE = {"COLUMNS": "250"}  # rich draws to the terminal's width; wide enough that no cell is cut


def _saved(store_url: str, tmp_path: Path, two_runs: Runs) -> None:
    changed = tmp_path / "changed.yaml"
    changed.write_text(changed_weights_criteria(), encoding="utf-8")
    save_from_cli(two_runs.default, input_path=SAMPLE, name="Q3 default", store=store_url)  # type: ignore[arg-type]
    save_from_cli(
        two_runs.changed,  # type: ignore[arg-type]
        input_path=SAMPLE,
        name="Q3 green weights",
        store=store_url,
        criteria=changed,
        lang="zh",
    )


def test_save_from_cli_keeps_the_run_with_its_files(
    store_url: str, tmp_path: Path, two_runs: Runs, capsys
) -> None:  # type: ignore[no-untyped-def]
    _saved(store_url, tmp_path, two_runs)
    out = capsys.readouterr().out
    assert "Saved the run “Q3 default” to" in out and "已将运行“Q3 green weights”保存到" in out
    store = open_store(store_url)
    try:
        assert [r.name for r in list_runs(store)] == ["Q3 default", "Q3 green weights"]
        run = load_run(store, "Q3 default")
        assert run.input_bytes == SAMPLE.read_bytes()
        assert run.criteria_text == DEFAULT_CRITERIA.read_text(encoding="utf-8")
        assert run.summary.criteria_name == "default.yaml" and run.summary.lang == "en"
        assert load_run(store, "Q3 green weights").summary.criteria_name == "changed.yaml"
    finally:
        store.close()


def test_save_from_cli_refuses_a_taken_name_in_one_line(
    store_url: str, tmp_path: Path, two_runs: Runs, capsys
) -> None:  # type: ignore[no-untyped-def]
    import typer

    _saved(store_url, tmp_path, two_runs)
    capsys.readouterr()
    with pytest.raises(typer.Exit) as stop:
        save_from_cli(two_runs.default, input_path=SAMPLE, name="Q3 default", store=store_url)  # type: ignore[arg-type]
    assert stop.value.exit_code == 1
    err = capsys.readouterr().err.strip()
    assert err == "A run named “Q3 default” already exists: choose another name"


def test_runs_list_show_diff(store_url: str, tmp_path: Path, two_runs: Runs) -> None:
    _saved(store_url, tmp_path, two_runs)
    listed = runner.invoke(runs_app, ["list", "--store", store_url], env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert (
        "2 runs in" in listed.output and "Q3 default" in listed.output and "Q3 green weights" in listed.output
    )
    assert re.search(
        r"Q3 default .*sample_projects\.xlsx .*default\.yaml .*the criteria's own .* 53 .* 8 .* 0",
        listed.output,
    )

    shown = runner.invoke(runs_app, ["show", "Q3 default", "--store", store_url, "--lang", "zh"], env=WIDE)
    assert shown.exit_code == 0, shown.output
    first = two_runs.default.ranked.iloc[0]  # type: ignore[attr-defined]
    assert "运行“Q3 default”" in shown.output and "共 61 条记录：53 条参与排名" in shown.output
    assert str(first["project_id"]) in shown.output and f"{first['score']:.2f}" in shown.output

    diff = runner.invoke(
        runs_app, ["diff", "Q3 default", "Q3 green weights", "--top", "10", "--store", store_url], env=WIDE
    )
    assert diff.exit_code == 0, diff.output
    text = diff.output
    assert "“Q3 default” → “Q3 green weights”" in text and "Weights that differ" in text
    assert "Environmental and social impact assessment" in text  # criteria by their label, not their id
    assert "entered the top 10" in text and "left the top 10" in text and "tier changed" in text
    diff_zh = runner.invoke(
        runs_app, ["diff", "Q3 default", "Q3 green weights", "--store", store_url, "--lang", "zh"], env=WIDE
    )
    assert (
        diff_zh.exit_code == 0 and "进入前 10 名" in diff_zh.output and "环境和社会影响评价" in diff_zh.output
    )
    same = runner.invoke(runs_app, ["diff", "Q3 default", "Q3 default", "--store", store_url], env=WIDE)
    assert same.exit_code == 0 and "The two runs agree" in same.output


def test_mistakes_are_one_line_and_exit_1(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.sqlite3")
    empty = runner.invoke(runs_app, ["list", "--store", store])
    assert empty.exit_code == 0 and "No runs are stored in" in empty.output
    for args, words in (
        (["show", "nope", "--store", store], "No run is named “nope”"),
        (["diff", "a", "b", "--store", store], "No run is named “a”"),
        (["list", "--store", "nosuchdialect://x/y"], "is not a run store address"),
        (
            ["show", "x", "--store", str(tmp_path / "no" / "runs.sqlite3"), "--lang", "zh"],
            "运行记录库所在的文件夹",
        ),
    ):
        res = runner.invoke(runs_app, args)
        assert res.exit_code == 1, (args, res.output)
        lines = [ln for ln in res.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in res.output, res.output
