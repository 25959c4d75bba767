"""Every limit of screening/limits.py checked just below and just above, at small values (issue 15)."""

from __future__ import annotations

import io
import math
import zipfile

import pytest
import yaml
from conftest import BASE_RECORD
from hostile_corpus import REQ, ROW, csv_text, rows_xml, workbook
from hypothesis import given
from hypothesis import strategies as st

from screening.criteria.loader import load_criteria_bytes
from screening.criteria.models import CriteriaError
from screening.io.mapping import MappingError, mapping_from_text
from screening.io.read import read_input
from screening.limits import DEFAULTS, _BoundedLoader, expanded_nodes, limit, override
from screening.model import InputError
from screening.pipeline import run
from screening.resources import DEFAULT_CRITERIA, MAPPINGS_DIR
from screening.vocab.coerce import parse_number

CSV = csv_text([REQ, ROW, ["P2", "Bridge", "Chad", "transport", 7]]).encode()


def test_every_limit_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text(encoding="utf-8")
    for name, default in DEFAULTS.items():
        assert f"`{name}`" in doc, name
        assert default > 0


def test_environment_setting_and_its_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_LIMIT_MAX_COLUMNS", "7")
    assert limit("MAX_COLUMNS") == 7
    for bad in ("0", "-3", "x", "nan", "inf"):
        monkeypatch.setenv("SCREENING_LIMIT_MAX_COLUMNS", bad)
        assert limit("MAX_COLUMNS") == DEFAULTS["MAX_COLUMNS"]
    with override(MAX_COLUMNS=3):
        assert limit("MAX_COLUMNS") == 3
    with pytest.raises(KeyError):
        with override(NO_SUCH_LIMIT=1):
            pass


