"""Validation: raw cells → typed project records, with every problem reported and nothing dropped.

Coercion (numbers as text, 万/亿, percents, full-width digits, yes/no words in both languages, code aliases,
country names → ISO3) runs first, because a failed coercion would hide later checks (DESIGN.md "Excel
pitfalls"); then a pandera schema checks ranges and code lists lazily, reporting every failure at once.

A record is ``invalid`` only for the reasons of DESIGN.md contract 1: ``project_id`` blank or shared, or a
required field missing or unreadable. A bad optional cell is treated as missing, listed as a data issue, and
the record goes on.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pandera.pandas as pa

from screening.criteria.models import CriteriaSet
from screening.i18n import Text, join, text
from screening.model import Input, RawTable, Validated
from screening.vocab.coerce import is_blank, parse_series, parser_for
from screening.vocab.columns import (
    CODE_LISTS,
    COLUMN_BY_NAME,
    COLUMNS,
    COUNTRY_COLUMNS,
    PROJECT_COLUMNS,
    REQUIRED,
    RESERVED,
    Column,
)
from screening.vocab.countries import resolve_countries

ISSUE_COLUMNS = [
    "row_key",
    "source_sheet",
    "source_row",
    "project_id",
    "column",
    "value",
    "message_en",
    "message_zh",
    "severity",
]


NUMERIC_KINDS = {"money", "number", "count", "share", "pct", "year", "level"}


def _schema(columns: tuple[Column, ...]) -> pa.DataFrameSchema:
    """Range and code-list checks on already-typed columns (pandera, lazy). Each check's ``error`` is the
    catalogue key of its message (:func:`_check_message` fills in the column's bounds or codes)."""
    checks: dict[str, pa.Column] = {}
    for c in columns:
        col_checks = []
        if c.kind in NUMERIC_KINDS and c.kind != "level":
            if c.minimum is not None:
                col_checks.append(pa.Check.ge(c.minimum, error="val_below_min"))
            if c.maximum is not None:
                col_checks.append(pa.Check.le(c.maximum, error="val_above_max"))
        if c.kind == "code" and c.codes:
            col_checks.append(pa.Check.isin(CODE_LISTS[c.codes].values, error="val_not_in_list"))
        dtype = float if c.kind in NUMERIC_KINDS else object
        checks[c.name] = pa.Column(dtype, checks=col_checks, nullable=True, required=False, coerce=False)
    return pa.DataFrameSchema(checks, strict=False)


def _check_message(key: str, column: Column) -> Text:
    """The message of a failed check (its catalogue key) for ``column``."""
    return text(
        key,
        minimum=f"{column.minimum:g}" if column.minimum is not None else "",
        maximum=f"{column.maximum:g}" if column.maximum is not None else "",
        values=join(CODE_LISTS[column.codes].values if column.codes else []),
    )


PROJECT_SCHEMA = _schema(PROJECT_COLUMNS)


COUNTRY_SCHEMA = _schema(COUNTRY_COLUMNS)


def _issue_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS) if rows else pd.DataFrame(columns=ISSUE_COLUMNS)


