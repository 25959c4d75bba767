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
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from screening.io.country_sheet import ShippedCountries

# One row per (country, column) value that reached the country context, with where it came from: a source id of
# the shipped sheet's sources.csv, or "input:<sheet>" for a value of the user's own file.
COUNTRY_SOURCE_COLUMNS = ["country", "column", "value", "source_id", "as_of", "url"]

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


def validate(
    inp: Input, criteria: CriteriaSet | None = None, shipped: ShippedCountries | None = None
) -> Validated:
    """Type and check every record; mark invalid ones; join the country context on ISO3.

    The country context is built column by column, cell by cell: the user's countries sheet first, then a
    value the project sheet gives for every project of a country alike, then ``shipped`` (the shipped
    country sheet, :func:`screening.io.country_sheet.load_shipped`; None leaves it out).

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
    on_projects = tuple(c for c in COUNTRY_COLUMNS if c.name in raw.columns)
    project_context, project_problems = (
        _type_table(table, on_projects, "project_id") if on_projects else (pd.DataFrame(index=raw.index), [])
    )
    issue_frame = (
        pd.concat([issue_frame, _issue_frame(project_problems)], ignore_index=True)
        if project_problems
        else issue_frame
    )
    records, country_issues, country_sources = _join_countries(
        records, inp.countries, shipped, table, project_context
    )
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
    return Validated(
        records,
        valid,
        issue_frame,
        extra,
        input_columns,
        country_sources=country_sources,
        country_sheet_sha256=shipped.sha256 if shipped is not None else None,
        country_sheet_as_of=shipped.as_of if shipped is not None else None,
    )


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


def _by_country(typed: pd.DataFrame) -> pd.DataFrame:
    """A typed countries sheet indexed by ISO3: rows without a country dropped, the first row of a country kept."""
    return typed[typed["country"].notna()].drop_duplicates("country", keep="first").set_index("country")


def _project_layer(
    records: pd.DataFrame, context: pd.DataFrame, table: RawTable
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Country columns given on the project sheet, one row per country: a value every project of the country
    that gives one agrees on; where they disagree, nothing (a data issue names the values)."""
    layer: dict[str, pd.Series] = {}
    problems: list[dict[str, object]] = []
    country = records["country"]
    for name in context.columns:
        given = pd.DataFrame({"country": country, "value": context[name]}).dropna()
        if given.empty:
            continue
        distinct = given.drop_duplicates()
        counts = distinct.groupby("country")["value"].size()
        agreed = distinct[distinct["country"].isin(counts[counts == 1].index)]
        layer[name] = agreed.set_index("country")["value"]
        for iso in counts[counts > 1].index:
            rows = given.index[given["country"] == iso]
            shown = ", ".join([_show_value(v) for v in dict.fromkeys(given.loc[rows, "value"])][:5])
            said = text("val_country_value_conflict", column=name, country=iso, values=shown)
            problems.append(
                {
                    "row_key": -1,
                    "source_sheet": table.sheet,
                    "source_row": int(table.source_rows[int(rows[0])]),
                    "project_id": "",
                    "column": table.renamed.get(name, name),
                    "value": shown,
                    "message_en": said.en,
                    "message_zh": said.zh,
                    "severity": "data",
                }
            )
    frame = pd.DataFrame(layer) if layer else pd.DataFrame()
    return frame, problems


