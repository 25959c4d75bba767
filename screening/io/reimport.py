"""Loading an exported workbook again: the round trip of the ranked workbook (issue 5, DESIGN.md "CLI").

An exported workbook is recognised by its ``Audit`` / ``审计信息`` sheet (a row ``tool = bri-screening``).
Its records are read from ``Ranking``, ``Excluded`` and ``Invalid`` (and their numbered continuations);
per-track sheets are views and are never read. Each of these sheets carries the record's input columns: in
English under their canonical names, in Chinese under their Chinese labels (both are accepted aliases), with
code cells as codes or Chinese labels (both accepted too). The ``Invalid`` sheet carries the raw values as
they were read, so an invalid record is invalid again for the same reason.

Columns the tool added (rank, score, tier, …; :data:`RESERVED_HEADERS`, in both languages, plus the
criteria-defined columns the workbook lists in its Audit row ``tool_columns``) are dropped and never read as
input data. The reviewers' ``reviewer_decision`` and ``reviewer_note`` are kept aside, with the previous
outcome, rank, score and tier, in :attr:`screening.ingest.Input.reviews` (one row per record read, keyed by
``row_key`` = the record's position in the re-read table); the export writes them back into the new
workbook and summarises them on its ``Review`` sheet, and the app reads them from ``result.input.reviews``.

The tables here (sheet names, reserved headers, decision words) are the single source for both the writer
(:mod:`screening.export`) and this reader.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from screening.i18n import Text
from screening.i18n import t as word
from screening.io.safety import workbook_sheet_names
from screening.io.schema import (
    _CONTINUED,
    _RESERVED_KEYS,
    DIMENSION_PREFIX,
    RECORD_SHEETS,
    REVIEW_COLUMNS,
    SHEETS,
    TOOL_NAME,
    decision_code,
)
from screening.io.sheets import find_header, read_workbook_sheets, table_from_rows
from screening.model import Input, InputError, RawTable
from screening.vocab.coerce import parser_for
from screening.vocab.columns import COLUMN_BY_NAME, COUNTRY_COLUMNS, REQUIRED, header_lookup, norm_key
from screening.vocab.columns import label as column_label


def _audit_sheet(sheets: dict[str, list[list[object]]]) -> str | None:
    for name in (SHEETS["audit"]["en"], SHEETS["audit"]["zh"]):
        rows = sheets.get(name)
        if rows and any(len(r) >= 2 and r[0] == "tool" and r[1] == TOOL_NAME for r in rows[:10]):
            return name
    return None


def is_exported(sheets: dict[str, list[list[object]]]) -> bool:
    """True for a workbook this tool wrote (it has the Audit sheet with ``tool = bri-screening``)."""
    return _audit_sheet(sheets) is not None


def audit_values(sheets: dict[str, list[list[object]]]) -> dict[str, object]:
    name = _audit_sheet(sheets)
    if name is None:
        return {}
    return {
        str(r[0]): (r[1] if len(r) > 1 else None)
        for r in sheets[name]
        if r and isinstance(r[0], str) and r[0]
    }


def _sheet_names(sheets: Mapping[str, object], key: str) -> list[str]:
    """The sheet for ``key`` (either language) and its numbered continuations, in order."""
    bases = set(SHEETS[key].values())
    found: list[tuple[int, str]] = []
    for name in sheets:
        if name in bases:
            found.append((1, name))
            continue
        m = _CONTINUED.match(name)
        if m and m.group("base") in bases:
            found.append((int(m.group("n")), name))
    return [name for _, name in sorted(found)]


def _is_tool_column(header: str, tool_headers: set[str]) -> str | None:
    """The reserved name of a header the tool added, or None for an input column."""
    key = norm_key(header)
    if key in _RESERVED_KEYS:
        return _RESERVED_KEYS[key]
    if header in tool_headers or key in tool_headers:
        return header
    if any(header.startswith(p) for p in DIMENSION_PREFIX.values()):
        return header
    return None


def _read_sheet(
    sheet: str, rows: list[list[object]], tool_headers: set[str], lookup: dict[str, str]
) -> tuple[RawTable, pd.DataFrame] | None:
    """One record sheet: (input columns as a raw table, the tool columns of the same records)."""
    wanted = (*REQUIRED, "project_id")
    idx, score = find_header(rows, lookup, wanted)
    if score == 0:
        return None
    header = [("" if c is None else str(c)).strip() for c in rows[idx]]
    keep = [j for j, h in enumerate(header) if not (h and _is_tool_column(h, tool_headers))]
    tool = {
        j: _is_tool_column(h, tool_headers)
        for j, h in enumerate(header)
        if h and _is_tool_column(h, tool_headers)
    }
    trimmed = [[r[j] if j < len(r) else None for j in keep] for r in rows]
    table = table_from_rows(sheet, trimmed, idx, lookup)
    body_pos = table.source_rows - idx - 2  # position of each kept record among the body rows
    extra: dict[str, list[object]] = {}
    for j, name in tool.items():
        if name in ("reviewer_decision", "reviewer_note", "rank", "score", "tier", "outcome"):
            col = [rows[idx + 1 + p][j] if j < len(rows[idx + 1 + p]) else None for p in body_pos]
            extra[str(name)] = col
    tools = pd.DataFrame(extra, index=range(len(body_pos)))
    return table, tools


def own_sheets(names: list[str]) -> list[str] | None:
    """The sheets a re-import parses (Audit, record sheets and their continuations, Countries) when the
    workbook has an Audit sheet, else None. Only these are ever inflated, so the Rationale (most of a large
    workbook) does not count against the reading limits."""
    audit = [n for n in (SHEETS["audit"]["en"], SHEETS["audit"]["zh"]) if n in names]
    if not audit:
        return None
    present = dict.fromkeys(names)
    wanted = {n for key in (*RECORD_SHEETS, "countries", "inferred") for n in _sheet_names(present, key)}
    return [n for n in names if n in wanted or n == audit[0]]


def read_if_exported(data: bytes, name: str, own: list[str] | None = None) -> Input | None:
    """The records of an exported workbook, or None for any other workbook (read then as usual).

    Only the Audit, record and country sheets are parsed: the Rationale (often most of the file) never is.
    Each is checked against the sheet limits before calamine reads it (:func:`read_workbook_sheets`).
    """
    if own is None:
        own = own_sheets(workbook_sheet_names(data))
    if own is None:
        return None
    audit = [n for n in (SHEETS["audit"]["en"], SHEETS["audit"]["zh"]) if n in own][:1]
    head = read_workbook_sheets(data, only=audit)
    if not is_exported({a: head[a] for a in audit}):
        return None
    sheets = read_workbook_sheets(data, only=own)
    return read_exported(sheets, name, hashlib.sha256(data).hexdigest())


def _count(value: object) -> int | None:
    """An Audit count as an integer, or None when it is not a finite whole number (NaN, 1e309, text)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0 or value > 1e12:
        return None
    return int(value)


