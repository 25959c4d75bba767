"""Reading: workbooks and CSV files in, raw tables with true spreadsheet row numbers out.

The project sheet is found by its headers, not its position; the header row is found within the first rows
even under title rows; an optional ``countries`` sheet is found the same way. Workbooks are checked before
any parser touches them: a zip whose declared size is too large (a decompression bomb) or an XML part that
declares a DTD or entities ("billion laughs") is refused. Reading uses python-calamine (fast, Rust).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from screening.i18n import Text, text
from screening.io.formulas import uncached_formulas
from screening.io.mapping import Mapping
from screening.io.reimport import own_sheets, read_if_exported
from screening.io.safety import check_zip, sheet_parts, sniff
from screening.io.safety import open_zip as safety_zip
from screening.io.sheets import CsvRows, find_header, read_csv, read_workbook_sheets, table_from_rows
from screening.limits import LimitError, limit, mb, read_file_bounded
from screening.model import Input, InputError, RawTable
from screening.vocab.columns import (
    COLUMN_BY_NAME,
    COUNTRY_COLUMNS,
    REQUIRED,
    header_lookup,
    norm_key,
)

MAX_INPUT_BYTES = int(limit("MAX_INPUT_BYTES"))  # the default; the value in force is limit("MAX_INPUT_BYTES")


def _too_large(size: int, cap: float, setting: str) -> InputError:
    said = text("lim_file_too_large", size=mb(size), limit=mb(cap), setting=setting)
    return InputError(said.en, said.zh)


def _may_be_own_workbook(path: Path) -> bool:
    """A zip whose workbook lists an Audit sheet (read from the central directory and workbook.xml only)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return own_sheets(list(sheet_parts(zf))) is not None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, InputError):
        return False


def read_bytes_bounded(source: str | Path) -> bytes:
    """A file's bytes within ``MAX_INPUT_BYTES`` (``MAX_OWN_WORKBOOK_BYTES`` for what looks like a ranked
    workbook this tool wrote); directories, devices and pipes are refused by type."""
    path = Path(source)
    cap = limit("MAX_INPUT_BYTES")
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0
    if size > cap and _may_be_own_workbook(path):
        cap = max(cap, limit("MAX_OWN_WORKBOOK_BYTES"))
    try:
        return read_file_bounded(path, cap)
    except LimitError as exc:
        raise InputError(exc.text.en, exc.text.zh) from None


def read_input(
    source: str | Path | bytes,
    name: str | None = None,
    mapping: Mapping | None = None,
    sheet: str | None = None,
) -> Input:
    """Read a workbook or CSV into raw project (and country) tables; raise :class:`InputError` if impossible."""
    if isinstance(source, bytes):
        data = source
        name = name or "upload"
    else:
        name = name or Path(source).name
        data = read_bytes_bounded(source)
    cap = limit("MAX_INPUT_BYTES")
    own_cap = max(cap, limit("MAX_OWN_WORKBOOK_BYTES"))
    if len(data) > own_cap:
        raise _too_large(len(data), own_cap, "MAX_OWN_WORKBOOK_BYTES")
    kind = sniff(data, name)
    reading: CsvRows | None = None
    if kind == "xlsx":
        with safety_zip(data) as zf:
            parts = sheet_parts(zf)
        own = own_sheets(list(parts))
        if own is not None:  # the parts of sheets a re-import never parses do not count as inflated
            check_zip(data, skip=[p for n, p in parts.items() if n not in own])
            if (
                sheet is None
            ):  # a workbook this tool wrote (Audit sheet): records from Ranking, Excluded, Invalid
                exported = read_if_exported(data, name, own)
                if exported is not None:
                    return exported
        if len(data) > cap:
            raise _too_large(len(data), cap, "MAX_INPUT_BYTES")
        check_zip(data)
        sheets = read_workbook_sheets(data)
    else:
        if len(data) > cap:
            raise _too_large(len(data), cap, "MAX_INPUT_BYTES")
        reading = read_csv(data)
        sheets = {Path(name).stem or "csv": reading.rows}
    sha = hashlib.sha256(data).hexdigest()
    lookup = mapping.header_lookup() if mapping is not None else header_lookup()
    wanted = mapping.required_sources() if mapping is not None else REQUIRED
    candidates = [sheet] if sheet is not None else list(sheets)
    if sheet is not None and sheet not in sheets:
        raise InputError(
            f"No sheet named '{sheet}'; the workbook has: {', '.join(sheets)}",
            f"没有名为“{sheet}”的工作表；工作簿中有：{'、'.join(sheets)}",
        )
    best: tuple[int, int, str] = (-1, 0, "")
    for s in candidates:
        idx, score = find_header(sheets[s], lookup, wanted)
        if score > best[1]:
            best = (idx, score, s)
    if best[1] == 0:
        raise InputError(
            "No project sheet found: no sheet has a header row naming project_id, project_name, country, sector or total_investment_usd_m (or 项目编号、项目名称、国家、行业、总投资（百万美元）) in its first 30 rows",
            "未找到项目表：没有任何工作表在前 30 行中包含 项目编号、项目名称、国家、行业、总投资（百万美元） 等表头",
        )
    idx, _, sheet_name = best
    rename = mapping.rename_lookup() if mapping is not None else lookup
    table = table_from_rows(sheet_name, sheets[sheet_name], idx, rename)
    if mapping is not None:  # the columns the mapping fills, before numbers are looked at
        table = mapping.build(table)
    if kind == "xlsx":
        table = _warn_uncached_formulas(data, table)
    else:
        assert reading is not None
        table = table.with_warnings(*reading.warnings)
        if reading.delimiter != ",":
            table = decimal_commas(table)
    if mapping is not None:
        table = mapping.transform(table)
    missing = [c for c in REQUIRED if c not in table.frame.columns]
    if missing:
        col = COLUMN_BY_NAME[missing[0]]
        aliases = ", ".join([col.name, col.en, col.zh, *col.aliases])
        raise InputError(
            f"Required column '{missing[0]}' is missing from sheet '{sheet_name}'; accepted headers: {aliases}",
            f"工作表“{sheet_name}”缺少必填列“{col.zh}”（{missing[0]}）；可用表头：{aliases}",
        )
    countries = _countries(sheets, exclude={sheet_name})
    return Input(name, sha, table, countries, list(sheets))


