"""The workbook body streamer (screening.io.xlsx_stream): safe and identical on every body path.

Every safety test runs on every body path (fast raw rows written into the stream, fast raw rows spooled and
spliced in, openpyxl cells) and on both of openpyxl's XML backends (et_xmlfile, lxml; under lxml the fast
rows are always spliced). openpyxl picks its backend once, at import (lxml if importable, unless
OPENPYXL_LXML=False), so the backend this process does not use is run in a child process; the lxml cases
are skipped where lxml is not installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.xml import LXML

from screening.io import xlsx_stream
from screening.io.xlsx_stream import MAX_CELL, TRUNCATION_MARK, Cleaner, new_sheet, write_body

ROOT = Path(__file__).resolve().parents[2]

BACKEND = "lxml" if LXML else "et_xmlfile"  # the one this process uses
HAVE_LXML = importlib.util.find_spec("lxml") is not None

FORMULA_LIKE = [
    "=cmd|' /C calc'!A0",
    "=1+1",
    '=HYPERLINK("http://example.com","click")',
    "+1",
    "+cmd",
    "-1",
    "-2+3",
    "@SUM(A1)",
    "@x",
    "=",
    "==",
    "#N/A",
    "#REF!",
    "#DIV/0!",
    "=X",
]
LONG = "x" * 40_000


def _frames() -> dict[str, tuple[pd.DataFrame, dict[int, str]]]:
    """The frames every body path writes (name → frame, number formats by column position)."""
    n = len(FORMULA_LIKE)
    formula = pd.DataFrame({"text": FORMULA_LIKE, "also": FORMULA_LIKE[::-1], "n": np.arange(n) * 1.5})
    control = pd.DataFrame(
        {
            "text": [
                "bell\x07char",
                "\x00\x01x",
                "\ttab",
                "cr\rx",
                "line\nbreak",
                LONG,
                "\x0b\x0c\x1f" + "y" * 40_000,
                "ok",
            ]
        }
    )
    mixed = pd.DataFrame(
        {
            "int": [1, -2, 3, 2**31 + 1, 0, 7, 8],
            "float": [1.5, -1e-7, np.nan, 1e300, np.inf, 0.1, 12345.678],
            "obj": [None, "text", 3, 2.5, True, np.nan, pd.NA],
            "bool": [True, False, True, True, False, False, True],
            "bool_na": pd.array([True, None, False, True, None, False, True], dtype="boolean"),
            "int_na": pd.array([1, None, 3, 4, None, 6, 7], dtype="Int64"),
            "date": pd.to_datetime(
                ["2024-01-05", None, "2023-12-31 13:45", "2020-02-29", None, "1999-01-01", "2030-06-30"],
                format="ISO8601",
            ),
            "stamp": [
                dt.date(2024, 1, 5),
                pd.Timestamp("2024-03-01"),
                None,
                "x",
                dt.datetime(2020, 1, 1, 8),
                1,
                "",
            ],
            "zh": ["光伏电站", "一带一路", "  前后空格  ", "a < b & c > d", "中文\n换行", "", "=中文"],
            "long": [LONG, "short", None, "y" * 32_767, "z" * 32_768, "", "w"],
            "cat": pd.Categorical(["a", "b", None, "a", "c", "b", "a"]),
            "np": [
                np.int64(4),
                np.float64(2.25),
                np.bool_(True),
                np.float32(0.5),
                np.uint8(255),
                np.nan,
                np.int8(-3),
            ],
        }
    )
    return {
        "formula": (formula, {2: "0.00"}),
        "control": (control, {}),
        "mixed": (mixed, {0: "#,##0", 1: "0.000", 5: "0", 11: "0.0"}),
    }


FRAMES = _frames()
PATHS = ["fast", "spliced", "cells"]
BACKENDS = ["et_xmlfile", "lxml"]


def write_all(out_dir: str) -> None:
    """Write every frame on both body paths into ``out_dir`` with this process's backend (also run as a
    child process); the cleaning counts go to counts.json."""
    counts = {}
    for name, (frame, fmts) in FRAMES.items():
        for path in PATHS:
            wb = Workbook(write_only=True)
            ws = new_sheet(wb, name)
            ws.append(list(frame.columns))
            cleaner = Cleaner()
            xlsx_stream._DIRECT_WRITE = path != "spliced"
            try:
                write_body(ws, frame, fmts, cleaner, fast=path != "cells")
                ws.append(["after the body"])  # rows appended after a block keep their numbers
                write_body(ws, frame.head(2), fmts, Cleaner(), fast=path != "cells")  # a second block
                wb.save(Path(out_dir) / f"{name}-{path}.xlsx")
            finally:
                xlsx_stream._DIRECT_WRITE = True
            counts[f"{name}-{path}"] = [cleaner.control_chars_removed, cleaner.cells_truncated]
    (Path(out_dir) / "counts.json").write_text(json.dumps(counts))


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """(frame, path, backend) → (workbook file, (control characters removed, cells truncated))."""
    done: dict[str, Path] = {}

    def get(name: str, path: str, backend: str) -> tuple[Path, tuple[int, int]]:
        if backend not in done:
            out = tmp_path_factory.mktemp(backend)
            if backend == BACKEND:
                write_all(str(out))
            else:
                if backend == "lxml" and not HAVE_LXML:
                    pytest.skip("lxml is not installed: the lxml backend case needs it (pip install lxml)")
                env = {**os.environ, "OPENPYXL_LXML": "True" if backend == "lxml" else "False"}
                code = (
                    f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                    f"import test_xlsx_stream as t; t.write_all({str(out)!r})"
                )
                subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=300)
            done[backend] = out
        counts = json.loads((done[backend] / "counts.json").read_text())[f"{name}-{path}"]
        return done[backend] / f"{name}-{path}.xlsx", tuple(counts)

    return get


def cells(book: Path) -> list[list[tuple]]:
    """(value, data type, number format) of every cell, header and trailing row included."""
    ws = openpyxl.load_workbook(book).worksheets[0]
    return [
        [(c.value, c.value is not None and c.data_type, c.number_format) for c in row]
        for row in ws.iter_rows()
    ]


def body_of(book: Path, name: str) -> list[list[tuple]]:
    """The body rows; checks the header, the row appended after the body and the second block below it."""
    rows = cells(book)
    n = len(FRAMES[name][0])
    assert len(rows) == n + 4 and [c[0] for c in rows[0]] == list(FRAMES[name][0].columns)
    assert rows[n + 1][0][0] == "after the body"
    assert rows[n + 2 :] == rows[1:3]  # the second block continues the row numbers
    return rows[1 : n + 1]


def sheet_xml(book: Path) -> bytes:
    with zipfile.ZipFile(book) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


every_path = pytest.mark.parametrize("backend", BACKENDS)
every_body = pytest.mark.parametrize("path", PATHS)


@every_path
@every_body
def test_formula_like_text_is_stored_as_text(books, path, backend):
    """'=...', '+', '-', '@' and '#N/A'-like text is a string cell (type 's'), never a formula or an error."""
    book, _ = books("formula", path, backend)
    xml = sheet_xml(book)
    assert b"<f>" not in xml and b"<f " not in xml and b't="e"' not in xml
    rows = body_of(book, "formula")
    assert [r[0][0] for r in rows] == FORMULA_LIKE and [r[1][0] for r in rows] == FORMULA_LIKE[::-1]
    for r in rows:
        assert r[0][1] == "s" and r[1][1] == "s", r
        assert r[2][2] == "0.00"  # the number column keeps its format beside them


@every_path
@every_body
def test_control_characters_removed_counted_and_long_text_cut(books, path, backend):
    book, (removed, truncated) = books("control", path, backend)
    got = [r[0][0] for r in body_of(book, "control")]
    cut = MAX_CELL - len(TRUNCATION_MARK)
    # openpyxl's own cells under et_xmlfile write a bare CR, which XML reads back as LF; the fast rows (and
    # lxml) write it as &#13; and keep it.
    cr = "cr\nx" if (path, backend) == ("cells", "et_xmlfile") else "cr\rx"
    assert got == [
        "bellchar",
        "x",
        "\ttab",
        cr,
        "line\nbreak",
        LONG[:cut] + TRUNCATION_MARK,
        "y" * cut + TRUNCATION_MARK,
        "ok",
    ]
    assert all(len(v) <= MAX_CELL for v in got)
    assert (removed, truncated) == (1 + 2 + 3, 2)


def test_every_body_path_writes_the_same_cells(books):
    """Every body path, under either backend: same values, types and number formats (mixed dtypes, NaN,
    None, NA, numpy scalars, bools, dates, long text, Chinese). Not compared: numbers that need 17 significant
    digits (0.1 + 0.2, 2**53 + 1), which the fast rows keep exactly and openpyxl's own cells print with 16."""
    reference = cells(books("mixed", "fast", BACKEND)[0])
    body = body_of(books("mixed", "fast", BACKEND)[0], "mixed")
    for path in PATHS:
        for backend in BACKENDS:
            if backend == "lxml" and not HAVE_LXML:
                continue
            book, counts = books("mixed", path, backend)
            assert cells(book) == reference, (path, backend)
            assert counts == (0, 2), (path, backend)  # two cells of 'long' are cut
    assert [r[1][0] for r in body] == [1.5, -1e-7, None, 1e300, None, 0.1, 12345.678]
    assert [r[0][0] for r in body][3] == 2**31 + 1
    assert [r[2][0] for r in body] == [None, "text", 3, 2.5, True, None, None]
    assert [r[3][1] for r in body] == ["b"] * 7
    assert [r[6][0] for r in body][:3] == ["2024-01-05 00:00:00", None, "2023-12-31 13:45:00"]
    assert (
        body[0][8][0] == "光伏电站"
        and body[2][8][0] == "  前后空格  "
        and body[6][8] == ("=中文", "s", "General")
    )
    assert body[3][9][0] == "y" * 32_767 and body[4][9][0].endswith(TRUNCATION_MARK)
    assert [r[11][0] for r in body] == [4, 2.25, True, 0.5, 255, None, -3]


