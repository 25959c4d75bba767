"""The declarative vocabulary of criteria files: conditions (rules) and scorers, as a small registry.

A criteria file never holds code. A *rule* is one of the kinds below and evaluates, column-wise, to a boolean
array over all projects; a *scorer* maps a project's values onto 0–100 points by fixed anchors written in the
file (DESIGN.md "Scores rest on fixed anchors"), or to NaN when the input is missing ("not assessed").

Each kind is a pydantic model with ``extra="forbid"`` and two methods (``evaluate``/``score`` and
``fields``); :data:`RULE_KINDS` and :data:`SCORER_KINDS` are the registries. Adding a kind is adding a class
and a registry entry, not another ``if kind == ...`` branch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from screening.criteria.negation import Negation
from screening.criteria.textscan import TextScan
from screening.i18n import Text, t
from screening.vocab.format import format_value

DEFAULT_TEXT_FIELDS = ("project_name", "subsector", "description")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Scalar = Union[bool, int, float, str]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A field as floats, NaN where blank or not a number."""
    result: np.ndarray = pd.to_numeric(_column(frame, name), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    return result


def _strictly_increasing(pairs: list[tuple[float, float]], what: str) -> list[tuple[float, float]]:
    xs = [p[0] for p in pairs]
    if any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
        raise ValueError(f"{what} must increase strictly")
    return pairs


def _present(series: pd.Series) -> np.ndarray:
    return np.asarray(series.notna(), dtype=bool)


def per_unique(series: pd.Series, fn: Any, dtype: Any) -> np.ndarray:
    """``fn`` applied once per distinct value (blank values included), spread back over the rows."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    done = np.array([fn(u) for u in uniques], dtype=dtype) if len(uniques) else np.array([], dtype=dtype)
    missing = fn(None)
    out = np.empty(len(series), dtype=dtype)
    ok = codes >= 0
    out[ok] = done[codes[ok]]
    out[~ok] = missing
    return out


class Context:
    """What a rule may look at besides the record's own fields: the review flags raised so far, and the
    run's text scan (:class:`~screening.criteria.textscan.TextScan`), shared by every stage of one run so
    that each distinct text is scanned once. Without one, each term list gets a scan of its own."""

    def __init__(
        self,
        flags: dict[str, np.ndarray] | None = None,
        texts: TextScan | None = None,
        negation: Negation | None = None,
    ) -> None:
        self.flags = flags or {}
        self.texts = texts
        # the criteria set's negation cues: the run scan's, else the one given (scans of this context use it)
        self.negation = negation if negation is not None else (texts.negation if texts is not None else None)
        self._own_scans: dict[tuple[str, ...], TextScan] = {}
        # id(frame) is only a key while the entry also holds the frame itself: a frame freed and its id reused
        # by a new frame can never be taken for the cached one (the entry's frame must be the same object).
        self._slots: dict[tuple[int, str, int], tuple[pd.DataFrame, np.ndarray]] = {}

    def scan_for(self, terms: tuple[str, ...]) -> TextScan:
        """The run's scan if it knows every one of ``terms``, else one of this context's own."""
        if self.texts is not None and self.texts.knows(terms):
            return self.texts
        scan = self._own_scans.get(terms)
        if scan is None:
            scan = self._own_scans[terms] = TextScan(terms, self.negation)
        return scan

    def text_slots(
        self, frame: pd.DataFrame, field: str, scan: TextScan, progress: Callable[[float], None] | None = None
    ) -> np.ndarray:
        """Each record's slot in ``scan`` for ``field`` (the field's text scanned on first sight)."""
        key = (id(frame), field, id(scan))
        hit = self._slots.get(key)
        if hit is not None and hit[0] is frame:
            return hit[1]
        slots = scan.slots(_column(frame, field), progress)
        self._slots[key] = (frame, slots)
        return slots


class Compare(Strict):
    """``{field: x, ge: 3}``: a comparison; false where the field is blank."""

    field: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Compare:
        ops = [k for k in ("eq", "ne", "lt", "le", "gt", "ge") if getattr(self, k) is not None]
        if len(ops) != 1:
            raise ValueError("a comparison needs exactly one of eq, ne, lt, le, gt, ge")
        return self

    def fields(self) -> set[str]:
        return {self.field}

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        col = _column(frame, self.field)
        present = _present(col)
        for op in ("eq", "ne"):
            target = getattr(self, op)
            if target is not None:
                hit = per_unique(col, lambda v, t=target: v is not None and _equal(v, t), bool)
                return present & (hit if op == "eq" else ~hit)
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            if self.lt is not None:
                out = values < self.lt
            elif self.le is not None:
                out = values <= self.le
            elif self.gt is not None:
                out = values > self.gt
            else:
                assert self.ge is not None
                out = values >= self.ge
        return present & np.asarray(out, dtype=bool)


def _equal(value: Any, target: Any) -> bool:
    if isinstance(target, bool) or isinstance(value, bool):
        return bool(value) == bool(target) and isinstance(value, bool | np.bool_)
    if isinstance(target, int | float) and isinstance(value, int | float):
        return float(value) == float(target)
    return str(value) == str(target)


class Member(Strict):
    """``{field: sector, in: [energy, mining]}`` or ``not_in``; false where the field is blank."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    field: str
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None

    @model_validator(mode="after")
    def _one_list(self) -> Member:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("membership needs exactly one of in, not_in")
        return self

    def fields(self) -> set[str]:
        return {self.field}

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        col = _column(frame, self.field)
        values = self.in_ if self.in_ is not None else self.not_in
        assert values is not None
        wanted = {str(v) for v in values}
        hit = per_unique(col, lambda v: v is not None and str(v) in wanted, bool)
        present = _present(col)
        return present & (hit if self.in_ is not None else ~hit)


