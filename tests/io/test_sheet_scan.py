"""The sheet pre-scan (``safety.scan_sheet``) works per chunk, not per cell (issue 15, item 5: the 100,000-row
re-import spent most of its read there). It must find what the cell-by-cell scan it replaced found — the
used range of cells that hold a value, the cell count, whether any cell is an error — on any sheet: the old
scan is kept here as the reference and both run on generated sheets, in chunks as small as one tag."""

from __future__ import annotations

import io
import zipfile

import pytest
from hostile_corpus import _col
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.io import safety
from screening.io.safety import _CELL, _ERROR_TYPE, _ROW, _ROW_TAG, SheetScan, _column_number, _stream

_REF = safety.re.compile(rb'\br="\$?([A-Za-z]{1,4})\$?([0-9]{1,8})"')


def reference_scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> SheetScan:
    """The cell-by-cell scan as it was before (commit 2e5ca10), unchanged."""
    scan = SheetScan()
    max_row = 0
    max_col = 0
    row_tags = 0
    max_row_tag = 0
    unreferenced = 0
    for chunk in _stream(zf, info, budget):
        row_tags += len(_ROW_TAG.findall(chunk))
        for r in _ROW.findall(chunk):
            max_row_tag = max(max_row_tag, int(r))
        for attrs, closed in _CELL.findall(chunk):
            scan.cells += 1
            ref = _REF.search(attrs)
            if ref is None:
                unreferenced += 1
                continue
            if closed:
                continue
            max_col = max(max_col, _column_number(ref.group(1)))
            max_row = max(max_row, int(ref.group(2)))
            if not scan.error_cells and _ERROR_TYPE.search(attrs):
                scan.error_cells = True
        if not scan.error_cells and b't="e"' in chunk:
            scan.error_cells = any(_ERROR_TYPE.search(a) for a, _ in _CELL.findall(chunk))
    scan.rows = max(max_row, max(row_tags, max_row_tag) if unreferenced else 0)
    scan.columns = max(max_col, unreferenced if unreferenced else 0)
    return scan


_cell = st.fixed_dictionaries(
    {
        "row": st.integers(1, 1_048_576),
        "col": st.integers(1, 16_384),
        "ref": st.sampled_from(["plain", "absolute", "none", "after_style"]),
        "kind": st.sampled_from(["value", "styled_empty", "error", "inline", "shared"]),
    }
)


def _cell_xml(c: dict[str, object]) -> str:
    col, row = _col(int(c["col"])), int(c["row"])  # type: ignore[call-overload]
    ref = {"plain": f' r="{col}{row}"', "absolute": f' r="${col}${row}"', "none": "", "after_style": ""}[
        str(c["ref"])
    ]
    lead = f' s="2" r="{col}{row}"' if c["ref"] == "after_style" else ref
    kind = c["kind"]
    if kind == "styled_empty":
        return f'<c{lead} s="1"/>'
    if kind == "error":
        return f'<c{lead} t="e"><v>#SPILL!</v></c>'
    if kind == "inline":
        return f'<c{lead} t="inlineStr"><is><t>x &gt; y</t></is></c>'
    if kind == "shared":
        return f'<c{lead} t="s"><v>0</v></c>'
    return f"<c{lead}><v>1.5</v></c>"


def _part(rows: list[tuple[int | None, list[dict[str, object]]]]) -> bytes:
    body = "".join(
        (f'<row r="{r}">' if r is not None else "<row>") + "".join(_cell_xml(c) for c in cells) + "</row>"
        for r, cells in rows
    )
    xml = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1"/><sheetData>{body}</sheetData></worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("sheet.xml", xml)
    return buf.getvalue()


def _both(data: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch) -> tuple[SheetScan, SheetScan]:
    monkeypatch.setattr(safety, "CHUNK", chunk)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("sheet.xml")
        return safety.scan_sheet(zf, info, 1 << 30), reference_scan(zf, info, 1 << 30)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.one_of(st.none(), st.integers(1, 1_048_576)), st.lists(_cell, max_size=6)), max_size=8
    ),
    chunk=st.sampled_from([64, 256, 1 << 20]),  # a tag (< 64 bytes here) is never cut: 4 × CHUNK
)
def test_per_chunk_scan_finds_what_the_per_cell_scan_found(
    rows: list[tuple[int | None, list[dict[str, object]]]], chunk: int
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        new, old = _both(_part(rows), chunk, mp)
    assert new == old


@pytest.mark.parametrize(
    "cells,expected",
    [
        ('<c r="XFD1048576"><v>1</v></c>', (1_048_576, 16_384, 1, False)),
        ('<c r="XFD1048576" s="1"/>', (0, 0, 1, False)),  # a style alone holds nothing
        ('<c r="B2" t="e"><v>#CALC!</v></c><c r="AA3"><v>1</v></c>', (3, 27, 2, True)),
        ("<c><v>1</v></c>" * 3, (1, 3, 3, False)),  # no reference: placed in sequence
    ],
)
def test_known_sheets(
    cells: str, expected: tuple[int, int, int, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData><row>{cells}</row></sheetData></worksheet>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("sheet.xml", xml)
    data = buf.getvalue()
    for chunk in (64, 1 << 20):
        new, old = _both(data, chunk, monkeypatch)
        assert new == old
        assert (new.rows, new.columns, new.cells, new.error_cells) == expected
