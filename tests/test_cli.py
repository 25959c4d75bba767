"""The CLI through a subprocess, as a user runs it: outputs, accounting and exit codes (DESIGN.md contract 5)."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import openpyxl
import pytest
from conftest import AIDDATA, BASE_RECORD, ROOT, SAMPLES, write_xlsx


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def outcome_rows(path) -> dict[str, int]:
    wb = openpyxl.load_workbook(path, read_only=True)
    names = wb.sheetnames
    found = {}
    for key in ("Ranking", "Excluded", "Invalid"):
        title = (
            key if key in names else {"Ranking": "排名", "Excluded": "排除项目", "Invalid": "无效记录"}[key]
        )
        found[key] = sum(1 for _ in wb[title].iter_rows(min_row=2, values_only=True))
    return found


def test_score_sample_accounts_for_every_row(tmp_path):
    out = tmp_path / "sample.xlsx"
    p = cli("score", str(SAMPLES / "sample_projects.xlsx"), "--out", str(out))
    assert p.returncode == 0, p.stderr
    rows = outcome_rows(out)
    records = openpyxl.load_workbook(SAMPLES / "sample_projects.xlsx", read_only=True)["projects"].max_row - 3
    assert sum(rows.values()) == records
    assert rows["Excluded"] >= 1


def test_score_chinese_headers_in_chinese(tmp_path):
    out = tmp_path / "zh.xlsx"
    p = cli("score", str(SAMPLES / "sample_projects_zh.xlsx"), "--out", str(out), "--lang", "zh")
    assert p.returncode == 0, p.stderr
    assert "已写出" in p.stdout
    assert "排名" in openpyxl.load_workbook(out, read_only=True).sheetnames


def test_score_aiddata_extract_accounts_for_all_961_rows(tmp_path):
    out = tmp_path / "aid.xlsx"
    p = cli("score", str(AIDDATA), "--mapping", "aiddata-gcdf3", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert sum(outcome_rows(out).values()) == 961
    assert "961 records" in p.stdout


def test_formula_like_name_comes_out_as_text(tmp_path):
    src = tmp_path / "in.csv"  # a CSV cell is text, whatever it starts with
    src.write_text(
        ",".join(BASE_RECORD) + '\nH1,"=HYPERLINK(""http://evil.example"",""x"")",Kenya,energy,10\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.xlsx"
    assert cli("score", str(src), "--out", str(out)).returncode == 0
    with zipfile.ZipFile(out) as zf:
        assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    ws = openpyxl.load_workbook(out)["Ranking"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("project_name") + 1)
    assert cell.value == '=HYPERLINK("http://evil.example","x")' and cell.data_type == "s"


@pytest.mark.parametrize(
    ("setup", "expected_en", "expected_zh"),
    [
        ("missing_file", "File not found", "找不到文件"),
        ("random_bytes", "not a workbook", "不是工作簿"),
        ("no_project_sheet", "No project sheet", "未找到项目表"),
        ("missing_column", "total_investment_usd_m", "总投资"),
        ("bad_criteria", "Criteria file invalid", "评价标准文件无效"),
    ],
)
def test_score_exit_1_with_one_line_reason_in_both_languages(tmp_path, setup, expected_en, expected_zh):
    args = {"missing_file": [str(tmp_path / "nope.xlsx")]}.get(setup)
    extra: list[str] = []
    if setup == "random_bytes":
        (tmp_path / "r.xlsx").write_bytes(b"\x00garbage\x01" * 100)
        args = [str(tmp_path / "r.xlsx")]
    elif setup == "no_project_sheet":
        args = [str(write_xlsx(tmp_path / "n.xlsx", ["a", "b"], [[1, 2]]))]
    elif setup == "missing_column":
        args = [str(write_xlsx(tmp_path / "m.xlsx", list(BASE_RECORD)[:4], [["A", "x", "Kenya", "energy"]]))]
    elif setup == "bad_criteria":
        (tmp_path / "c.yaml").write_text("id: x\nversion: 1\nfoo: [", encoding="utf-8")
        args = [str(SAMPLES / "sample_projects.xlsx")]
        extra = ["--criteria", str(tmp_path / "c.yaml")]
    assert args is not None
    for lang, expected in (("en", expected_en), ("zh", expected_zh)):
        out = tmp_path / f"out_{lang}.xlsx"
        p = cli("score", *args, "--out", str(out), "--lang", lang, *extra)
        assert p.returncode == 1, (p.stdout, p.stderr)
        assert expected in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
        assert not out.exists()


def test_usage_error_is_exit_2(tmp_path):
    assert cli("score").returncode == 2
    assert cli("score", "x.xlsx", "--lang", "fr", "--out", str(tmp_path / "o.xlsx")).returncode == 2


def test_validate_exit_codes(tmp_path):
    clean = write_xlsx(tmp_path / "clean.xlsx", list(BASE_RECORD), [["A", "x", "Kenya", "energy", 10]])
    bad = write_xlsx(tmp_path / "bad.xlsx", list(BASE_RECORD), [["A", "x", "Kenya", "energy", "abc"]])
    (tmp_path / "junk.xlsx").write_bytes(b"junk")
    assert cli("validate", str(clean)).returncode == 0
    p = cli("validate", str(bad))
    assert p.returncode == 1 and "bad.xlsx" not in p.stderr and "not a number" in p.stdout
    assert "projects!2" in p.stdout
    p = cli("validate", str(tmp_path / "junk.xlsx"))
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_template_round_trips_through_validate(tmp_path):
    out = tmp_path / "template.xlsx"
    assert cli("template", str(out)).returncode == 0
    assert out.exists()
    assert cli("validate", str(out)).returncode == 0


def test_portfolio_and_sensitivity_sheets(tmp_path):
    out = tmp_path / "p.xlsx"
    p = cli(
        "score",
        str(SAMPLES / "sample_projects.xlsx"),
        "--out",
        str(out),
        "--budget",
        "3000",
        "--min-flagship-count",
        "1",
        "--sensitivity",
        "--draws",
        "300",
        "--seed",
        "3",
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Optimal:")
    assert "Highs" not in p.stdout  # the solver's stray debug line is kept off the output
    lines = p.stdout.splitlines()
    assert lines[1].startswith("Eligibility (the default") and lines[2].startswith("Track mix:")
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb["Portfolio"].iter_rows(values_only=True))
    items = {r[0]: r[1] for r in rows if r and r[0] in ("status", "mip_gap", "total_cost_usd_m")}
    assert items["status"] == "optimal" and items["mip_gap"] == 0 and items["total_cost_usd_m"] <= 3000
    sens = list(wb["Sensitivity"].iter_rows(values_only=True))
    assert sens[0][:2] == ("project_id", "rank")
    ranked = sum(1 for _ in wb["Ranking"].iter_rows(min_row=2))
    # every ranked project has a verdict; a thin one (issue 14 item 6) is "not_assessed", never "stable"
    assert sum(1 for r in sens[1:] if r and r[-1] in ("stable", "sensitive", "not_assessed")) == ranked


def test_portfolio_options_need_a_budget_and_infeasible_is_explained(tmp_path):
    p = cli(
        "score",
        str(SAMPLES / "sample_projects.xlsx"),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--min-flagship-count",
        "2",
    )
    assert p.returncode == 2 and "--budget" in p.stderr
    p = cli(
        "score",
        str(SAMPLES / "sample_projects.xlsx"),
        "--out",
        str(tmp_path / "y.xlsx"),
        "--budget",
        "100",
        "--min-flagship-count",
        "99",
        "--lang",
        "zh",
    )
    assert p.returncode == 0 and "不可行" in p.stdout


def test_portfolio_widened_eligibility_and_objective_are_said(tmp_path):
    """Issue 12: a flag that fires on a top-tier sample project is made blocking in a copy of the criteria;
    the default portfolio leaves its projects out, --allow-flag and --include-tier widen it, and the output
    says so (stdout and the Portfolio sheet), in either language."""
    import yaml

    from screening.pipeline import run

    plain = run(SAMPLES / "sample_projects.xlsx")
    top = plain.ranked[plain.ranked["tier"].isin([t.id for t in plain.criteria.tiers[:2]])]
    flag_ids = [f.id for f in plain.criteria.flags]
    fired = [f for f in flag_ids if top["flags"].fillna("").str.split(";").map(lambda fs, f=f: f in fs).any()]
    blocking = fired[0]
    doc = yaml.safe_load((ROOT / "criteria" / "default.yaml").read_text(encoding="utf-8"))
    for flag in doc["flags"]:
        flag["blocks_portfolio"] = flag["id"] == blocking
    crit = tmp_path / "blocking.yaml"
    crit.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    base = ["score", str(SAMPLES / "sample_projects.xlsx"), "--criteria", str(crit), "--budget", "100000"]

    default = cli(*base, "--out", str(tmp_path / "d.xlsx"))
    assert default.returncode == 0, default.stderr
    said = default.stdout.splitlines()[1]
    assert said.startswith("Eligibility (the default") and blocking in said
    chosen = [r[0] for r in _portfolio_rows(tmp_path / "d.xlsx")]
    blocked = set(top.loc[top["flags"].fillna("").str.contains(blocking, regex=False), "project_id"])
    assert blocked and not blocked & set(chosen)

    wide = cli(
        *base, "--out", str(tmp_path / "w.xlsx"), "--allow-flag", blocking, "--include-tier", "conditional"
    )
    assert wide.returncode == 0, wide.stderr
    said = wide.stdout.splitlines()[1]
    assert said.startswith("Eligibility widened") and "conditional" in said and blocking in said
    items = _portfolio_items(tmp_path / "w.xlsx")
    assert items["eligibility_widened"] is True and "候选范围已放宽" in items["eligibility"]
    chosen = {r[0] for r in _portfolio_rows(tmp_path / "w.xlsx")}
    assert blocked <= chosen
    assert "conditional" in {r[7] for r in _portfolio_rows(tmp_path / "w.xlsx")}

    zh = cli(*base, "--out", str(tmp_path / "z.xlsx"), "--include-tier", "deferred", "--lang", "zh")
    assert zh.returncode == 0 and zh.stdout.splitlines()[1].startswith("候选范围已放宽")
    assert zh.stdout.splitlines()[2].startswith("项目类型构成")

    old = cli(*base, "--out", str(tmp_path / "o.xlsx"), "--objective", "sum_of_scores")
    assert old.returncode == 0, old.stderr
    assert _portfolio_items(tmp_path / "o.xlsx")["objective"] == "sum_of_scores"

    bad = cli(*base, "--out", str(tmp_path / "b.xlsx"), "--allow-flag", "no-such-flag")
    assert bad.returncode == 2 and "no-such-flag" in bad.stderr and blocking in bad.stderr
    bad = cli(*base, "--out", str(tmp_path / "b.xlsx"), "--include-tier", "excellent")
    assert bad.returncode == 2 and "include_tiers" in bad.stderr and "Traceback" not in bad.stderr


def _portfolio_items(path) -> dict[object, object]:
    """The Portfolio sheet's item/value rows (a read-only row ends at its last filled cell)."""
    rows = openpyxl.load_workbook(path, read_only=True)["Portfolio"].iter_rows(values_only=True)
    return {r[0]: (r[1] if len(r) > 1 else None) for r in rows if r and r[0]}