def test_fast_rows_are_byte_identical_direct_spliced_and_under_lxml(books):
    """The raw rows are the same bytes whether written into the stream or spliced in, under either backend
    (lxml compared only where it is installed)."""
    variants = [("fast", "et_xmlfile"), ("spliced", "et_xmlfile")]
    variants += [("fast", "lxml"), ("spliced", "lxml")] if HAVE_LXML else []
    for name in FRAMES:
        rows = {
            v: re.search(rb"<sheetData>.*</sheetData>", sheet_xml(books(name, *v)[0]), re.S) for v in variants
        }
        first = rows[variants[0]]
        assert first is not None and b"screening-rows" not in first.group()
        for v, m in rows.items():
            assert m is not None and m.group() == first.group(), (name, v)


def test_openpyxl_internals_the_streamer_uses_are_present():
    missing = xlsx_stream.missing_internals()
    assert not missing, (
        f"openpyxl {openpyxl.__version__} lacks internals that screening/io/xlsx_stream.py relies on: {missing}. "
        "Its docstring lists them; adapt the module, then move the pin in pyproject.toml and TESTED_OPENPYXL."
    )
    assert xlsx_stream._FAST_OK


def test_installed_openpyxl_is_the_pinned_minor():
    minor = ".".join(openpyxl.__version__.split(".")[:2])
    assert minor == xlsx_stream.TESTED_OPENPYXL, (
        f"openpyxl {openpyxl.__version__} is installed but xlsx_stream was checked against "
        f"{xlsx_stream.TESTED_OPENPYXL}.x internals: re-check them (see its docstring) before moving the pin"
    )
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pin = next(d for d in deps if d.startswith("openpyxl"))
    major, low = map(int, xlsx_stream.TESTED_OPENPYXL.split("."))
    assert pin.replace(" ", "").endswith(f",<{major}.{low + 1}"), (
        f"pyproject pins {pin!r}, not to {major}.{low}.x"
    )


