"""One project, many records: records of one project (tranches, phases, sections, lots, co-financed parts)
recognised as one project group (issue 14, item 2).

Two records are linked when

* one names the other: the ids in its ``linked_project_id`` cell, or listed after a marker phrase in a text
  field (AidData's titles: "… (Linked to Project ID#71664, #71667, and #71670)"); or
* they are in the same country and their titles are equal once tranche words and amounts are taken out
  ("Phase I of Abidjan City Water Supply Project" and "Phase II of …"), while the titles as written differ
  (two identical titles are one project entered twice, left to the duplicate check).

Groups are the connected components of these links; an id named but absent from the file still
joins the records that name it. The group id is the smallest member id in text order (the ranking's
tie-break order). The words are data (``_data/evidence/inference/project_groups.yaml``): literal words only,
matched with plain string operations — no regular expression or format string is read from a file.

A group is for display and for the portfolio's grouping only: no score, track or tier reads it (fixed
anchors, DESIGN.md), and duplicate-construction flags are never raised between members of one group
(:mod:`screening.stages.duplicates`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from screening.criteria.textscan import fold
from screening.resources import EVIDENCE_DIR

__all__ = [
    "GROUP",
    "GROUP_COLUMNS",
    "GROUP_SIZE",
    "GROUP_TOTAL",
    "GroupRules",
    "group_columns",
    "id_list",
    "linked_ids",
    "load_rules",
    "title_key",
]

GROUP = "project_group"
GROUP_SIZE = "project_group_size"
GROUP_TOTAL = "project_group_total_usd_m"
GROUP_COLUMNS = (GROUP, GROUP_SIZE, GROUP_TOTAL)
LINK_COLUMN = "linked_project_id"
AMOUNT = "total_investment_usd_m"

RULES_FILE = EVIDENCE_DIR / "inference" / "project_groups.yaml"

# A word: a run of letters and digits (any script; Chinese runs stay whole).
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")

# Characters that end an id inside a list of ids (besides white space); "#" opens one.
_SEPARATORS = ",;，、；(){}[]"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinkRules(_Strict):
    fields: tuple[str, ...]
    markers: tuple[str, ...]
    fillers: tuple[str, ...]
    prefixes: tuple[str, ...]


class TitleRules(_Strict):
    tranche_words: tuple[str, ...]
    ordinals: tuple[str, ...]
    roman: tuple[str, ...]
    fillers: tuple[str, ...]
    currency_symbols: tuple[str, ...]
    currency_words: tuple[str, ...]
    scale_words: tuple[str, ...]
    tranche_words_zh: tuple[str, ...]
    numerals_zh: str
    fillers_zh: tuple[str, ...]


class GroupRules(_Strict):
    version: int
    link: LinkRules
    title: TitleRules


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> GroupRules:
    """The grouping words (a shipped data file, read with ``yaml.safe_load``)."""
    return GroupRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(w) for w in words)


def _norm(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text))


def _tokens(segment: str) -> list[str]:
    """``segment`` cut at white space and list separators; "#" opens a token ("and#3" → "and", "#3")."""
    for ch in _SEPARATORS:
        segment = segment.replace(ch, " ")
    return [tok.strip(".:") for tok in segment.replace("#", " #").split()]


def _strip_prefix(token: str, prefixes: tuple[str, ...]) -> str:
    """The id without a prefix ("#12", "ID12", "No.12" → "12"); "id" only before a digit."""
    low = fold(token)
    for p in sorted(prefixes, key=len, reverse=True):
        rest = token[len(p) :]
        if low.startswith(p) and rest and (p != "id" or rest[0].isdigit()):
            return rest
    return token


def _ids(segment: str, rules: LinkRules, *, in_text: bool) -> list[str]:
    fillers = set(rules.fillers)
    out: list[str] = []
    for tok in _tokens(segment):
        if fold(tok) in fillers:
            continue
        ident = _strip_prefix(tok, rules.prefixes).strip(".:")
        if not ident or fold(ident) in fillers:
            continue
        if in_text and not any(ch.isdigit() for ch in ident):
            break  # the list of ids has ended: prose follows
        out.append(ident)
    return out


def id_list(cell: object, rules: GroupRules | None = None) -> list[str]:
    """The ids in a ``linked_project_id`` cell: separated by commas, semicolons, spaces or "and", each with
    or without "#" / "ID" ("#71664, #71667 and 71670" → 71664, 71667, 71670)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    if isinstance(cell, float) and cell.is_integer():
        return [str(int(cell))]
    return _ids(_norm(cell), (rules or load_rules()).link, in_text=False)


