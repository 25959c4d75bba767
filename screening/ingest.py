"""Reading: workbooks and CSV files in, raw tables with true spreadsheet row numbers out.

The project sheet is found by its headers, not its position; the header row is found within the first rows
even under title rows; an optional ``countries`` sheet is found the same way. Workbooks are checked before
any parser touches them: a zip whose declared size is too large (a decompression bomb) or an XML part that
declares a DTD or entities ("billion laughs") is refused. Reading uses python-calamine (fast, Rust).
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import numpy as np
import pandas as pd

from .columns import COUNTRY_COLUMNS, REQUIRED, header_lookup, norm_key
from .mapping import Mapping

MAX_INPUT_BYTES = 200 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
HEADER_SEARCH_ROWS = 30
MAX_PROLOG_BYTES = 1 << 20


class InputError(ValueError):
    """The input cannot be read at all; ``en``/``zh`` say why in one line, and what to do."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class RawTable:
    """One sheet's records as read: raw cell values, the canonical name of each matched header."""

    sheet: str
    header_row: int                      # the row number a spreadsheet program shows
    frame: pd.DataFrame                  # raw values; columns are the canonical name or the header as written
    source_rows: np.ndarray              # row number of each record, as a spreadsheet program shows it
    matched: dict[str, str]              # header as written → canonical name
    renamed: dict[str, str] = field(default_factory=dict)  # canonical → header as written (for messages)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Input:
    name: str
    sha256: str
    projects: RawTable
    countries: RawTable | None
    sheets: list[str]
    exported: bool = False               # a workbook this tool wrote (has its Audit sheet)
    # Re-imported exported workbook only: one row per record read (row_key = position in projects.frame),
    # with source_sheet, source_row, reviewer_decision, reviewer_note and the previous outcome/rank/score/tier.
    reviews: pd.DataFrame | None = None


# ----------------------------------------------------------------- safety


def _check_zip(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError("The file is not a valid .xlsx workbook (it is not a zip archive); save it again as .xlsx or .csv",
                         "该文件不是有效的 .xlsx 工作簿（不是 zip 压缩包）；请另存为 .xlsx 或 .csv") from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO and total > 50 * 1024 * 1024:
            raise InputError(
                f"Refused: the workbook would expand to {total / 1e6:,.0f} MB (limit {MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB); it may be a decompression bomb",
                f"已拒绝：该工作簿解压后将达 {total / 1e6:,.0f} MB（上限 {MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB），可能是压缩炸弹")
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise InputError("The zip file is not an Excel workbook (no workbook parts inside)",
                             "该 zip 文件不是 Excel 工作簿（缺少工作簿部件）")
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                if _part_declares_dtd(zf, info):
                    raise InputError(
                        f"Refused: workbook part {info.filename} declares a DTD or entities (possible entity-expansion attack)",
                        f"已拒绝：工作簿部件 {info.filename} 声明了 DTD 或实体（可能是实体扩展攻击）")


def _part_declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Read one part's prolog; a part that cannot be decompressed means a damaged workbook."""
    try:
        with zf.open(info) as part:
            return _declares_dtd(part)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise InputError(f"The workbook is damaged (part {info.filename} cannot be read); open it in Excel and save it again",
                         f"工作簿已损坏（部件 {info.filename} 无法读取）；请在 Excel 中打开后重新保存") from None


def _declares_dtd(stream: IO[bytes]) -> bool:
    """True if the XML prolog (everything before the root element) holds <!DOCTYPE or <!ENTITY."""
    seen = b""
    while len(seen) < MAX_PROLOG_BYTES:
        chunk = stream.read(65536)
        if not chunk:
            break
        seen += chunk
        upper = seen.upper()
        if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
            return True
        pos = 0
        while True:  # the root element starts at the first '<' followed by a name character
            lt = seen.find(b"<", pos)
            if lt < 0 or lt + 1 >= len(seen):
                break
            nxt = seen[lt + 1:lt + 2]
            if nxt.isalpha() or nxt == b"_":
                return False
            pos = lt + 1
    return len(seen) >= MAX_PROLOG_BYTES


def _sniff(data: bytes, name: str) -> str:
    lower = name.lower()
    if not data:
        raise InputError("The file is empty", "文件为空")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(
            "This is an old .xls workbook or a password-protected one; open it in Excel and save it as .xlsx without a password",
            "这是旧版 .xls 工作簿或加密工作簿；请在 Excel 中另存为不加密的 .xlsx")
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if lower.endswith((".xlsx", ".xlsm")):
        raise InputError("The file is named .xlsx but is not a workbook; save it again from Excel, or as .csv",
                         "文件扩展名为 .xlsx 但内容不是工作簿；请在 Excel 中重新保存，或另存为 .csv")
    if lower.endswith(".xls"):
        raise InputError("Old .xls workbooks are not supported; save it as .xlsx", "不支持旧版 .xls 工作簿；请另存为 .xlsx")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("The file is neither a workbook nor a text CSV file", "该文件既不是工作簿也不是文本 CSV 文件")
    return "csv"


# ----------------------------------------------------------------- reading


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030/GBK or Windows-1252 by detection."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["gb18030", "big5", "cp1252", "latin_1"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in ("gb2312", "gbk"):
        encoding = "gb18030"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _read_csv_rows(data: bytes) -> list[list[object]]:
    """Rows of a CSV file; the delimiter (comma, semicolon or tab) is the one the first line uses most."""
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    csv.field_size_limit(10_000_000)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(f"The CSV file cannot be read: {exc}", f"无法读取 CSV 文件：{exc}") from None


def _read_workbook_sheets(data: bytes) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[object]]] = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            sheets[name] = cast(list[list[object]], sheet.to_python(skip_empty_area=False))
        return sheets
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise InputError(f"The workbook cannot be read ({type(exc).__name__}); open it in Excel and save it again",
                         f"无法读取该工作簿（{type(exc).__name__}）；请在 Excel 中打开后重新保存") from None


