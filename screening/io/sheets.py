"""Raw rows in, tables out: CSV decoding, workbook sheets through python-calamine, the header row found by its names."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import cast

import numpy as np
import pandas as pd

from screening.i18n import Text, text
from screening.io.safety import refused, scan_workbook, with_error_cells_as_text
from screening.limits import ilimit, limit
from screening.model import InputError, RawTable
from screening.vocab.columns import norm_key

HEADER_SEARCH_ROWS = 30


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")

SAMPLE_BYTES = 200_000

CANDIDATES = ["gb18030", "big5", "cp1252", "latin_1"]


def decode_text(data: bytes) -> str:
    return decode_csv_bytes(data)[0]


def decode_csv_bytes(data: bytes) -> tuple[str, list[Text]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030/GBK, Big5 or Windows-1252, decided on the
    whole file: the detector sees lines holding non-ASCII bytes gathered from anywhere in the file (not just
    its first 200 KB, so a first accented byte late in the file counts), and the choice is then verified by
    decoding the whole file strictly. A doubtful choice (another encoding reads the same bytes just as
    cleanly and differently) or any undecodable byte is returned as a warning."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), [text("enc_undecodable", encoding="UTF-16")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    sample = bytearray()
    for m in _NON_ASCII_LINE.finditer(data):
        sample += m.group(0) + b"\n"
        if len(sample) >= SAMPLE_BYTES:
            break
    results = from_bytes(bytes(sample), cp_isolation=CANDIDATES)
    ranked = [r.encoding for r in results]
    best = ranked[0] if ranked else "cp1252"
    if best == "big5" and _plain_gb2312(data):
        best = "gb18030"  # a short sample of simplified Chinese often passes for Big5; GB2312-clean is GB
    order = [best, *[e for e in ranked if e != best], *[e for e in ("gb18030", "cp1252") if e not in ranked]]
    warnings: list[Text] = []
    for encoding in order:
        encoding = "gb18030" if encoding in ("gb2312", "gbk") else encoding
        try:
            decoded = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding != order[0] and order[0] not in ("gb2312", "gbk"):
            warnings.append(text("enc_doubtful", encoding=encoding))
        elif results and len(results) > 1 and _close_call(results):
            warnings.append(text("enc_doubtful", encoding=encoding))
        return decoded, warnings
    return data.decode("gb18030", errors="replace"), [text("enc_undecodable", encoding="GB18030")]


def _plain_gb2312(data: bytes) -> bool:
    """The bytes decode as GB18030 into characters that are all in GB2312 (common simplified Chinese)."""
    try:
        decoded = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = "".join(ch for ch in decoded if ord(ch) > 127)
    try:
        wide.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _close_call(results: object) -> bool:
    """The detector's two best readings differ and are about equally clean (a doubtful guess)."""
    items = list(results)  # type: ignore[call-overload]
    a, b = items[0], items[1]
    if {a.encoding, b.encoding} <= {"gb18030", "gb2312", "gbk"}:
        return False
    return bool(abs(a.chaos - b.chaos) < 0.02 and str(a) != str(b))


DELIMITERS = [",", ";", "\t", "|"]

SNIFF_LINES = 60


def sniff_delimiter(text_: str) -> str:
    """The delimiter that splits the data rows alike: for each candidate, the sample's rows are parsed and
    the candidate scores the number of rows sharing its most common width above one (a title line such as
    "Projects, 2024" above a semicolon table no longer decides it)."""
    sample = text_[:65536]
    lines = sample.splitlines()[:SNIFF_LINES]
    if len(lines) > 1 and len(sample) == 65536:
        lines = lines[:-1]  # the last line may be cut
    best = (",", (0, 0))
    for d in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        counts: dict[int, int] = {}
        for w in widths:
            if w > 1:
                counts[w] = counts.get(w, 0) + 1
        if not counts:
            continue
        width, rows = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (rows, width) > best[1]:
            best = (d, (rows, width))
    return best[0]


@dataclass
class CsvRows:
    rows: list[list[object]]
    delimiter: str
    warnings: list[Text]


def _lines(source: io.StringIO, current: list[str]) -> Iterator[str]:
    for line in source:
        current.append(line)
        yield line


def read_csv(data: bytes) -> CsvRows:
    """Rows of a CSV file with the reading's warnings. The delimiter is sniffed on the data rows; rows and
    columns are bounded (``MAX_ROWS``, ``MAX_COLUMNS``) while reading; a quote that never closes is refused
    with the row it opens in, and a quoted cell that swallows whole record-like lines is reported with its row
    and how many lines it took."""
    decoded, warnings = decode_csv_bytes(data)
    delimiter = sniff_delimiter(decoded)
    csv.field_size_limit(max(int(limit("MAX_INPUT_BYTES")), 1 << 20))
    max_rows, max_cols = ilimit("MAX_ROWS"), ilimit("MAX_COLUMNS")
    current: list[str] = []
    reader = csv.reader(_lines(io.StringIO(decoded, newline=""), current), delimiter=delimiter)
    rows: list[list[object]] = []
    spans: list[tuple[int, int]] = []  # (row number, lines swallowed) of record-like lines inside a cell
    width = 0
    try:
        for row in reader:
            if len(rows) >= max_rows:
                raise refused("lim_too_many_rows", sheet="CSV", n=f"> {max_rows:,}", limit=f"{max_rows:,}")
            if len(row) > max_cols:
                raise refused("lim_too_many_columns", sheet="CSV", n=f"{len(row):,}", limit=f"{max_cols:,}")
            lines = len(current)
            if lines > 1:
                swallowed = _record_like_lines(row, delimiter, width)
                if swallowed:
                    spans.append((len(rows) + 1, swallowed))
                if _unclosed(current, delimiter):
                    raise refused("csv_unclosed_quote", row=len(rows) + 1, lines=lines - 1)
            current.clear()
            width = max(width, len(row)) if len(rows) < 50 else width
            rows.append(list(row))
    except csv.Error as exc:
        raise InputError(f"The CSV file cannot be read: {exc}", f"无法读取 CSV 文件：{exc}") from None
    if spans:
        shown = ", ".join(f"{r} ({n})" for r, n in spans[:5]) + (" …" if len(spans) > 5 else "")
        warnings.append(text("csv_swallowed_lines", rows=shown, n=len(spans)))
    return CsvRows(rows, delimiter, warnings)


