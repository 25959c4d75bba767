"""Checks made before any parser touches an upload: size limits, file kind, zip bombs, encrypted parts,
DTD/entity declarations, and — before python-calamine allocates anything — each parsed sheet's real used
range, its cell count and the shared-string table (counted by streaming the XML with a byte budget).

Why stream the sheets first: calamine allocates a sheet as one dense rectangle from A1 to the last cell that
holds a value, so a 1.8 KB workbook with one value at ``XFD1048576`` asks for 549 GB and aborts the process
(no exception to catch); 60 M one-character shared strings abort it the same way. The scan reads the same
parts calamine will read (inflated by Python's zipfile, which stops at the declared size and checks the CRC),
finds the last row and column that hold a value, and refuses a sheet over ``MAX_ROWS``, ``MAX_COLUMNS`` or
``MAX_CELLS`` (screening/limits.py) with one line, before calamine runs. The declared ``<dimension>`` is not
trusted (calamine ignores it too). Cells of the error type whose value calamine does not know (Excel 365's
``#SPILL!``, ``#CALC!`` …) would make calamine refuse the whole workbook; such sheets are rewritten so that
those cells read as their error text, reported by validation as a data issue in that cell.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from posixpath import join, normpath
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from screening.i18n import text
from screening.limits import MB, ilimit, limit, mb
from screening.model import InputError

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}

# Kept as names for readers of older code; the values in force come from screening.limits.
MAX_UNCOMPRESSED_BYTES = int(limit("MAX_UNCOMPRESSED_BYTES"))
MAX_COMPRESSION_RATIO = int(limit("MAX_COMPRESSION_RATIO"))
MAX_PROLOG_BYTES = int(limit("MAX_PROLOG_BYTES"))

RATIO_FLOOR = int(limit("COMPRESSION_RATIO_FLOOR_BYTES"))  # the ratio check applies above this inflated size

CHUNK = 1 << 20


def refused(key: str, **fmt: object) -> InputError:
    said = text(key, **fmt)
    return InputError(said.en, said.zh)


def _damaged(part: str) -> InputError:
    return InputError(
        f"The workbook is damaged (part {part} cannot be read); open it in Excel and save it again",
        f"工作簿已损坏（部件 {part} 无法读取）；请在 Excel 中打开后重新保存",
    )


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook as a zip archive; an entry flagged as encrypted is refused here, before any is read."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise InputError(
            "The file is not a valid .xlsx workbook (it is not a zip archive); save it again as .xlsx or .csv",
            "该文件不是有效的 .xlsx 工作簿（不是 zip 压缩包）；请另存为 .xlsx 或 .csv",
        ) from None
    for info in zf.infolist():
        if info.flag_bits & 0x1:
            zf.close()
            raise refused("lim_encrypted_part", part=info.filename)
    return zf


def check_zip(data: bytes, skip: Iterable[str] = ()) -> None:
    """Refuse a workbook before any parser runs: not a zip, not a workbook, encrypted parts, a declared
    inflated size over ``MAX_UNCOMPRESSED_BYTES`` (or over ``MAX_COMPRESSION_RATIO`` above
    ``COMPRESSION_RATIO_FLOOR_BYTES``), or any XML
    part whose prolog declares a DTD or entities. Parts in ``skip`` (sheets that will never be parsed, e.g.
    the Rationale of a re-imported workbook) do not count towards the inflated size; their prologs are still
    checked."""
    skipped = set(skip)
    with open_zip(data) as zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise InputError(
                "The zip file is not an Excel workbook (no workbook parts inside)",
                "该 zip 文件不是 Excel 工作簿（缺少工作簿部件）",
            )
        counted = [i for i in infos if i.filename not in skipped]
        total = sum(i.file_size for i in counted)
        packed = max(1, sum(i.compress_size for i in counted))
        cap = limit("MAX_UNCOMPRESSED_BYTES")
        if total > cap:
            raise InputError(
                f"Refused: the workbook would expand to {total / 1e6:,.0f} MB (limit {cap / 1e6:,.0f} MB); it may be a decompression bomb",
                f"已拒绝：该工作簿解压后将达 {total / 1e6:,.0f} MB（上限 {cap / 1e6:,.0f} MB），可能是压缩炸弹",
            )
        ratio, ratio_cap = total / packed, limit("MAX_COMPRESSION_RATIO")
        floor = limit("COMPRESSION_RATIO_FLOOR_BYTES")
        if total > floor and ratio > ratio_cap:
            raise refused(
                "lim_compression_ratio",
                ratio=f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:,.2f}",
                size=_size(total),
                packed=_size(packed),
                limit=f"{ratio_cap:,g}",
                floor=_size(floor),
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) and _part_declares_dtd(zf, info):
                raise InputError(
                    f"Refused: workbook part {info.filename} declares a DTD or entities (possible entity-expansion attack)",
                    f"已拒绝：工作簿部件 {info.filename} 声明了 DTD 或实体（可能是实体扩展攻击）",
                )


def _size(n: float) -> str:
    """A size in words: bytes below a megabyte (small limits set by tests read sensibly), MB above."""
    return f"{n:,.0f} B" if n < MB else f"{mb(n)} MB"


def _part_declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Read one part's prolog; a part that cannot be decompressed means a damaged workbook."""
    try:
        with zf.open(info) as part:
            return _declares_dtd(part)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise _damaged(info.filename) from None


