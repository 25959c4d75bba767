"""Weights you can defend: elicitation of weights from a reviewer's judgements, with their provenance, and the
combination of several reviewers' weights into the committee's (issue 16). Pure: no Streamlit, no workbook.

A **judgements file** (YAML) names ``method``, ``by`` (the reviewer), ``date``, the ``items`` (every dimension id
of the criteria set, or every criterion id of one dimension) and the judgements of the method:

* ``roc`` — a ``ranking`` of the items, most important first → rank-order centroid weights
  ``w_i = (1/n) Σ_{k=i..n} 1/k`` (Barron & Barrett 1996, "Decision quality using ranked attribute weights",
  Management Science 42(11) 1515–1523);
* ``swing`` — a ``ranking`` of the swings (from the worst to the best level of each item), best first, and a
  ``rating`` 0–100 of each swing against the best one (which is 100) → weights ∝ ratings (von Winterfeldt &
  Edwards 1986, *Decision Analysis and Behavioral Research*, ch. 8);
* ``ahp`` — pairwise ``judgements`` ``[a, b, v]``: a is v times as important as b, v on Saaty's 1–9 scale or
  its reciprocal (``1/3`` may be written as text), every pair of items given once → the principal right
  eigenvector of the reciprocal matrix, λmax, ``CI = (λmax − n)/(n − 1)`` and ``CR = CI / RI(n)`` with Saaty's
  random index (:data:`RANDOM_INDEX`). CR is undefined for n ≤ 2 (every such matrix is consistent).

A **weights file** (what :func:`elicit` gives, written by :func:`weights_file_yaml`) holds ``weights: {id:
value}`` summing to 100 and a ``provenance`` block (method, by, date, dimension, the judgements, λmax, CI, CR,
the random index). :func:`read_weights_file` reads one back and validates it against a criteria set.

**Several reviewers** (:func:`combine`): files on the same items are combined per scope (the dimensions, or the
criteria of one dimension). When every reviewer of a scope used AHP on the same items, their judgements are
combined by the element-wise geometric mean (aggregation of individual judgements, AIJ: Forman & Peniwati 1998,
"Aggregating individual judgments and priorities with the analytic hierarchy process", EJOR 108(1) 165–169;
the geometric mean is the one that keeps the reciprocal property, Aczél & Saaty 1983) and the group weights are
that matrix's eigenvector; otherwise — including when reviewers used different methods — the group weights are
the mean of the reviewers' normalised weights (each reviewer's weights summing to 100 count alike).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.criteria.models import CriteriaSet
from screening.i18n import Text, text
from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, read_file_bounded

# Saaty's random index RI(n): the mean CI of random reciprocal matrices on the 1–9 scale. Saaty (2008),
# "Decision making with the analytic hierarchy process", Int. J. Services Sciences 1(1) 83–98, Table 3
# (n = 1–10); n = 11–15 from Saaty (2005), *Theory and Applications of the Analytic Network Process*, RWS
# Publications, p. 31 (as tabulated by the AHPy library, PhilipGriffith/AHPy).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.52,
    4: 0.89,
    5: 1.11,
    6: 1.25,
    7: 1.35,
    8: 1.40,
    9: 1.45,
    10: 1.49,
    11: 1.52,
    12: 1.54,
    13: 1.56,
    14: 1.58,
    15: 1.59,
}
MAX_AHP_ITEMS = max(RANDOM_INDEX)  # beyond the table CR is not defined (and 105 pairs is already a lot)

# Saaty's acceptable CR: 0.05 for n = 3, 0.08 for n = 4, 0.10 for n ≥ 5 (Saaty 1994, *Fundamentals of Decision
# Making and Priority Theory*, RWS Publications, as the issue states them; not checked against the book here).
CR_LIMITS: dict[int, float] = {3: 0.05, 4: 0.08}
CR_LIMIT_LARGE = 0.10

# Saaty's fundamental scale: 1–9 and the reciprocals (Saaty 2008, Table 1).
SCALE: tuple[float, ...] = tuple(sorted({float(k) for k in range(1, 10)} | {1.0 / k for k in range(2, 10)}))

SCALE_TOLERANCE = (
    0.02  # why: a reciprocal typed as 0.33 or 0.333 is 1/3; 0.02 on 1/v still keeps 1/2…1/9 apart
)

WEIGHT_TOTAL = 100.0
SUM_TOLERANCE = (
    0.05  # why: a weights file rounded to 4 decimals adds to 100 within n × 5e-5; a hand-edited one
)
# that is off by more than this was not normalised, and is refused rather than silently rescaled

Method = Literal["roc", "swing", "ahp"]


class ElicitationError(ValueError):
    """A judgements or weights file that cannot be used; :attr:`text` says which file, what and what to do, in
    one line and both languages."""

    def __init__(self, said: Text) -> None:
        super().__init__(said.en)
        self.text = said


# ---------------------------------------------------------------------------------------------------- models

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class Judgements(BaseModel):
    """A judgements file as written (shape only; :func:`check_judgements` checks its meaning)."""

    model_config = _FROZEN

    method: Method
    by: str = Field(min_length=1, max_length=200)
    date: dt.date
    items: list[str] = Field(min_length=1, max_length=500)
    ranking: list[str] | None = None
    rating: dict[str, float] | None = None
    judgements: list[tuple[str, str, float | str]] | None = None
    note: str | None = Field(default=None, max_length=2000)


class Suggestion(BaseModel):
    """The one judgement whose change lowers CR most, and to what."""

    model_config = _FROZEN

    a: str
    b: str
    given: float
    better: float
    cr_after: float


class Provenance(BaseModel):
    """Where a set of weights came from (the ``provenance`` block of a weights file)."""

    model_config = _FROZEN

    method: Method
    by: str = Field(min_length=1, max_length=200)
    date: dt.date
    dimension: str | None = None  # None: the weights are dimension weights
    items: list[str]
    ranking: list[str] | None = None
    rating: dict[str, float] | None = None
    judgements: list[tuple[str, str, float]] | None = None
    lambda_max: float | None = None
    ci: float | None = None
    cr: float | None = None
    random_index: float | None = None
    cr_limit: float | None = None
    suggestion: Suggestion | None = None
    note: str | None = None


class WeightsFile(BaseModel):
    """A weights file: ``weights`` (summing to 100) and their ``provenance``."""

    model_config = _FROZEN

    weights: dict[str, float]
    provenance: Provenance


@dataclass(frozen=True)
class Reviewer:
    """One weights file as read: its name, SHA-256 and content."""

    file: str
    sha256: str
    content: WeightsFile

    @property
    def by(self) -> str:
        return self.content.provenance.by

    @property
    def scope(self) -> str | None:
        return self.content.provenance.dimension


# ------------------------------------------------------------------------------------------------------ maths


def roc_weights(n: int) -> np.ndarray:
    """Rank-order centroid weights of ranks 1…n (sum 1): ``w_i = (1/n) Σ_{k=i..n} 1/k`` (Barron & Barrett
    1996)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    inv = 1.0 / np.arange(1, n + 1)
    return np.cumsum(inv[::-1])[::-1] / n