def read_exported(sheets: dict[str, list[list[object]]], name: str, sha256: str) -> Input:
    """Records of an exported workbook (from Ranking, Excluded, Invalid) as one raw table, reviews kept aside."""
    audit = audit_values(sheets)
    tool_headers = {h.strip() for h in str(audit.get("tool_columns") or "").split(";") if h.strip()}
    tool_headers |= {norm_key(h) for h in tool_headers}
    lookup = header_lookup()
    tables: list[RawTable] = []
    tools: list[pd.DataFrame] = []
    outcomes: list[str] = []
    warnings: list[Text] = []
    for key in RECORD_SHEETS:
        names = _sheet_names(sheets, key)
        if not names:
            warnings.append(
                Text.of(
                    f"The exported workbook has no '{SHEETS[key]['en']}' sheet; its records were not read",
                    f"导出的工作簿缺少“{SHEETS[key]['zh']}”工作表，其中的记录未读取",
                )
            )
        read = 0
        for sheet in names:
            got = _read_sheet(sheet, sheets[sheet], tool_headers, lookup)
            if got is None:
                warnings.append(
                    Text.of(
                        f"Sheet '{sheet}' has no header row naming project_id; not read",
                        f"工作表“{sheet}”没有包含项目编号的表头行，未读取",
                    )
                )
                continue
            table, tool = got
            tables.append(table)
            tools.append(tool)
            outcomes.extend([key if key != "ranking" else "ranked"] * len(table.frame))
            read += len(table.frame)
        expected = _count(audit.get("ranked" if key == "ranking" else key))
        if names and expected is not None and expected != read:
            warnings.append(
                Text.of(
                    f"Sheet '{SHEETS[key]['en']}' holds {read} records but the workbook's Audit says "
                    f"{expected}; rows were added or deleted since it was written",
                    f"“{SHEETS[key]['zh']}”工作表有 {read} 条记录，但审计信息记为 {expected} 条；"
                    "导出后有行被增删",
                )
            )
    if not tables:
        raise InputError(
            "The exported workbook has no Ranking, Excluded or Invalid sheet with project records",
            "导出的工作簿中没有包含项目记录的“排名”“排除项目”或“无效记录”工作表",
        )
    frame = pd.concat([t.frame for t in tables], ignore_index=True, sort=False)
    frame = frame.astype(object).where(frame.notna(), None)
    columns: list[str] = list(dict.fromkeys(c for t in tables for c in t.frame.columns))
    frame = frame[columns]
    source_rows = np.concatenate([t.source_rows for t in tables]).astype(int)
    source_sheets = np.concatenate([np.full(len(t.frame), t.sheet, dtype=object) for t in tables])
    matched: dict[str, str] = {}
    for t in tables:
        for h, c in t.matched.items():
            matched.setdefault(h, c)
        warnings.extend(t.warnings)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"The exported workbook's record sheets lack the required column '{missing[0]}'",
            f"导出工作簿的记录表缺少必填列“{missing[0]}”",
        )
    label = " + ".join(dict.fromkeys(t.sheet for t in tables))
    table = RawTable(
        label,
        1,
        frame,
        source_rows,
        matched,
        {v: k for k, v in matched.items()},
        tuple(dict.fromkeys(warnings)),
    )
    tool = pd.concat(tools, ignore_index=True, sort=False)

    def text(
        values: Iterable[object],
    ) -> pd.Series:  # object dtype: blanks stay None (pandas would infer 'str' + NaN)
        return pd.Series([None if isinstance(v, float) and v != v else v for v in values], dtype=object)

    reviews = pd.DataFrame(
        {
            "row_key": np.arange(len(frame)),
            "source_sheet": text(source_sheets),
            "source_row": source_rows,
            "project_id": text(frame["project_id"].map(lambda v: None if v is None else _id_text(v))),
            "reviewer_decision": text(_col(tool, "reviewer_decision").map(decision_code)),
            "reviewer_note": text(_col(tool, "reviewer_note").map(_text_or_none)),
            "previous_outcome": text(outcomes),
            "previous_rank": pd.to_numeric(_col(tool, "rank"), errors="coerce").to_numpy(dtype=float),
            "previous_score": pd.to_numeric(_col(tool, "score"), errors="coerce").to_numpy(dtype=float),
            "previous_tier": text(_col(tool, "tier").map(_text_or_none)),
        },
        columns=REVIEW_COLUMNS,
    )
    table = table.with_frame(_unfill_inferred(table.frame, sheets))
    countries = None
    for cname in _sheet_names(sheets, "countries")[:1]:
        rows = sheets[cname]
        idx, score = find_header(rows, lookup, ("country",) + tuple(c.name for c in COUNTRY_COLUMNS))
        if score:
            countries = table_from_rows(cname, rows, idx, lookup)
    return Input(name, sha256, table, countries, list(sheets), exported=True, reviews=reviews)


