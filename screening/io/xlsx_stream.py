"""Table bodies streamed into openpyxl write-only sheets: cleaned once, always safe, fast with or without lxml.

Interface (all that :mod:`screening.io.export` uses)::

    cleaner = Cleaner()                     # counts what cleaning changed, for the Audit sheet
    ws = new_sheet(wb, title)               # a write-only sheet of Workbook(write_only=True) that takes blocks
    write_body(ws, frame, {col: fmt}, cleaner, wrap={col})  # a frame's rows, long text wrapped in columns wrap
    text_cell(ws, text)                     # a cell that is always text (for single cells written elsewhere)

Safety (DESIGN.md contract 6), the same on both body paths because cleaning happens once, in
:meth:`Cleaner.column`, before either path sees a value: NaN / inf / NA become empty cells; illegal control
characters are removed and counted; text is cut at Excel's :data:`MAX_CELL` characters with
:data:`TRUNCATION_MARK` and counted; anything that is not a number or a bool becomes text. After cleaning a
value is ``None``, ``bool``, ``int``, ``float`` or ``str``, and **every str is written as a text cell**:

* fast path (:data:`FAST_ROWS`, the default): each row is serialised by :class:`_Block` as raw XML whose only
  form for text is an inline string (``t="inlineStr"``); this module never writes ``<f>``.
* cell path (``FAST_ROWS = False``, or a sheet that is not ours): openpyxl cells; a str that openpyxl would
  type as a formula (``=...``) or an error (``#N/A``...) goes through :func:`text_cell` (``data_type="s"``).

Independent of lxml: openpyxl streams a sheet through ``et_xmlfile`` or, when lxml is installed, through
``lxml.etree.xmlfile``. The row XML is made the same way for both; only where it goes differs:

* et_xmlfile's writer keeps its output function in ``_file``: the rows are written there directly, in order
  with openpyxl's own output (the quickest; the default install).
* any other writer (lxml's takes no raw text): the rows go to a spool file and the stream gets a placeholder
  element (``<screening-rows/>``, made with openpyxl's own ``Element`` class for the active backend); when
  the sheet is closed the placeholders are replaced by the spooled rows (:func:`_splice`: one more
  sequential copy of the rows, about 5 % of the export time). Cell text can never contain a placeholder: every
  ``<`` in text is escaped. The tests run this path under et_xmlfile too (:data:`_DIRECT_WRITE`), and
  compare the row XML of both backends byte for byte.

openpyxl private internals used (pinned to 3.1.x in pyproject.toml; ``tests/io/test_xlsx_stream.py`` checks
:func:`missing_internals`, and at run time a missing one sends every body through the cell path, logged):

* ``openpyxl.worksheet._write_only.WriteOnlyWorksheet`` is subclassed (:class:`_StreamSheet`) to take blocks:
  ``_get_writer()`` (creates the sheet's ``WorksheetWriter``), ``_rows`` (the row generator, started on first
  use), ``_write_rows`` (overridden: openpyxl's loop plus blocks), ``_values_to_row()`` and
  ``_already_saved()`` (used as openpyxl uses them), ``close()`` (extended: splice after openpyxl closes).
* ``WriteOnlyWorksheet._writer`` (``openpyxl.worksheet._writer.WorksheetWriter``): its ``xf`` generator
  protocol (``send(True)`` yields the xmlfile writer, ``send(None)`` hands control back), ``write_row()``
  and ``out`` (path of the sheet's temporary XML file, spliced in place before openpyxl zips it).
* ``Workbook._add_sheet()``: registers a :class:`_StreamSheet` (``create_sheet``'s own step; there is no
  public way to add a sheet of a subclass).
* ``openpyxl.xml.functions.Element`` (the active backend's element class) for the placeholder.
* ``et_xmlfile.xmlfile._IncrementalFileWriter._file`` (et_xmlfile, not openpyxl): used when present and
  callable, else the spool; so its absence costs speed, never correctness.
"""

from __future__ import annotations