def test_input_bytes(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(CSV)
    with override(MAX_INPUT_BYTES=len(CSV)):
        assert len(read_input(path).projects.frame) == 2
        assert len(read_input(CSV, name="p.csv").projects.frame) == 2
    with override(MAX_INPUT_BYTES=len(CSV) - 1):
        for source in (path, CSV):
            with pytest.raises(InputError, match="MAX_INPUT_BYTES"):
                read_input(source, name="p.csv")


def test_own_workbook_bytes(tmp_path) -> None:
    from screening.io.export import write_workbook

    out = tmp_path / "ranked.xlsx"
    write_workbook(run(CSV, name="p.csv"), out, "en")
    size = out.stat().st_size
    other = tmp_path / "other.xlsx"
    other.write_bytes(workbook(rows_xml([REQ, ROW])) + b"")
    with override(MAX_INPUT_BYTES=1000, MAX_OWN_WORKBOOK_BYTES=size):
        again = read_input(out)  # the tool's own workbook is admitted above MAX_INPUT_BYTES
        assert again.exported and len(again.projects.frame) == 2
        with pytest.raises(InputError, match="MAX_INPUT_BYTES"):
            read_input(other.read_bytes() + b"\0" * 1000, name="other.xlsx")
    with override(MAX_INPUT_BYTES=1000, MAX_OWN_WORKBOOK_BYTES=size - 1):
        with pytest.raises(InputError, match="MAX_"):
            read_input(out)


def test_uncompressed_bytes_count_only_the_parts_parsed(tmp_path) -> None:
    """A re-import inflates the Audit and record sheets only: the rest never counts (item 5)."""
    from screening.io.export import write_workbook

    out = tmp_path / "ranked.xlsx"
    write_workbook(run(CSV, name="p.csv"), out, "en")
    with zipfile.ZipFile(out) as zf:
        total = sum(i.file_size for i in zf.infolist())
    with override(MAX_UNCOMPRESSED_BYTES=total - 1):
        assert read_input(out).exported  # the Rationale and other views are not inflated
    with override(MAX_UNCOMPRESSED_BYTES=1000), pytest.raises(InputError, match="decompression bomb"):
        read_input(out)


def _compressible() -> tuple[bytes, int, float]:
    """A valid workbook of repeated cells (it compresses about 11:1), its inflated size and its ratio."""
    rows = [REQ, ROW] + [[f"P{i}", "x" * 50, "Kenya", "energy", 1] for i in range(2, 200)]
    data = workbook(rows_xml(rows))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        total = sum(i.file_size for i in zf.infolist())
        packed = sum(i.compress_size for i in zf.infolist())
    assert total / packed > 5
    return data, total, total / packed


def test_compression_ratio() -> None:
    """Just below and just above MAX_COMPRESSION_RATIO, with the floor lowered under the workbook's size."""
    data, total, ratio = _compressible()
    with override(COMPRESSION_RATIO_FLOOR_BYTES=total - 1, MAX_COMPRESSION_RATIO=ratio):
        assert len(read_input(data, name="t.xlsx").projects.frame) == 199
    with override(COMPRESSION_RATIO_FLOOR_BYTES=total - 1, MAX_COMPRESSION_RATIO=ratio * (1 - 1e-9)):
        with pytest.raises(InputError, match="MAX_COMPRESSION_RATIO") as err:
            read_input(data, name="t.xlsx")
    assert "decompression bomb" in err.value.en and "压缩炸弹" in err.value.zh
    assert f"{total:,} B" in err.value.en  # the sizes it names are the workbook's own


def test_compression_ratio_floor() -> None:
    """Just below and just above COMPRESSION_RATIO_FLOOR_BYTES: a workbook inflating to exactly the floor is
    not held to the ratio, one byte more is; at the default floor (50 MB) a small workbook never is."""
    data, total, ratio = _compressible()
    with override(MAX_COMPRESSION_RATIO=2):
        read_input(data, name="t.xlsx")  # the default floor: small workbooks compress as they like
        with override(COMPRESSION_RATIO_FLOOR_BYTES=total):
            assert len(read_input(data, name="t.xlsx").projects.frame) == 199
        with override(COMPRESSION_RATIO_FLOOR_BYTES=total - 1):
            with pytest.raises(InputError, match="COMPRESSION_RATIO_FLOOR_BYTES"):
                read_input(data, name="t.xlsx")


def test_compression_ratio_floor_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    data, total, _ratio = _compressible()
    monkeypatch.setenv("SCREENING_LIMIT_MAX_COMPRESSION_RATIO", "2")
    monkeypatch.setenv("SCREENING_LIMIT_COMPRESSION_RATIO_FLOOR_BYTES", str(total))
    read_input(data, name="t.xlsx")
    monkeypatch.setenv("SCREENING_LIMIT_COMPRESSION_RATIO_FLOOR_BYTES", str(total - 1))
    with pytest.raises(InputError, match="MAX_COMPRESSION_RATIO"):
        read_input(data, name="t.xlsx")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_columns(kind: str) -> None:
    rows = [REQ + ["x1", "x2"], ROW + ["1", "2"]]
    data = csv_text(rows).encode() if kind == "csv" else workbook(rows_xml(rows))
    name = f"t.{kind}"
    with override(MAX_COLUMNS=7):
        assert len(read_input(data, name=name).projects.frame) == 1
    with override(MAX_COLUMNS=6), pytest.raises(InputError, match="MAX_COLUMNS"):
        read_input(data, name=name)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows(kind: str) -> None:
    rows = [REQ, ROW, ["P2", "b", "Chad", "water", 3], ["P3", "c", "Chad", "water", 3]]
    data = csv_text(rows).encode() if kind == "csv" else workbook(rows_xml(rows))
    with override(MAX_ROWS=4):
        assert len(read_input(data, name=f"t.{kind}").projects.frame) == 3
    with override(MAX_ROWS=3), pytest.raises(InputError, match="MAX_ROWS"):
        read_input(data, name=f"t.{kind}")


def test_cells() -> None:
    data = workbook(rows_xml([REQ, ROW, ROW]))  # 3 × 5
    with override(MAX_CELLS=15):
        read_input(data, name="t.xlsx")
    with override(MAX_CELLS=14), pytest.raises(InputError, match="MAX_CELLS"):
        read_input(data, name="t.xlsx")


def _sst(n: int, text: str = "a") -> str:
    return (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + f"<si><t>{text}</t></si>" * n
        + "</sst>"
    )


def test_shared_strings() -> None:
    data = workbook(rows_xml([REQ, ROW]), shared=_sst(10))
    with override(MAX_SHARED_STRINGS=10):
        read_input(data, name="t.xlsx")
    with override(MAX_SHARED_STRINGS=9), pytest.raises(InputError, match="MAX_SHARED_STRINGS"):
        read_input(data, name="t.xlsx")


def test_shared_text_bytes() -> None:
    shared = _sst(1, "x" * 3000)
    data = workbook(rows_xml([REQ, ROW]), shared=shared)
    with override(MAX_SHARED_TEXT_BYTES=len(shared)):
        read_input(data, name="t.xlsx")
    with override(MAX_SHARED_TEXT_BYTES=len(shared) - 1), pytest.raises(InputError, match="MAX_SHARED_TEXT"):
        read_input(data, name="t.xlsx")


def test_cell_chars() -> None:
    data = csv_text([REQ + ["description"], ROW + ["y" * 500]]).encode()
    with override(MAX_CELL_CHARS=500):
        table = read_input(data, name="t.csv").projects
        assert len(table.frame["description"].iloc[0]) == 500 and not table.warnings
    with override(MAX_CELL_CHARS=499):
        table = read_input(data, name="t.csv").projects
        assert len(table.frame["description"].iloc[0]) == 499
        assert any("cut" in w.en for w in table.warnings)


def test_prolog_bytes() -> None:
    def book(n: int) -> bytes:
        return workbook(rows_xml([REQ, ROW]), prolog='<?xml version="1.0"?><!--' + "c" * n + "-->")

    with override(MAX_PROLOG_BYTES=200_000):
        read_input(book(100_000), name="t.xlsx")
    with override(MAX_PROLOG_BYTES=50_000), pytest.raises(InputError, match="DTD"):
        read_input(book(100_000), name="t.xlsx")


def _default_counts() -> tuple[int, int, int, int]:
    raw = DEFAULT_CRITERIA.read_text(encoding="utf-8")
    node = _BoundedLoader(raw, 10_000).get_single_node()
    nodes = expanded_nodes(node, 10**9)

    def written_depth(source: str) -> int:
        """Nesting as written (an alias is a leaf where it stands, as the composer sees it), counted on the
        parser's events: a node graph cannot tell an alias from its anchor."""
        level = deepest = 0
        for event in yaml.parse(source):
            if isinstance(event, yaml.CollectionStartEvent):
                level += 1
                deepest = max(deepest, level)
            elif isinstance(event, yaml.CollectionEndEvent):
                level -= 1
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                deepest = max(deepest, level + 1)
        return deepest

    data = yaml.safe_load(raw)
    return (
        nodes,
        written_depth(raw),
        len(data["dimensions"]),
        sum(len(d["criteria"]) for d in data["dimensions"]),
    )


def test_default_criteria_anchors_load_and_each_criteria_limit_bites_just_below() -> None:
    raw = DEFAULT_CRITERIA.read_bytes()
    nodes, depth, dims, crits = _default_counts()
    assert nodes > len(yaml.compose(raw.decode()).value)  # the default set does use anchors
    at = {
        "MAX_CRITERIA_BYTES": len(raw),
        "MAX_CRITERIA_NODES": nodes,
        "MAX_YAML_DEPTH": depth,
        "MAX_DIMENSIONS": dims,
        "MAX_CRITERIA": crits,
    }
    with override(**at):
        load_criteria_bytes(raw, "default.yaml")
    for name, value in at.items():
        with override(**{name: value - 1}), pytest.raises(CriteriaError) as err:
            load_criteria_bytes(raw, "default.yaml")
        assert name in str(err.value) or "larger" in str(err.value), (name, str(err.value))


def test_anchor_bomb_is_counted_without_expanding() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]  # 10^12 nodes
    with pytest.raises(CriteriaError, match="MAX_CRITERIA_NODES"):
        load_criteria_bytes("\n".join(lines).encode(), "bomb.yaml")
    with pytest.raises(CriteriaError, match="MAX_CRITERIA_NODES"):
        load_criteria_bytes(b"a: &a [*a]\n", "loop.yaml")  # a recursive anchor