def normalised(values: Sequence[float]) -> np.ndarray:
    """``values`` scaled to sum :data:`WEIGHT_TOTAL`."""
    v = np.asarray(values, dtype=float)
    return v * (WEIGHT_TOTAL / v.sum())


@dataclass(frozen=True)
class Eigen:
    weights: np.ndarray  # sum 1
    lambda_max: float
    ci: float | None
    cr: float | None
    random_index: float | None


def principal_eigen(matrix: np.ndarray) -> Eigen:
    """Principal right eigenvector (sum 1), λmax, CI and CR of a positive reciprocal matrix (Saaty 1977)."""
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))  # Perron root: real, simple, the largest (positive matrix)
    lam = float(vals[k].real)
    vec = np.abs(vecs[:, k].real)
    w = vec / vec.sum()
    if n <= 2:
        return Eigen(w, float(n), None, None, None)  # every 2 × 2 reciprocal matrix is consistent
    ci = max(0.0, (lam - n) / (n - 1))  # a consistent matrix gives λmax = n up to rounding
    ri = RANDOM_INDEX[n]
    return Eigen(w, lam, ci, ci / ri, ri)


def cr_limit(n: int) -> float | None:
    """Saaty's acceptable CR for an n × n matrix (None for n ≤ 2)."""
    if n <= 2:
        return None
    return CR_LIMITS.get(n, CR_LIMIT_LARGE)