# ----------------------------------------------------------------- header detection


def _find_header(rows: list[list[object]], lookup: dict[str, str], wanted: tuple[str, ...]) -> tuple[int, int]:
    """(row index, score) of the row that names most of ``wanted``; score 0 when none does."""
    best = (-1, 0)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {lookup.get(norm_key(c)) for c in row if isinstance(c, str) and c.strip()}
        score = sum(1 for w in wanted if w in names)
        if score > best[1]:
            best = (i, score)
    return best


def _table(sheet: str, rows: list[list[object]], header_idx: int, lookup: dict[str, str]) -> RawTable:
    header = [("" if c is None else str(c)).strip() for c in rows[header_idx]]
    body = rows[header_idx + 1:]
    width = len(header)
    while width and not header[width - 1] and not any(len(r) >= width and str(r[width - 1]).strip() for r in body):
        width -= 1
    header = header[:width]
    names: list[str] = []
    matched: dict[str, str] = {}
    warnings: list[tuple[str, str]] = []
    used: set[str] = set()
    for j, h in enumerate(header):
        canonical = lookup.get(norm_key(h)) if h else None
        if canonical and canonical not in used:
            names.append(canonical)
            matched[h] = canonical
            used.add(canonical)
        else:
            base = h or f"column_{j + 1}"
            if canonical:
                warnings.append((f"Column '{h}' repeats '{canonical}'; the first one is used, this one is kept as extra data",
                                 f"列“{h}”与“{canonical}”重复；使用第一列，此列作为附加数据保留"))
            elif not h:
                warnings.append((f"Column {j + 1} has no header; kept as '{base}'", f"第 {j + 1} 列没有表头，保留为“{base}”"))
            name = base
            k = 2
            while name in names or name in used:
                name = f"{base}_{k}"
                k += 1
            names.append(name)
    cells = [list(r[:width]) + [""] * (width - len(r)) for r in body]
    source_rows = np.arange(header_idx + 2, header_idx + 2 + len(cells))
    keep = [i for i, r in enumerate(cells) if any(not (c is None or (isinstance(c, str) and not c.strip())) for c in r)]
    frame = pd.DataFrame([cells[i] for i in keep], columns=names, dtype=object) if keep else pd.DataFrame(columns=names, dtype=object)
    frame = frame.replace({"": None})
    return RawTable(sheet, header_idx + 1, frame, source_rows[keep] if keep else np.array([], dtype=int), matched,
                    {v: k for k, v in matched.items()}, warnings)


