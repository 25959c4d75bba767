"""Criteria sets: pydantic models loaded from YAML (``yaml.safe_load`` only), with checked references.

A criteria set is data (DESIGN.md contract 3). Loading rejects unknown keys, unknown columns, dangling
references (sources, tracks, flags) and bad weights, with a message naming the file, the path inside it and
what to do.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from screening.criteria.negation import Negation
from screening.criteria.rules import CasesScorer, CombineScorer, Rule, Scorer, Strict
from screening.i18n import Text
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME

Weight = Annotated[float, Field(ge=0, le=1000)]


class CriteriaError(ValueError):
    """A criteria file that cannot be used; the message names the file, the place in it and the fix."""


# Roles: what the code needs a criteria item *for*, said in the file (``role:``) instead of by its id in code.
# Each role may be given to at most one item of its group; an item without a role is only data.


class ClassifierRole(StrEnum):
    """Roles of classifiers."""

    TRAFFIC_LIGHT = "traffic_light"  # the BRIGC green/yellow/red light: the app's filter and colours, the workbook's fills


class IndexRole(StrEnum):
    """Roles of indices: the axes of the World Bank IPF quadrant chart."""

    IPF_SOCIAL_ENVIRONMENTAL = "ipf_social_environmental"  # horizontal axis
    IPF_FINANCIAL_ECONOMIC = "ipf_financial_economic"  # vertical axis (the total score when absent)


class FlagRole(StrEnum):
    """Roles of review flags."""

    DUPLICATES = "duplicates"  # the duplicate check whose pairs the portfolio's no_duplicates keeps apart


_WITH_ROLE = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)  # a role is stored as its string


class Source(Strict):
    cite: str
    short: Text | None = None  # a short citation ("谢来辉 2025", "IFC PS 2012") shown beside each reason
    section: str | None = None
    year: int | None = None
    url: str | None = None
    kind: Literal["paper", "framework", "policy", "own_choice"] = "paper"


class Gate(Strict):
    """Negative-list item: ``when`` excludes; ``flag_when`` (an ambiguous hit, or a blank key field) flags.

    ``kind`` says why a record is excluded: ``negative_list`` (a prohibited field) or ``not_a_candidate`` (nothing
    is being decided about it, e.g. a cancelled project); the two are reported apart. ``flag_max_tier`` caps
    the tier of a record that ``flag_when`` flags.
    """

    id: str
    label: Text
    kind: Literal["negative_list", "not_a_candidate"] = "negative_list"
    when: Rule | None = None
    flag_when: Rule | None = None
    reason: Text
    flag_reason: Text | None = None
    flag_max_tier: str | None = None
    source: str
    section: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Gate:
        if self.when is None and self.flag_when is None:
            raise ValueError("a gate needs when, flag_when or both")
        return self


class DuplicateCheck(Strict):
    """Portfolio-level check between projects: equal values in ``same``; similar text in one of ``similar``
    (when given); different, filled-in values in every field of ``different`` (when given: e.g. different
    sponsors); and at least ``min_group`` projects (distinct ``different`` values) in the group."""

    same: list[str] = Field(min_length=1)
    similar: list[str] = []
    different: list[str] = []
    threshold: float = Field(default=0.8, gt=0, le=1)
    min_group: int = Field(default=2, ge=2)

    @model_validator(mode="after")
    def _something_compared(self) -> DuplicateCheck:
        if not self.similar and not self.different:
            raise ValueError("a duplicates check needs similar, different or both")
        return self


class Flag(Strict):
    """Review flag: the project stays, is flagged, and may be capped at ``max_tier``."""

    model_config = _WITH_ROLE

    id: str
    label: Text
    when: Rule | None = None
    duplicates: DuplicateCheck | None = None
    reason: Text
    source: str
    section: str | None = None
    max_tier: str | None = None
    blocks_portfolio: bool = False  # left out of the default portfolio (e.g. approval still needed, ex post)
    role: FlagRole | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Flag:
        if (self.when is None) == (self.duplicates is None):
            raise ValueError("a flag needs exactly one of when, duplicates")
        if self.duplicates is not None and self.max_tier is not None:
            raise ValueError("a duplicates flag compares projects with each other and may not cap a tier")
        if self.role == FlagRole.DUPLICATES and self.duplicates is None:
            raise ValueError("the role 'duplicates' belongs on a flag with a duplicates check")
        return self


class Category(Strict):
    """A positive-list (encouraged) category or another tag."""

    id: str
    label: Text
    when: Rule
    source: str
    section: str | None = None
    why: Text | None = None


class Track(Strict):
    id: Literal["flagship", "small_and_beautiful", "standard"]
    label: Text
    when: Rule | None = None
    why: Text | None = None


class ClassifierCase(Strict):
    when: Rule
    value: str


class Classifier(Strict):
    """A label shown beside the score (traffic light, field type); first case wins; never scored."""

    model_config = _WITH_ROLE

    id: str
    label: Text
    cases: list[ClassifierCase] = []
    tags: list[ClassifierCase] = []  # multi-label: every matching value, joined with ';'
    default: str | None = None
    values: dict[str, Text] = {}
    source: str
    why: Text | None = None
    role: ClassifierRole | None = None


class Derived(Strict):
    """A computed field: ``ratio`` (numerator × scale / denominator, blank when the denominator is 0 or blank)."""

    id: str
    kind: Literal["ratio"]
    numerator: str
    denominator: str
    scale: float = 1.0
    label: Text


class Criterion(Strict):
    """One scored item. It applies to the listed ``tracks`` (all when None) and, if ``applies_when`` is given,
    only to the records that rule holds for: elsewhere it is *not applicable* — never docked and not counted
    in completeness — and ``not_applicable`` says why (e.g. debt criteria for a grant)."""

    id: str
    label: Text
    weight: Weight = 1.0
    tracks: list[str] | None = None  # None: every track
    applies_when: Rule | None = None
    not_applicable: Text | None = None
    scorer: Scorer
    source: str
    section: str | None = None
    why: Text | None = None

    @model_validator(mode="after")
    def _says_why_not(self) -> Criterion:
        if self.applies_when is not None and self.not_applicable is None:
            raise ValueError("a criterion with applies_when needs not_applicable: why it does not apply")
        return self


class Dimension(Strict):
    id: str
    label: Text
    weight: Weight
    why: Text | None = None  # the rationale of the weight
    criteria: list[Criterion] = Field(min_length=1)


class Hurdle(Strict):
    """A dimension line: a project whose score on any of ``dimensions`` is below ``below`` is capped at
    ``max_tier`` — screening says no as well as yes, and a strong total cannot buy off a weak dimension.

    The line is checked only where at least ``min_assessed`` of the dimension's weight was assessed (a blank
    dimension is thin data, said by completeness, not a weakness)."""

    id: str
    label: Text
    dimensions: list[str] = Field(min_length=1)
    below: float = Field(gt=0, le=100)
    min_assessed: float = Field(default=0.5, ge=0, le=1)
    max_tier: str
    reason: Text
    source: str
    section: str | None = None
    why: Text | None = None


class Tier(Strict):
    id: Literal["priority", "recommended", "conditional", "deferred"]
    min_score: float = Field(ge=0, le=100)
    label: Text


class Index(Strict):
    """World Bank IPF-style index: weighted mean of named criteria's points (0–100), for the quadrant chart."""

    model_config = _WITH_ROLE

    id: str
    label: Text
    criteria: dict[str, Weight]
    source: str
    role: IndexRole | None = None


