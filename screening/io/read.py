"""Reading: workbooks and CSV files in, raw tables with true spreadsheet row numbers out.

The project sheet is found by its headers, not its position; the header row is found within the first rows
even under title rows; an optional ``countries`` sheet is found the same way. Workbooks are checked before
any parser touches them: a zip whose declared size is too large (a decompression bomb) or an XML part that
declares a DTD or entities ("billion laughs") is refused. Reading uses python-calamine (fast, Rust).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from screening.i18n import Text
from screening.io.formulas import uncached_formulas
from screening.io.mapping import Mapping
from screening.io.reimport import read_if_exported
from screening.io.safety import check_zip, sniff
from screening.io.sheets import find_header, read_csv_rows, read_workbook_sheets, table_from_rows
from screening.model import Input, InputError, RawTable
from screening.vocab.columns import (
    COLUMN_BY_NAME,
    COUNTRY_COLUMNS,
    REQUIRED,
    header_lookup,
    norm_key,
)

MAX_INPUT_BYTES = 200 * 1024 * 1024


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
        path = Path(source)
        name = name or path.name
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(f"File not found: {path}", f"找不到文件：{path}") from None
        if size > MAX_INPUT_BYTES:
            raise InputError(
                f"The file is {size / 1e6:,.0f} MB; the limit is {MAX_INPUT_BYTES / 1e6:,.0f} MB",
                f"文件大小为 {size / 1e6:,.0f} MB，超过上限 {MAX_INPUT_BYTES / 1e6:,.0f} MB",
            )
        data = path.read_bytes()
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"The file is {len(data) / 1e6:,.0f} MB; the limit is {MAX_INPUT_BYTES / 1e6:,.0f} MB",
            f"文件大小为 {len(data) / 1e6:,.0f} MB，超过上限 {MAX_INPUT_BYTES / 1e6:,.0f} MB",
        )
    kind = sniff(data, name)
    if kind == "xlsx":
        check_zip(data)
        if sheet is None:  # a workbook this tool wrote (Audit sheet): records from Ranking, Excluded, Invalid
            exported = read_if_exported(data, name)
            if exported is not None:
                return exported
    sheets = _sheet_rows(data, name, kind)
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
    table = table_from_rows(sheet_name, sheets[sheet_name], idx, lookup)
    if kind == "xlsx":
        table = _warn_uncached_formulas(data, table)
    if mapping is not None:
        table = mapping.apply(table)
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
    return {Path(name).stem or "csv": read_csv_rows(data)}


def raw_headers(data: bytes, name: str, sheet: str | None = None) -> HeaderChoice:
    """The likeliest header row of a file whose required columns were not recognised, for manual mapping.

    Picks ``sheet`` (or the sheet with the most text cells in its first 30 rows) and, in it, the row with
    the most text cells. Raises :class:`InputError` when the file cannot be read at all.
    """
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