def _record_like_lines(row: list[str], delimiter: str, width: int) -> int:
    """Lines inside the row's cells that look like records of their own (as many delimiters as a row has
    fields, less one): the signature of a quote left open that swallowed the rows after it."""
    need = max(1, width - 2)
    n = 0
    for cell in row:
        if "\n" in cell or "\r" in cell:
            for line in cell.splitlines()[1:]:
                if line.count(delimiter) >= need:
                    n += 1
    return n


def _unclosed(lines: list[str], delimiter: str) -> bool:
    """True if the record made of ``lines`` ends inside a quoted field (its quote never closes)."""
    try:
        list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def read_csv_rows(data: bytes) -> list[list[object]]:
    """Rows of a CSV file (see :func:`read_csv`)."""
    return read_csv(data).rows


def read_workbook_sheets(data: bytes, only: Iterable[str] | None = None) -> dict[str, list[list[object]]]:
    """Every sheet's rows (or only those named in ``only``: the others map to empty lists), after
    :func:`~screening.io.safety.scan_workbook` has checked their real used ranges and the shared strings
    against the limits, so calamine never allocates past them."""
    from python_calamine import CalamineWorkbook

    wanted = None if only is None else list(only)
    scan = scan_workbook(data, wanted)
    if scan.rewrite:
        data = with_error_cells_as_text(data, scan.rewrite)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[object]]] = {}
        for name in wb.sheet_names:
            if wanted is not None and name not in wanted:
                sheets[name] = []
                continue
            sheet = wb.get_sheet_by_name(name)
            sheets[name] = cast(list[list[object]], sheet.to_python(skip_empty_area=False))
        return sheets
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise InputError(
            f"The workbook cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}); open it in Excel and save it again",
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


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(body: list[list[object]], width: int) -> tuple[list[np.ndarray], list[tuple[int, int]]]:
    """The body's cells column by column (rows padded with "" to ``width``, cut at it), each an object array,
    with text cells longer than ``MAX_CELL_CHARS`` cut (and the (row, column) of each cut cell).

    Built column-wise, never as a second list of rows or a 2-D frame, so that a sheet of 100k rows is held
    once in memory. Equal text cells of one column become one string object (a country, a sector, a status
    repeats down a column): the same values in a fraction of the memory, and a long text is looked at once.
    """
    cap = ilimit("MAX_CELL_CHARS")
    columns: list[np.ndarray] = []
    cut: list[tuple[int, int]] = []  # (row, column) of every cut cell
    for j in range(width):
        seen: dict[str, str] = {}
        col = np.empty(len(body), dtype=object)
        col[:] = [
            (seen.setdefault(v, v) if (v := r[j]).__class__ is str else v) if j < len(r) else "" for r in body
        ]
        long = {v for v in seen if len(v) > cap}
        if long:
            for i in [i for i, v in enumerate(col) if v.__class__ is str and v in long]:
                col[i] = col[i][:cap]
                cut.append((i, j))
        columns.append(col)
    return columns, cut


def _cut_warning(cut: list[tuple[int, int]], names: list[str]) -> Text:
    """How many cells were cut, and the first few of them in reading order (row by row)."""
    where = [f"{names[j] if j < len(names) else j + 1} #{i + 1}" for i, j in sorted(cut)[:5]]
    return text("lim_cell_cut", n=len(cut), cells=", ".join(where), limit=f"{ilimit('MAX_CELL_CHARS'):,}")


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
    columns, cut = _columns(body, width)
    if cut:
        warnings.append(_cut_warning(cut, names))
    source_rows = np.arange(header_idx + 2, header_idx + 2 + len(body))
    keep = [i for i, r in enumerate(body) if not all(_is_blank(c) for c in islice(r, width))]
    taken = [col[keep] if len(keep) < len(col) else col for col in columns]
    for col in taken:
        col[col == ""] = None  # an empty text cell is a blank cell, as calamine and the CSV reader give both
    frame = pd.DataFrame(dict(zip(names, taken, strict=True)), dtype=object, copy=False)
    return RawTable(
        sheet,
        header_idx + 1,
        frame,
        source_rows[keep] if keep else np.array([], dtype=int),
        matched,
        {v: k for k, v in matched.items()},
        tuple(warnings),
    )
