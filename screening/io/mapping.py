"""Mappings for other layouts: which source column feeds which canonical column (YAML data, no code).

A mapping names, for each canonical column, the source header (``from``), an optional numeric ``scale``
(e.g. constant USD → USD million), and an optional ``values`` table (source word → our code) with a
``default`` for unlisted words. Built-in mappings live in ``screening/mappings/<name>.yaml``; a user's own
mapping is given by path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, read_file_bounded
from screening.resources import MAPPINGS_DIR
from screening.vocab.coerce import is_blank, parse_number
from screening.vocab.columns import COLUMN_BY_NAME, REQUIRED, header_lookup, norm_key

if TYPE_CHECKING:
    from screening.model import RawTable


class MappingError(ValueError):
    pass


class ColumnRule(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str = Field(alias="from")
    scale: float | None = None
    values: dict[str, str] | None = None
    default: str | None = None


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str = ""
    attribution: str = ""
    columns: dict[str, ColumnRule]

    def header_lookup(self) -> dict[str, str]:
        """Source headers named by the mapping first, then the ordinary canonical headers."""
        table = {norm_key(rule.from_): canonical for canonical, rule in self.columns.items()}
        for key, canonical in header_lookup().items():
            if canonical not in self.columns:
                table.setdefault(key, canonical)
        return table

    def required_sources(self) -> tuple[str, ...]:
        return REQUIRED

    def apply(self, table: RawTable) -> RawTable:
        """Convert units and translate value words in the columns this mapping feeds."""
        frame = table.frame.copy()
        for canonical, rule in self.columns.items():
            if canonical not in frame.columns:
                continue
            col = frame[canonical]
            if rule.scale is not None:
                dc = table.decimal_comma
                frame[canonical] = col.map(lambda v, s=rule.scale, dc=dc: _scaled(v, s, dc))
            if rule.values is not None:
                table_ = {norm_key(k): v for k, v in rule.values.items()}
                frame[canonical] = col.map(
                    lambda v, t=table_, d=rule.default: (
                        None if is_blank(v) else t.get(norm_key(v), d if d is not None else v)
                    )
                )
        return table.with_frame(frame)


def _scaled(value: object, scale: float, decimal_comma: bool = False) -> object:
    if is_blank(value):
        return None
    number, problem = parse_number(value, decimal_comma=decimal_comma)
    if problem is not None or not isinstance(number, float):
        return value  # left for validation to report
    return number * scale


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
        raise MappingError(
            f"{prefix}{'.'.join(str(p) for p in first['loc']) or '(top level)'}: {first['msg']}"
        ) from None
    unknown = [c for c in mapping.columns if c not in COLUMN_BY_NAME]
    if unknown:
        raise MappingError(f"{prefix}columns.{unknown[0]}: not a standard column (see docs/columns.md)")
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
