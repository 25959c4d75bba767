"""Mappings for other layouts: which source columns feed which canonical column (YAML data, no code).

A mapping names, for each canonical column, one way to fill it — a source header (``from``, with optional
``alternatives``), several headers joined (``join`` with a literal ``separator``), a constant (``value``), or,
for the id column only, an id built by the tool (``hash_of`` a record's columns, or a ``row_counter``) — and
optional conversions: a numeric ``scale``, a declared money ``unit`` (``"$1,740 "`` in USD millions), and value
tables by exact word (``values``), literal prefix (``prefixes``) or ``*``/``?`` wildcard (``globs``) with a
``default``. Everything is literal: no regular expressions, no format strings, no code from the file. The
format, with an example of every key, is in ``docs/mappings.md``. Built-in mappings live in
``screening/io/mappings/<name>.yaml``; a user's own mapping is given by path.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from screening.i18n import Text, text
from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, read_file_bounded
from screening.model import InputError
from screening.resources import MAPPINGS_DIR
from screening.vocab.coerce import is_blank, parse_number
from screening.vocab.columns import COLUMN_BY_NAME, REQUIRED, header_lookup, norm_key

if TYPE_CHECKING:
    from screening.model import RawTable


class MappingError(ValueError):
    pass


# A declared money unit → factor to USD million (the unit of every money column, docs/columns.md).
UNITS: dict[str, float] = {"usd": 1e-6, "usd_thousand": 1e-3, "usd_million": 1.0, "usd_billion": 1e3}
# Currency signs stripped from a money cell with a declared USD unit; any other sign is left for validation
# to report (the amount is then not in US dollars).
_USD_SIGNS = ("US$", "USD", "$")
# hash_of ids keep this many hex digits of SHA-256. why: our choice — 48 bits keep the chance that two
# different records of a 100,000-row file share an id below 1 in 50,000 (birthday bound n²/2⁴⁹), while the id
# stays short enough to read and type.
HASH_HEX_DIGITS = 12
_SOURCE_KINDS = ("from", "join", "value", "hash_of", "row_counter")


class ColumnRule(BaseModel):
    """How one canonical column is filled. Exactly one of ``from``, ``join``, ``value``, ``hash_of`` or
    ``row_counter``; then optional conversions."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str | None = Field(default=None, alias="from", min_length=1)
    alternatives: list[str] | None = Field(default=None, min_length=1)
    join: list[str] | None = Field(default=None, min_length=2)
    separator: str | None = Field(default=None, max_length=20)
    value: str | float | bool | None = None
    hash_of: list[str] | None = Field(default=None, min_length=1)
    row_counter: int | None = Field(default=None, ge=1, le=12)
    prefix: str | None = Field(default=None, max_length=40)
    scale: float | None = None
    unit: Literal["usd", "usd_thousand", "usd_million", "usd_billion"] | None = None
    thousands: Literal[",", ".", " ", "'"] | None = None
    values: dict[str, str] | None = None
    prefixes: dict[str, str] | None = None
    globs: dict[str, str] | None = None
    default: str | None = None

    @field_validator("values", "prefixes", "globs", mode="before")
    @classmethod
    def _yes_no_codes(cls, table: object) -> object:
        """YAML reads an unquoted yes/no as true/false: as a code (a dict's value) it means "yes"/"no"."""
        if isinstance(table, dict):
            return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in table.items()}
        return table

    @field_validator("default", mode="before")
    @classmethod
    def _yes_no_default(cls, value: object) -> object:
        return ("yes" if value else "no") if isinstance(value, bool) else value

    @model_validator(mode="after")
    def _one_source(self) -> ColumnRule:
        given = [k for k in _SOURCE_KINDS if getattr(self, "from_" if k == "from" else k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of {', '.join(_SOURCE_KINDS)} (found {', '.join(given) or 'none'})"
            )
        kind = given[0]
        if self.alternatives is not None and kind != "from":
            raise ValueError("'alternatives' goes with 'from'")
        if self.separator is not None and kind != "join":
            raise ValueError("'separator' goes with 'join'")
        if self.prefix is not None and kind not in ("hash_of", "row_counter"):
            raise ValueError("'prefix' goes with 'hash_of' or 'row_counter'")
        if kind in ("hash_of", "row_counter", "value") and self._converts():
            raise ValueError(f"'{kind}' takes no scale, unit or value tables")
        if self.scale is not None and self.unit is not None:
            raise ValueError("give 'scale' or 'unit', not both")
        if self.thousands is not None and self.unit is None:
            raise ValueError("'thousands' goes with 'unit'")
        return self

    def _converts(self) -> bool:
        return any(
            x is not None
            for x in (self.scale, self.unit, self.values, self.prefixes, self.globs, self.default)
        )

    def sources(self) -> list[str]:
        """Every source header the rule reads (for ``from``: the first one the file has is used)."""
        if self.from_ is not None:
            return [self.from_, *(self.alternatives or [])]
        return [*(self.join or []), *(self.hash_of or [])]


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=80)
    title: str = ""
    attribution: str = ""
    columns: dict[str, ColumnRule]

    @model_validator(mode="after")
    def _canonical(self) -> Mapping:
        for name, rule in self.columns.items():
            col = COLUMN_BY_NAME.get(name)
            if col is None:
                raise ValueError(f"columns.{name}: not a standard column (see docs/columns.md)")
            if (rule.hash_of is not None or rule.row_counter is not None) and col.kind != "id":
                raise ValueError(
                    f"columns.{name}: hash_of and row_counter build ids; {name} is not an id column"
                )
            if rule.unit is not None and col.kind != "money":
                raise ValueError(f"columns.{name}: 'unit' is for money columns (USD million); use 'scale'")
        return self

    # ------------------------------------------------------------------ reading the header row
    def header_lookup(self) -> dict[str, str]:
        """For finding the header row: source headers named by the mapping first (each → the first column it
        feeds), then the ordinary canonical headers of the columns the mapping does not fill."""
        table: dict[str, str] = {}
        # A header feeding several columns is counted for a required one, and for a column it alone feeds.
        ordered = sorted(self.columns.items(), key=lambda kv: (kv[0] not in REQUIRED, kv[1].from_ is None))
        for canonical, rule in ordered:
            for source in rule.sources():
                table.setdefault(norm_key(source), canonical)
        for key, canonical in header_lookup().items():
            if canonical not in self.columns:
                table.setdefault(key, canonical)
        return table

    def rename_lookup(self) -> dict[str, str]:
        """For reading the table: the ordinary canonical headers, less any header the mapping reads itself and
        any column the mapping fills (those are built by :meth:`build`)."""
        named = {norm_key(s) for rule in self.columns.values() for s in rule.sources()}
        return {k: c for k, c in header_lookup().items() if k not in named and c not in self.columns}

    def required_sources(self) -> tuple[str, ...]:
        """The required columns the file's header row must name (those not built from nothing)."""
        return tuple(
            c
            for c in REQUIRED
            if c not in self.columns or self.columns[c].from_ is not None or self.columns[c].join is not None
        )

    # ------------------------------------------------------------------ building and converting
    def build(self, table: RawTable) -> RawTable:
        """The canonical columns this mapping fills, built from the source columns; a source header the file
        lacks is an :class:`InputError` naming it and the closest headers the file has."""
        frame = table.frame
        by_key: dict[str, str] = {}
        for col in frame.columns:
            by_key.setdefault(norm_key(col), str(col))
        built: dict[str, pd.Series] = {}
        consumed: set[str] = set()
        matched = dict(table.matched)
        renamed = dict(table.renamed)
        warnings: list[Text] = []

        def column(source: str, canonical: str) -> pd.Series:
            """A source header of the file, else a column this mapping has already built (join and hash_of
            entries may name either)."""
            found = by_key.get(norm_key(source))
            if found is not None:
                return frame[found]
            if source in built:
                return built[source]
            raise _missing(self, canonical, source, table)

        # Sources and constants first, then joins, then ids, so a join or an id may use a built column.
        def phase(rule: ColumnRule) -> int:
            return (
                0
                if rule.join is None and rule.hash_of is None and rule.row_counter is None
                else (1 if rule.join is not None else 2)
            )

        for canonical, rule in sorted(self.columns.items(), key=lambda kv: phase(kv[1])):
            if rule.from_ is not None:
                found = next((by_key[norm_key(s)] for s in rule.sources() if norm_key(s) in by_key), None)
                if found is None:
                    raise _missing(self, canonical, rule.from_, table)
                built[canonical] = frame[found]
                consumed.add(found)
                matched[found] = canonical
                renamed[canonical] = found
            elif rule.join is not None:
                parts = [column(s, canonical) for s in rule.join]
                sep = " " if rule.separator is None else rule.separator
                built[canonical] = pd.Series(
                    [_joined(vals, sep) for vals in zip(*parts, strict=True)], index=frame.index, dtype=object
                )
            elif rule.hash_of is not None:
                parts = [column(s, canonical) for s in rule.hash_of]
                built[canonical] = pd.Series(
                    [(rule.prefix or "") + _digest(vals) for vals in zip(*parts, strict=True)],
                    index=frame.index,
                    dtype=object,
                )
            elif rule.row_counter is not None:
                width = rule.row_counter
                built[canonical] = pd.Series(
                    [f"{rule.prefix or ''}{str(i).zfill(width)}" for i in range(1, len(frame) + 1)],
                    index=frame.index,
                    dtype=object,
                )
                warnings.append(text("map_row_counter", column=canonical, mapping=self.id))
            else:
                built[canonical] = pd.Series([rule.value] * len(frame), index=frame.index, dtype=object)
        built = {c: built[c] for c in self.columns}  # in the mapping's order
        rest = frame.drop(columns=[c for c in frame.columns if c in consumed])
        clash = {c: f"{c} (source)" for c in rest.columns if c in built}
        if clash:
            rest = rest.rename(columns=clash)
        out = pd.concat([pd.DataFrame(built, index=frame.index), rest], axis=1)
        # A header the mapping reads only to join or hash may still be an ordinary canonical header.
        ordinary = header_lookup()
        later: dict[str, str] = {}
        for col in rest.columns:
            target = ordinary.get(norm_key(col))
            if target and target in built:
                # e.g. "Sector", read only to join, beside the built sector (shown as "Sector" too)
                c = COLUMN_BY_NAME[target]
                if norm_key(col) in {norm_key(c.name), norm_key(c.en), norm_key(c.zh)}:
                    later[col] = f"{col} (source)"
            elif target and target not in out.columns and target not in later.values():
                later[col] = target
        if later:
            out = out.rename(columns=later)
            for src, canonical in later.items():
                if canonical in COLUMN_BY_NAME:
                    matched[src] = canonical
                    renamed[canonical] = src
        return replace(table, frame=out, matched=matched, renamed=renamed).with_warnings(*warnings)

    def transform(self, table: RawTable) -> RawTable:
        """Convert units and translate value words in the columns this mapping fills."""
        frame = table.frame.copy()
        notes: list[Text] = []
        for canonical, rule in self.columns.items():
            if canonical not in frame.columns or not rule._converts():
                continue
            col = frame[canonical]
            if rule.unit is not None:
                factor = UNITS[rule.unit]
                if rule.thousands is None:
                    doubt = _dot_thousands(col)
                    if doubt:
                        notes.append(
                            text(
                                "map_dot_thousands",
                                column=canonical,
                                n=len(doubt),
                                examples=", ".join(doubt[:3]),
                            )
                        )
                col = col.map(lambda v, f=factor, t=rule.thousands or ",": _money(v, f, t))
            elif rule.scale is not None:
                dc = table.decimal_comma
                col = col.map(lambda v, s=rule.scale, dc=dc: _scaled(v, s, dc))
            if rule.values is not None or rule.prefixes is not None or rule.globs is not None:
                words = ValueTable.of(rule)
                col = col.map(words.translate)
            elif rule.default is not None:
                d = rule.default
                col = col.map(lambda v, d=d: None if is_blank(v) else d)
            frame[canonical] = col
        return table.with_frame(frame).with_warnings(*notes)

    def apply(self, table: RawTable) -> RawTable:
        """:meth:`build`, then :meth:`transform`."""
        return self.transform(self.build(table))