class Condition(Strict):
    """What a raised flag (or a gate's flag) asks of the project before it proceeds, with its source: the
    committee brief turns the project's flags into these conditions (docs/brief.md)."""

    flag: str
    condition: Text
    source: str
    section: str | None = None


class Approval(Strict):
    """The outbound-investment approval path (NDRC Order No. 11, 2017), as data: which flags make a project
    sensitive (approval, 核准), which record fields decide the filing authority (备案) and the amount line.
    Every field named here is a canonical column; every flag a flag of the file."""

    source: str
    approval_section: str  # the article on sensitive projects (核准)
    filing_section: str  # the article on filing (备案)
    scope_section: str  # the article on who is covered (enterprises investing abroad)
    sensitive_flags: list[str] = Field(min_length=1)
    sensitive_country_field: str
    enterprise_field: str
    central_or_local_codes: list[str]  # enterprise codes that may be centrally managed or local (not said)
    amount_fields: list[str] = Field(min_length=1)  # first filled one is the project's amount
    amount_basis_field: str | None = None
    lower_bound_codes: list[str] = []  # amount bases that make the amount only a lower bound of the cost
    threshold_usd_m: float = Field(gt=0)


class CriteriaSet(Strict):
    id: str
    version: str
    title: Text
    description: Text | None = None
    missing_policy: Literal["zero", "neutral", "renormalise"] = "zero"
    completeness_threshold: float = Field(default=0.5, ge=0, le=1)
    sources: dict[str, Source]
    negation: Negation | None = None  # cues that negate one occurrence of a text term (criteria/negation.py)
    derived: list[Derived] = []
    gates: list[Gate] = []
    flags: list[Flag] = []
    positive_list: list[Category] = []
    tracks: list[Track] = Field(min_length=1)
    classifiers: list[Classifier] = []
    dimensions: list[Dimension] = Field(min_length=1)
    hurdles: list[Hurdle] = []
    tiers: list[Tier] = Field(min_length=1)
    indices: list[Index] = []
    conditions: list[Condition] = []  # flag → condition, for the committee brief
    approval: Approval | None = None  # the approval path, for the committee brief

    @field_validator("tiers")
    @classmethod
    def _tiers_descending(cls, tiers: list[Tier]) -> list[Tier]:
        scores = [t.min_score for t in tiers]
        if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
            raise ValueError("tiers must be listed from the highest min_score down, each different")
        return tiers

    @property
    def criteria(self) -> list[tuple[Dimension, Criterion]]:
        return [(d, c) for d in self.dimensions for c in d.criteria]

    def track_ids(self) -> list[str]:
        return [t.id for t in self.tracks]

    def tier_ids(self) -> list[str]:
        """Tier ids, best first: a cap (``max_tier``) is an index into this list."""
        return [str(t.id) for t in self.tiers]

    def classifier_by_role(self, role: ClassifierRole) -> Classifier | None:
        """The classifier given ``role`` in the file (None when no classifier has it)."""
        return next((c for c in self.classifiers if c.role == role), None)

    def index_by_role(self, role: IndexRole) -> Index | None:
        """The index given ``role`` in the file (None when no index has it)."""
        return next((i for i in self.indices if i.role == role), None)

    def flag_by_role(self, role: FlagRole) -> Flag | None:
        """The review flag given ``role`` in the file (None when no flag has it)."""
        return next((f for f in self.flags if f.role == role), None)

    def output_columns(self) -> list[str]:
        """The columns a run adds from this set (one per classifier and index): tool output, never input."""
        return [*(c.id for c in self.classifiers), *(i.id for i in self.indices)]

    def fingerprint(self) -> str:
        return hashlib.sha256(self.model_dump_json(by_alias=True).encode()).hexdigest()

    def with_weights(
        self,
        dimension_weights: dict[str, float] | None = None,
        criterion_weights: dict[str, float] | None = None,
    ) -> CriteriaSet:
        """A copy with new weights, re-validated (the app's widgets are not trusted for bounds)."""
        data = self.model_dump(by_alias=True, exclude_none=True)
        for d in data["dimensions"]:
            if dimension_weights and d["id"] in dimension_weights:
                d["weight"] = dimension_weights[d["id"]]
            for c in d["criteria"]:
                if criterion_weights and c["id"] in criterion_weights:
                    c["weight"] = criterion_weights[c["id"]]
        return load_criteria_data(data, "<edited weights>")


