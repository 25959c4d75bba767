"""Raw rows in, tables out: CSV decoding, workbook sheets through python-calamine, the header row found by its names."""

from __future__ import annotations

import csv
import io
from typing import cast

import numpy as np
import pandas as pd

from screening.i18n import Text
from screening.model import InputError, RawTable
from screening.vocab.columns import norm_key

HEADER_SEARCH_ROWS = 30


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


def read_csv_rows(data: bytes) -> list[list[object]]:
    """Rows of a CSV file; the delimiter (comma, semicolon or tab) is the one the first line uses most."""
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    csv.field_size_limit(10_000_000)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(f"The CSV file cannot be read: {exc}", f"无法读取 CSV 文件：{exc}") from None


def read_workbook_sheets(data: bytes) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[object]]] = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            sheets[name] = cast(list[list[object]], sheet.to_python(skip_empty_area=False))
        return sheets
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise InputError(
            f"The workbook cannot be read ({type(exc).__name__}); open it in Excel and save it again",
            f"无法读取该工作簿（{type(exc).__name__}）；请在 Excel 中打开后重新保存",
        ) from None


def find_header(rows: list[list[object]], lookup: dict[str, str], wanted: tuple[str, ...]) -> tuple[int, int]:
    """(row index, score) of the row that names most of ``wanted``; score 0 when none does."""
    best = (-1, 0)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {lookup.get(norm_key(c)) for c in row if isinstance(c, str) and c.strip()}
        score = sum(1 for w in wanted if w in names)
        if score > best[1]:
            best = (i, score)
    return best


def table_from_rows(
    sheet: str, rows: list[list[object]], header_idx: int, lookup: dict[str, str]
) -> RawTable:
    header = [("" if c is None else str(c)).strip() for c in rows[header_idx]]
    body = rows[header_idx + 1 :]
    width = len(header)
    while (
        width
        and not header[width - 1]
        and not any(len(r) >= width and str(r[width - 1]).strip() for r in body)
    ):
        width -= 1
    header = header[:width]
    names: list[str] = []
    matched: dict[str, str] = {}
    warnings: list[Text] = []
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
                warnings.append(
                    Text.of(
                        f"Column '{h}' repeats '{canonical}'; the first one is used, this one is kept as extra data",
                        f"列“{h}”与“{canonical}”重复；使用第一列，此列作为附加数据保留",
                    )
                )
            elif not h:
                warnings.append(
                    Text.of(
                        f"Column {j + 1} has no header; kept as '{base}'",
                        f"第 {j + 1} 列没有表头，保留为“{base}”",
                    )
                )
            name = base
            k = 2
            while name in names or name in used:
                name = f"{base}_{k}"
                k += 1
            names.append(name)
    cells = [list(r[:width]) + [""] * (width - len(r)) for r in body]
    source_rows = np.arange(header_idx + 2, header_idx + 2 + len(cells))
    keep = [
        i
        for i, r in enumerate(cells)
        if any(not (c is None or (isinstance(c, str) and not c.strip())) for c in r)
    ]
    frame = (
        pd.DataFrame([cells[i] for i in keep], columns=names, dtype=object)
        if keep
        else pd.DataFrame(columns=names, dtype=object)
    )
    frame = frame.replace({"": None})
    return RawTable(
        sheet,
        header_idx + 1,
        frame,
        source_rows[keep] if keep else np.array([], dtype=int),
        matched,
        {v: k for k, v in matched.items()},
        tuple(warnings),
    )