def _type_table(
    table: RawTable, columns: tuple[Column, ...], id_column: str | None
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Coerce every canonical column; return the typed frame and its problems (raw value kept)."""
    raw = table.frame
    typed = pd.DataFrame(index=raw.index)
    problems: list[dict[str, object]] = []
    ids = (
        raw[id_column].map(lambda v: "" if is_blank(v) else parser_for(COLUMN_BY_NAME["project_id"])(v)[0])
        if id_column and id_column in raw.columns
        else pd.Series([""] * len(raw), index=raw.index)
    )

    def note(mask: pd.Series, column: str, messages: pd.Series | Text, severity: str) -> None:
        for pos in np.flatnonzero(mask.to_numpy()):
            idx = raw.index[int(pos)]
            said = messages if isinstance(messages, Text) else messages.iloc[pos]
            en, zh = said.en, said.zh
            problems.append(
                {
                    "row_key": int(idx),
                    "source_sheet": table.sheet,
                    "source_row": int(table.source_rows[pos]),
                    "project_id": ids.iloc[pos],
                    "column": table.renamed.get(column, column),
                    "value": None if column not in raw.columns else _show(raw[column].iloc[pos]),
                    "message_en": en,
                    "message_zh": zh,
                    "severity": severity,
                }
            )

    names = {c.name for c in columns}
    for c in columns:
        if c.name not in raw.columns:
            continue
        values, probs = parse_series(raw[c.name], parser_for(c, table.decimal_comma))
        if c.kind == "country":
            iso = resolve_countries(values)
            unknown = values.notna() & iso.isna()
            note(unknown, c.name, text("val_unknown_country"), "invalid" if c.required else "data")
            values = iso.astype(object).where(iso.notna(), None)
        has_problem = probs.notna()
        if has_problem.any():
            coerced_anyway = values.notna() & has_problem  # e.g. unknown sector read as 'other'
            fatal = has_problem & ~coerced_anyway
            note(has_problem & coerced_anyway, c.name, probs, "data")
            note(fatal, c.name, probs, "invalid" if c.required else "data")
            values = values.where(~has_problem | coerced_anyway, None)
        typed[c.name] = (
            pd.to_numeric(values, errors="coerce").astype(float) if c.kind in NUMERIC_KINDS else values
        )
    # Ranges and code lists (pandera, lazy): a failing optional cell becomes missing, a required one invalid.
    schema = PROJECT_SCHEMA if columns is PROJECT_COLUMNS else COUNTRY_SCHEMA
    present = typed[[c for c in typed.columns if c in names]]
    try:
        schema.validate(present, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna() & cases["column"].notna()]
        for (column, check), group in cases.groupby(["column", "check"], sort=False):
            col = COLUMN_BY_NAME[str(column)]
            mask = pd.Series(typed.index.isin(group["index"].astype(int)), index=typed.index)
            note(mask, str(column), _check_message(str(check), col), "invalid" if col.required else "data")
            typed.loc[mask.to_numpy(), str(column)] = (
                np.nan if str(column) in typed and typed[str(column)].dtype == float else None
            )
    return typed, problems


def _show(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int | float) else str(value)


def validate(inp: Input, criteria: CriteriaSet | None = None) -> Validated:
    """Type and check every record; mark invalid ones; join the countries sheet on ISO3.

    Columns the tool writes are never input data: its own (:data:`RESERVED`) and, given ``criteria``, the
    set's classifier and index columns (:meth:`CriteriaSet.output_columns`)."""
    table = inp.projects
    raw = table.frame.reset_index(drop=True)
    table = table.with_frame(raw)
    typed, problems = _type_table(table, PROJECT_COLUMNS, "project_id")
    n = len(raw)
    canonical = {c.name for c in PROJECT_COLUMNS}
    reserved = set(RESERVED) | set(criteria.output_columns() if criteria is not None else ())
    input_columns = [c for c in raw.columns if c not in reserved]
    extra = [
        c for c in input_columns if c not in canonical and c not in {col.name for col in COUNTRY_COLUMNS}
    ]
    issues = problems
    # Required fields blank.
    for name in REQUIRED:
        blank = (
            typed[name].isna() & raw[name].map(is_blank)
            if name in typed
            else pd.Series(True, index=raw.index)
        )
        said = text("val_required_blank", column=Text(zh=COLUMN_BY_NAME[name].zh, en=name))
        for pos in np.flatnonzero(blank.to_numpy()):
            issues.append(
                {
                    "row_key": pos,
                    "source_sheet": table.sheet,
                    "source_row": int(table.source_rows[pos]),
                    "project_id": typed["project_id"].iloc[pos] if name != "project_id" else "",
                    "column": table.renamed.get(name, name),
                    "value": None,
                    "message_en": said.en,
                    "message_zh": said.zh,
                    "severity": "invalid",
                }
            )
    ids = typed["project_id"].fillna("")
    keys = ids.map(id_key)
    issues.extend(_shared_ids(ids, keys, table))
    issues.extend(_leading_zeros(ids, keys, table))
    issues.extend(_bidi_controls(typed, table))
    issue_frame = _issue_frame(issues)
    invalid_keys = set(issue_frame.loc[issue_frame["severity"] == "invalid", "row_key"].astype(int))
    valid = ~np.isin(np.arange(n), list(invalid_keys))
    # Built at once, not a column at a time: a frame of 100+ inserted columns is fragmented (pandas warns).
    columns: dict[str, object] = {
        "row_key": np.arange(n),
        "source_sheet": np.full(n, table.sheet, dtype=object),
        "source_row": table.source_rows,
    }
    for c in PROJECT_COLUMNS:
        columns[c.name] = (
            typed[c.name].to_numpy()
            if c.name in typed
            else np.full(
                n,
                np.nan if c.kind in NUMERIC_KINDS else None,
                dtype=float if c.kind in NUMERIC_KINDS else object,
            )
        )
    for name in extra:
        columns[name] = raw[name].map(lambda v: None if v is None else _show(v)).to_numpy(dtype=object)
    records = pd.DataFrame(columns, index=pd.RangeIndex(n))
    records, country_issues = _join_countries(records, inp.countries)
    issue_frame = (
        pd.concat([issue_frame, country_issues], ignore_index=True) if len(country_issues) else issue_frame
    )
    for w in table.warnings:
        issue_frame.loc[len(issue_frame)] = {
            "row_key": -1,
            "source_sheet": table.sheet,
            "source_row": table.header_row,
            "project_id": "",
            "column": "",
            "value": None,
            "message_en": w.en,
            "message_zh": w.zh,
            "severity": "data",
        }
    issue_frame = issue_frame.sort_values(
        ["source_sheet", "source_row", "column"], kind="stable"
    ).reset_index(drop=True)
    return Validated(records, valid, issue_frame, extra, input_columns)


_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def id_key(value: object) -> str:
    """The key two ids are compared on: NFKC (full-width ``１`` is ``1``), invisible characters (zero-width
    spaces and joiners, bidi controls, BOM, soft hyphen) removed, outer space trimmed. The id written out stays
    as the user wrote it."""
    s = unicodedata.normalize("NFKC", str(value))
    return _INVISIBLE.sub("", s).strip()


def _issue(table: RawTable, pos: int, pid: object, column: str, value: object, said: Text, severity: str):
    return {
        "row_key": pos,
        "source_sheet": table.sheet,
        "source_row": int(table.source_rows[pos]),
        "project_id": pid,
        "column": table.renamed.get(column, column),
        "value": value,
        "message_en": said.en,
        "message_zh": said.zh,
        "severity": severity,
    }


def _shared_ids(ids: pd.Series, keys: pd.Series, table: RawTable) -> list[dict[str, object]]:
    """Records sharing an id — the same text, or ids that look the same (``1``, ``１``, ``1`` + a zero-width
    space): all of them invalid (contract 1), each naming the other rows."""
    out: list[dict[str, object]] = []
    dup = keys.ne("") & keys.duplicated(keep=False)
    positions = np.flatnonzero(dup.to_numpy())
    by_key: dict[str, list[int]] = {}
    for pos in positions:
        by_key.setdefault(keys.iloc[pos], []).append(int(pos))
    for pos in positions:
        group = by_key[keys.iloc[pos]]
        others = [int(table.source_rows[p]) for p in group if p != pos]
        alike = all(ids.iloc[p] == ids.iloc[pos] for p in group)
        if alike:
            said = text("val_duplicate_id", rows=join(map(str, others[:5])))
        else:
            shown = [repr(ids.iloc[p])[1:-1] for p in group if ids.iloc[p] != ids.iloc[pos]][:3]
            said = text("val_lookalike_id", rows=join(map(str, others[:5])), ids=join(shown))
        out.append(_issue(table, int(pos), ids.iloc[pos], "project_id", ids.iloc[pos], said, "invalid"))
    return out


_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def _leading_zeros(ids: pd.Series, keys: pd.Series, table: RawTable) -> list[dict[str, object]]:
    """Ids that differ only in leading zeros (``01`` and ``1``): a data issue on each, not a shared id."""
    out: list[dict[str, object]] = []
    stripped = keys.map(lambda k: _ZEROS.sub("", k))
    distinct = pd.DataFrame({"key": keys, "stripped": stripped})
    distinct = distinct[distinct["key"].ne("")]
    counts = distinct.drop_duplicates().groupby("stripped")["key"].nunique()
    clash = set(counts[counts > 1].index)
    if not clash:
        return out
    for pos in np.flatnonzero(stripped.isin(clash).to_numpy() & keys.ne("").to_numpy()):
        others = [
            int(table.source_rows[p])
            for p in np.flatnonzero((stripped == stripped.iloc[pos]).to_numpy())
            if keys.iloc[p] != keys.iloc[pos]
        ]
        said = text("val_leading_zeros", rows=join(map(str, others[:5])))
        out.append(_issue(table, int(pos), ids.iloc[pos], "project_id", ids.iloc[pos], said, "data"))
    return out


def _bidi_controls(typed: pd.DataFrame, table: RawTable) -> list[dict[str, object]]:
    """Names holding bidi override or isolate characters, which make text display differently from what it
    holds (``U+202E``): a data issue, the text kept as written."""
    out: list[dict[str, object]] = []
    for c in PROJECT_COLUMNS:
        if c.kind not in ("text", "id") or c.name not in typed:
            continue
        col = typed[c.name]
        hit = col.map(lambda v: isinstance(v, str) and _BIDI.search(v) is not None)
        for pos in np.flatnonzero(hit.to_numpy(dtype=bool)):
            said = text("val_bidi_control", column=c.name)
            pid = typed["project_id"].iloc[pos] if "project_id" in typed else ""
            out.append(_issue(table, int(pos), pid, c.name, col.iloc[pos], said, "data"))
    return out


def _join_countries(records: pd.DataFrame, countries: RawTable | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join the 一国一策 country sheet on ISO3. A listed country without a debt rating is 'not_rated'."""
    for c in COUNTRY_COLUMNS:
        records[c.name] = np.nan if c.kind in NUMERIC_KINDS else None
    if countries is None or "country" not in countries.frame.columns:
        return records, _issue_frame([])
    countries = countries.with_frame(countries.frame.reset_index(drop=True))
    typed, problems = _type_table(countries, (COLUMN_BY_NAME["country"], *COUNTRY_COLUMNS), None)
    for p in problems:
        p["row_key"] = -1
    typed = typed[typed["country"].notna()].drop_duplicates("country", keep="first").set_index("country")
    if "debt_distress_risk" in typed:
        typed["debt_distress_risk"] = typed["debt_distress_risk"].where(
            typed["debt_distress_risk"].notna(), "not_rated"
        )
    for c in COUNTRY_COLUMNS:
        if c.name in typed:
            mapped = records["country"].map(typed[c.name])
            records[c.name] = (
                mapped.astype(float)
                if c.kind in NUMERIC_KINDS
                else mapped.astype(object).where(mapped.notna(), None)
            )
    return records, _issue_frame(problems)


__all__ = ["COLUMNS", "ISSUE_COLUMNS", "Validated", "validate"]