def ahp_matrix(items: Sequence[str], pairs: Iterable[tuple[str, str, float]]) -> np.ndarray:
    index = {k: i for i, k in enumerate(items)}
    a = np.ones((len(items), len(items)))
    for x, y, v in pairs:
        a[index[x], index[y]] = v
        a[index[y], index[x]] = 1.0 / v
    return a


def best_change(items: Sequence[str], pairs: Sequence[tuple[str, str, float]]) -> Suggestion | None:
    """The judgement whose change to another value of Saaty's scale lowers CR most (every pair and every
    value tried: at most 105 pairs × 16 values of small eigenproblems), or None when no change lowers it."""
    n = len(items)
    if n <= 2:
        return None
    base = ahp_matrix(items, pairs)
    now = principal_eigen(base).cr or 0.0
    index = {k: i for i, k in enumerate(items)}
    best: Suggestion | None = None
    for x, y, v in pairs:
        i, j = index[x], index[y]
        for cand in SCALE:
            if math.isclose(cand, v, rel_tol=1e-9):
                continue
            trial = base.copy()
            trial[i, j], trial[j, i] = cand, 1.0 / cand
            cr = principal_eigen(trial).cr or 0.0
            if cr < now - 1e-12 and (best is None or cr < best.cr_after - 1e-12):
                best = Suggestion(a=x, b=y, given=v, better=cand, cr_after=cr)
    return best


# ----------------------------------------------------------------------------------------- reading and checks


def _read_yaml(path: str | Path, what: str) -> tuple[Any, bytes]:
    """A small YAML file, bounded like a mapping file (``MAX_MAPPING_BYTES``, ``MAX_MAPPING_NODES``, depth)."""
    try:
        raw = read_file_bounded(path, limit("MAX_MAPPING_BYTES"), "MAX_MAPPING_BYTES")
    except LimitError as exc:
        raise ElicitationError(text("el_file_unreadable", file=path, reason=exc.text)) from None
    return _parse_yaml(raw, path, what), raw