class Missing(Strict):
    """``{field: status, missing: true}``: the cell is blank (or, with ``false``, filled)."""

    field: str
    missing: bool

    def fields(self) -> set[str]:
        return {self.field}

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        present = _present(_column(frame, self.field))
        return ~present if self.missing else present


class TextContains(Strict):
    """Any of the terms appears (case-insensitive) in any of the text fields, in any language.

    Terms are literal text, never regular expressions from the file. ``unless`` terms cancel a hit in the
    same record (a "coal-to-solar conversion" is no new coal plant). An occurrence of a term that the criteria
    set's ``negation`` cues negate ("non-weapon aid", "no resettlement") does not count; ``unless`` terms
    cancel wherever they stand (a cancelling word is not weighed by negation). ASCII terms match at word starts so that
    "arms" does not hit "farms". Each field is searched on its own: no term runs from one field into the
    next. The search itself is :mod:`screening.criteria.textscan`'s.
    """

    text_contains: list[str] = Field(min_length=1)
    fields_: list[str] = Field(default=list(DEFAULT_TEXT_FIELDS), alias="fields")
    unless: list[str] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def fields(self) -> set[str]:
        return set(self.fields_)

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        n = len(frame)
        if "" in self.unless:  # the empty term is in every text
            return np.zeros(n, dtype=bool)
        scan = ctx.scan_for((*self.text_contains, *self.unless))
        slots = [ctx.text_slots(frame, field, scan) for field in self.fields_]
        # an occurrence negated in its clause ("non-weapon", "no resettlement") is no evidence of the term
        hit = _in_any_field(n, slots, scan.affirmed(self.text_contains))
        if "" in self.text_contains:
            hit[:] = True
        if self.unless:
            hit &= ~_in_any_field(n, slots, scan.holding(self.unless))
        return hit