def test_mapping_limits() -> None:
    text = (MAPPINGS_DIR / "aiddata-gcdf3.yaml").read_text(encoding="utf-8")
    nodes = expanded_nodes(_BoundedLoader(text, 1000).get_single_node(), 10**9)
    with override(MAX_MAPPING_NODES=nodes, MAX_MAPPING_BYTES=len(text)):
        mapping_from_text(text)
    with override(MAX_MAPPING_NODES=nodes - 1), pytest.raises(MappingError, match="MAX_MAPPING_NODES"):
        mapping_from_text(text)
    with override(MAX_MAPPING_BYTES=len(text) - 1), pytest.raises(MappingError, match="larger"):
        mapping_from_text(text)
    with pytest.raises(MappingError, match="MAX_YAML_DEPTH"):
        mapping_from_text("columns: " + "[" * 200 + "]" * 200)


def test_money_line() -> None:
    assert parse_number("1000000", money=True) == (1_000_000.0, None)
    assert parse_number("1000001", money=True)[0] is None
    assert parse_number(1e7, money=True)[0] is None
    assert parse_number("1000001")[0] == 1000001.0  # only money columns have the line
    with override(MAX_USD_M=100):
        assert parse_number("100", money=True)[0] == 100.0
        assert parse_number("1亿", money=True)[0] == 100.0
        problem = parse_number("101", money=True)[1]
        assert problem is not None and "MAX_USD_M" in problem.en


