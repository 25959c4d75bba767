"""Each ability of the mapping format (docs/mappings.md), and each of its errors, on small files written here."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import ROOT, write_xlsx

from screening.io.mapping import ColumnRule, Mapping, MappingError, mapping_from_text, wildcard_match
from screening.io.read import read_input
from screening.model import InputError
from screening.stages.validate import validate

HEADER = ["Ref", "Title", "Description", "Nation", "Field", "Cost", "Phase"]
ROWS = [
    ["R1", "Bridge", "A river crossing", "Kenya", "Roads", "$1,740 ", "Pipeline: Pledge"],
    ["R2", "Grid", "", "Laos", "Power lines", "1,740", "Implementation"],
    ["R3", "Clinic", "Rural health post", "Peru", "Hospitals (new)", " $\t500 ", "Completed 2019"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def mapping(columns: str, ident: str = "t") -> Mapping:
    return mapping_from_text(f"id: {ident}\ncolumns:\n{columns}")


BASE = (
    "  project_id: {from: Ref}\n  project_name: {from: Title}\n  country: {from: Nation}\n"
    "  sector: {value: transport}\n  total_investment_usd_m: {from: Cost, unit: usd_million}\n"
)


def frame(path: Path, m: Mapping):
    return read_input(path, mapping=m).projects.frame


# ---------------------------------------------------------------------------------------------- ids


def test_hash_of_builds_ids_from_content_that_survive_re_sorting(tmp_path):
    m = mapping(BASE.replace("{from: Ref}", "{hash_of: [Title, Nation, Cost], prefix: X-}"))
    first = frame(write_csv(tmp_path / "a.csv", HEADER, ROWS), m)
    ids = dict(zip(first["project_name"], first["project_id"], strict=True))
    again = frame(write_csv(tmp_path / "b.csv", HEADER, ROWS[::-1]), m)
    assert dict(zip(again["project_name"], again["project_id"], strict=True)) == ids
    assert all(re.fullmatch(r"X-[0-9a-f]{12}", i) for i in ids.values())
    assert len(set(ids.values())) == 3  # different content, different ids


def test_hash_of_reads_a_workbook_number_like_the_same_csv_text(tmp_path):
    m = mapping(BASE.replace("{from: Ref}", "{hash_of: [Title, Phase]}"))
    rows = [["R1", "Bridge", "", "Kenya", "Roads", "5", "2005"]]
    from_csv = frame(write_csv(tmp_path / "a.csv", HEADER, rows), m)["project_id"].iloc[0]
    xrows = [["R1", "Bridge", "", "Kenya", "Roads", 5, 2005.0]]
    from_xlsx = frame(write_xlsx(tmp_path / "a.xlsx", HEADER, xrows), m)["project_id"].iloc[0]
    assert from_csv == from_xlsx


def test_identical_records_get_one_hash_id_and_are_reported_as_repeated(tmp_path):
    m = mapping(BASE.replace("{from: Ref}", "{hash_of: [Title, Nation]}"))
    v = validate(read_input(write_csv(tmp_path / "a.csv", HEADER, [ROWS[0], ROWS[0]]), mapping=m))
    assert not v.valid.any()
    assert v.issues["column"].eq("project_id").all()


def test_row_counter_is_fixed_width_and_raises_a_data_issue_in_both_languages(tmp_path):
    m = mapping(BASE.replace("{from: Ref}", "{row_counter: 4, prefix: P}"))
    table = read_input(write_csv(tmp_path / "a.csv", HEADER, ROWS), mapping=m).projects
    assert table.frame["project_id"].tolist() == ["P0001", "P0002", "P0003"]
    said = [w for w in table.warnings if "row counter" in w.en]
    assert len(said) == 1 and "re-sorted" in said[0].en and "重新排序" in said[0].zh


# ---------------------------------------------------------------------------- constants and joins


def test_a_constant_gives_every_row_one_value(tmp_path):
    m = mapping(BASE + "  status: {value: planned}\n")
    v = validate(read_input(write_csv(tmp_path / "a.csv", HEADER, ROWS), mapping=m))
    assert v.records["status"].tolist() == ["planned"] * 3
    assert v.records["sector"].tolist() == ["transport"] * 3


def test_join_puts_several_columns_into_one_with_a_literal_separator(tmp_path):
    m = mapping(BASE + "  description: {join: [Title, Description], separator: ' — '}\n")
    got = frame(write_csv(tmp_path / "a.csv", HEADER, ROWS), m)["description"].tolist()
    assert got == [
        "Bridge — A river crossing",
        "Grid",
        "Clinic — Rural health post",
    ]  # a blank part is skipped


def test_join_and_hash_of_may_name_a_column_the_mapping_built(tmp_path):
    m = mapping(
        BASE.replace("{from: Ref}", "{hash_of: [project_name, Nation]}")
        + "  lead_enterprise: {from: Phase}\n  description: {join: [lead_enterprise, Title]}\n"
    )
    f = frame(write_csv(tmp_path / "a.csv", HEADER, ROWS), m)
    assert f["description"].iloc[1] == "Implementation Grid"
    assert f["project_id"].str.len().eq(12).all()


def test_one_source_column_feeds_several_targets(tmp_path):
    # Before: the second target silently won and project_name was then called missing.
    m = mapping(BASE + "  description: {from: Title}\n  location: {from: Nation}\n")
    v = validate(read_input(write_csv(tmp_path / "a.csv", HEADER, ROWS), mapping=m))
    assert v.valid.all()
    assert (
        v.records["project_name"].tolist()
        == v.records["description"].tolist()
        == ["Bridge", "Grid", "Clinic"]
    )
    assert v.records["location"].tolist() == ["Kenya", "Laos", "Peru"]
    assert v.records["country"].tolist() == ["KEN", "LAO", "PER"]


def test_alternatives_take_the_first_header_the_file_has(tmp_path):
    m = mapping(BASE.replace("{from: Nation}", "{from: Country, alternatives: [Host, Nation]}"))
    assert frame(write_csv(tmp_path / "a.csv", HEADER, ROWS), m)["country"].tolist() == [
        "Kenya",
        "Laos",
        "Peru",
    ]


def test_a_header_read_only_to_join_keeps_its_ordinary_meaning(tmp_path):
    header = [*HEADER, "Status"]
    rows = [[*r, "completed"] for r in ROWS]
    m = mapping(BASE + "  description: {join: [Title, Status]}\n")
    f = frame(write_csv(tmp_path / "a.csv", header, rows), m)
    assert f["status"].tolist() == ["completed"] * 3
    assert f["description"].iloc[0] == "Bridge completed"


# ------------------------------------------------------------------------------------- value tables


def test_values_then_longest_prefix_then_glob_then_default(tmp_path):
    m = mapping(
        BASE.replace("{value: transport}", "").replace(
            "  sector: \n",
            "  sector: {from: Field, values: {Roads: transport}, prefixes: {Power: energy},"
            " globs: {'*(new)': health}, default: other}\n",
        )
        + "  status:\n    from: Phase\n    prefixes: {'Pipeline:': planned, Pipe: cancelled}\n"
        "    globs: {'Completed ????': completed}\n"
    )
    f = frame(write_csv(tmp_path / "a.csv", HEADER, ROWS), m)
    assert f["sector"].tolist() == ["transport", "energy", "health"]
    # "Pipeline:" is longer than "Pipe" and wins; "Implementation" matches nothing and is kept as written.
    assert f["status"].tolist() == ["planned", "Implementation", "completed"]


@pytest.mark.parametrize(
    ("pattern", "word", "expected"),
    [
        ("*coal*", "coal-fired power", True),
        ("*coal*", "lignite", False),
        ("c?al", "coal", True),
        ("c?al", "cal", False),
        ("*", "", True),
        ("a*b*c", "axxbyyc", True),
        ("a*b*c", "axxbyy", False),
        ("[ab]", "a", False),  # no character classes: "[" and "]" are literal (unlike fnmatch)
        ("[ab]", "[ab]", True),
        ("**x", "yx", True),
    ],
)
def test_wildcards_are_star_and_question_mark_only(pattern, word, expected):
    assert wildcard_match(pattern, word) is expected


# --------------------------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("unit", "extra", "written", "expected"),
    [
        ("usd_million", "", "$1,740 ", 1740.0),
        ("usd_million", "", "1,740", 1740.0),
        ("usd_million", "", " $\t500 ", 500.0),
        ("usd_million", "", "US$ 12.5", 12.5),
        ("usd_billion", "", "$1.2", 1200.0),
        ("usd_thousand", "", "2,500", 2.5),
        ("usd", "", "25,000,000", 25.0),
        ("usd_million", ", thousands: '.'", "1.740", 1740.0),
        ("usd_million", ", thousands: '.'", "1.740,5", 1740.5),
    ],
)
def test_money_in_a_declared_unit(tmp_path, unit, extra, written, expected):
    m = mapping(BASE.replace("{from: Cost, unit: usd_million}", f"{{from: Cost, unit: {unit}{extra}}}"))
    rows = [["R1", "Bridge", "", "Kenya", "Roads", written, ""]]
    v = validate(read_input(write_csv(tmp_path / "a.csv", HEADER, rows), mapping=m))
    assert v.valid.all(), v.issues
    assert v.records["total_investment_usd_m"].iloc[0] == pytest.approx(expected)


def test_money_that_is_no_number_is_left_for_validation_to_report(tmp_path):
    m = mapping(BASE)
    rows = [["R1", "Bridge", "", "Kenya", "Roads", "$n/a", ""], ["R2", "Dam", "", "Laos", "", "€ 300", ""]]
    v = validate(read_input(write_csv(tmp_path / "a.csv", HEADER, rows), mapping=m))
    assert not v.valid.any()
    assert set(v.issues["value"]) == {"$n/a", "€ 300"}  # a euro amount is not read as dollars


def test_windows_1252_file_reads_with_its_accents(tmp_path):
    rows = [["R1", "Électricité du Sud", "", "Côte d'Ivoire", "", "$1,000 ", ""]]
    m = mapping(BASE)
    v = validate(read_input(write_csv(tmp_path / "a.csv", HEADER, rows, encoding="cp1252"), mapping=m))
    assert v.records["project_name"].iloc[0] == "Électricité du Sud"
    assert v.records["country"].iloc[0] == "CIV"


# -------------------------------------------------------------------------------------------- errors


def test_a_missing_source_header_is_one_line_naming_it_and_the_close_ones(tmp_path):
    m = mapping(BASE.replace("{from: Title}", "{from: Titel}"))
    with pytest.raises(InputError) as err:
        read_input(write_csv(tmp_path / "a.csv", HEADER, ROWS), mapping=m)
    msg = err.value.en
    assert "\n" not in msg
    assert "'Titel'" in msg and "project_name" in msg and "'Title'" in msg
    assert "Titel" in err.value.text.zh


def test_a_missing_join_part_is_named_too(tmp_path):
    m = mapping(BASE + "  description: {join: [Title, Summary]}\n")
    with pytest.raises(InputError, match="'Summary'"):
        read_input(write_csv(tmp_path / "a.csv", HEADER, ROWS), mapping=m)


@pytest.mark.parametrize(
    ("columns", "said"),
    [
        ("  project_id: {from: Ref, colour: red}\n", "colour"),
        ("  project_id: {from: Ref, value: x}\n", "exactly one"),
        ("  project_id: {}\n", "exactly one"),
        ("  project_name: {hash_of: [Title]}\n", "not an id column"),
        ("  start_year: {from: Year, unit: usd}\n", "money"),
        ("  total_investment_usd_m: {from: C, unit: usd, scale: 2}\n", "not both"),
        ("  total_investment_usd_m: {from: C, unit: eur}\n", "unit"),
        ("  project_name: {from: Title, prefix: X}\n", "prefix"),
        ("  project_name: {join: [Title]}\n", "join"),
        ("  project_id: {row_counter: 40}\n", "row_counter"),
        ("  project_id: {hash_of: [A], values: {a: b}}\n", "no scale"),
        ("  nonsense_col: {from: A}\n", "not a standard column"),
    ],
)
def test_bad_rules_are_refused_in_one_line(columns, said):
    with pytest.raises(MappingError, match=said) as err:
        mapping(columns)
    assert "\n" not in str(err.value)


def test_cli_names_the_missing_header_without_a_traceback(tmp_path):
    import subprocess
    import sys

    src = write_csv(tmp_path / "a.csv", HEADER, ROWS)
    mp = tmp_path / "m.yaml"
    mp.write_text("id: t\ncolumns:\n" + BASE.replace("{from: Nation}", "{from: Nations}"), encoding="utf-8")
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "screening.cli",
            "score",
            str(src),
            "--mapping",
            str(mp),
            "--out",
            str(tmp_path / "o.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert p.returncode != 0
    out = p.stdout + p.stderr
    assert "Traceback" not in out and "'Nations'" in out and "'Nation'" in out


def test_rules_round_trip_through_yaml():
    from screening.io.mapping import mapping_yaml

    m = mapping(BASE + "  description: {join: [Title, Description], separator: ' / '}\n")
    again = mapping_from_text(mapping_yaml(m))
    assert again == m
    assert isinstance(again.columns["sector"], ColumnRule) and again.columns["sector"].value == "transport"


def test_amounts_like_1_740_in_a_file_without_commas_are_questioned(tmp_path):
    rows = [
        ["R1", "Bridge", "", "Kenya", "", " $\t1.740 ", ""],
        ["R2", "Dam", "", "Laos", "", " $\t500 ", ""],
    ]
    src = write_csv(tmp_path / "a.csv", HEADER, rows)
    table = read_input(src, mapping=mapping(BASE)).projects
    said = [w for w in table.warnings if "thousands" in w.en]
    assert len(said) == 1 and "$1.740" in said[0].en and "thousands" in said[0].zh
    assert table.frame["total_investment_usd_m"].tolist() == [1.74, 500.0]
    dot = mapping(BASE.replace("unit: usd_million", "unit: usd_million, thousands: '.'"))
    table = read_input(src, mapping=dot).projects
    assert not [w for w in table.warnings if "thousands" in w.en]
    assert table.frame["total_investment_usd_m"].tolist() == [1740.0, 500.0]
    # A file that also writes "1,250" uses commas for thousands: "1.740" is then a decimal, no question.
    rows.append(["R3", "Port", "", "Peru", "", "$1,250", ""])
    table = read_input(write_csv(tmp_path / "b.csv", HEADER, rows), mapping=mapping(BASE)).projects
    assert not [w for w in table.warnings if "thousands" in w.en]


def test_unquoted_yes_and_no_codes_mean_yes_and_no():
    m = mapping("  concessional: {from: F, values: {ODA-like: yes, OOF-like: no}, default: no}\n")
    rule = m.columns["concessional"]
    assert rule.values == {"ODA-like": "yes", "OOF-like": "no"} and rule.default == "no"
    with pytest.raises(MappingError, match="valid string"):
        mapping("  status: {from: F, values: {No: cancelled}}\n")  # a source word YAML read as false