def _parse_yaml(raw: bytes, path: str | Path, what: str) -> Any:
    """The bytes of a judgements or weights file parsed (bounded: bytes, nodes, depth), a mapping."""
    try:
        if len(raw) > limit("MAX_MAPPING_BYTES"):
            raise ElicitationError(text("el_too_large", file=path, setting="MAX_MAPPING_BYTES"))
        data = load_yaml_bounded(
            raw.decode("utf-8-sig"), max_nodes=ilimit("MAX_MAPPING_NODES"), nodes_setting="MAX_MAPPING_NODES"
        )
    except LimitError as exc:
        raise ElicitationError(text("el_file_unreadable", file=path, reason=exc.text)) from None
    except UnicodeDecodeError:
        raise ElicitationError(text("el_not_utf8", file=path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ElicitationError(text("el_not_yaml", file=path, line=line)) from None
    if not isinstance(data, dict):
        raise ElicitationError(text("el_not_mapping", file=path, what=text(what)))
    return data


def _shape_error(err: ValidationError, where: str | Path) -> ElicitationError:
    e = err.errors()[0]
    place = ".".join(str(p) for p in e["loc"]) or "(top level)"
    msg = "unknown key; remove it or check its spelling" if e["type"] == "extra_forbidden" else e["msg"]
    return ElicitationError(text("el_shape", file=where, place=place, problem=msg))


_RECIPROCAL = re.compile(r"^\s*1\s*/\s*([1-9])\s*$")


def scale_value(raw: float | str, where: str | Path, a: str, b: str) -> float:
    """A judgement's value on Saaty's scale: 1–9 or a reciprocal (a number, or text such as ``1/3``)."""
    value: float | None = None
    if isinstance(raw, str):
        m = _RECIPROCAL.match(raw)
        if m:
            value = 1.0 / int(m.group(1))
        else:
            try:
                value = float(raw)
            except ValueError:
                value = None
    else:
        value = float(raw)
    if value is not None and math.isfinite(value) and value > 0:
        for k in range(1, 10):
            if abs(value - k) <= SCALE_TOLERANCE * k:
                return float(k)
            if abs(1.0 / value - k) <= SCALE_TOLERANCE * k:
                return 1.0 / k
    raise ElicitationError(text("el_off_scale", file=where, a=a, b=b, value=raw))


def scope_of(items: Sequence[str], criteria: CriteriaSet, where: str | Path) -> str | None:
    """None when ``items`` are the criteria set's dimensions, else the dimension whose criteria they are; the
    items must be all of them, each once."""
    dims = [d.id for d in criteria.dimensions]
    owner = {c.id: d.id for d, c in criteria.criteria}
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ElicitationError(text("el_item_twice", file=where, item=item))
        seen.add(item)
    first = items[0]
    if first in dims:
        scope, expected = None, dims
    elif first in owner:
        scope = owner[first]
        expected = [c.id for d, c in criteria.criteria if d.id == scope]
    else:
        raise ElicitationError(
            text("el_unknown_item", file=where, item=first, known=", ".join(dims), criteria=criteria.id)
        )
    for item in items:
        if item not in expected:
            if scope is None:
                raise ElicitationError(
                    text("el_not_a_dimension", file=where, item=item, known=", ".join(dims))
                )
            raise ElicitationError(
                text("el_not_in_dimension", file=where, item=item, dimension=scope, known=", ".join(expected))
            )
    missing = [k for k in expected if k not in seen]
    if missing:
        raise ElicitationError(text("el_items_missing", file=where, missing=", ".join(missing)))
    return scope


def _check_ranking(j: Judgements, where: str | Path) -> list[str]:
    if not j.ranking:
        raise ElicitationError(text("el_needs_ranking", file=where, method=j.method))
    items = set(j.items)
    seen: set[str] = set()
    for k in j.ranking:
        if k not in items:
            raise ElicitationError(text("el_ranking_unknown", file=where, item=k))
        if k in seen:
            raise ElicitationError(text("el_ranking_twice", file=where, item=k))
        seen.add(k)
    missing = [k for k in j.items if k not in seen]
    if missing:
        raise ElicitationError(text("el_ranking_missing", file=where, missing=", ".join(missing)))
    return list(j.ranking)


def _check_pairs(j: Judgements, where: str | Path) -> list[tuple[str, str, float]]:
    n = len(j.items)
    if n > MAX_AHP_ITEMS:
        raise ElicitationError(text("el_ahp_too_many", file=where, n=n, limit=MAX_AHP_ITEMS))
    if not j.judgements:
        raise ElicitationError(text("el_needs_judgements", file=where))
    items = set(j.items)
    seen: dict[frozenset[str], int] = {}
    pairs: list[tuple[str, str, float]] = []
    for k, (a, b, raw) in enumerate(j.judgements):
        for x in (a, b):
            if x not in items:
                raise ElicitationError(text("el_pair_unknown", file=where, item=x, n=k + 1))
        if a == b:
            raise ElicitationError(text("el_pair_self", file=where, item=a, n=k + 1))
        key = frozenset((a, b))
        if key in seen:
            raise ElicitationError(text("el_pair_twice", file=where, a=a, b=b, n=k + 1, first=seen[key] + 1))
        seen[key] = k
        pairs.append((a, b, scale_value(raw, where, a, b)))
    order = list(j.items)
    missing = [
        f"{order[i]}–{order[k]}"
        for i in range(n)
        for k in range(i + 1, n)
        if frozenset((order[i], order[k])) not in seen
    ]
    if missing:
        raise ElicitationError(
            text("el_pairs_missing", file=where, missing=", ".join(missing[:6]), n=len(missing))
        )
    return pairs


def check_judgements(j: Judgements, criteria: CriteriaSet, where: str | Path) -> Provenance:
    """The judgements' meaning checked against ``criteria``; returns the provenance without the results."""
    scope = scope_of(j.items, criteria, where)
    base: dict[str, Any] = {
        "method": j.method,
        "by": j.by,
        "date": j.date,
        "dimension": scope,
        "note": j.note,
    }
    base["items"] = list(j.items)
    if j.method == "roc":
        if j.rating is not None or j.judgements is not None:
            raise ElicitationError(
                text("el_extra_for_method", file=where, method=j.method, field="rating/judgements")
            )
        return Provenance(**base, ranking=_check_ranking(j, where))
    if j.method == "swing":
        if j.judgements is not None:
            raise ElicitationError(
                text("el_extra_for_method", file=where, method=j.method, field="judgements")
            )
        ranking = _check_ranking(j, where)
        rating = dict(j.rating or {})
        for k in j.items:
            if k not in rating:
                raise ElicitationError(text("el_rating_missing", file=where, item=k))
        for k, v in rating.items():
            if k not in set(j.items):
                raise ElicitationError(text("el_rating_unknown", file=where, item=k))
            if not (math.isfinite(v) and 0 <= v <= 100):
                raise ElicitationError(text("el_rating_range", file=where, item=k, value=v))
        if rating[ranking[0]] != 100:
            raise ElicitationError(
                text("el_rating_best", file=where, item=ranking[0], value=rating[ranking[0]])
            )
        for hi, lo in zip(ranking, ranking[1:], strict=False):
            if rating[lo] > rating[hi]:
                raise ElicitationError(text("el_rating_order", file=where, hi=hi, lo=lo))
        return Provenance(**base, ranking=ranking, rating={k: float(rating[k]) for k in j.items})
    if j.ranking is not None or j.rating is not None:
        raise ElicitationError(
            text("el_extra_for_method", file=where, method=j.method, field="ranking/rating")
        )
    return Provenance(**base, judgements=_check_pairs(j, where))


def weights_of(p: Provenance) -> dict[str, float]:
    """The weights (sum 100, in the order of the items) that the provenance's judgements give."""
    if p.method == "roc":
        assert p.ranking is not None
        w = roc_weights(len(p.ranking)) * WEIGHT_TOTAL
        by_rank = dict(zip(p.ranking, w, strict=True))
        return {k: float(by_rank[k]) for k in p.items}
    if p.method == "swing":
        assert p.rating is not None
        total = sum(p.rating.values())
        return {k: p.rating[k] * WEIGHT_TOTAL / total for k in p.items}
    assert p.judgements is not None
    eig = principal_eigen(ahp_matrix(p.items, p.judgements))
    return dict(zip(p.items, (float(x) for x in eig.weights * WEIGHT_TOTAL), strict=True))


def with_consistency(p: Provenance) -> Provenance:
    """An AHP provenance with λmax, CI, CR, RI, the CR limit and, above the limit, the best single change."""
    if p.method != "ahp" or p.judgements is None:
        return p
    eig = principal_eigen(ahp_matrix(p.items, p.judgements))
    lim = cr_limit(len(p.items))
    over = eig.cr is not None and lim is not None and eig.cr > lim
    return p.model_copy(
        update={
            "lambda_max": eig.lambda_max,
            "ci": eig.ci,
            "cr": eig.cr,
            "random_index": eig.random_index,
            "cr_limit": lim,
            "suggestion": best_change(p.items, p.judgements) if over else None,
        }
    )


def elicit(j: Judgements, criteria: CriteriaSet, where: str | Path = "<judgements>") -> WeightsFile:
    """The weights file of a judgements file: weights summing to 100 and their provenance."""
    p = with_consistency(check_judgements(j, criteria, where))
    return WeightsFile(weights=weights_of(p), provenance=p)


def read_judgements(path: str | Path) -> Judgements:
    data, _ = _read_yaml(path, "el_what_judgements")
    try:
        return Judgements.model_validate(data)
    except ValidationError as err:
        raise _shape_error(err, path) from None


def warnings_of(p: Provenance) -> list[Text]:
    """What a planner should hear about these weights: CR above Saaty's limit, naming the judgement to change."""
    if p.cr is None or p.cr_limit is None or p.cr <= p.cr_limit:
        return []
    out = [text("el_cr_high", by=p.by, cr=f"{p.cr:.3f}", limit=f"{p.cr_limit:.2f}", n=len(p.items))]
    s = p.suggestion
    if s is not None:
        out.append(
            text(
                "el_cr_change",
                a=s.a,
                b=s.b,
                given=scale_text(s.given),
                better=scale_text(s.better),
                cr=f"{s.cr_after:.3f}",
            )
        )
    return out


def scale_text(v: float) -> str:
    """A value of Saaty's scale as written: ``3`` or ``1/3``."""
    if v >= 1:
        return f"{v:g}"
    return f"1/{round(1 / v)}"


def scale_written(v: float) -> int | float | str:
    """A value of Saaty's scale as a weights file writes it: a whole number, or ``"1/3"`` for a reciprocal."""
    if v >= 1:
        return int(v) if float(v).is_integer() else v
    return scale_text(v)


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (``[a, b, 3]``), everything else in block style."""


def _flow_lists(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(x, dict | list) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _flow_lists)


# ------------------------------------------------------------------------------------------------ weights file


def weights_file_yaml(wf: WeightsFile, digits: int = 4) -> str:
    """The weights file as YAML text (weights rounded to ``digits`` decimals: the sum stays within
    :data:`SUM_TOLERANCE` of 100)."""
    prov = wf.provenance.model_dump(mode="json", exclude_none=True)
    if wf.provenance.judgements is not None:
        prov["judgements"] = [[a, b, scale_written(v)] for a, b, v in wf.provenance.judgements]
    for k in ("lambda_max", "ci", "cr"):
        if k in prov:
            prov[k] = round(prov[k], 6)
    if "suggestion" in prov:
        s = prov["suggestion"]
        s["given"], s["better"], s["cr_after"] = (
            scale_written(s["given"]),
            scale_written(s["better"]),
            round(s["cr_after"], 6),
        )
    doc = {"weights": {k: round(v, digits) for k, v in wf.weights.items()}, "provenance": prov}
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


def parse_weights_file(data: Any, where: str | Path) -> WeightsFile:
    if not isinstance(data, dict):
        raise ElicitationError(text("el_not_mapping", file=where, what=text("el_what_weights")))
    if "weights" not in data and "method" in data:
        raise ElicitationError(text("el_is_judgements", file=where))
    prov = data.get("provenance")
    if isinstance(prov, dict):  # judgements and the suggestion are written as on Saaty's scale ("1/3")
        prov = dict(prov)
        if isinstance(prov.get("judgements"), list):
            fixed = []
            for row in prov["judgements"]:
                if isinstance(row, list) and len(row) == 3:
                    a, b, v = row
                    row = [a, b, scale_value(v, where, str(a), str(b))]
                fixed.append(row)
            prov["judgements"] = fixed
        s = prov.get("suggestion")
        if isinstance(s, dict):
            s = dict(s)
            for k in ("given", "better"):
                if k in s:
                    s[k] = scale_value(s[k], where, str(s.get("a")), str(s.get("b")))
            prov["suggestion"] = s
        data = {**data, "provenance": prov}
    try:
        return WeightsFile.model_validate(data)
    except ValidationError as err:
        raise _shape_error(err, where) from None


def validate_weights_file(wf: WeightsFile, criteria: CriteriaSet, where: str | Path) -> WeightsFile:
    """Ids exist and cover the scope the provenance names; weights are numbers ≥ 0 summing to 100."""
    p = wf.provenance
    scope = scope_of(list(wf.weights), criteria, where)
    if scope != p.dimension:
        said = p.dimension or "—"
        raise ElicitationError(text("el_scope_mismatch", file=where, said=said, found=scope or "—"))
    if list(p.items) and set(p.items) != set(wf.weights):
        raise ElicitationError(text("el_items_differ", file=where))
    for k, v in wf.weights.items():
        if not (math.isfinite(v) and v >= 0):
            raise ElicitationError(text("el_weight_bad", file=where, item=k, value=v))
    total = sum(wf.weights.values())
    if abs(total - WEIGHT_TOTAL) > SUM_TOLERANCE:
        raise ElicitationError(text("el_weights_sum", file=where, total=f"{total:.4f}"))
    return wf


def read_weights_file(path: str | Path, criteria: CriteriaSet) -> Reviewer:
    data, raw = _read_yaml(path, "el_what_weights")
    wf = validate_weights_file(parse_weights_file(data, path), criteria, path)
    return Reviewer(file=str(path), sha256=hashlib.sha256(raw).hexdigest(), content=wf)


def weights_file_from_bytes(raw: bytes, name: str, criteria: CriteriaSet) -> Reviewer:
    """A weights file given as bytes (an upload), read and validated as :func:`read_weights_file` does."""
    data = _parse_yaml(raw, name, "el_what_weights")
    wf = validate_weights_file(parse_weights_file(data, name), criteria, name)
    return Reviewer(file=name, sha256=hashlib.sha256(raw).hexdigest(), content=wf)


def reviewer_of(wf: WeightsFile, name: str) -> Reviewer:
    """A weights file made in memory (the app's forms) as a reviewer's file; its SHA-256 is of its YAML."""
    return Reviewer(file=name, sha256=hashlib.sha256(weights_file_yaml(wf).encode()).hexdigest(), content=wf)


def weights_paths(given: Iterable[str | Path]) -> list[Path]:
    """The files named, a folder standing for its ``*.yaml`` / ``*.yml`` files (sorted by name)."""
    out: list[Path] = []
    for g in given:
        p = Path(g)
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")], key=lambda q: q.name)
            if not found:
                raise ElicitationError(text("el_folder_empty", folder=p))
            out.extend(found)
        else:
            out.append(p)
    return out


# ------------------------------------------------------------------------------------------------- committees


@dataclass(frozen=True)
class Spread:
    low: float
    high: float
    sd: float  # population standard deviation (ddof 0): the committee is all its members, not a sample


@dataclass(frozen=True)
class ScopeGroup:
    """The committee on one scope (the dimensions, or the criteria of one dimension)."""

    dimension: str | None
    items: list[str]
    reviewers: list[Reviewer]
    rule: Literal["single", "aij", "mean"]
    group: dict[str, float]  # sum 100
    spread: dict[str, Spread]
    distance: dict[str, float]  # reviewer → L1 distance of normalised weights from the group's (0–200)
    group_eigen: Eigen | None = None  # the AIJ matrix's λmax and CR

    @property
    def furthest(self) -> str | None:
        if len(self.reviewers) < 2:
            return None
        return max(self.distance, key=lambda k: (self.distance[k], k))

    def rule_text(self) -> Text:
        """How the group weights were made, in words (the CLI, the workbook and the app say the same)."""
        n = len(self.reviewers)
        if self.rule == "aij":
            e = self.group_eigen
            return text("cm_rule_aij", n=n, cr="—" if e is None or e.cr is None else f"{e.cr:.3f}")
        if self.rule == "mean":
            methods = sorted({r.content.provenance.method for r in self.reviewers})
            key = "cm_rule_mean_mixed" if len(methods) > 1 else "cm_rule_mean"
            return text(key, n=n, methods=", ".join(methods))
        return text("cm_rule_single", by=self.reviewers[0].by)

    def furthest_text(self) -> Text | None:
        far = self.furthest
        if far is None:
            return None
        return text("cm_furthest", by=far, distance=f"{self.distance[far]:.1f}")


@dataclass(frozen=True)
class Committee:
    """Every scope's group, in the criteria set's order (dimensions first)."""

    scopes: list[ScopeGroup] = field(default_factory=list)

    @property
    def reviewers(self) -> list[str]:
        return list(dict.fromkeys(r.by for g in self.scopes for r in g.reviewers))

    @property
    def several(self) -> bool:
        return len(self.reviewers) > 1

    def overrides(self) -> dict[str, dict[str, float]]:
        """The group weights as overrides for :func:`screening.analysis.weights.validated_weights`."""
        out: dict[str, dict[str, float]] = {"dimensions": {}, "criteria": {}}
        for g in self.scopes:
            out["dimensions" if g.dimension is None else "criteria"].update(g.group)
        return out

    def reviewer_overrides(self, by: str) -> dict[str, dict[str, float]]:
        """One reviewer's own weights where they gave some, the group's elsewhere."""
        out = self.overrides()
        for g in self.scopes:
            for r in g.reviewers:
                if r.by == by:
                    out["dimensions" if g.dimension is None else "criteria"].update(r.content.weights)
        return out


def _l1(a: dict[str, float], b: dict[str, float]) -> float:
    return float(sum(abs(a[k] - b[k]) for k in a))


def combine(reviewers: Sequence[Reviewer], criteria: CriteriaSet) -> Committee:
    """Group the files by scope and combine each scope's reviewers (rules: module docstring). One reviewer
    may give one file per scope."""
    by_scope: dict[str | None, list[Reviewer]] = {}
    for r in reviewers:
        group = by_scope.setdefault(r.scope, [])
        for other in group:
            if other.by == r.by:
                raise ElicitationError(
                    text("el_reviewer_twice", by=r.by, first=other.file, second=r.file, scope=r.scope or "—")
                )
        group.append(r)
    order: list[str | None] = [None, *(d.id for d in criteria.dimensions)]
    scopes = []
    for scope in order:
        if scope not in by_scope:
            continue
        group = by_scope[scope]
        items = list(group[0].content.weights)
        ws = np.array([[r.content.weights[k] for k in items] for r in group])
        ws = ws * (WEIGHT_TOTAL / ws.sum(axis=1, keepdims=True))
        eig = None
        pairs = [r.content.provenance.judgements for r in group]
        if len(group) == 1:
            rule: Literal["single", "aij", "mean"] = "single"
            g = ws[0]
            if group[0].content.provenance.method == "ahp" and pairs[0] is not None:
                eig = principal_eigen(ahp_matrix(items, pairs[0]))
        elif all(
            r.content.provenance.method == "ahp" and p is not None for r, p in zip(group, pairs, strict=True)
        ):
            rule = "aij"
            logs = np.mean([np.log(ahp_matrix(items, p or [])) for p in pairs], axis=0)
            eig = principal_eigen(np.exp(logs))
            g = eig.weights * WEIGHT_TOTAL
        else:
            rule = "mean"
            g = ws.mean(axis=0)
        group_w = dict(zip(items, (float(x) for x in g), strict=True))
        spread = {
            k: Spread(float(ws[:, i].min()), float(ws[:, i].max()), float(ws[:, i].std()))
            for i, k in enumerate(items)
        }
        distance = {
            r.by: _l1(dict(zip(items, (float(x) for x in ws[n]), strict=True)), group_w)
            for n, r in enumerate(group)
        }
        scopes.append(ScopeGroup(scope, items, list(group), rule, group_w, spread, distance, eig))
    return Committee(scopes)
