"""Checks between projects, flagged for review and never excluded or scored: near-identical projects in the
same group (Jaccard index of word tokens, Chinese character bigrams) — phases or tranches of one project, or
one project entered twice — and several sponsors building the same thing in the same market ("一窝蜂" herd
investment, liu-zhang-2024 §三(三)), which a check with ``different`` fields finds. Neither is raised between
members of one project group (:mod:`screening.stages.groups`): tranches of one project are judged together,
not flagged as copies of each other.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet, DuplicateCheck
from screening.stages.groups import GROUP
from screening.stages.screen import HIT_COLUMNS, _hits

MAX_GROUP_FOR_FUZZY = 400
# More identical names than this in one group are linked in a chain instead of all pairs (our own line: a
# review list of 50 near-copies already says "one programme entered many times"; all pairs of replicated
# records made the check quadratic, docs/benchmarks.md).
MAX_IDENTICAL_PAIRED = 50


_STOP = frozenset(
    "a an and the of for to in on at by with from project phase construction loan million usd "
    "billion provides credit buyer's buyers government china ii iii iv vi vii viii ix".split()
)


_CJK_STOP = ("项目", "工程", "一期", "二期", "三期", "建设")


def _tokens(text: object) -> frozenset[str]:
    """Word tokens (Latin scripts) and character bigrams (Chinese), without filler words and numbers."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    for w in _CJK_STOP:
        s = s.replace(w, " ")
    words = {w for w in re.findall(r"[a-z][a-z']+", s) if w not in _STOP}
    cjk = "".join(re.findall(r"[\u4e00-\u9fff]", s))
    bigrams = {cjk[i : i + 2] for i in range(len(cjk) - 1)} if len(cjk) > 1 else set(cjk)
    return frozenset(words | bigrams)


def _similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    if not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) < threshold * len(large):
        return False  # Jaccard ≤ |small| / |large|
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) >= threshold


def _candidate_pairs(
    sets: list[frozenset[str]], threshold: float
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Prefix filtering (Chaudhuri et al. 2006): two sets with Jaccard ≥ t share a token among the first
    ``|s| − ⌈t·|s|⌉ + 1`` tokens of each, in one global token order (rarest first). Only such pairs are
    compared, which keeps the fuzzy step near-linear when names differ."""
    freq: dict[str, int] = {}
    for s in sets:
        for tok in s:
            freq[tok] = freq.get(tok, 0) + 1
    index: dict[str, list[int]] = {}
    out: list[tuple[frozenset[str], frozenset[str]]] = []
    for i, s in enumerate(sets):
        ordered = sorted(s, key=lambda t: (freq[t], t))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        seen: set[int] = set()
        for tok in prefix:
            for j in index.get(tok, ()):
                if j not in seen:
                    seen.add(j)
                    out.append((sets[j], s))
            index.setdefault(tok, []).append(i)
    return out


def duplicate_pairs(frame: pd.DataFrame, check: DuplicateCheck) -> list[tuple[int, int]]:
    """Positions (i, j) of projects with equal ``same`` values and similar ``similar`` text.

    Similarity is the Jaccard index of word tokens (character bigrams for Chinese), filler words removed.
    Projects with identical token sets pair directly (more than ``MAX_IDENTICAL_PAIRED`` of them are linked in a
    chain rather than all pairs); fuzzy comparison runs between the distinct token sets of a group, and only
    when it has at most ``MAX_GROUP_FOR_FUZZY`` of them, so the check stays bounded at 100,000 rows.
    """
    if frame.empty or any(c not in frame.columns for c in check.same + check.different):
        return []
    if not check.similar:
        return _herd_pairs(frame, check)
    keys = frame[check.same].astype(str)
    texts = {
        c: frame[c].map(lambda v: frozenset() if pd.isna(v) else _tokens(v)).to_numpy()
        for c in check.similar
        if c in frame.columns
    }
    pairs: list[tuple[int, int]] = []
    positions = pd.Series(np.arange(len(frame)), index=frame.index)
    valid = frame[check.same].notna().all(axis=1)
    for _, group in positions[valid].groupby([keys[c] for c in check.same], sort=False):
        members = group.to_numpy()
        if len(members) < 2:
            continue
        for values in texts.values():
            # Identical token sets pair without any set arithmetic; fuzzy comparison runs between distinct sets.
            by_set: dict[frozenset[str], list[int]] = {}
            for p in members:
                if values[p]:
                    by_set.setdefault(values[p], []).append(int(p))
            for same_set in by_set.values():
                if len(same_set) > MAX_IDENTICAL_PAIRED:
                    # thousands of identical names would make millions of pairs: link them in a chain, so
                    # every one is flagged with its neighbours and the work stays linear
                    pairs.extend(zip(same_set, same_set[1:], strict=False))
                    continue
                pairs.extend((a, b) for i, a in enumerate(same_set) for b in same_set[i + 1 :])
            distinct = list(by_set)
            if len(distinct) > MAX_GROUP_FOR_FUZZY:
                continue
            for ta, tb in _candidate_pairs(distinct, check.threshold):
                if _similar(ta, tb, check.threshold):
                    pairs.extend(_cross_pairs(by_set[ta], by_set[tb]))
    if check.different:
        differ = _differ(frame, check.different)
        pairs = [(a, b) for a, b in pairs if differ(a, b)]
    return _across_groups(frame, sorted({(min(a, b), max(a, b)) for a, b in pairs}))


def _across_groups(frame: pd.DataFrame, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs`` less those inside one project group (tranches of one project are not duplicates of each
    other: :mod:`screening.stages.groups`)."""
    if GROUP not in frame.columns or not pairs:
        return pairs
    group = frame[GROUP].to_numpy(dtype=object)
    return [(a, b) for a, b in pairs if group[a] is None or pd.isna(group[a]) or group[a] != group[b]]


def _cross_pairs(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """Pairs between two sets of similar names: all of them, or, when either set has more than
    ``MAX_IDENTICAL_PAIRED`` members, each member paired with the other set's first (every project still
    flagged with a partner of the other name; the work linear in the members, not their product)."""
    if len(a) > MAX_IDENTICAL_PAIRED or len(b) > MAX_IDENTICAL_PAIRED:
        return [(x, b[0]) for x in a] + [(a[0], y) for y in b[1:]]
    return [(x, y) for x in a for y in b]


def _differ(frame: pd.DataFrame, fields: list[str]):  # noqa: ANN202 - a predicate on two positions
    """Whether two positions have filled-in, different values in every one of ``fields`` (case-, width- and
    space-insensitive)."""
    cols = [_normalised(frame[f]) for f in fields]

    def differ(a: int, b: int) -> bool:
        return all(c[a] is not None and c[b] is not None and c[a] != c[b] for c in cols)

    return differ


def _normalised(col: pd.Series) -> np.ndarray:
    """:func:`_norm` of each value (None where missing), worked out once per distinct value: repeated names
    and sponsors are the rule in real files."""
    values = col.to_numpy(dtype=object)
    memo: dict[object, str | None] = {}
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        try:
            out[i] = memo[v]
        except KeyError:
            out[i] = memo[v] = None if pd.isna(v) else _norm(v)
        except TypeError:  # an unhashable cell
            out[i] = None if pd.isna(v) else _norm(v)
    return out


def _norm(value: object) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value)).strip().lower())