def test_absurd_and_non_finite_numbers_in_required_and_optional_columns() -> None:
    """Required (the investment, the one money column): the record is invalid. Optional: a data issue, the
    record ranked with that value missing. Never a ranked value either way."""
    rows = [
        REQ + ["local_jobs"],
        ["P1", "a", "Kenya", "energy", "5e6", 1],
        ["P2", "b", "Kenya", "energy", 5, "1e309"],
        ["P3", "c", "Kenya", "energy", "1e308亿", 3],
    ]
    result = run(csv_text(rows).encode(), name="m.csv")
    rec = result.records.set_index("project_id")
    assert rec.loc["P1", "outcome"] == "invalid" and rec.loc["P3", "outcome"] == "invalid"
    assert rec.loc["P2", "outcome"] == "ranked" and math.isnan(rec.loc["P2", "local_jobs"])
    issue = result.issues[result.issues["project_id"] == "P2"]
    assert (issue["severity"] == "data").all() and issue["message_en"].str.contains("not a finite").any()
    assert result.issues[result.issues["project_id"] == "P1"]["message_en"].str.contains("MAX_USD_M").any()
    assert math.isfinite(result.ranked["total_investment_usd_m"].max())


@given(st.text(alphabet="0123456789.,eE+-%亿万 mbillion", max_size=20), st.booleans(), st.booleans())
def test_parsed_numbers_are_finite_and_under_the_money_line(s: str, money: bool, dc: bool) -> None:
    value, problem = parse_number(s, money=money, decimal_comma=dc)
    if problem is None:
        assert isinstance(value, float) and math.isfinite(value)
        if money:
            assert abs(value) <= limit("MAX_USD_M")


def test_base_record_still_reads() -> None:
    assert (
        len(
            read_input(
                csv_text([list(BASE_RECORD), list(BASE_RECORD.values())]).encode(), name="b.csv"
            ).projects.frame
        )
        == 1
    )
    assert io  # the module keeps io for readers adding byte-stream cases


def test_the_entry_points_give_freed_memory_back_on_glibc() -> None:
    """On this Linux/glibc machine mallopt accepts the fixed mmap threshold (False would mean it silently did
    nothing, and the 100k-row peak of docs/benchmarks.md would not hold)."""
    import platform

    from screening.limits import give_back_freed_memory

    assert give_back_freed_memory() is (platform.libc_ver()[0] == "glibc")