import logging
import math
import os
import re
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

import numpy as np
import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import Element

__all__ = [
    "FAST_ROWS",
    "MAX_CELL",
    "TRUNCATION_MARK",
    "TESTED_OPENPYXL",
    "WRAP",
    "Cleaner",
    "missing_internals",
    "new_sheet",
    "text_cell",
    "write_body",
]

log = logging.getLogger("screening.io")

FAST_ROWS = (
    True  # table bodies as raw row XML (False: through openpyxl cells; same workbook, several times slower)
)

TESTED_OPENPYXL = "3.1"  # the openpyxl minor version whose internals this module uses (pyproject pins it)

MAX_CELL = 32_767  # Excel's characters per cell

TRUNCATION_MARK = " …[truncated / 已截断]"

# What XML 1.0 cannot hold: C0 controls other than tab, LF and CR (openpyxl's own list), and also lone
# surrogates and the non-characters U+FFFE / U+FFFF, which openpyxl lets through into a workbook that then
# cannot be opened (issue 15). Removed and counted on every path (bodies, headers, single cells, sheet names).
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# ---- cleaning (once, before either body path)


class Cleaner:
    """Turns values into what a cell may hold; counts the control characters removed and the cells cut."""

    def __init__(self) -> None:
        self.control_chars_removed = 0
        self.cells_truncated = 0

    def value(self, value: Any) -> Any:
        """One value as ``None``, ``bool``, ``int``, ``float`` or cleaned ``str`` (exactly these classes:
        numpy scalars and subclasses such as ``np.float64`` are converted, so no writer has to guess)."""
        cls = value.__class__
        if cls is float:
            return value if math.isfinite(value) else None
        if cls is int or cls is bool:
            return value
        if cls is not str:
            if value is None or value is pd.NA or value is pd.NaT:
                return None
            if isinstance(value, bool | np.bool_):
                return bool(value)
            if isinstance(value, int | np.integer):
                return int(value)
            if isinstance(value, float | np.floating):
                f = float(value)
                return f if math.isfinite(f) else None
            if isinstance(value, np.datetime64 | np.timedelta64) and np.isnat(value):
                return None
            value = str(value)
        if XML_ILLEGAL_RE.search(value):
            self.control_chars_removed += len(XML_ILLEGAL_RE.findall(value))
            value = XML_ILLEGAL_RE.sub("", value)
        if len(value) > MAX_CELL:
            self.cells_truncated += 1
            value = value[: MAX_CELL - len(TRUNCATION_MARK)] + TRUNCATION_MARK
        return value

    def column(self, values: pd.Series) -> list[Any]:
        """One column as cleaned values (see :meth:`value`), vectorised for numeric dtypes."""
        kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"
        if kind == "f":
            arr = values.to_numpy(dtype=float)
            obj = arr.astype(object)
            obj[~np.isfinite(arr)] = None
            return cast(list[Any], obj.tolist())
        if kind in "iub":
            return cast(list[Any], values.to_numpy().tolist())
        clean = self.value
        cache: dict[str, str] = {}  # text that needed no change, cleaned once (counts stay per cell)
        out: list[Any] = []
        for v in values.to_numpy(dtype=object):
            if v.__class__ is str:
                c = cache.get(v)
                if c is None:
                    c = clean(v)
                    if c is v:
                        cache[v] = c
                out.append(c)
            else:
                out.append(clean(v))
        return out

    def columns(self, frame: pd.DataFrame) -> list[list[Any]]:
        return [self.column(frame.iloc[:, i]) for i in range(frame.shape[1])]


# ---- interface