def test_without_the_internals_every_body_goes_through_cells(monkeypatch, tmp_path):
    monkeypatch.setattr(xlsx_stream, "_FAST_OK", False)
    frame, fmts = FRAMES["formula"]
    wb = Workbook(write_only=True)
    ws = new_sheet(wb, "t")
    assert not isinstance(ws, xlsx_stream._StreamSheet)
    write_body(ws, frame, fmts, Cleaner(), fast=True)
    wb.save(tmp_path / "cells.xlsx")
    assert [r[0][:2] for r in cells(tmp_path / "cells.xlsx")] == [(v, "s") for v in FORMULA_LIKE]


def test_spliced_path_really_spools_and_splices(monkeypatch, tmp_path):
    calls = []
    real = xlsx_stream._splice
    monkeypatch.setattr(xlsx_stream, "_splice", lambda *a: (calls.append(len(a[2])), real(*a)))
    monkeypatch.setattr(xlsx_stream, "_DIRECT_WRITE", False)
    wb = Workbook(write_only=True)
    ws = new_sheet(wb, "t")
    for _ in range(3):
        write_body(ws, FRAMES["formula"][0], {}, Cleaner())
    wb.save(tmp_path / "s.xlsx")
    assert calls == [3]
    assert [r[0][0] for r in cells(tmp_path / "s.xlsx")] == FORMULA_LIKE * 3


