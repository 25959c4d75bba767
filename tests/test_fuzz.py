"""Fuzzing the readers and the criteria loader (hypothesis, bounded): only our own errors may escape."""

from __future__ import annotations

import functools
import io
import tempfile
from pathlib import Path

import yaml
from conftest import write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.criteria.loader import load_criteria_bytes
from screening.criteria.models import CriteriaError
from screening.model import InputError
from screening.pipeline import run

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _valid_workbook_bytes() -> bytes:
    """Built once, so that every example mutates the same bytes (openpyxl stamps the save time)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.xlsx"
        write_xlsx(
            path,
            ["project_id", "project_name", "country", "sector", "total_investment_usd_m"],
            [["A", "x", "Kenya", "energy", 10], ["B", "y", "Chad", "water", 20]],
        )
        return path.read_bytes()


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(["f.xlsx", "f.csv", "f.xlsm", "f.txt"]))
def test_random_bytes_never_crash_the_reader(data, name):
    try:
        run(data, name=name)
    except InputError as err:
        assert err.en and err.zh and "\n" not in err.en


@FUZZ
@given(st.data())
def test_mutated_workbooks_never_crash_the_reader(data):
    base = bytearray(_valid_workbook_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(base) - 1))
        base[pos] = data.draw(st.integers(0, 255))
    try:
        run(bytes(base), name="m.xlsx")
    except InputError:
        pass


@FUZZ
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=600))
def test_random_csv_text_never_crashes(text):
    header = "project_id,project_name,country,sector,total_investment_usd_m\n"
    for payload in (text, header + text):
        try:
            result = run(payload.encode("utf-8"), name="t.csv")
            c = result.counts()
            assert c["ranked"] + c["excluded"] + c["invalid"] == c["records"]
        except InputError:
            pass


yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 200),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)


@FUZZ
@given(doc=yaml_values)
def test_random_criteria_documents_give_criteria_errors_only(doc):
    raw = yaml.safe_dump(doc, allow_unicode=True).encode()
    try:
        load_criteria_bytes(raw, "fuzz.yaml")
    except CriteriaError as err:
        assert str(err).startswith("fuzz.yaml")


@FUZZ
@given(text=st.text(max_size=300))
def test_random_yaml_text_gives_criteria_errors_only(text):
    try:
        load_criteria_bytes(text.encode("utf-8"), "fuzz.yaml")
    except CriteriaError:
        pass


def test_mutating_the_default_criteria_gives_located_errors():
    from screening.criteria.loader import DEFAULT_CRITERIA

    doc = yaml.safe_load(DEFAULT_CRITERIA.read_text(encoding="utf-8"))
    doc["dimensions"][0]["criteria"][0]["scorer"]["kind"] = "eval"
    try:
        load_criteria_bytes(yaml.safe_dump(doc, allow_unicode=True).encode(), "mut.yaml")
    except CriteriaError as err:
        assert "mut.yaml: dimensions.0.criteria.0.scorer" in str(err)
    else:
        raise AssertionError("an unknown scorer kind must be rejected")
    assert io  # keep the import used for readers that add byte-stream cases


# ---- issue 15: the CSV and xlsx readers under structured fuzz (fixed budget: FUZZ's max_examples)

_csv_cells = st.text(alphabet='ab1,;\t"\n\r 0.,%亿\ufeff\u200b', max_size=12)


@FUZZ
@given(
    rows=st.lists(st.lists(_csv_cells, min_size=1, max_size=7), max_size=12),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_structured_csv_reads_or_refuses_in_one_line(rows, sep):
    from screening.io.read import read_input

    header = sep.join(["project_id", "project_name", "country", "sector", "total_investment_usd_m"])
    body = "\n".join(sep.join(r) for r in rows)
    try:
        result = run((header + "\n" + body).encode("utf-8"), name="f.csv")
        c = result.counts()
        assert c["ranked"] + c["excluded"] + c["invalid"] == c["records"]
        assert result.ranked["total_investment_usd_m"].map(lambda v: v != v or abs(v) < 1e300).all()
    except InputError as err:
        assert err.en and "\n" not in err.en
    assert read_input  # the reader itself is what run() calls


_xml_bits = st.sampled_from(
    [
        '<c r="A2"><v>1</v></c>',
        '<c r="XFD9"><v>1</v></c>',
        '<c r="B2" t="e"><v>#SPILL!</v></c>',
        '<c r="C2" t="e"><v>#DIV/0!</v></c>',
        '<c r="E2" t="inlineStr"><is><t>1e309</t></is></c>',
        "<c><v>2</v></c>",
        '<c r="A1048577"><v>1</v></c>',
        '<row r="3">',
        "</row>",
        "<!-- <a> -->",
        '<c r="D2" t="s"><v>99</v></c>',
        "\ufffe",
    ]
)


@FUZZ
@given(parts=st.lists(_xml_bits, max_size=10))
def test_fuzzed_sheet_xml_reads_or_refuses_in_one_line(parts):
    from hostile_corpus import REQ, rows_xml, workbook

    data = workbook(rows_xml([REQ]) + '<row r="2">' + "".join(parts) + "</row>")
    try:
        run(data, name="f.xlsx")
    except InputError as err:
        assert err.en and "\n" not in err.en