def _walk_fields(node: object, path: str) -> list[tuple[str, str]]:
    """(path, field) for every field a rule or scorer reads, for the unknown-column check."""
    found: list[tuple[str, str]] = []
    if isinstance(node, BaseModel):
        if (
            hasattr(node, "fields")
            and callable(node.fields)
            and not isinstance(node, CasesScorer | CombineScorer)
        ):
            found += [(path, f) for f in node.fields()]
            return found
        for name in type(node).model_fields:
            found += _walk_fields(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _walk_fields(item, f"{path}.{i}")
    return found


def _check_references(cs: CriteriaSet) -> list[str]:
    errors: list[str] = []
    known_fields = (
        set(COLUMN_BY_NAME) | {d.id for d in cs.derived} | {"track"} | {c.id for c in cs.classifiers}
    )
    known_fields |= {"positive_list_count"}
    ids: dict[str, str] = {}

    def unique(kind: str, ident: str, path: str) -> None:
        if ident in ids:
            errors.append(
                f"{path}: id '{ident}' is used twice (also at {ids[ident]}); give each {kind} its own id"
            )
        ids[ident] = path

    def source(key: str, path: str) -> None:
        if key not in cs.sources:
            errors.append(
                f"{path}.source: unknown source '{key}'; add it under 'sources' or use one of "
                f"{', '.join(sorted(cs.sources))}"
            )

    flag_ids = {f.id for f in cs.flags} | {f"{g.id}" for g in cs.gates if g.flag_when is not None}
    tier_ids = {t.id for t in cs.tiers}
    for group in ("gates", "flags", "positive_list", "classifiers", "dimensions"):
        for i, item in enumerate(getattr(cs, group)):
            path = f"{group}.{i}"
            unique(group, item.id, path)
            if hasattr(item, "source"):
                source(item.source, path)
            for p, f in _walk_fields(item, path):
                if f not in known_fields:
                    errors.append(
                        f"{p}: unknown column '{f}'; use a canonical column (see docs/columns.md), "
                        "a derived field or a classifier id"
                    )
    for i, gate in enumerate(cs.gates):
        if gate.flag_max_tier is not None and gate.flag_max_tier not in tier_ids:
            errors.append(
                f"gates.{i}.flag_max_tier: unknown tier '{gate.flag_max_tier}'; use one of {', '.join(sorted(tier_ids))}"
            )
        if gate.flag_max_tier is not None and gate.flag_when is None:
            errors.append(f"gates.{i}.flag_max_tier: the gate has no flag_when to cap")
    dim_ids = {d.id for d in cs.dimensions}
    for i, h in enumerate(cs.hurdles):
        unique("hurdle", h.id, f"hurdles.{i}")
        source(h.source, f"hurdles.{i}")
        if h.max_tier not in tier_ids:
            errors.append(
                f"hurdles.{i}.max_tier: unknown tier '{h.max_tier}'; use one of {', '.join(sorted(tier_ids))}"
            )
        for dim_id in h.dimensions:
            if dim_id not in dim_ids:
                errors.append(
                    f"hurdles.{i}.dimensions: unknown dimension '{dim_id}'; use one of {', '.join(sorted(dim_ids))}"
                )
    late = flags_after_classification(cs)
    for group in ("tracks", "positive_list", "classifiers"):
        for i, item in enumerate(getattr(cs, group)):
            for p, rule_flag in _walk_has_flag(item, f"{group}.{i}"):
                if rule_flag in late:
                    errors.append(
                        f"{p}: flag '{rule_flag}' reads a classification and is raised after it; "
                        "classification cannot depend on it"
                    )
    for i, flag in enumerate(cs.flags):
        if flag.max_tier is not None and flag.max_tier not in tier_ids:
            errors.append(
                f"flags.{i}.max_tier: unknown tier '{flag.max_tier}'; use one of {', '.join(sorted(tier_ids))}"
            )
        if flag.duplicates is not None:
            for f in flag.duplicates.same + flag.duplicates.similar + flag.duplicates.different:
                if f not in COLUMN_BY_NAME:
                    errors.append(f"flags.{i}.duplicates: unknown column '{f}'")
    for i, d in enumerate(cs.dimensions):
        for j, c in enumerate(d.criteria):
            path = f"dimensions.{i}.criteria.{j}"
            unique("criterion", c.id, path)
            source(c.source, path)
            for t in c.tracks or []:
                if t not in cs.track_ids():
                    errors.append(
                        f"{path}.tracks: unknown track '{t}'; use one of {', '.join(cs.track_ids())}"
                    )
    for i, idx in enumerate(cs.indices):
        source(idx.source, f"indices.{i}")
        all_criteria = {c.id for _, c in cs.criteria}
        for cid in idx.criteria:
            if cid not in all_criteria:
                errors.append(f"indices.{i}.criteria: unknown criterion '{cid}'")
    for group in ("classifiers", "indices", "flags"):
        holders: dict[str, str] = {}
        for i, item in enumerate(getattr(cs, group)):
            if item.role is None:
                continue
            if item.role in holders:
                errors.append(
                    f"{group}.{i}.role: role '{item.role}' is already given to {holders[item.role]}; "
                    "a role may be used once"
                )
            holders.setdefault(str(item.role), f"{group}.{i} ('{item.id}')")
    for i, der in enumerate(cs.derived):
        for f in (der.numerator, der.denominator):
            if f not in COLUMN_BY_NAME:
                errors.append(f"derived.{i}: unknown column '{f}'")
    if cs.tracks[-1].when is not None:
        errors.append(f"tracks.{len(cs.tracks) - 1}: the last track is the default and must have no 'when'")
    if sum(d.weight for d in cs.dimensions) <= 0:
        errors.append("dimensions: the dimension weights add up to 0; give at least one a positive weight")
    for i, d in enumerate(cs.dimensions):
        for track in cs.track_ids():
            applicable = [c for c in d.criteria if c.tracks is None or track in c.tracks]
            if applicable and sum(c.weight for c in applicable) <= 0:
                errors.append(f"dimensions.{i}: criterion weights add up to 0 for track '{track}'")
    for group in ("gates", "flags"):
        for i, item in enumerate(getattr(cs, group)):
            for p, rule_flag in _walk_has_flag(item, f"{group}.{i}"):
                if rule_flag not in flag_ids:
                    errors.append(f"{p}: unknown flag '{rule_flag}'")
    for i, d in enumerate(cs.dimensions):
        for p, rule_flag in _walk_has_flag(d, f"dimensions.{i}"):
            if rule_flag not in flag_ids:
                errors.append(f"{p}: unknown flag '{rule_flag}'")
    return errors


def _reads_any(rule: object, names: set[str]) -> bool:
    return any(f in names for _, f in _walk_fields(rule, ""))


def flags_after_classification(cs: CriteriaSet) -> set[str]:
    """Ids of the review flags whose rule reads a classification (track, a classifier, the positive-list
    count): they are raised after classification, the others before it."""
    classified = {c.id for c in cs.classifiers} | {"track", "positive_list_count"}
    return {f.id for f in cs.flags if f.when is not None and _reads_any(f.when, classified)}


def _walk_has_flag(node: object, path: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, BaseModel):
        if hasattr(node, "has_flag"):
            return [(path, node.has_flag)]
        for name in type(node).model_fields:
            found += _walk_has_flag(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _walk_has_flag(item, f"{path}.{i}")
    return found


def _format_validation(err: ValidationError, where: str) -> str:
    lines = []
    for e in err.errors()[:8]:
        loc = ".".join(str(p) for p in e["loc"] if not str(p).startswith(("function-", "tagged-union")))
        loc = ".".join(
            p
            for p in loc.split(".")
            if p
            not in {
                "Compare",
                "Member",
                "Missing",
                "TextContains",
                "HasFlag",
                "AllOf",
                "AnyOf",
                "Not",
                "map",
                "linear",
                "steps",
                "cases",
                "combine",
            }
            or p == ""
        )
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key; remove it or check its spelling"
        lines.append(f"{where}: {loc or '(top level)'}: {msg}")
    more = len(err.errors()) - 8
    if more > 0:
        lines.append(f"{where}: … and {more} more problem(s)")
    return "\n".join(lines)


def load_criteria_data(data: object, where: str) -> CriteriaSet:
    if not isinstance(data, dict):
        raise CriteriaError(f"{where}: (top level): expected a mapping with id, version, dimensions …")
    try:
        cs = CriteriaSet.model_validate(data)
    except ValidationError as err:
        raise CriteriaError(_format_validation(err, where)) from None
    problems = _check_references(cs) + _check_brief_tables(cs)
    if problems:
        raise CriteriaError("\n".join(f"{where}: {p}" for p in problems[:12]))
    return cs


def _check_brief_tables(cs: CriteriaSet) -> list[str]:
    """The conditions table and the approval path name flags, sources and columns of this file."""
    errors: list[str] = []
    flag_ids = {f.id for f in cs.flags} | {g.id for g in cs.gates if g.flag_when is not None}
    known = ", ".join(sorted(flag_ids)) or "—"

    def source(key: str, path: str) -> None:
        if key not in cs.sources:
            errors.append(
                f"{path}.source: unknown source '{key}'; add it under 'sources' or use one of "
                f"{', '.join(sorted(cs.sources))}"
            )

    def column(name: str, path: str) -> None:
        if name not in COLUMN_BY_NAME:
            errors.append(f"{path}: unknown column '{name}'; use a canonical column (see docs/columns.md)")

    for i, cond in enumerate(cs.conditions):
        if cond.flag not in flag_ids:
            errors.append(f"conditions.{i}.flag: unknown flag '{cond.flag}'; use one of {known}")
        source(cond.source, f"conditions.{i}")
    ap = cs.approval
    if ap is not None:
        source(ap.source, "approval")
        for flag in ap.sensitive_flags:
            if flag not in flag_ids:
                errors.append(f"approval.sensitive_flags: unknown flag '{flag}'; use one of {known}")
        named = [ap.sensitive_country_field, ap.enterprise_field, *ap.amount_fields]
        for name in named + ([ap.amount_basis_field] if ap.amount_basis_field else []):
            column(name, "approval")
        for field, codes in (
            (ap.enterprise_field, ap.central_or_local_codes),
            (ap.amount_basis_field, ap.lower_bound_codes),
        ):
            spec = COLUMN_BY_NAME.get(field) if field else None
            valid = set(CODE_LISTS[spec.codes].values) if spec is not None and spec.codes else set()
            for code in codes:
                if code not in valid:
                    errors.append(f"approval: unknown code '{code}' of column '{field}'")
    return errors