@pytest.mark.parametrize("chunk", [1, 5, 17, 18, 19, 4096])
def test_splice_finds_placeholders_across_read_boundaries(monkeypatch, tmp_path, chunk):
    monkeypatch.setattr(xlsx_stream, "_SPLICE_CHUNK", chunk)
    sheet = tmp_path / "sheet.xml"
    sheet.write_bytes(
        b"<a><screening-rows/>mid<screening-rows />&lt;screening-rows/&gt;<screening-rows/></a>"
    )
    spool = tmp_path / "spool"
    spool.write_bytes(b"ONE" + b"TWO" * 5000 + b"")
    with spool.open("rb") as fh:
        xlsx_stream._splice(str(sheet), fh, [(0, 3), (3, 15000), (0, 0)])
    assert sheet.read_bytes() == b"<a>ONEmid" + b"TWO" * 5000 + b"&lt;screening-rows/&gt;</a>"
    with spool.open("rb") as fh, pytest.raises(RuntimeError, match="blocks"):
        xlsx_stream._splice(str(sheet), fh, [(0, 3)])  # no placeholder left: refuses, file untouched
    assert sheet.read_bytes().startswith(b"<a>ONEmid") and not (tmp_path / "sheet.xml.splice").exists()


@pytest.mark.parametrize("fast", [True, False])
def test_exported_workbook_has_no_formula_on_either_body_path(tmp_path, monkeypatch, fast):
    """End to end: formula-like input text in a whole exported workbook, fast and cell path."""
    from conftest import rec, write_csv

    from screening.io.export import write_workbook
    from screening.pipeline import run

    monkeypatch.setattr(xlsx_stream, "FAST_ROWS", fast)
    bad = FORMULA_LIKE[:8] + ["#N/A"]
    result = run(
        write_csv(
            tmp_path / "f.csv",
            [rec(f"A{i}", project_name=b, description=b, lead_enterprise=b) for i, b in enumerate(bad)],
        )
    )
    out = tmp_path / "f.xlsx"
    write_workbook(result, out, "en")
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = zf.read(name)
                assert b"<f>" not in xml and b"<f " not in xml and b't="e"' not in xml, name
    wb = openpyxl.load_workbook(out)
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "s"}
    assert set(bad) <= texts


@pytest.mark.parametrize("fast", [True, False])
def test_wrapped_columns_wrap_on_either_body_path(tmp_path, fast):
    """The text cells of a ``wrap`` column wrap (a long reason is read in full), still as text, never a
    formula; the other columns and the numbers keep their own style."""
    frame = pd.DataFrame(
        {"id": ["A", "B", "C"], "reason": ["a long reason " * 20, "=1+1", None], "n": [1.5, 2.0, 3.0]}
    )
    wb = Workbook(write_only=True)
    ws = new_sheet(wb, "s")
    ws.append(list(frame.columns))
    write_body(ws, frame, {2: "0.00"}, Cleaner(), fast=fast, wrap={1})
    wb.save(tmp_path / "w.xlsx")
    got = openpyxl.load_workbook(tmp_path / "w.xlsx").worksheets[0]
    assert got["B2"].alignment.wrap_text and got["B3"].alignment.wrap_text
    assert got["B3"].value == "=1+1" and got["B3"].data_type == "s"
    assert not got["A2"].alignment.wrap_text and not got["C2"].alignment.wrap_text
    assert got["C2"].number_format == "0.00" and got["B4"].value is None


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("rows", [1, 2, 3, 100])
def test_a_body_written_in_slices_is_the_same_body(books, monkeypatch, tmp_path, path, rows):
    """``BODY_ROWS`` bounds the memory of a long body; slices of any size give the very same cells, the
    same cleaning counts, and row numbers that run on after the body."""
    reference = cells(books("mixed", path, BACKEND)[0])
    frame, fmts = FRAMES["mixed"]
    monkeypatch.setattr(xlsx_stream, "BODY_ROWS", rows)
    xlsx_stream._DIRECT_WRITE = path != "spliced"
    try:
        wb = Workbook(write_only=True)
        ws = new_sheet(wb, "mixed")
        ws.append(list(frame.columns))
        cleaner = Cleaner()
        write_body(ws, frame, fmts, cleaner, fast=path != "cells")
        ws.append(["after the body"])
        write_body(ws, frame.head(2), fmts, Cleaner(), fast=path != "cells")
        out = tmp_path / "sliced.xlsx"
        wb.save(out)
    finally:
        xlsx_stream._DIRECT_WRITE = True
    assert cells(out) == reference
    assert (cleaner.control_chars_removed, cleaner.cells_truncated) == (0, 2)