def text_cell(ws: Worksheet, value: str) -> Cell:
    """A write-only cell that is text whatever it starts with (``=``, ``#N/A``...): never a formula."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def new_sheet(wb: Workbook, title: str) -> Worksheet:
    """A new last sheet of a write-only workbook; :func:`write_body` streams into it fast when it can."""
    if not _FAST_OK:
        return cast(Worksheet, wb.create_sheet(title))
    ws = _StreamSheet(parent=wb, title=title)
    wb._add_sheet(ws)  # openpyxl-internal (create_sheet's own step)
    return cast(Worksheet, ws)  # the write-only sheet borrows Worksheet's interface (its stubs omit it)


# why: a body is cleaned and serialised this many rows at a time, so that writing a sheet of 100k rows of
# 130 columns holds one slice's cells as Python values and XML, never the whole sheet's (≈ 1 GB).
BODY_ROWS = 5000

WRAP = Alignment(wrap_text=True, vertical="top")  # long text (reasons, sources, notes): wrapped, never cut


def write_body(
    ws: Worksheet,
    frame: pd.DataFrame,
    formats: dict[int, str],
    cleaner: Cleaner,
    fast: bool | None = None,
    wrap: set[int] | frozenset[int] = frozenset(),
) -> None:
    """Append the rows of ``frame`` (number formats by column position), cleaned once by ``cleaner``; the
    text cells of the columns at positions ``wrap`` wrap (:data:`WRAP`) so a long reason is read in full.

    ``fast`` (default :data:`FAST_ROWS`) picks the raw-XML path on sheets from :func:`new_sheet`; otherwise,
    or on any other sheet, openpyxl cells. Both write the same cell values, types and styles.
    """
    raw_xml = (FAST_ROWS if fast is None else fast) and isinstance(ws, _StreamSheet)
    for start in range(0, max(len(frame), 1), BODY_ROWS):
        columns = cleaner.columns(frame.iloc[start : start + BODY_ROWS])
        if raw_xml:
            ws.append_block(_Block(columns, formats, wrap))
        else:
            for row in _cell_rows(ws, columns, formats, wrap):
                ws.append(row)


def missing_internals() -> list[str]:
    """The openpyxl internals this module relies on that the installed openpyxl lacks (empty: all there)."""
    need = {
        WriteOnlyWorksheet: (
            "_get_writer",
            "_write_rows",
            "_values_to_row",
            "_already_saved",
            "close",
            "_rows",
            "_writer",
            "append",
            "closed",
        ),
        WorksheetWriter: ("get_stream", "write_row", "write_top", "write_tail", "close", "cleanup"),
        Workbook: ("_add_sheet", "create_sheet"),
    }
    missing = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls, names in need.items()
        for name in names
        if not hasattr(cls, name)
    ]
    try:
        wb = Workbook(write_only=True)
        writer = WorksheetWriter(wb.create_sheet("probe"))
        for name in ("xf", "out"):
            if not hasattr(writer, name):
                missing.append(f"openpyxl.worksheet._writer.WorksheetWriter().{name}")
        writer.close()
        writer.cleanup()
    except Exception as exc:  # any failure here means the protocol changed
        missing.append(f"WorksheetWriter(sheet) failed: {exc!r}")
    return missing


# ---- cell path

_TYPED_BY_OPENPYXL = ("=", "#")  # str that openpyxl types as a formula (``=...``) or an error (``#N/A``...)


def _cell_rows(
    ws: Worksheet,
    columns: list[list[Any]],
    formats: dict[int, str],
    wrap: set[int] | frozenset[int] = frozenset(),
) -> Iterator[list[Any]]:
    """Rows for ``ws.append``: a str that openpyxl would type as a formula or an error through
    :func:`text_cell` (any other str openpyxl types ``"s"`` itself; the tests check every str cell of this
    path is ``"s"``), number formats on one reused cell per column, text of a ``wrap`` column on one reused
    wrapped text cell per column."""
    styled = {}
    for i, fmt in formats.items():
        c = WriteOnlyCell(ws)
        c.number_format = fmt
        styled[i] = c
    wrapped = {}
    for i in wrap:
        c = WriteOnlyCell(ws)
        c.alignment = WRAP
        wrapped[i] = c
    for values in zip(*columns, strict=True):
        row = list(values)
        for i, v in enumerate(row):
            if v.__class__ is str:
                if not v:
                    row[i] = None  # as the fast path: no cell for empty text
                elif i in wrapped:
                    cell = wrapped[i]
                    cell.value = v
                    cell.data_type = "s"  # text whatever it starts with: never a formula
                    row[i] = cell
                elif v.startswith(_TYPED_BY_OPENPYXL):
                    row[i] = text_cell(ws, v)
            elif (
                v is not None and v.__class__ is not bool and i in styled
            ):  # as the fast path: bools unstyled
                cell = styled[i]
                cell.value = v  # one reused styled cell per column: serialised on append
                row[i] = cell
        yield row


# ---- fast path

_MARK = "screening-rows"  # placeholder element for a spooled block
_MARK_RE = re.compile(rb"<screening-rows ?/>")  # as et_xmlfile (with the space) and lxml write it
_MARK_MAX = len(b"<screening-rows />")
_SPLICE_CHUNK = 1 << 22  # bytes read at a time (tests make it tiny)
_DIRECT_WRITE = True  # rows straight into et_xmlfile's stream when it allows (tests: False, to splice)


class _StreamSheet(WriteOnlyWorksheet):
    """A write-only sheet that also takes whole blocks of rows (:meth:`append_block`).

    openpyxl serialises each cell through an element tree, which dominates the time of a large workbook. A
    block's rows are written as raw XML, into openpyxl's stream or (lxml) a spool that :meth:`close`
    splices in. Headers, comments, formatting, validation and charts still go through openpyxl.
    """

    if TYPE_CHECKING:  # WriteOnlyWorksheet internals that its stubs leave out
        _writer: Any
        _rows: Generator[None, Any, None] | None

        def _get_writer(self) -> None: ...
        def _already_saved(self) -> NoReturn: ...
        def _values_to_row(self, values: Iterable[Any], row_idx: int) -> Iterator[Cell]: ...

    def __init__(self, parent: Workbook, title: str) -> None:
        super().__init__(parent, title)
        self._spool: IO[bytes] | None = None
        self._spans: list[tuple[int, int]] = []  # (offset, length) in the spool, one per placeholder

    def append_block(self, block: _Block) -> None:
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(block)

    def _write_rows(self) -> Generator[None, Any, None]:  # openpyxl's loop, plus blocks
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, _Block):
                        row_idx = self._write_block(xf, row, row_idx)
                        continue
                    row = self._values_to_row(row, row_idx)
                    self._writer.write_row(xf, row, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _write_block(self, xf: Any, block: _Block, first: int) -> int:
        direct = getattr(xf, "_file", None) if _DIRECT_WRITE else None
        if callable(direct):  # et_xmlfile: its own output function (text)
            return block.write(direct, first, self)
        if self._spool is None:
            log.debug(
                "xlsx_stream: %s takes no raw rows; spooling them for %r", type(xf).__name__, self.title
            )
            self._spool = tempfile.TemporaryFile(prefix="screening-rows.")
        spool = self._spool
        start = spool.tell()
        nxt = block.write(lambda text: spool.write(text.encode("utf-8")), first, self)
        self._spans.append((start, spool.tell() - start))
        xf.write(Element(_MARK))
        return nxt

    def close(self) -> None:
        try:
            super().close()
            if self._spool is not None:
                _splice(self._writer.out, self._spool, self._spans)
        finally:
            if self._spool is not None:
                self._spool.close()
                self._spool = None


def _splice(path: str, spool: IO[bytes], spans: list[tuple[int, int]]) -> None:
    """Replace the k-th placeholder in the sheet file at ``path`` by the k-th span of ``spool``, in place."""
    tmp = f"{path}.splice"
    k = 0
    try:
        with open(path, "rb") as src, open(tmp, "wb") as dst:
            buf = b""
            while True:
                chunk = src.read(_SPLICE_CHUNK)
                buf += chunk
                pos = 0
                for m in _MARK_RE.finditer(buf):
                    if k == len(spans):
                        raise RuntimeError(f"xlsx_stream: more row placeholders than blocks in {path}")
                    dst.write(buf[pos : m.start()])
                    offset, length = spans[k]
                    spool.seek(offset)
                    while length:
                        piece = spool.read(min(length, 1 << 22))
                        dst.write(piece)
                        length -= len(piece)
                    k += 1
                    pos = m.end()
                buf = buf[pos:]
                if not chunk:
                    dst.write(buf)
                    break
                if len(buf) >= _MARK_MAX:  # keep a tail that may be the start of a placeholder
                    dst.write(buf[: 1 - _MARK_MAX])
                    buf = buf[1 - _MARK_MAX :]
        if k != len(spans):
            raise RuntimeError(f"xlsx_stream: {len(spans)} blocks but {k} row placeholders in {path}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class _Block:
    """Cleaned columns of one table body, serialised as raw row XML (:meth:`write`)."""

    CHUNK = 2000  # rows per write

    def __init__(
        self, columns: list[list[Any]], formats: dict[int, str], wrap: set[int] | frozenset[int] = frozenset()
    ) -> None:
        self.columns, self.formats, self.wrap = columns, formats, wrap

    def write(self, out: Callable[[str], object], first: int, ws: Worksheet | WriteOnlyWorksheet) -> int:
        """Write rows ``first``, ``first + 1``, ... through ``out``; return the next row number."""
        n = len(self.columns[0]) if self.columns else 0
        letters = [get_column_letter(i + 1) for i in range(len(self.columns))]
        styles = {}
        for i, fmt in self.formats.items():
            c = WriteOnlyCell(ws)
            c.number_format = fmt
            styles[i] = f' s="{c.style_id}"'
        text_style = ""
        if self.wrap:
            c = WriteOnlyCell(ws)
            c.alignment = WRAP
            text_style = f' s="{c.style_id}"'
        parts = [
            self._parts(col, styles.get(i, ""), text_style if i in self.wrap else "")
            for i, col in enumerate(self.columns)
        ]
        pairs = list(zip(letters, parts, strict=True))
        for start in range(0, n, self.CHUNK):
            rows = []
            for k in range(start, min(n, start + self.CHUNK)):
                r = first + k
                cells = "".join([f'<c r="{L}{r}"{p[k]}' for L, p in pairs if p[k] is not None])
                rows.append(f'<row r="{r}">{cells}</row>')
            out("".join(rows))
        return first + n

    @staticmethod
    def _parts(values: list[Any], style: str, text_style: str = "") -> list[str | None]:
        """The part of each ``<c>`` element after its reference, or None for an empty cell (``text_style``:
        the style attribute of text cells, e.g. wrapped)."""
        text: dict[str, str] = {}
        number: dict[Any, str] = {}
        out: list[str | None] = []
        for v in values:
            cls = v.__class__
            if v is None or v == "":
                out.append(None)
            elif cls is str:
                p = text.get(v)
                if p is None:
                    p = text[v] = text_style + _inline(v)
                out.append(p)
            elif cls is bool:
                out.append(f' t="b"><v>{int(v)}</v></c>')
            elif cls is float or cls is int:
                p = number.get(v)
                if p is None:
                    p = number[v] = f'{style} t="n"><v>{v!r}</v></c>'
                out.append(p)
            else:  # not produced by Cleaner; text, never anything else
                out.append(text_style + _inline(str(v)))
        return out


def _inline(text: str) -> str:
    """An inline-string cell tail (as openpyxl writes text): always text, never a formula."""
    body = (
        text.translate(_XML_ESCAPE) if ("&" in text or "<" in text or ">" in text or "\r" in text) else text
    )
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f' t="inlineStr"><is><t{space}>{body}</t></is></c>'


_MISSING = missing_internals()
_FAST_OK = not _MISSING
if _MISSING:
    log.warning(
        "openpyxl %s lacks internals the fast workbook writer uses (%s); writing every sheet body "
        "through openpyxl cells (correct, several times slower)",
        openpyxl.__version__,
        ", ".join(_MISSING),
    )