def _herd_pairs(frame: pd.DataFrame, check: DuplicateCheck) -> list[tuple[int, int]]:
    """Pairs within each ``same`` group whose ``different`` values differ, in groups holding at least
    ``min_group`` distinct ``different`` values; groups above ``MAX_GROUP_FOR_FUZZY`` projects are left out
    (their pairs would not fit a review list, and a market that crowded is a country-level question)."""
    valid = frame[check.same + check.different].notna().all(axis=1).to_numpy()
    keys = frame[check.same].astype(str)
    # the sponsor key row by row, without a pandas Series per row (that alone cost 5 s at 20k rows)
    parts = [_normalised(frame[c]) for c in check.different]  # None only where ``valid`` is False
    sponsor = np.array(["|".join(v or "" for v in vals) for vals in zip(*parts, strict=True)], dtype=object)
    differ = _differ(frame, check.different)
    positions = pd.Series(np.arange(len(frame)), index=frame.index)
    pairs: list[tuple[int, int]] = []
    for _, group in positions[valid].groupby([keys[c] for c in check.same], sort=False):
        members = group.to_numpy()
        if len(members) > MAX_GROUP_FOR_FUZZY or len(set(sponsor[members])) < check.min_group:
            continue
        pairs.extend(
            (int(a), int(b))
            for i, a in enumerate(members)
            for b in members[i + 1 :]
            if differ(int(a), int(b))
        )
    return _across_groups(frame, sorted(pairs))


def duplicate_flags(frame: pd.DataFrame, criteria: CriteriaSet) -> pd.DataFrame:
    """Portfolio-level duplicate-construction flags over the projects still in play (never scored)."""
    parts = []
    for flag in criteria.flags:
        if flag.duplicates is None:
            continue
        pairs = duplicate_pairs(frame, flag.duplicates)
        partners: dict[int, list[str]] = {}
        ids = frame["project_id"].astype(str).to_numpy()
        for a, b in pairs:
            partners.setdefault(a, []).append(ids[b])
            partners.setdefault(b, []).append(ids[a])
        if not partners:
            continue
        pos = np.array(sorted(partners))
        mask = np.zeros(len(frame), dtype=bool)
        mask[pos] = True
        part = _hits(frame, mask, "flag", flag.id, flag.label, flag.reason, flag.source, flag.section)
        with_ids = [", ".join(sorted(partners[p])) for p in pos]
        part["reason_en"] = [f"{flag.reason.en} (similar: {w})" for w in with_ids]
        part["reason_zh"] = [f"{flag.reason.zh}（相似项目：{w}）" for w in with_ids]
        part["partners"] = with_ids
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HIT_COLUMNS)
