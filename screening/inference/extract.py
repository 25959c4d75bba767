"""The extractor kinds: each fills its rule's target where a record leaves it blank, and says from what.

One function per kind (:data:`EXTRACTORS`), all of the same shape: the frame so far, the rule, the text
occurrences → the rows filled, their values and their evidence. Text is searched once for every term of
every rule (:class:`~screening.criteria.textscan.TextScan`); the numbers next to a unit or key word are read
by the fixed code below, never by a pattern from the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.criteria.negation import Negation
from screening.criteria.textscan import TextScan, fold
from screening.inference import finance
from screening.inference.rules import (
    Cases,
    Condition,
    Duration,
    Emissions,
    GrantElement,
    NumberNearWords,
    NumberWithUnit,
    TermValue,
    Threshold,
)
from screening.vocab.coerce import is_blank, parse_series, parser_for
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME, norm_key

__all__ = ["EXTRACTORS", "Filled", "Texts", "blank_mask", "negated", "typed"]

SNIPPET = (
    60  # characters of context shown either side of a span: enough for a reader to judge it (our choice)
)


@dataclass(frozen=True)
class Filled:
    """What one rule found: the rows (positions), the values and, per row, the evidence."""

    rows: np.ndarray
    values: list[object]
    field: list[str]  # the column the evidence is in
    start: list[int]  # span in that column's text (-1: the whole value)
    end: list[int]
    evidence: list[str]  # the snippet or "column = value"


EMPTY = Filled(np.array([], dtype=np.int64), [], [], [], [], [])


class Texts:
    """The occurrences of every rule term in each text field, per distinct text: a text repeated over many
    records (tranches, phases, boilerplate) is scanned and judged once, and its answer given to every record
    that holds it."""

    def __init__(
        self, frame: pd.DataFrame, fields: list[str], scan: TextScan, negation: Negation | None
    ) -> None:
        self.scan = scan  # shared with the screening stage: a text seen here is not scanned again there
        self.negation = negation
        self.slots: dict[str, np.ndarray] = {}  # field → slot of each record's text
        self.text_of: dict[str, dict[int, str]] = {}  # field → slot → the text as written
        self.by_field: dict[str, pd.DataFrame] = {}  # field → occurrences: slot, term, start, end
        for f in fields:
            if f not in frame.columns:
                continue
            slots = self.scan.slots(frame[f])
            uniq, first = np.unique(slots, return_index=True)
            values = frame[f].to_numpy(dtype=object)
            self.slots[f] = slots
            self.text_of[f] = {
                int(s): ("" if is_blank(values[i]) else str(values[i]))
                for s, i in zip(uniq, first, strict=True)
            }
            occ = self.scan.occurrences({f: uniq}).frame()
            occ["slot"] = uniq[occ["row"].to_numpy(dtype=np.int64)] if len(occ) else occ["row"]
            self.by_field[f] = occ.sort_values(["slot", "start"], kind="stable")

    def found(self, field: str, terms: set[str], slots: np.ndarray) -> dict[int, list[tuple[str, int, int]]]:
        """Per slot among ``slots``: the occurrences ``(term, start, end)`` of ``terms``, in text order."""
        occ = self.by_field.get(field)
        out: dict[int, list[tuple[str, int, int]]] = {}
        if occ is None or not len(occ):
            return out
        occ = occ[occ["term"].isin(terms) & occ["slot"].isin(slots)]
        for slot, term, start, end in occ[["slot", "term", "start", "end"]].itertuples(index=False):
            out.setdefault(int(slot), []).append((term, int(start), int(end)))
        return out


Answer = tuple[int, int, object]  # span start, span end, value — the answer of one text


def _text_rule(
    rule: TermValue | NumberWithUnit | NumberNearWords,
    texts: Texts,
    open_: np.ndarray,
    answer: Callable[[str, list[tuple[str, int, int]]], Answer | None],
) -> Filled:
    """Each open record gets the answer of the first of ``rule.fields`` whose text gives one; ``answer`` is
    asked once per distinct text."""
    remaining = open_.copy()
    rows: list[np.ndarray] = []
    got: list[tuple[str, Answer, str]] = []
    for f in rule.fields:
        slots = texts.slots.get(f)
        if slots is None or not remaining.any():
            continue
        wanted = np.unique(slots[remaining])
        answers: dict[int, tuple[Answer, str]] = {}
        for slot, items in texts.found(f, rule.terms(), wanted).items():
            text = texts.text_of[f][slot]
            a = answer(text, items)
            if a is not None:
                answers[slot] = (a, snippet(text, a[0], a[1]))
        if not answers:
            continue
        hit = remaining & np.isin(slots, np.fromiter(answers, dtype=np.int64))
        idx = np.flatnonzero(hit)
        rows.append(idx)
        got.extend((f, *answers[int(s)]) for s in slots[idx])
        remaining &= ~hit
    if not rows:
        return EMPTY
    order = np.concatenate(rows)
    return Filled(
        order,
        [a[2] for _f, a, _e in got],
        [f for f, _a, _e in got],
        [a[0] for _f, a, _e in got],
        [a[1] for _f, a, _e in got],
        [e for _f, _a, e in got],
    )


def negated(texts: Texts, text: str, start: int, end: int) -> bool:
    """Whether a negation cue of the criteria set governs the occurrence ``text[start:end]``."""
    return texts.negation is not None and texts.negation.negates(text, start, end)


def snippet(text: str, start: int, end: int) -> str:
    a, b = max(0, start - SNIPPET), min(len(text), end + SNIPPET)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def typed(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column typed as validation will type it (codes as codes, numbers as floats); blanks as None."""
    if name not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    column = COLUMN_BY_NAME.get(name)
    if column is None:
        return frame[name]
    values, _problems = parse_series(frame[name], parser_for(column))
    return values