class ValueTable:
    """Source word → code: exact words first, then the longest literal prefix, then the first ``*``/``?``
    pattern that matches, then the default (else the word as written). Case, width and spaces do not count."""

    def __init__(
        self,
        exact: dict[str, str],
        prefixes: list[tuple[str, str]],
        globs: list[tuple[str, str]],
        default: str | None,
    ) -> None:
        self.exact, self.prefixes, self.globs, self.default = exact, prefixes, globs, default

    @classmethod
    def of(cls, rule: ColumnRule) -> ValueTable:
        exact = {norm_key(k): v for k, v in (rule.values or {}).items()}
        prefixes = sorted(
            ((norm_key(k), v) for k, v in (rule.prefixes or {}).items()), key=lambda kv: -len(kv[0])
        )
        globs = [(norm_key(k), v) for k, v in (rule.globs or {}).items()]
        return cls(exact, prefixes, globs, rule.default)

    def translate(self, value: object) -> object:
        if is_blank(value):
            return None
        key = norm_key(value)
        if key in self.exact:
            return self.exact[key]
        for p, code in self.prefixes:
            if key.startswith(p):
                return code
        for g, code in self.globs:
            if wildcard_match(g, key):
                return code
        return self.default if self.default is not None else value


def wildcard_match(pattern: str, word: str) -> bool:
    """``*`` (any run of characters, also none) and ``?`` (one character); every other character literal —
    ``[``, ``]`` and ``\\`` included (unlike :mod:`fnmatch`). Greedy with one backtrack point, linear time."""
    p = w = 0
    star = -1
    mark = 0
    while w < len(word):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == word[w]) and pattern[p] != "*":
            p += 1
            w += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, w
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            w = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _cell_text(value: object) -> str:
    """A cell as text, the same whether it came from a workbook (2005.0) or a CSV ("2005")."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _joined(values: tuple[object, ...], separator: str) -> str | None:
    parts = [t for t in (_cell_text(v) for v in values) if t]
    return separator.join(parts) if parts else None


def _digest(values: tuple[object, ...]) -> str:
    # \x1f (unit separator) between cells so ("ab", "c") and ("a", "bc") differ.
    data = "\x1f".join(_cell_text(v) for v in values).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:HASH_HEX_DIGITS]


def _money(value: object, factor: float, thousands: str) -> object:
    """A money cell in a declared unit → USD million: whitespace (tabs and no-break spaces too), US dollar
    signs and the declared thousands separator are stripped; what still is not a number is left for
    validation to report."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value) * factor
    s = "".join(str(value).split())
    for sign in _USD_SIGNS:
        s = s.replace(sign, "")
    s = s.replace(thousands, "")
    if thousands == ".":
        s = s.replace(",", ".")
    number, problem = parse_number(s)
    if problem is not None or not isinstance(number, float) or not _plain_number(s):
        return value
    return number * factor