def read_input(source: str | Path | bytes, name: str | None = None, mapping: Mapping | None = None,
               sheet: str | None = None) -> Input:
    """Read a workbook or CSV into raw project (and country) tables; raise :class:`InputError` if impossible."""
    import hashlib

    if isinstance(source, bytes):
        data = source
        name = name or "upload"
    else:
        path = Path(source)
        name = name or path.name
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(f"File not found: {path}", f"找不到文件：{path}") from None
        if size > MAX_INPUT_BYTES:
            raise InputError(f"The file is {size / 1e6:,.0f} MB; the limit is {MAX_INPUT_BYTES / 1e6:,.0f} MB",
                             f"文件大小为 {size / 1e6:,.0f} MB，超过上限 {MAX_INPUT_BYTES / 1e6:,.0f} MB")
        data = path.read_bytes()
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"The file is {len(data) / 1e6:,.0f} MB; the limit is {MAX_INPUT_BYTES / 1e6:,.0f} MB",
                         f"文件大小为 {len(data) / 1e6:,.0f} MB，超过上限 {MAX_INPUT_BYTES / 1e6:,.0f} MB")
    kind = _sniff(data, name)
    if kind == "xlsx":
        _check_zip(data)
        if sheet is None:  # a workbook this tool wrote (Audit sheet): records from Ranking, Excluded, Invalid
            from .reimport import read_if_exported

            exported = read_if_exported(data, name)
            if exported is not None:
                return exported
        sheets = _read_workbook_sheets(data)
    else:
        sheets = {Path(name).stem or "csv": _read_csv_rows(data)}
    sha = hashlib.sha256(data).hexdigest()
    lookup = mapping.header_lookup() if mapping is not None else header_lookup()
    wanted = mapping.required_sources() if mapping is not None else REQUIRED
    candidates = [sheet] if sheet is not None else list(sheets)
    if sheet is not None and sheet not in sheets:
        raise InputError(f"No sheet named '{sheet}'; the workbook has: {', '.join(sheets)}",
                         f"没有名为“{sheet}”的工作表；工作簿中有：{'、'.join(sheets)}")
    best: tuple[int, int, str] = (-1, 0, "")
    for s in candidates:
        idx, score = _find_header(sheets[s], lookup, wanted)
        if score > best[1]:
            best = (idx, score, s)
    if best[1] == 0:
        raise InputError(
            "No project sheet found: no sheet has a header row naming project_id, project_name, country, sector or total_investment_usd_m (or 项目编号、项目名称、国家、行业、总投资（百万美元）) in its first 30 rows",
            "未找到项目表：没有任何工作表在前 30 行中包含 项目编号、项目名称、国家、行业、总投资（百万美元） 等表头")
    idx, _, sheet_name = best
    table = _table(sheet_name, sheets[sheet_name], idx, lookup)
    if kind == "xlsx":
        _warn_uncached_formulas(data, table)
    if mapping is not None:
        table = mapping.apply(table)
    missing = [c for c in REQUIRED if c not in table.frame.columns]
    if missing:
        from .columns import COLUMN_BY_NAME

        col = COLUMN_BY_NAME[missing[0]]
        aliases = ", ".join([col.name, col.en, col.zh, *col.aliases])
        raise InputError(
            f"Required column '{missing[0]}' is missing from sheet '{sheet_name}'; accepted headers: {aliases}",
            f"工作表“{sheet_name}”缺少必填列“{col.zh}”（{missing[0]}）；可用表头：{aliases}")
    countries = _countries(sheets, exclude={sheet_name})
    return Input(name, sha, table, countries, list(sheets))


def _warn_uncached_formulas(data: bytes, table: RawTable) -> None:
    """Formula cells without a stored result read as blank: say which, and what to do."""
    from .formulas import uncached_formulas

    cells = uncached_formulas(data, table.sheet)
    if cells:
        shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
        table.warnings.append((
            f"Formula cells without a cached value read as blank ({shown}); open the workbook in Excel and save it to store the results",
            f"公式单元格没有缓存结果，按空白读取（{shown}）；请在 Excel 中打开并保存工作簿以保存计算结果"))


def _countries(sheets: dict[str, list[list[object]]], exclude: set[str]) -> RawTable | None:
    lookup = header_lookup()
    wanted = ("country",) + tuple(c.name for c in COUNTRY_COLUMNS)
    best: tuple[int, int, str] = (-1, 0, "")
    for s, rows in sheets.items():
        if s in exclude:
            continue
        idx, score = _find_header(rows, lookup, wanted)
        names = {lookup.get(norm_key(c)) for c in (rows[idx] if idx >= 0 else []) if isinstance(c, str)}
        if "country" in names and score >= 2 and score > best[1]:
            best = (idx, score, s)
    if best[1] == 0:
        return None
    return _table(best[2], sheets[best[2]], best[0], lookup)