def _portfolio_rows(path) -> list[tuple]:
    """The chosen projects of a Portfolio sheet (the rows above the blank one; a header first)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)["Portfolio"].iter_rows(values_only=True))
    out = []
    for r in rows[1:]:
        if not r or r[0] is None:
            break
        out.append(r)
    return out


def test_compare_two_criteria_sets(tmp_path):
    import yaml

    doc = yaml.safe_load((ROOT / "criteria" / "default.yaml").read_text(encoding="utf-8"))
    doc["dimensions"][0]["weight"] = doc["dimensions"][0]["weight"] * 4
    alt = tmp_path / "alt.yaml"
    alt.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "cmp.xlsx"
    p = cli(
        "compare",
        str(ROOT / "criteria" / "default.yaml"),
        str(alt),
        str(SAMPLES / "sample_projects.xlsx"),
        "--out",
        str(out),
        "--top-k",
        "10",
    )
    assert p.returncode == 0, p.stderr
    rows = list(openpyxl.load_workbook(out, read_only=True)["Comparison"].iter_rows(values_only=True))
    assert "rank_change" in rows[0] and "movement" in rows[0]


def test_portfolio_cost_column_and_project_groups(tmp_path):
    # issue 14: the budget counts total_investment_usd_m unless another money column is named; an unknown
    # one is a usage error naming the columns there are
    bad = cli(
        "score",
        str(SAMPLES / "sample_projects.xlsx"),
        "--out",
        str(tmp_path / "b.xlsx"),
        "--budget",
        "3000",
        "--cost-column",
        "no_such_column",
    )
    assert bad.returncode == 2 and "no_such_column" in bad.stderr and "total_investment_usd_m" in bad.stderr
    headers = [
        "project_id",
        "project_name",
        "country",
        "sector",
        "total_investment_usd_m",
        "project_cost_usd_m",
    ]
    rows = [
        ["G1", "Port Phase I", "Kenya", "transport", 100, 400],
        ["G2", "Port Phase II", "Kenya", "transport", 100, 400],
        ["S1", "Clinic", "Kenya", "health", 10, 10],
    ]
    src = write_xlsx(tmp_path / "g.xlsx", headers, rows)
    common = [
        "--budget",
        "150",
        "--include-tier",
        "insufficient_data",
        "--include-tier",
        "deferred",
        "--include-tier",
        "conditional",
    ]
    whole = cli("score", str(src), "--out", str(tmp_path / "w.xlsx"), *common)
    assert whole.returncode == 0, whole.stderr
    assert {r[0] for r in _portfolio_rows(tmp_path / "w.xlsx")} == {"S1"}  # the two phases need 200
    split = cli("score", str(src), "--out", str(tmp_path / "s.xlsx"), *common, "--split-groups")
    assert split.returncode == 0, split.stderr
    assert len(_portfolio_rows(tmp_path / "s.xlsx")) == 2 and "decided one by one" in split.stdout
    by_cost = cli(
        "score", str(src), "--out", str(tmp_path / "c.xlsx"), *common, "--cost-column", "project_cost_usd_m"
    )
    assert by_cost.returncode == 0, by_cost.stderr
    assert {r[0] for r in _portfolio_rows(tmp_path / "c.xlsx")} == {"S1"}
    ranking = list(
        openpyxl.load_workbook(tmp_path / "w.xlsx", read_only=True)["Ranking"].iter_rows(values_only=True)
    )
    head = list(ranking[0])
    groups = {r[head.index("project_id")]: r[head.index("project_group")] for r in ranking[1:]}
    assert groups == {"G1": "G1", "G2": "G1", "S1": None}


# ---- screening brief: the one-page committee brief (docs/brief.md)


def _pdf_pages_and_text(path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return len(reader.pages), "".join((p.extract_text() or "") for p in reader.pages).replace("\n", "")


def test_brief_of_one_project_is_one_page_with_its_id_in_chinese(tmp_path):
    out = tmp_path / "br001.pdf"
    p = cli(
        "brief",
        str(SAMPLES / "sample_projects.xlsx"),
        "--project",
        "BR-001",
        "--lang",
        "zh",
        "--out",
        str(out),
    )
    assert p.returncode == 0, p.stderr
    pages, text = _pdf_pages_and_text(out)
    assert pages == 1 and "BR-001" in text and "项目评审简报" in text
    assert "已写出" in p.stdout


def test_brief_of_an_excluded_project_says_so_and_names_the_rule(tmp_path):
    out = tmp_path / "br017.pdf"
    p = cli("brief", str(SAMPLES / "sample_projects.xlsx"), "--project", "BR-017", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "BR-017: Excluded by Gambling" in p.stdout
    pages, text = _pdf_pages_and_text(out)
    assert pages == 1 and "ExcludedbyGambling" in text.replace(" ", "")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--project", "NOPE"], 1, "no project with id NOPE"),
        (["--project", "BR-001", "--all"], 2, "exactly one of --project, --all or --portfolio"),
        ([], 2, "exactly one of --project, --all or --portfolio"),
        (["--project", "BR-001", "--out-name"], 2, ""),
    ],
)
def test_brief_usage_errors_are_one_line(tmp_path, args, code, words):
    if "--out-name" in args:  # an output that is not a PDF
        args = ["--project", "BR-001"]
        out = tmp_path / "brief.xlsx"
        words = "--out must name a .pdf file"
    else:
        out = tmp_path / "brief.pdf"
    p = cli("brief", str(SAMPLES / "sample_projects.xlsx"), *args, "--out", str(out))
    assert p.returncode == code, (p.stdout, p.stderr)
    assert words in p.stderr and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    assert not out.exists()


def test_brief_all_writes_one_pdf_per_ranked_project_with_safe_names(tmp_path):
    from conftest import write_csv

    src = write_csv(
        tmp_path / "three.csv",
        [
            dict(BASE_RECORD, project_id="A-1"),
            dict(BASE_RECORD, project_id="../B 2", project_name="Wind farm", sector="energy"),
            dict(BASE_RECORD, project_id="C3", project_name="Clinic", sector="health"),
        ],
    )
    folder = tmp_path / "briefs"
    p = cli("brief", str(src), "--all", "--out", str(folder))
    assert p.returncode == 0, p.stderr
    files = sorted(f.name for f in folder.iterdir())
    assert files == ["A-1.pdf", "C3.pdf", "_B_2.pdf"]
    assert all(_pdf_pages_and_text(folder / f)[0] == 1 for f in files)
    assert not (tmp_path / "B 2.pdf").exists()
    assert "Wrote 3 briefs" in p.stdout


def test_brief_portfolio_with_a_budget_lists_the_chosen_projects(tmp_path):
    out = tmp_path / "portfolio.pdf"
    p = cli(
        "brief", str(SAMPLES / "sample_projects.xlsx"), "--portfolio", "--budget", "500", "--out", str(out)
    )
    assert p.returncode == 0, p.stderr
    chosen = int(p.stdout.split("Optimal: ", 1)[1].split(" projects", 1)[0])
    pages, text = _pdf_pages_and_text(out)
    assert pages == 1 and f"Portfolio brief: {chosen} projects".replace(" ", "") in text.replace(" ", "")