def _dot_thousands(col: pd.Series) -> list[str]:
    """Money cells written like ``1.740`` (one dot, then exactly three digits) in a column with no comma at
    all: a file re-saved with a European locale writes thousands so, and read with the default ``,`` they
    would be 1.74. Returned for a warning; the values are still read with the comma as separator."""
    seen: list[str] = []
    for v in col.dropna().unique():
        if not isinstance(v, str):
            continue
        s = "".join(v.split())
        if "," in s:
            return []
        head, dot, tail = s.rpartition(".")
        if dot and len(tail) == 3 and tail.isdigit() and head.strip("$USD").lstrip("+-").isdigit():
            seen.append(s)
    return seen


def _plain_number(s: str) -> bool:
    """Digits with at most one decimal point and a leading sign: no 万/million words (the unit is declared)."""
    body = s[1:] if s[:1] in "+-" else s
    return bool(body) and body.replace(".", "", 1).isdigit()


def _scaled(value: object, scale: float, decimal_comma: bool = False) -> object:
    if is_blank(value):
        return None
    number, problem = parse_number(value, decimal_comma=decimal_comma)
    if problem is not None or not isinstance(number, float):
        return value  # left for validation to report
    return number * scale


def _missing(mapping: Mapping, canonical: str, source: str, table: RawTable) -> InputError:
    headers = [str(c) for c in table.frame.columns]
    close = difflib.get_close_matches(source, headers, n=3, cutoff=0.6)
    said = text(
        "map_source_missing",
        mapping=mapping.id,
        source=source,
        column=canonical,
        sheet=table.sheet,
        close=", ".join(f"'{c}'" for c in close) if close else "—",
    )
    return InputError(said.en, said.zh)