def _show_value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _join_countries(
    records: pd.DataFrame,
    countries: RawTable | None,
    shipped: ShippedCountries | None,
    table: RawTable,
    project_context: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Build the country context on ISO3, cell by cell: the user's countries sheet, then the project sheet's
    agreed country values, then the shipped sheet; map it onto the records. A country the user's sheet lists
    without a debt rating that no later layer gives is 'not_rated'. Returns the records, the data issues and
    where every value came from (:data:`COUNTRY_SOURCE_COLUMNS`)."""
    columns = (COLUMN_BY_NAME["country"], *COUNTRY_COLUMNS)
    layers: list[tuple[pd.DataFrame, pd.DataFrame]] = []  # (values by ISO3, source id of each value)
    problems: list[dict[str, object]] = []
    listed: pd.Index = pd.Index([])
    if countries is not None and "country" in countries.frame.columns:
        countries = countries.with_frame(countries.frame.reset_index(drop=True))
        typed, problems = _type_table(countries, columns, None)
        for p in problems:
            p["row_key"] = -1
        user = _by_country(typed)
        listed = user.index if "debt_distress_risk" in user.columns else listed
        layers.append((user, _sources_like(user, f"input:{countries.sheet}")))
    project, conflicts = _project_layer(records, project_context, table)
    problems.extend(conflicts)
    if len(project.columns):
        layers.append((project, _sources_like(project, f"input:{table.sheet}")))
    catalogue: dict[str, dict[str, str]] = {}
    if shipped is not None:
        typed, shipped_problems = _type_table(shipped.table, columns, None)  # none: tests hold it clean
        for p in shipped_problems:
            p["row_key"] = -1
        problems.extend(shipped_problems)
        ids = shipped.sources.where(
            typed.notna().reindex(columns=shipped.sources.columns, fill_value=False), ""
        )
        ids.insert(0, "country", typed["country"])
        layers.append((_by_country(typed), _by_country(ids)))
        catalogue = {
            str(r["source_id"]): {str(k): str(v) for k, v in r.items()}
            for r in shipped.catalogue.to_dict("records")
        }
    values, sources = _combine(layers)
    if "debt_distress_risk" in values or len(listed):
        debt = values.get("debt_distress_risk", pd.Series(None, index=values.index, dtype=object))
        fill = values.index.isin(listed) & debt.isna().to_numpy()
        values["debt_distress_risk"] = debt.where(~fill, "not_rated")
        src = sources.get("debt_distress_risk", pd.Series("", index=values.index, dtype=object))
        sources["debt_distress_risk"] = src.where(~fill, f"input:{countries.sheet if countries else ''}")
    _drop_orphan_companions(values, sources)
    for c in COUNTRY_COLUMNS:
        if c.name in values:
            mapped = records["country"].map(values[c.name])
            records[c.name] = (
                mapped.astype(float)
                if c.kind in NUMERIC_KINDS
                else mapped.astype(object).where(mapped.notna(), None)
            )
        else:
            records[c.name] = np.nan if c.kind in NUMERIC_KINDS else None
    return records, _issue_frame(problems), _source_table(values, sources, records, catalogue)


# A column that dates another (its year, its as-of date): a shipped date is kept only beside the shipped value
# it dates, never beside a value the user gave (a user's "no BRI document" must not carry a shipped year).
COMPANIONS: dict[str, tuple[str, ...]] = {
    "bri_cooperation_document": ("bri_cooperation_document_year",),
    "debt_distress_risk": ("debt_distress_risk_as_of",),
    "political_stability": ("political_stability_year",),
}


def _drop_orphan_companions(values: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Blank (in place) a shipped companion value whose main value came from elsewhere."""
    for main, companions in COMPANIONS.items():
        if main not in sources:
            continue
        for comp in companions:
            if comp not in sources:
                continue
            src = sources[comp].astype(str)
            orphan = ~src.str.startswith("input:") & src.ne("") & src.ne(sources[main].astype(str))
            if orphan.any():
                values.loc[orphan, comp] = np.nan if values[comp].dtype == float else None
                sources.loc[orphan, comp] = ""


def _sources_like(values: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """``source_id`` where ``values`` has a value, "" elsewhere."""
    return pd.DataFrame(
        np.where(values.notna().to_numpy(), source_id, ""), index=values.index, columns=values.columns
    )


def _combine(layers: list[tuple[pd.DataFrame, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cell by cell, the first layer's value that is not blank (and its source id)."""
    index = pd.Index([])
    for v, _ in layers:
        index = index.union(v.index)
    values = pd.DataFrame(index=index)
    sources = pd.DataFrame(index=index)
    for v, s in layers:
        for name in v.columns:
            if name not in COUNTRY_NAMES:
                continue
            new = v[name].reindex(index)
            new_src = s[name].reindex(index).fillna("") if name in s else pd.Series("", index=index)
            if name not in values:
                values[name] = new.astype(object).where(new.notna(), None) if new.dtype != float else new
                sources[name] = new_src.where(new.notna(), "")
                continue
            take = values[name].isna() & new.notna()
            values[name] = values[name].where(~take, new)
            sources[name] = sources[name].where(~take, new_src)
    return values, sources


COUNTRY_NAMES = frozenset(c.name for c in COUNTRY_COLUMNS)


def _source_table(
    values: pd.DataFrame,
    sources: pd.DataFrame,
    records: pd.DataFrame,
    catalogue: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """The value and source of every country-context cell of a country that some record names."""
    wanted = values.index.intersection(pd.Index(records["country"].dropna().unique()))
    rows: list[dict[str, object]] = []
    for iso in wanted:
        for name in values.columns:
            value = values.at[iso, name]
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            sid = str(sources.at[iso, name]) if name in sources else ""
            entry = catalogue.get(sid, {})
            rows.append(
                {
                    "country": iso,
                    "column": name,
                    "value": _show_value(value),
                    "source_id": sid,
                    "as_of": entry.get("as_of", ""),
                    "url": entry.get("url", ""),
                }
            )
    return pd.DataFrame(rows, columns=COUNTRY_SOURCE_COLUMNS)


__all__ = ["COLUMNS", "COUNTRY_SOURCE_COLUMNS", "ISSUE_COLUMNS", "Validated", "validate"]