def _declares_dtd(stream: IO[bytes]) -> bool:
    """True if the XML prolog (everything before the root element) holds a ``<!DOCTYPE`` (and so possibly
    entities) or any other markup declaration. The prolog is read as XML — declaration, processing
    instructions, comments, whitespace — up to the root element, whatever its length up to
    ``MAX_PROLOG_BYTES``: a DTD hidden behind a long comment is found, and text inside a comment never passes
    for the root element. A prolog longer than the limit is refused as well (no workbook writer makes one).
    UTF-16 parts are decoded first."""
    budget = ilimit("MAX_PROLOG_BYTES")
    raw = b""
    while True:
        chunk = stream.read(65536)
        raw += chunk
        verdict = _prolog_verdict(raw, final=not chunk)
        if verdict is not None:
            return verdict
        if len(raw) > budget:
            return True
        if not chunk:
            return False


def _prolog_verdict(raw: bytes, final: bool) -> bool | None:
    """True: a declaration before the root; False: the root element (or no XML) comes first; None: read on."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        usable = len(raw) - (len(raw) % 2)
        doc = raw[:usable].decode("utf-16", errors="replace")
    else:
        doc = raw.decode("latin-1")
    more = None if not final else False
    pos = 0
    n = len(doc)
    while True:
        while pos < n and doc[pos] in " \t\r\n\ufeff\xef\xbb\xbf":
            pos += 1
        if pos >= n:
            return more
        if doc[pos] != "<":
            return False  # text before the root: not well-formed, the parser will say so
        if doc.startswith("<?", pos):
            end = doc.find("?>", pos + 2)
            if end < 0:
                return more
            pos = end + 2
        elif doc.startswith("<!--", pos):
            end = doc.find("-->", pos + 4)
            if end < 0:
                return more
            pos = end + 3
        elif doc.startswith("<!", pos):
            return True  # <!DOCTYPE, <!ENTITY or any other declaration before the root
        elif n - pos < 4 and not final:
            return None
        else:
            return False  # the root element: the prolog is over


def sniff(data: bytes, name: str) -> str:
    lower = name.lower()
    if not data:
        raise InputError("The file is empty", "文件为空")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(
            "This is an old .xls workbook or a password-protected one; open it in Excel and save it as .xlsx without a password",
            "这是旧版 .xls 工作簿或加密工作簿；请在 Excel 中另存为不加密的 .xlsx",
        )
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if lower.endswith((".xlsx", ".xlsm")):
        raise InputError(
            "The file is named .xlsx but is not a workbook; save it again from Excel, or as .csv",
            "文件扩展名为 .xlsx 但内容不是工作簿；请在 Excel 中重新保存，或另存为 .csv",
        )
    if lower.endswith(".xls"):
        raise InputError(
            "Old .xls workbooks are not supported; save it as .xlsx", "不支持旧版 .xls 工作簿；请另存为 .xlsx"
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "The file is neither a workbook nor a text CSV file", "该文件既不是工作簿也不是文本 CSV 文件"
        )
    return "csv"


# ------------------------------------------------------------------------------------------ workbook parts


def xml_or_refuse(raw: bytes, part: str) -> SafeET.Element:
    """A small workbook part parsed with defusedxml; any refusal (DTD, entities) or parse error is one line."""
    try:
        return SafeET.fromstring(raw)
    except DefusedXmlException:
        raise InputError(
            f"Refused: workbook part {part} declares a DTD or entities (possible entity-expansion attack)",
            f"已拒绝：工作簿部件 {part} 声明了 DTD 或实体（可能是实体扩展攻击）",
        ) from None
    except SafeET.ParseError:
        raise _damaged(part) from None


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path inside the archive (from workbook.xml and its relationships)."""
    try:
        wb = xml_or_refuse(zf.read("xl/workbook.xml"), "xl/workbook.xml")
        rels = xml_or_refuse(zf.read("xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise _damaged("xl/workbook.xml") from None
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out: dict[str, str] = {}
    for sheet in wb.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"))
        if target:
            out[sheet.get("name", "")] = (
                normpath(target.lstrip("/")) if target.startswith("/") else normpath(join("xl", target))
            )
    return out


def workbook_sheet_names(data: bytes) -> list[str]:
    """The sheet names a workbook declares (reads only workbook.xml)."""
    with open_zip(data) as zf:
        return list(sheet_parts(zf))


@dataclass
class SheetScan:
    """What streaming one worksheet part found: the used range of cells holding a value, the cells, and
    whether any cell is of the error type."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    error_cells: bool = False


@dataclass
class WorkbookScan:
    sheets: dict[str, SheetScan] = field(default_factory=dict)
    shared_strings: int = 0

    @property
    def rewrite(self) -> list[str]:
        return [name for name, s in self.sheets.items() if s.error_cells]


_CELL = re.compile(rb"<c\b([^>]*?)(/?)>")
_ROW = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,8})"')
_ROW_TAG = re.compile(rb"<row\b")
_ERROR_TYPE = re.compile(rb'\bt="e"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterable[bytes]:
    """A part's inflated bytes in chunks that end at a tag boundary, stopping past ``budget`` bytes."""
    seen = 0
    tail = b""
    try:
        with zf.open(info) as part:
            while True:
                chunk = part.read(CHUNK)
                if not chunk:
                    break
                seen += len(chunk)
                if seen > budget:
                    raise refused("lim_part_too_large", part=info.filename, limit=mb(budget))
                buf = tail + chunk
                cut = buf.rfind(b">") + 1
                if cut == 0 and len(buf) > 4 * CHUNK:
                    cut = len(buf)  # no tag end in megabytes: plain text, pass it on
                yield buf[:cut]
                tail = buf[cut:]
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise _damaged(info.filename) from None
    if tail:
        yield tail


_REF_CELL = re.compile(rb'<c\b[^>]*?\br="\$?([A-Za-z]{1,4})\$?([0-9]{1,8})"[^>]*?(/?)>')
_CELL_TAG = re.compile(rb"<c\b")


def scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> SheetScan:
    """The used range of a worksheet part from its cells that hold a value (self-closing ``<c …/>`` cells
    hold only a style), found by streaming the XML; cells without an ``r`` reference are placed in sequence
    as calamine places them.

    Per chunk, not per cell: the regular expressions find every tag and reference in C, the largest row is
    one ``max`` over the row numbers and the largest column is looked up once per distinct column letters
    (a 100,000-row re-import spent most of its read here when each cell was a Python step)."""
    scan = SheetScan()
    max_row = 0
    max_col = 0
    row_tags = 0
    max_row_tag = 0
    unreferenced = 0
    for chunk in _stream(zf, info, budget):
        row_tags += len(_ROW_TAG.findall(chunk))
        row_numbers = _ROW.findall(chunk)
        if row_numbers:
            max_row_tag = max(max_row_tag, max(map(int, row_numbers)))
        cells = len(_CELL_TAG.findall(chunk))
        refs = _REF_CELL.findall(chunk)
        scan.cells += cells
        unreferenced += cells - len(refs)
        held = [(letters, row) for letters, row, closed in refs if not closed]
        if held:
            max_row = max(max_row, max(map(int, (row for _, row in held))))
            max_col = max(max_col, max(map(_column_number, {letters for letters, _ in held})))
        if not scan.error_cells and b't="e"' in chunk:
            scan.error_cells = any(_ERROR_TYPE.search(a) for a, _ in _CELL.findall(chunk))
    # a row tag alone (only styled cells) holds nothing; cells without a reference sit in their row
    scan.rows = max(max_row, max(row_tags, max_row_tag) if unreferenced else 0)
    scan.columns = max(max_col, unreferenced if unreferenced else 0)
    return scan


def scan_workbook(data: bytes, sheets: Iterable[str] | None = None) -> WorkbookScan:
    """Stream the parts calamine will read (the named sheets, or all; the shared strings) and refuse any over
    its limit before calamine allocates it. Call after :func:`check_zip`."""
    out = WorkbookScan()
    budget = ilimit("MAX_UNCOMPRESSED_BYTES")
    with open_zip(data) as zf:
        parts = sheet_parts(zf)
        wanted = list(parts) if sheets is None else [s for s in sheets if s in parts]
        infos = {i.filename: i for i in zf.infolist()}
        shared = infos.get("xl/sharedStrings.xml")
        if shared is not None:
            out.shared_strings = _scan_shared(zf, shared)
        max_rows, max_cols, max_cells = ilimit("MAX_ROWS"), ilimit("MAX_COLUMNS"), ilimit("MAX_CELLS")
        total_cells = 0
        for name in wanted:
            info = infos.get(parts[name])
            if info is None:
                continue
            scan = scan_sheet(zf, info, budget)
            out.sheets[name] = scan
            if scan.columns > max_cols:
                raise refused(
                    "lim_too_many_columns", sheet=name, n=f"{scan.columns:,}", limit=f"{max_cols:,}"
                )
            if scan.rows > max_rows:
                raise refused("lim_too_many_rows", sheet=name, n=f"{scan.rows:,}", limit=f"{max_rows:,}")
            total_cells += max(scan.rows * scan.columns, scan.cells)
            if total_cells > max_cells:
                raise refused(
                    "lim_too_many_cells",
                    sheet=name,
                    rows=f"{scan.rows:,}",
                    columns=f"{scan.columns:,}",
                    limit=f"{max_cells:,}",
                )
    return out


_SI = re.compile(rb"<si\b")


def _scan_shared(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    text_budget = ilimit("MAX_SHARED_TEXT_BYTES")
    count_budget = ilimit("MAX_SHARED_STRINGS")
    if info.file_size > text_budget:
        raise refused("lim_shared_text", size=mb(info.file_size), limit=mb(text_budget))
    count = 0
    for chunk in _stream(zf, info, text_budget):
        count += len(_SI.findall(chunk))
        if count > count_budget:
            raise refused("lim_shared_strings", limit=f"{count_budget:,}")
    return count


_ERROR_CELL = re.compile(rb'(<c\b[^>]*?\s)t="e"')


def with_error_cells_as_text(data: bytes, sheets: Iterable[str]) -> bytes:
    """The workbook with every error-type cell of ``sheets`` turned into a text cell holding its error value
    (``#DIV/0!``, ``#SPILL!`` …): calamine refuses whole workbooks over error values it does not know and
    reads the ones it knows as blank; as text, validation reports each as an error in that cell."""
    targets = set(sheets)
    src = open_zip(data)
    out = io.BytesIO()
    with src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        parts = sheet_parts(src)
        rewrite = {parts[s] for s in targets if s in parts}
        for info in src.infolist():
            try:
                body = src.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
                raise _damaged(info.filename) from None
            if info.filename in rewrite:
                body = _ERROR_CELL.sub(rb'\1t="str"', body)
            dst.writestr(info.filename, body)
    return out.getvalue()