MAX_MAPPING_BYTES = int(limit("MAX_MAPPING_BYTES"))  # the default; limits.py holds the value in force


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A built-in mapping by name (e.g. ``aiddata-gcdf3``) or a user's mapping file by path."""
    path = Path(name_or_path)
    builtin = MAPPINGS_DIR / f"{name_or_path}.yaml"
    if not path.exists() and builtin.exists():
        path = builtin
    if not path.exists():
        names = ", ".join(builtin_mappings())
        raise MappingError(
            f"mapping '{name_or_path}' not found: give a built-in name ({names}) or a YAML file path"
        )
    try:
        raw = read_file_bounded(path, limit("MAX_MAPPING_BYTES"), "MAX_MAPPING_BYTES")
    except LimitError as exc:
        raise MappingError(f"{path}: {exc.text.en}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: cannot be read as UTF-8 text ({exc.reason})") from None
    return mapping_from_text(text, where=str(path))


def mapping_from_text(text: str, where: str | None = None) -> Mapping:
    """Parse a mapping's YAML text (a file, an upload or the app's editor); :class:`MappingError` with a
    one-line reason, prefixed by ``where`` when given."""
    prefix = f"{where}: " if where else ""
    cap = ilimit("MAX_MAPPING_BYTES")
    if len(text) > cap:
        raise MappingError(f"{prefix}larger than {cap // 1000:,} kB; it cannot be a mapping")
    try:
        data = load_yaml_bounded(
            text, max_nodes=ilimit("MAX_MAPPING_NODES"), nodes_setting="MAX_MAPPING_NODES"
        )
        mapping = Mapping.model_validate(data)
    except LimitError as exc:
        raise MappingError(f"{prefix}{exc.text.en}") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{prefix}not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except ValidationError as err:
        first = err.errors()[0]
        msg = str(first["msg"]).removeprefix("Value error, ")
        where_ = ".".join(str(p) for p in first["loc"])
        raise MappingError(f"{prefix}{where_ + ': ' if where_ else ''}{msg}") from None
    return mapping


def mapping_from_headers(pairs: dict[str, str], ident: str = "custom") -> Mapping:
    """A mapping from an edited header table (source header → canonical name), as the app saves it."""
    return Mapping(
        id=ident,
        columns={canon: ColumnRule.model_validate({"from": src}) for src, canon in pairs.items() if canon},
    )


def mapping_yaml(mapping: Mapping) -> str:
    data = mapping.model_dump(by_alias=True, exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def builtin_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))
