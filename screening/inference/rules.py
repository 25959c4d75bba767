"""The inference rules file: a registry of extractor kinds, each parameterised in YAML by literal terms only.

A rule fills one canonical column that a record leaves blank from what the record itself carries (another
column, or a span of its text). The file names no regular expression, no format string and no code: text
terms are literal (searched by the criteria's text engine, :mod:`screening.criteria.textscan`), numbers are
read by fixed code next to a literal unit or key word. Kinds (the one source of the file's schema):

``term_value``
    The value whose term occurs first (fields in the order given, then position): e.g. the energy source
    named in the title. Occurrences that a negation cue governs ("no resettlement") are not evidence.
``number_with_unit``
    A number written just before a unit word ("2x660 MW", "1,320 megawatts"), times the unit's factor;
    ``combine`` says which of several numbers counts.
``number_near_words``
    A number with one of ``units`` ("%", "year") within ``window`` characters of a key word ("a 6.3%
    interest rate", "a maturity of 20 years").
``cases``
    The first case whose conditions hold on other columns (e.g. flow type "Grant" → financing model grant).
``threshold``
    ``true`` when a number reaches ``at_least``, else ``false`` (concessional: grant element ≥ 35 %).
``grant_element``
    The IMF grant element of a loan from its interest rate, maturity and grace period.
``emissions``
    Annual tCO2e from capacity × hours × capacity factor × emission factor, per energy source.
``duration``
    Months between two year columns (commitment to completion), for records whose status says completed.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from screening.i18n import Text
from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, read_file_bounded
from screening.resources import EVIDENCE_DIR
from screening.vocab.columns import COLUMN_BY_NAME

__all__ = [
    "DEFAULT_RULES",
    "default_rules",
    "InferenceError",
    "InferenceRules",
    "Rule",
    "load_rules",
    "rules_from_text",
]

DEFAULT_RULES = EVIDENCE_DIR / "inference" / "rules.yaml"


class InferenceError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """A column's value (compared case- and space-insensitively) is one of ``in_``, or the column is blank."""

    field: str
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    missing: bool | None = None


class _RuleBase(_Strict):
    id: str
    target: str
    label: Text | None = None
    # Only records whose columns meet every condition (e.g. sector is energy) are looked at.
    when: tuple[Condition, ...] = ()
    why: Text | None = None
    source: str | None = None  # a citation for a factor or a method; our own choices say so in ``why``

    def reads(self) -> set[str]:
        return {c.field for c in self.when}


class TermValue(_RuleBase):
    kind: Literal["term_value"]
    fields: tuple[str, ...]
    values: dict[str, tuple[str, ...]]  # value → literal terms
    negatable: bool = True  # occurrences governed by a negation cue are not evidence

    def reads(self) -> set[str]:
        return super().reads() | set(self.fields)

    def terms(self) -> set[str]:
        return {t for terms in self.values.values() for t in terms}


class NumberWithUnit(_RuleBase):
    kind: Literal["number_with_unit"]
    fields: tuple[str, ...]
    units: dict[str, float]  # unit word → factor to the target's unit
    combine: Literal["max", "first"] = "max"

    def reads(self) -> set[str]:
        return super().reads() | set(self.fields)

    def terms(self) -> set[str]:
        return set(self.units)


class NumberNearWords(_RuleBase):
    kind: Literal["number_near_words"]
    fields: tuple[str, ...]
    words: tuple[str, ...]
    units: tuple[str, ...]  # literal unit words that must follow the number ("%", "-year", " years")
    window: int = Field(ge=1, le=200)
    unless: tuple[str, ...] = ()  # literal words that, near the key word, make the number no answer ("LIBOR")
    minimum: float | None = None
    maximum: float | None = None

    def reads(self) -> set[str]:
        return super().reads() | set(self.fields)

    def terms(self) -> set[str]:
        return set(self.words)


class Case(_Strict):
    when: tuple[Condition, ...]
    value: str | float | bool


class Cases(_RuleBase):
    kind: Literal["cases"]
    cases: tuple[Case, ...]

    def reads(self) -> set[str]:
        return super().reads() | {c.field for case in self.cases for c in case.when}


class Threshold(_RuleBase):
    kind: Literal["threshold"]
    field: str
    at_least: float

    def reads(self) -> set[str]:
        return super().reads() | {self.field}


class GrantElement(_RuleBase):
    kind: Literal["grant_element"]
    interest: str
    maturity: str
    grace: str
    discount_rate_pct: float = Field(gt=0, lt=100)
    payments_per_year: int = Field(ge=1, le=12)

    def reads(self) -> set[str]:
        return super().reads() | {self.interest, self.maturity, self.grace}


class SourceFactor(_Strict):
    """Per energy source: the fuel's CO2 emission factor (t/TJ, cited), the plant's net efficiency and its
    capacity factor (our own choices unless cited)."""

    tco2_per_tj: float = Field(ge=0)
    efficiency: float = Field(gt=0, le=1)
    capacity_factor: float = Field(gt=0, le=1)


class Emissions(_RuleBase):
    kind: Literal["emissions"]
    capacity: str
    energy_source: str
    factors: dict[str, SourceFactor]

    def reads(self) -> set[str]:
        return super().reads() | {self.capacity, self.energy_source}


class Duration(_RuleBase):
    kind: Literal["duration"]
    start: str
    end: str
    max_months: int = Field(ge=1)

    def reads(self) -> set[str]:
        return super().reads() | {self.start, self.end}


Rule = Annotated[
    TermValue | NumberWithUnit | NumberNearWords | Cases | Threshold | GrantElement | Emissions | Duration,
    Field(discriminator="kind"),
]


class InferenceRules(_Strict):
    version: str
    title: Text
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _columns_exist(self) -> InferenceRules:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id '{rule.id}' is given twice")
            seen.add(rule.id)
            for name in {rule.target} | rule.reads():
                if name not in COLUMN_BY_NAME and name != "track":
                    raise ValueError(f"rule '{rule.id}': '{name}' is not a standard column")
        return self


def rules_from_text(text: str, where: str = "") -> InferenceRules:
    prefix = f"{where}: " if where else ""
    try:
        data = load_yaml_bounded(
            text, max_nodes=ilimit("MAX_CRITERIA_NODES"), nodes_setting="MAX_CRITERIA_NODES"
        )
        return InferenceRules.model_validate(data)
    except LimitError as exc:
        raise InferenceError(f"{prefix}{exc.text.en}") from None
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InferenceError(f"{prefix}{loc}: {first['msg']}") from None
    except Exception as exc:  # yaml.YAMLError and its kin: one line, never a traceback
        raise InferenceError(f"{prefix}not valid YAML ({getattr(exc, 'problem', exc)})") from None


@lru_cache(maxsize=1)
def default_rules() -> tuple[InferenceRules, str]:
    """The shipped rules, read once per process."""
    return load_rules(DEFAULT_RULES)


def load_rules(path: str | Path = DEFAULT_RULES) -> tuple[InferenceRules, str]:
    """The rules and the SHA-256 of the file's bytes (recorded in the Audit)."""
    try:
        raw = read_file_bounded(Path(path), limit("MAX_CRITERIA_BYTES"), "MAX_CRITERIA_BYTES")
    except LimitError as exc:
        raise InferenceError(f"{path}: {exc.text.en}") from None
    return rules_from_text(raw.decode("utf-8-sig"), str(path)), hashlib.sha256(raw).hexdigest()