def _per_distinct(values: np.ndarray, fn: Callable[[object], object], dtype: type) -> np.ndarray:
    """``fn`` of each value, worked out once per distinct value (a column repeats few values)."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    answers: np.ndarray = np.array([fn(u) for u in uniq] + [fn(None)], dtype=dtype)
    return answers[codes]


def blank_mask(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    return _per_distinct(frame[name].to_numpy(dtype=object), is_blank, bool)


def _member_of(accepted: set[str]) -> Callable[[object], bool]:
    return lambda v: not is_blank(v) and norm_key(v) in accepted


def condition_mask(frame: pd.DataFrame, conditions: tuple[Condition, ...]) -> np.ndarray:
    ok = np.ones(len(frame), dtype=bool)
    for cond in conditions:
        values = typed(frame, cond.field).to_numpy(dtype=object)
        blank = _per_distinct(values, is_blank, bool)
        if cond.missing is not None:
            ok &= blank if cond.missing else ~blank
        if cond.in_ is not None:
            column = COLUMN_BY_NAME.get(cond.field)
            accepted = {norm_key(v) for v in cond.in_}
            if column is not None and column.codes:  # a label or alias names its code
                lookup = CODE_LISTS[column.codes].lookup()
                accepted |= {lookup.get(norm_key(v), norm_key(v)) for v in cond.in_}
            ok &= _per_distinct(values, _member_of(accepted), bool)
    return ok


def _term_value(frame: pd.DataFrame, rule: TermValue, texts: Texts, open_: np.ndarray) -> Filled:
    value_of = {t: v for v, terms in rule.values.items() for t in terms}

    def answer(text: str, items: list[tuple[str, int, int]]) -> Answer | None:
        for term, start, end in items:  # in text order: the first occurrence not negated names the value
            if not (rule.negatable and negated(texts, text, start, end)):
                return start, end, value_of[term]
        return None

    return _text_rule(rule, texts, open_, answer)


def _read_number_before(text: str, end: int) -> tuple[float, int] | None:
    """The number that ends at ``end`` (spaces and one hyphen allowed between it and the unit), and where it
    starts; "2x660" and "2 × 660" are read as 1,320. Thousands commas are read; a decimal comma is not."""
    i = end
    while i > 0 and text[i - 1] in " -\u00a0":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isdigit() or text[j - 1] in ".,"):
        j -= 1
    raw = text[j:i].strip(".,")
    if not raw or not any(ch.isdigit() for ch in raw):
        return None
    try:
        number = float(raw.replace(",", ""))
    except ValueError:
        return None
    k = j
    while k > 0 and text[k - 1] == " ":
        k -= 1
    if k > 1 and text[k - 1] in "x×X*" and (text[k - 2].isdigit() or text[k - 2] == " "):
        found = _read_number_before(text, k - 1)  # "2x660": two units of 660
        if found is not None and 0 < found[0] <= 100:
            return found[0] * number, found[1]
    if j > 0 and (text[j - 1].isalpha() or text[j - 1] == "#"):
        return None  # part of a word or an id ("ID#71664", "A4")
    return number, j


def _number_with_unit(frame: pd.DataFrame, rule: NumberWithUnit, texts: Texts, open_: np.ndarray) -> Filled:
    def answer(text: str, items: list[tuple[str, int, int]]) -> Answer | None:
        best: Answer | None = None
        for term, start, end in items:
            if end < len(text) and text[end].isalpha():
                continue  # "MWh" is energy, not capacity; the unit must end a word
            got = _read_number_before(text, start)
            if got is None:
                continue
            value = round(got[0] * rule.units[term], 6)
            if best is None or (rule.combine == "max" and value > float(best[2])):  # type: ignore[arg-type]
                best = (got[1], end, value)
        return best

    return _text_rule(rule, texts, open_, answer)


def _number_after(text: str, pos: int, limit: int) -> tuple[float, int, int] | None:
    i = pos
    stop = min(len(text), pos + limit)
    while i < stop and not text[i].isdigit():
        if text[i] in ".;。；":
            return None
        i += 1
    if i >= stop:
        return None
    j = i
    while j < len(text) and (text[j].isdigit() or text[j] in ".,"):
        j += 1
    raw = text[i:j].rstrip(".,")
    try:
        return float(raw.replace(",", "")), i, i + len(raw)
    except ValueError:
        return None


def _number_near_words(frame: pd.DataFrame, rule: NumberNearWords, texts: Texts, open_: np.ndarray) -> Filled:
    units = [fold(u) for u in rule.units]
    unless = [fold(u) for u in rule.unless]

    def unit_follows(low: str, at: int) -> bool:
        return any(low.startswith(u, at) for u in units)

    def answer(text: str, items: list[tuple[str, int, int]]) -> Answer | None:
        low = fold(text)
        for _term, start, end in items:  # the first key word that has its number
            near = low[max(0, start - rule.window) : end + rule.window]
            if any(u in near for u in unless):
                continue
            hit: tuple[float, int, int] | None = None
            # before the key word: "a 6.3% interest rate", "a 15-year maturity"
            lo = max(0, start - rule.window)
            segment = low[lo:start]
            for stop in (". ", "; ", ", and ", "。"):
                cut = segment.rfind(stop)
                if cut >= 0:
                    lo += cut + len(stop)
                    segment = low[lo:start]
            k = start
            while k > lo:
                k -= 1
                if (
                    low[k].isdigit()
                    and (k + 1 >= len(low) or not low[k + 1].isdigit())
                    and low[k + 1 : k + 2] != "."
                ):
                    if unit_follows(low, k + 1):
                        got = _read_number_before(text, k + 1)
                        if got is not None:
                            hit = (got[0], got[1], k + 1)
                            break
            if hit is None:  # after it: "an interest rate of 2%", "a maturity of 20 years"
                got2 = _number_after(text, end, rule.window)
                if got2 is not None and unit_follows(low, got2[2]):
                    hit = got2
            if hit is None:
                continue
            value = hit[0]
            if (rule.minimum is not None and value < rule.minimum) or (
                rule.maximum is not None and value > rule.maximum
            ):
                continue
            return min(start, hit[1]), max(end, hit[2]), value
        return None

    return _text_rule(rule, texts, open_, answer)


def _evidence_of_columns(frame: pd.DataFrame, names: list[str], rows: np.ndarray) -> list[str]:
    """Per row: "column = value; …" of the named columns that hold a value (each column read once)."""
    parts: list[np.ndarray] = []
    for n in names:
        if n not in frame.columns:
            continue
        values = frame[n].to_numpy(dtype=object)[rows]
        codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        shown = np.array(["" if is_blank(u) else f"{n} = {u}" for u in uniq] + [""], dtype=object)
        parts.append(shown[codes])
    if not parts:
        return [""] * len(rows)
    return ["; ".join(p for p in row if p) for row in zip(*parts, strict=True)]


def _columns_filled(frame: pd.DataFrame, rows: np.ndarray, values: list[object], names: list[str]) -> Filled:
    n = len(rows)
    return Filled(rows, values, [names[0]] * n, [-1] * n, [-1] * n, _evidence_of_columns(frame, names, rows))


def _cases(frame: pd.DataFrame, rule: Cases, texts: Texts, open_: np.ndarray) -> Filled:
    todo = open_.copy()
    rows: list[np.ndarray] = []
    values: list[object] = []
    evidence: list[str] = []
    fields: list[str] = []
    for case in rule.cases:
        hit = todo & condition_mask(frame, case.when)
        idx = np.flatnonzero(hit)
        names = [c.field for c in case.when]
        rows.append(idx)
        values += [case.value] * len(idx)
        evidence += _evidence_of_columns(frame, names, idx)
        fields += [names[0]] * len(idx)
        todo &= ~hit
    all_rows = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    n = len(all_rows)
    return Filled(all_rows, values, fields, [-1] * n, [-1] * n, evidence)


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    values = typed(frame, name).to_numpy(dtype=object)
    return np.array(
        [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan for v in values]
    )


def _threshold(frame: pd.DataFrame, rule: Threshold, texts: Texts, open_: np.ndarray) -> Filled:
    x = _numbers(frame, rule.field)
    idx = np.flatnonzero(open_ & np.isfinite(x))
    values: list[object] = ["true" if x[i] >= rule.at_least else "false" for i in idx]
    return _columns_filled(frame, idx, values, [rule.field])


def _grant_element(frame: pd.DataFrame, rule: GrantElement, texts: Texts, open_: np.ndarray) -> Filled:
    r, m, g = (_numbers(frame, n) for n in (rule.interest, rule.maturity, rule.grace))
    idx = np.flatnonzero(open_ & np.isfinite(r) & np.isfinite(m) & np.isfinite(g))
    if not len(idx):
        return EMPTY
    ge = finance.grant_element_pct(
        r[idx],
        m[idx],
        g[idx],
        discount_rate_pct=rule.discount_rate_pct,
        payments_per_year=rule.payments_per_year,
    )
    keep = np.isfinite(ge)
    idx = idx[keep]
    return _columns_filled(
        frame, idx, [float(v) for v in ge[keep]], [rule.interest, rule.maturity, rule.grace]
    )


def _emissions(frame: pd.DataFrame, rule: Emissions, texts: Texts, open_: np.ndarray) -> Filled:
    cap = _numbers(frame, rule.capacity)
    source = typed(frame, rule.energy_source).to_numpy(dtype=object)
    factor = {k: v for k, v in rule.factors.items()}
    idx = np.flatnonzero(open_ & np.isfinite(cap) & np.isin(source.astype(str), list(factor)))
    if not len(idx):
        return EMPTY
    f = [factor[str(source[i])] for i in idx]
    out = finance.annual_emissions_tco2e(
        cap[idx],
        np.array([x.tco2_per_tj for x in f]),
        np.array([x.efficiency for x in f]),
        np.array([x.capacity_factor for x in f]),
    )
    return _columns_filled(frame, idx, [float(v) for v in out], [rule.capacity, rule.energy_source])


def _duration(frame: pd.DataFrame, rule: Duration, texts: Texts, open_: np.ndarray) -> Filled:
    a, b = _numbers(frame, rule.start), _numbers(frame, rule.end)
    months = (b - a) * 12.0
    idx = np.flatnonzero(open_ & np.isfinite(months) & (months >= 0) & (months <= rule.max_months))
    # A year difference of zero is "within the year": counted as half a year, not as no time at all.
    values: list[object] = [float(max(months[i], 6.0)) for i in idx]
    return _columns_filled(frame, idx, values, [rule.start, rule.end])


Extractor = Callable[[pd.DataFrame, object, Texts, np.ndarray], Filled]

EXTRACTORS: dict[str, Extractor] = {
    "term_value": _term_value,  # type: ignore[dict-item]
    "number_with_unit": _number_with_unit,  # type: ignore[dict-item]
    "number_near_words": _number_near_words,  # type: ignore[dict-item]
    "cases": _cases,  # type: ignore[dict-item]
    "threshold": _threshold,  # type: ignore[dict-item]
    "grant_element": _grant_element,  # type: ignore[dict-item]
    "emissions": _emissions,  # type: ignore[dict-item]
    "duration": _duration,  # type: ignore[dict-item]
}