def _in_any_field(n: int, slots: list[np.ndarray], holding: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for field_slots in slots:
        out |= holding[field_slots]
    return out


def text_rules(model: Any) -> list[TextContains]:
    """Every ``text_contains`` rule inside ``model`` (a criteria set, a rule, a scorer), nested ones included."""
    found: list[TextContains] = []

    def walk(node: Any) -> None:
        if isinstance(node, TextContains):
            found.append(node)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(model)
    return found


def text_scan(criteria: Any, extra_terms: Iterable[str] = ()) -> TextScan:
    """One scan for every ``text_contains`` and ``unless`` term of a criteria set (and ``extra_terms``, the
    inference rules' terms): one automaton, one pass over each distinct text per run."""
    terms = (term for rule in text_rules(criteria) for term in (*rule.text_contains, *rule.unless))
    return TextScan((*terms, *extra_terms), getattr(criteria, "negation", None))


def text_fields(criteria: Any) -> list[str]:
    """The fields that some ``text_contains`` rule of the criteria set reads, in order of first use."""
    return list(dict.fromkeys(field for rule in text_rules(criteria) for field in rule.fields_))


class HasFlag(Strict):
    """``{has_flag: resettlement_without_plan}``: a record-level review flag was raised."""

    has_flag: str

    def fields(self) -> set[str]:
        return set()

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        return np.array(ctx.flags.get(self.has_flag, np.zeros(len(frame), dtype=bool)), dtype=bool)


class AllOf(Strict):
    all: list[Rule] = Field(min_length=1)

    def fields(self) -> set[str]:
        return set().union(*(r.fields() for r in self.all))

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        out = np.ones(len(frame), dtype=bool)
        for rule in self.all:
            out &= rule.evaluate(frame, ctx)
        return out


class AnyOf(Strict):
    any: list[Rule] = Field(min_length=1)

    def fields(self) -> set[str]:
        return set().union(*(r.fields() for r in self.any))

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        out = np.zeros(len(frame), dtype=bool)
        for rule in self.any:
            out |= rule.evaluate(frame, ctx)
        return out


class Not(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Rule = Field(alias="not")

    def fields(self) -> set[str]:
        return self.not_.fields()

    def evaluate(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        return ~self.not_.evaluate(frame, ctx)


RULE_KINDS: dict[str, type[Strict]] = {
    "all": AllOf,
    "any": AnyOf,
    "not": Not,
    "text_contains": TextContains,
    "has_flag": HasFlag,
    "missing": Missing,
    "in": Member,
    "not_in": Member,
    "eq": Compare,
    "ne": Compare,
    "lt": Compare,
    "le": Compare,
    "gt": Compare,
    "ge": Compare,
}


def _rule_tag(value: Any) -> str | None:
    """Pick the rule kind from the keys a rule mapping carries (``{field: x, ge: 1}`` is a comparison)."""
    if isinstance(value, BaseModel):
        return type(value).__name__
    if not isinstance(value, dict):
        return None
    for key, cls in RULE_KINDS.items():
        if key in value:
            return cls.__name__
    return None


Rule = Annotated[
    Annotated[Compare, Tag("Compare")]
    | Annotated[Member, Tag("Member")]
    | Annotated[Missing, Tag("Missing")]
    | Annotated[TextContains, Tag("TextContains")]
    | Annotated[HasFlag, Tag("HasFlag")]
    | Annotated[AllOf, Tag("AllOf")]
    | Annotated[AnyOf, Tag("AnyOf")]
    | Annotated[Not, Tag("Not")],
    Discriminator(
        _rule_tag,
        custom_error_type="unknown_rule",
        custom_error_message="not a known rule: use one of all, any, not, text_contains, has_flag, "
        "{field, missing}, {field, in/not_in}, {field, eq/ne/lt/le/gt/ge}",
    ),
]


Points = Annotated[float, Field(ge=0, le=100)]


class MapScorer(Strict):
    """Points for each code or yes/no value: ``{kind: map, field: env_category, map: {A: 30, B: 70, C: 100}}``."""

    kind: Literal["map"]
    field: str
    map: dict[str, Points] = Field(min_length=1)
    other: Points | None = None  # a present value not in the map; None = not assessed

    def fields(self) -> set[str]:
        return {self.field}

    def score(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        col = _column(frame, self.field)
        table = {_map_key(k): v for k, v in self.map.items()}
        other = np.nan if self.other is None else self.other
        return per_unique(
            col, lambda v: np.nan if v is None or _is_na(v) else table.get(_map_key(v), other), float
        )

    def describe(self, lang: str) -> str:
        """The map in words: "是 → 100 分, 否 → 0 分" (yes/no and codes by their labels)."""
        pts = t("reason_pts", lang)
        return ", ".join(f"{_map_key_words(k, self.field, lang)} → {v:g} {pts}" for k, v in self.map.items())


def _map_key_words(key: str, field: str, lang: str) -> str:
    """A map scorer's key as words: yes/no keys as 是/否 or yes/no, codes by their label."""
    if key in ("true", "false"):
        return format_value(key == "true", field, lang)
    return format_value(key, field, lang)


def _is_na(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _map_key(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lower()


class LinearScorer(Strict):
    """Piecewise-linear between fixed anchors ``[[x, points], ...]``, flat beyond the ends."""

    kind: Literal["linear"]
    field: str
    anchors: list[tuple[float, Points]] = Field(min_length=2)

    @field_validator("anchors")
    @classmethod
    def _increasing(cls, anchors: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return _strictly_increasing(anchors, "anchor x values")

    def fields(self) -> set[str]:
        return {self.field}

    def score(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        values = _numbers(frame, self.field)
        xs = np.array([a[0] for a in self.anchors])
        ys = np.array([a[1] for a in self.anchors])
        out = np.interp(values, xs, ys)
        out[np.isnan(values)] = np.nan
        return out

    def describe(self, lang: str) -> str:
        """The anchors in words, values formatted for people: "0% → 0 分, 85% → 100 分"."""
        pts = t("reason_pts", lang)
        return ", ".join(f"{format_value(x, self.field, lang)} → {y:g} {pts}" for x, y in self.anchors)


class StepsScorer(Strict):
    """Points by thresholds: the highest ``[min_value, points]`` step reached; ``below`` under the first."""

    kind: Literal["steps"]
    field: str
    steps: list[tuple[float, Points]] = Field(min_length=1)
    below: Points = 0

    @field_validator("steps")
    @classmethod
    def _increasing(cls, steps: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return _strictly_increasing(steps, "step thresholds")

    def fields(self) -> set[str]:
        return {self.field}

    def score(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        values = _numbers(frame, self.field)
        thresholds = np.array([s[0] for s in self.steps])
        points = np.array([self.below] + [s[1] for s in self.steps])
        idx = np.searchsorted(thresholds, np.nan_to_num(values, nan=-np.inf), side="right")
        out = points[idx].astype(float)
        out[np.isnan(values)] = np.nan
        return out

    def describe(self, lang: str) -> str:
        """The steps in words: "< 1,000 → 0 分, ≥ 1,000 → 50 分, …"."""
        pts, f = t("reason_pts", lang), self.field
        first = format_value(self.steps[0][0], f, lang)
        steps = ", ".join(f"≥ {format_value(x, f, lang)} → {y:g} {pts}" for x, y in self.steps)
        return f"< {first} → {self.below:g} {pts}, {steps}"


class Case(Strict):
    when: Rule
    points: Points | None = None
    score: Scorer | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> Case:
        if (self.points is None) == (self.score is None):
            raise ValueError("a case needs exactly one of points, score")
        return self


class CasesScorer(Strict):
    """First matching case wins; ``default`` (points or a scorer) otherwise.

    Not assessed when any ``requires`` field is blank; without ``requires``, when every field the cases
    read is blank.
    """

    kind: Literal["cases"]
    cases: list[Case] = Field(min_length=1)
    default: Points | Scorer | None = None
    requires: list[str] | None = None

    def fields(self) -> set[str]:
        out: set[str] = set()
        for c in self.cases:
            out |= c.when.fields()
            if c.score is not None:
                out |= c.score.fields()
        if isinstance(self.default, BaseModel):
            out |= self.default.fields()
        return out

    def score(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        n = len(frame)
        out = np.full(n, np.nan)
        decided = np.zeros(n, dtype=bool)
        for case in self.cases:
            hit = case.when.evaluate(frame, ctx) & ~decided
            if case.score is not None:
                out = np.where(hit, case.score.score(frame, ctx), out)
            else:
                out[hit] = case.points
            decided |= hit
        if isinstance(self.default, BaseModel):
            out = np.where(decided, out, self.default.score(frame, ctx))
        elif self.default is not None:
            out[~decided] = float(self.default)
        needed = self.requires if self.requires is not None else sorted(self.fields())
        if needed:
            present = np.stack([_present(_column(frame, f)) for f in needed])
            blank = ~present.all(axis=0) if self.requires is not None else ~present.any(axis=0)
            out[blank] = np.nan
        return out

    def describe(self, lang: str) -> str:
        notes = [c.note.get(lang) for c in self.cases if c.note is not None]
        return "; ".join(notes)


class CombineScorer(Strict):
    """Both halves must be present (四个相结合): ``min`` (a floor), ``geometric`` (balance) or ``mean``.

    If any part is not assessed, the combination is not assessed (DESIGN.md "Missing data").
    """

    kind: Literal["combine"]
    method: Literal["min", "geometric", "mean"]
    of: list[Scorer] = Field(min_length=2)
    labels: list[Text] | None = None

    def fields(self) -> set[str]:
        return set().union(*(s.fields() for s in self.of))

    def score(self, frame: pd.DataFrame, ctx: Context) -> np.ndarray:
        parts = np.stack([s.score(frame, ctx) for s in self.of])
        return COMBINERS[self.method](parts)

    def describe(self, lang: str) -> str:
        return (
            {"min": "最小值（底线）", "geometric": "几何平均（兼顾两端）", "mean": "平均"}[self.method]
            if lang == "zh"
            else {
                "min": "minimum (floor)",
                "geometric": "geometric mean (both halves needed)",
                "mean": "mean",
            }[self.method]
        )


def _geometric(parts: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        result: np.ndarray = np.exp(np.log(np.clip(parts, 0, None)).mean(axis=0))
    result[np.isnan(parts).any(axis=0)] = np.nan
    return result


COMBINERS = {
    "min": lambda parts: parts.min(axis=0),  # NaN propagates: a missing half is not assessed
    "mean": lambda parts: parts.mean(axis=0),
    "geometric": _geometric,
}


Scorer = Annotated[
    MapScorer | LinearScorer | StepsScorer | CasesScorer | CombineScorer, Field(discriminator="kind")
]


SCORER_KINDS = {
    "map": MapScorer,
    "linear": LinearScorer,
    "steps": StepsScorer,
    "cases": CasesScorer,
    "combine": CombineScorer,
}


for _model in (AllOf, AnyOf, Not, Case, CasesScorer, CombineScorer):
    _model.model_rebuild()