def _unfill_inferred(frame: pd.DataFrame, sheets: dict[str, list[list[object]]]) -> pd.DataFrame:
    """Blank the cells the Inferred sheet lists whose value is still the inferred one, so that the run infers
    them again, with their evidence; a value a reviewer changed is the reviewer's and stays."""
    names = _sheet_names(sheets, "inferred")
    if not names or "project_id" not in frame.columns:
        return frame
    rows = [r for r in sheets[names[0]] if r]
    if not rows:
        return frame
    words = {
        name: {norm_key(word(key, lang)) for lang in ("en", "zh")}
        for name, key in (("column", "wb_col_column"), ("value", "wb_col_value"))
    }
    words["project_id"] = {norm_key("project_id"), norm_key(column_label("project_id", "zh"))}
    head = [norm_key(h) if isinstance(h, str) else "" for h in rows[0]]
    at = {name: next((j for j, h in enumerate(head) if h in keys), None) for name, keys in words.items()}
    if any(v is None for v in at.values()):
        return frame
    lookup = header_lookup()
    position = {_id_text(v): k for k, v in enumerate(frame["project_id"]) if v is not None}
    out = frame.copy()
    for row in rows[1:]:
        cells = {name: (row[j] if j is not None and j < len(row) else None) for name, j in at.items()}
        name = lookup.get(norm_key(cells["column"])) if isinstance(cells["column"], str) else None
        pid = cells["project_id"]
        k = position.get(_id_text(pid)) if pid is not None else None
        if name is None or k is None or name not in out.columns:
            continue
        parse = parser_for(COLUMN_BY_NAME[name])
        if parse(out.at[k, name])[0] == parse(cells["value"])[0]:
            out.at[k, name] = None
    return out


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return (
        frame[name]
        if name in frame.columns
        else pd.Series([None] * len(frame), index=frame.index, dtype=object)
    )


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