def _link_segments(text: str, markers: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of each marker's stretch: from the marker to the next ")" (inclusive) or the end."""
    low = fold(text)
    spans: list[tuple[int, int]] = []
    for marker in markers:
        m = fold(marker)
        start = low.find(m)
        while start >= 0:
            close = low.find(")", start + len(m))
            end = len(low) if close < 0 else close + 1
            spans.append((start, end))
            start = low.find(m, end)
    return sorted(spans)


def linked_ids(text: object, rules: GroupRules | None = None) -> list[str]:
    """The ids listed after a marker phrase in ``text`` ("(Linked to Project ID#71664, #71667, and #71670)"
    → 71664, 71667, 71670); a list ends at ")" or at the first word that is neither a filler nor an id."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    r = (rules or load_rules()).link
    s = _norm(text)
    low = fold(s)
    if not any(m in low for m in _folded(r.markers)):
        return []
    out: list[str] = []
    for start, end in _link_segments(s, r.markers):
        body = s[start:end]
        marker = next(m for m in r.markers if fold(body).startswith(fold(m)))
        out += _ids(body[len(marker) :], r, in_text=True)
    return out


def _numberish(token: str, r: TitleRules) -> bool:
    """A number, numeral, ordinal or single letter next to a tranche word ("II", "2", "A4", "second", "B")."""
    if token in r.roman or token in r.ordinals:
        return True
    if len(token) == 1 and token.isalpha():
        return True
    return len(token) <= 4 and any(ch.isdigit() for ch in token)


def _without_money(words: list[str], r: TitleRules) -> list[str]:
    """``words`` without amounts of money ("$66.783 million", "rmb 1.5 billion")."""
    out: list[str] = []
    symbols, currency = tuple(r.currency_symbols), frozenset(r.currency_words)
    i = 0
    while i < len(words):
        w = words[i]
        taken = 0
        if w.startswith(symbols) and any(ch.isdigit() for ch in w):
            taken = 1
        elif w in currency and i + 1 < len(words) and words[i + 1][:1].isdigit():
            taken = 2
        if taken:
            i += taken
            if i < len(words) and words[i] in r.scale_words:
                i += 1
            continue
        out.append(w)
        i += 1
    return out


def _without_zh_tranches(s: str, r: TitleRules) -> str:
    """Chinese tranche words with the numerals before them (一期, 第二标段, A标段); a one-character word only
    after a numeral (工期 stays)."""
    numerals = set(r.numerals_zh)
    for word in sorted(r.tranche_words_zh, key=len, reverse=True):
        start = s.find(word)
        while start >= 0:
            k = start
            while k > 0 and s[k - 1] in numerals:
                k -= 1
            if k < start or len(word) > 1:
                s = s[:k] + " " + s[start + len(word) :]
                start = s.find(word, k + 1)
            else:
                start = s.find(word, start + len(word))
    return s


def title_key(title: object, rules: GroupRules | None = None) -> str:
    """The title with link lists, amounts of money, tranche words (with their numbers) and filler words taken
    out, folded: equal keys in one country are parts of one project. "" for a blank title."""
    if title is None or (isinstance(title, float) and np.isnan(title)):
        return ""
    g = rules or load_rules()
    r = g.title
    s = _norm(title)
    low = fold(s)
    # each step only where its words can occur (plain substring tests: most titles skip most steps)
    if any(m in low for m in _folded(g.link.markers)):
        for start, end in reversed(_link_segments(s, g.link.markers)):
            if linked_ids(s[start:end], g):  # a list of ids, not prose that says "linked to"
                s = s[:start] + " " + s[end:]
        low = fold(s)
    s = " ".join(_without_money(low.split(), r)) if _DIGIT.search(low) else low
    if any(w in s for w in r.tranche_words_zh):
        s = _without_zh_tranches(s, r)
    for word in r.fillers_zh:
        if word in s:
            s = s.replace(word, " ")
    tokens = _WORD.findall(s)  # runs of letters and digits (a fixed pattern in code, none from a file)
    tranche, ordinals, fillers = set(r.tranche_words), set(r.ordinals), set(r.fillers)
    kept: list[str] = []
    skip_next = False
    for tok in tokens:
        if skip_next:
            skip_next = False
            if _numberish(tok, r):
                continue
        if tok in tranche:
            if kept and kept[-1] in ordinals:  # "second phase"
                kept.pop()
            skip_next = True
            continue
        kept.append(tok)
    return " ".join(t for t in kept if t not in fillers)


class _Nodes:
    """Graph nodes: the records (0 … n−1), then every id named but absent from the file, then every title
    bucket that links records."""

    def __init__(self, ids: np.ndarray) -> None:
        self.index: dict[str, int] = {str(pid): k for k, pid in enumerate(ids.tolist())}
        self.count = len(self.index)

    def of(self, ident: str) -> int:
        k = self.index.get(ident)
        if k is None:
            k = self.index[ident] = self.count
            self.count += 1
        return k

    def new(self, n: int) -> int:
        """The first of ``n`` fresh nodes."""
        first = self.count
        self.count += n
        return first


def _edges(values: np.ndarray, parse: Callable[[object], list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(row, node) pairs: ``parse`` applied once per distinct value, spread over the rows holding it."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    per = [parse(u) for u in uniques]
    lens = np.array([len(p) for p in per] + [0], dtype=np.int64)  # the last: blank cells (code −1)
    row_lens = lens[codes]
    rows = np.repeat(np.arange(len(values)), row_lens)
    flat = np.array([k for p in per for k in p], dtype=np.int64)
    starts = (np.cumsum(lens) - lens)[codes]
    within = np.arange(len(rows)) - np.repeat(np.cumsum(row_lens) - row_lens, row_lens)
    return rows, flat[np.repeat(starts, row_lens) + within] if len(rows) else flat[:0]


def group_columns(frame: pd.DataFrame, rules: GroupRules | None = None) -> pd.DataFrame:
    """``project_group`` (the smallest member id, blank for a record on its own), ``project_group_size``
    (members, the record included) and ``project_group_total_usd_m`` (Σ ``total_investment_usd_m`` of the
    members) for each row of ``frame`` (valid records: unique ``project_id``), on ``frame``'s index.

    The groups are the connected components of the graph whose nodes are the records, the ids they name and
    the title buckets, computed by :func:`scipy.sparse.csgraph.connected_components` (what a union-find over
    the links gives, without a Python step per record)."""
    g = rules or load_rules()
    n = len(frame)
    ids = frame["project_id"].astype(str).to_numpy(dtype=object) if n else np.array([], dtype=object)
    nodes = _Nodes(ids)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    if LINK_COLUMN in frame.columns:
        parts.append(
            _edges(frame[LINK_COLUMN].to_numpy(dtype=object), lambda v: [nodes.of(x) for x in id_list(v, g)])
        )
    for field in g.link.fields:
        if field in frame.columns:
            values = frame[field].to_numpy(dtype=object)
            parts.append(
                _edges(
                    values, lambda v: [nodes.of(x) for x in linked_ids(v, g)] if isinstance(v, str) else []
                )
            )
    if "project_name" in frame.columns and "country" in frame.columns:
        parts.append(_title_edges(frame, g, nodes))
    rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    graph = coo_array((np.ones(len(rows)), (rows, cols)), shape=(nodes.count, nodes.count))
    _, labels = connected_components(graph, directed=False)
    component = labels[:n]
    amount = (
        pd.to_numeric(frame[AMOUNT], errors="coerce").to_numpy(dtype=float)
        if AMOUNT in frame.columns
        else np.full(n, np.nan)
    )
    codes, _ = pd.factorize(component)
    size = np.bincount(codes) if n else np.zeros(0, dtype=np.int64)
    total = np.bincount(codes, weights=np.nan_to_num(amount)) if n else np.zeros(0)
    order = np.argsort(ids.astype(str), kind="stable")  # the ranking's id text order
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    first = np.full(len(size), n, dtype=np.int64)
    np.minimum.at(first, codes, position)
    smallest = ids[order[first[codes]]] if n else ids
    group = smallest.astype(object) if n else np.array([], dtype=object)
    group[size[codes] <= 1] = None  # a record on its own has no group
    return pd.DataFrame(
        {GROUP: group, GROUP_SIZE: size[codes].astype(np.int64), GROUP_TOTAL: np.round(total[codes], 6)},
        index=frame.index,
    )


def _title_edges(frame: pd.DataFrame, g: GroupRules, nodes: _Nodes) -> tuple[np.ndarray, np.ndarray]:
    """(row, bucket node) for the records of one country whose title keys are equal, when their titles as
    written differ (two identical titles are left to the duplicate check). Work per distinct title, then
    integer codes only."""
    empty = np.zeros(0, dtype=np.int64)
    t_codes, t_uniques = pd.factorize(pd.Series(frame["project_name"].to_numpy(dtype=object), dtype=object))
    keys = [title_key(u, g) if isinstance(u, str) else "" for u in t_uniques]
    k_codes, _ = pd.factorize(pd.Series(keys, dtype=object))  # per distinct title: its key's code
    k_codes = np.where(np.array([k != "" for k in keys], dtype=bool), k_codes, -1)
    key = np.append(k_codes, -1)[t_codes]  # per row (−1: blank title or empty key)
    c_codes, _ = pd.factorize(pd.Series(frame["country"].to_numpy(dtype=object), dtype=object))
    rows = np.flatnonzero((key >= 0) & (c_codes >= 0))
    if not len(rows):
        return empty, empty
    b_codes, b_uniques = pd.factorize(c_codes[rows].astype(np.int64) * (int(key.max()) + 1) + key[rows])
    # the titles as written, folded: how many differ within each bucket
    w_codes, _ = pd.factorize(
        pd.Series([fold(_norm(u)).strip() if isinstance(u, str) else "" for u in t_uniques], dtype=object)
    )
    written = w_codes[t_codes[rows]]
    pairs = np.unique(np.stack([b_codes, written], axis=1), axis=0)
    distinct = np.bincount(pairs[:, 0], minlength=len(b_uniques))
    linked = distinct[b_codes] >= 2
    first = nodes.new(len(b_uniques))
    return rows[linked], first + b_codes[linked]