_NUMERIC_KINDS = {"money", "number", "count", "share", "pct", "year", "level"}

_DECIMAL = re.compile(r"^[+-]?(\d+,\d{1,2}|\d+,\d{4,}|\d{1,3}(\.\d{3})+,\d+|0,\d+)%?$")
_THOUSANDS = re.compile(r"^[+-]?(\d{1,3}(,\d{3}){2,}(\.\d+)?|\d{1,3}(,\d{3})+\.\d+)%?$")
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}%?$")


def decimal_commas(table: RawTable) -> RawTable:
    """Decimal commas, decided once per file (a semicolon or tab CSV): in the numeric columns, a comma that
    can only be a decimal mark (``0,75``, ``1234,5``, ``1.234,5``) and none that can only separate thousands
    (``1,234,567``, ``1,234.5``) means the file writes decimal commas, and its numbers are read so; both kinds
    at once, or only ``1,234``-like values, are reported as ambiguous (read with the comma as a thousands
    separator)."""
    decimal = thousands = ambiguous = 0
    examples: list[str] = []
    for column in table.frame.columns:
        col = COLUMN_BY_NAME.get(str(column))
        if col is None or col.kind not in _NUMERIC_KINDS:
            continue
        for v in table.frame[column].dropna().unique():
            if not isinstance(v, str) or "," not in v:
                continue
            s = v.strip().replace(" ", "")
            if _DECIMAL.match(s):
                decimal += 1
            elif _THOUSANDS.match(s):
                thousands += 1
            elif _AMBIGUOUS.match(s):
                ambiguous += 1
            else:
                continue
            if len(examples) < 3:
                examples.append(v)
    if decimal and not thousands:
        return replace(table, decimal_comma=True).with_warnings(
            text("csv_decimal_comma", n=decimal + ambiguous, examples=", ".join(examples))
        )
    if decimal or ambiguous:
        return table.with_warnings(text("csv_decimal_ambiguous", examples=", ".join(examples)))
    return table


def _warn_uncached_formulas(data: bytes, table: RawTable) -> RawTable:
    """Formula cells without a stored result read as blank: say which, and what to do."""
    cells = uncached_formulas(data, table.sheet)
    if not cells:
        return table
    shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
    return table.with_warnings(
        Text.of(
            f"Formula cells without a cached value read as blank ({shown}); open the workbook in Excel and save it to store the results",
            f"公式单元格没有缓存结果，按空白读取（{shown}）；请在 Excel 中打开并保存工作簿以保存计算结果",
        )
    )


def _countries(sheets: dict[str, list[list[object]]], exclude: set[str]) -> RawTable | None:
    lookup = header_lookup()
    wanted = ("country",) + tuple(c.name for c in COUNTRY_COLUMNS)
    best: tuple[int, int, str] = (-1, 0, "")
    for s, rows in sheets.items():
        if s in exclude:
            continue
        idx, score = find_header(rows, lookup, wanted)
        names = {lookup.get(norm_key(c)) for c in (rows[idx] if idx >= 0 else []) if isinstance(c, str)}
        if "country" in names and score >= 2 and score > best[1]:
            best = (idx, score, s)
    if best[1] == 0:
        return None
    return table_from_rows(best[2], sheets[best[2]], best[0], lookup)


@dataclass(frozen=True)
class HeaderChoice:
    """Raw headers of a file that could not be read with the current mapping."""

    sheets: list[str]
    sheet: str
    headers: list[str] = field(default_factory=list)


def _sheet_rows(data: bytes, name: str, kind: str) -> dict[str, list[list[object]]]:
    """Every sheet's rows (a CSV file is one sheet named after the file); ``kind`` as :func:`sniff` says and,
    for a workbook, after :func:`check_zip`."""
    if kind == "xlsx":
        return read_workbook_sheets(data)
    return {Path(name).stem or "csv": read_csv(data).rows}


def raw_headers(data: bytes, name: str, sheet: str | None = None) -> HeaderChoice:
    """The likeliest header row of a file whose required columns were not recognised, for manual mapping.

    Picks ``sheet`` (or the sheet with the most text cells in its first 30 rows) and, in it, the row with
    the most text cells. Raises :class:`InputError` when the file cannot be read at all.
    """
    if len(data) > limit("MAX_INPUT_BYTES"):
        raise _too_large(len(data), limit("MAX_INPUT_BYTES"), "MAX_INPUT_BYTES")
    kind = sniff(data, name)
    if kind == "xlsx":
        check_zip(data)
    sheets = _sheet_rows(data, name, kind)

    def text_cells(row: list[object]) -> int:
        return sum(1 for c in row if isinstance(c, str) and c.strip())

    names = list(sheets)
    if sheet is None or sheet not in sheets:
        sheet = (
            max(names, key=lambda s: max((text_cells(r) for r in sheets[s][:30]), default=0)) if names else ""
        )
    rows = sheets.get(sheet, [])[:30]
    if not rows:
        return HeaderChoice(names, sheet, [])
    best = max(range(len(rows)), key=lambda i: (text_cells(rows[i]), -i))
    headers = [str(c).strip() for c in rows[best] if c is not None and str(c).strip()]
    return HeaderChoice(names, sheet, headers)
