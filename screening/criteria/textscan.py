"""The text engine of ``text_contains`` rules: every term of a criteria set found in one pass over each text.

All the terms are compiled into one Aho-Corasick automaton (``ahocorasick-rs``, standard match kind, asked
for *overlapping* matches: its default drops a match that overlaps an earlier one, and 7 % of the matches on
the real AidData text; docs/benchmarks.md has the measurements behind the choice). A :class:`TextScan`
scans each distinct text once and keeps every occurrence, with its term, field and position; rules are
answered from those occurrences.

Semantics (``tests/criteria/test_text_engines.py`` holds the reference they are checked against):

* *Case*: text and terms are folded by :func:`fold`, the simple Unicode lower case, one character for one
  character, so that an occurrence's position in the folded text is its position in the text as written.
* *Literal*: a term is literal text, never a regular expression; an empty term is never searched (the rule
  that holds it decides without the engine).
* *Word start*: a term whose first character (as written) is an ASCII letter or digit matches only where
  the preceding character is not one of ``a``–``z`` (after folding), or at the start of a field.
* *Fields*: each field is searched on its own, as if a space stood before it (the separator the joined
  text of earlier versions had: a term that begins with a space still matches at the start of a field).
  A term never runs from one field into the next: the fields are separate facts, and an occurrence always
  has one field and a position in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

if TYPE_CHECKING:
    from screening.criteria.negation import Negation

# Python's str.lower() is the *full* mapping: "İ" becomes two characters and a word-final "Σ" becomes "ς".
# Mapping those two first leaves the simple, length-keeping mapping (checked over every code point in tests).
_SIMPLE_FIRST = str.maketrans({"\u0130": "i", "\u03a3": "\u03c3"})
SCAN_BLOCK = 2000  # distinct texts scanned between two progress reports


def fold(text: str) -> str:
    """Simple Unicode lower case, one character for one character and without context."""
    if text.isascii():
        return text.lower()
    if "\u0130" in text or "\u03a3" in text:
        text = text.translate(_SIMPLE_FIRST)
    return text.lower()


def opens_word(term: str) -> bool:
    """Whether ``term`` must start at a word start (its first character is an ASCII letter or digit)."""
    return term[:1].isascii() and term[:1].isalnum()


class Terms:
    """Distinct non-empty terms, as written, compiled into one automaton of their folded forms."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms: tuple[str, ...] = tuple(dict.fromkeys(t for t in terms if t))
        self.ids = {t: i for i, t in enumerate(self.terms)}
        by_needle: dict[str, tuple[list[int], list[int]]] = {}
        for i, term in enumerate(self.terms):
            at_word_start, anywhere = by_needle.setdefault(fold(term), ([], []))
            (at_word_start if opens_word(term) else anywhere).append(i)
        self._needle_terms = [(tuple(w), tuple(a)) for w, a in by_needle.values()]
        # The DFA is the fastest of the library's automata (docs/benchmarks.md); it is built in milliseconds.
        self._matcher = (
            AhoCorasick(list(by_needle), matchkind=MatchKind.Standard, implementation=Implementation.DFA)
            if by_needle
            else None
        )

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence ``(term id, start, end)`` in ``text``, overlapping ones included.

        ``text[start:end]`` is the occurrence as written; a term beginning with a space that matches at the
        start of the text (on the implied separator) starts at 0 and is one character shorter there.
        """
        if self._matcher is None:
            return []
        searched = " " + fold(text)
        found: list[tuple[int, int, int]] = []
        for needle, start, end in self._matcher.find_matches_as_indexes(searched, overlapping=True):
            at_word_start, anywhere = self._needle_terms[needle]
            span = (max(start - 1, 0), end - 1)
            for term in anywhere:
                found.append((term, *span))
            # start ≥ 1 here: searched[0] is the space, and these terms begin with a letter or digit
            if at_word_start and not ("a" <= searched[start - 1] <= "z"):
                for term in at_word_start:
                    found.append((term, *span))
        return found


def _text_of(cell: object) -> str:
    """The text a cell is searched as: blank for a missing value, else its ``str``."""
    if isinstance(cell, str):
        return cell
    try:
        if cell is None or pd.isna(cell):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):  # a cell holding a list or an array: searched as its str
        pass
    return str(cell)


@lru_cache(maxsize=256)
def compiled(terms: tuple[str, ...]) -> Terms:
    """One automaton per term list, compiled once per process."""
    return Terms(terms)


@dataclass(frozen=True)
class Occurrences:
    """Occurrences in a frame's records, one per row of these equal-length arrays."""

    row: np.ndarray  # position of the record in the frame
    field: np.ndarray  # field name (object)
    term: np.ndarray  # the term as written in the criteria file (object)
    start: np.ndarray  # character offsets into the field's text as written
    end: np.ndarray

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"row": self.row, "field": self.field, "term": self.term, "start": self.start, "end": self.end}
        )


class TextScan:
    """The occurrences of a term list's terms in every distinct text seen so far: each text scanned once.

    A text is identified by its value, so a field repeated across records (phases, tranches, boilerplate), a
    value shared by two fields and the same record seen by three stages are all one scan. Slot 0 is the
    blank text.
    """

    def __init__(self, terms: Iterable[str], negation: Negation | None = None) -> None:
        self.terms = compiled(tuple(dict.fromkeys(terms)))
        self.negation = negation  # the criteria set's negation cues, used by :meth:`affirmed` when not given
        self._slot_of: dict[str, int] = {"": 0}
        self._found: list[list[tuple[int, int, int]]] = [[]]
        self._texts: list[str] = [""]  # slot → its text (the same str objects the frame holds)
        self._slots_holding: list[list[int]] = [[] for _ in self.terms.terms]  # term id → slots, in order
        self._slots_holding_array: dict[int, np.ndarray] = {}  # the same as arrays, made when asked

    def knows(self, terms: Iterable[str]) -> bool:
        return all(t in self.terms.ids for t in terms if t)

    @property
    def scanned(self) -> int:
        """How many distinct texts were scanned."""
        return len(self._found) - 1

    def slots(self, values: pd.Series, progress: Callable[[float], None] | None = None) -> np.ndarray:
        """The slot of each value's text (blank for a missing value), scanning the texts not seen before.

        ``progress`` hears the share of this call's new texts scanned, every :data:`SCAN_BLOCK` texts.
        """
        cells = values.to_numpy(dtype=object)
        # A dict lookup, not pd.factorize: a str caches its hash and the cells of frame copies are the same
        # objects, so a lookup costs no hashing of long texts (factorize was 40x slower on real descriptions).
        slot_of = self._slot_of
        found = [slot_of.get(cell) if type(cell) is str else None for cell in cells]
        missing = [k for k, slot in enumerate(found) if slot is None]
        if missing:
            texts = [_text_of(cells[k]) for k in missing]
            new = [t for t in dict.fromkeys(texts) if t not in slot_of]
            for block in range(0, len(new), SCAN_BLOCK):
                for text in new[block : block + SCAN_BLOCK]:
                    self._add(text)
                if progress is not None:
                    progress(min(block + SCAN_BLOCK, len(new)) / len(new))
            for k, text in zip(missing, texts, strict=True):
                found[k] = slot_of[text]
        return np.array(found, dtype=np.int64)

    def _add(self, text: str) -> None:
        slot = len(self._found)
        self._slot_of[text] = slot
        found = self.terms.scan(text)
        self._found.append(found)
        self._texts.append(text)
        for term in dict.fromkeys(f[0] for f in found):
            self._slots_holding[term].append(slot)
            self._slots_holding_array.pop(term, None)

    def holding(self, terms: Iterable[str]) -> np.ndarray:
        """Per slot: whether any of ``terms`` occurs in that text (empty terms are not looked for)."""
        out = np.zeros(len(self._found), dtype=bool)
        for term in terms:
            if term:
                out[self._slots_array(self.terms.ids[term])] = True
        return out

    def affirmed(self, terms: Iterable[str], negation: Negation | None = None) -> np.ndarray:
        """Per slot: whether some occurrence of ``terms`` is *not* negated (:meth:`Negation.negates`).

        Without a negation this is :meth:`holding`. Only the texts that hold a term are looked at.
        """
        wanted = [t for t in terms if t]
        out = self.holding(wanted)
        negation = negation if negation is not None else self.negation
        if negation is None or not (negation.cues or negation.prefixes or negation.zh_cues):
            return out
        ids = {self.terms.ids[t] for t in wanted}
        for slot in np.flatnonzero(out).tolist():
            text = self._texts[slot]
            out[slot] = any(
                not negation.negates(text, start, end)
                for term, start, end in self._found[slot]
                if term in ids
            )
        return out

    def _slots_array(self, term: int) -> np.ndarray:
        got = self._slots_holding_array.get(term)
        if got is None:
            got = self._slots_holding_array[term] = np.array(self._slots_holding[term], dtype=np.int64)
        return got

    def occurrences(self, slots_by_field: dict[str, np.ndarray]) -> Occurrences:
        """Every occurrence in the records whose texts are ``slots_by_field`` (field → slot of each record)."""
        rows: list[int] = []
        fields: list[str] = []
        terms: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for field, slots in slots_by_field.items():
            for row, slot in enumerate(slots.tolist()):
                for term, start, end in self._found[slot]:
                    rows.append(row)
                    fields.append(field)
                    terms.append(self.terms.terms[term])
                    starts.append(start)
                    ends.append(end)
        return Occurrences(
            np.array(rows, dtype=np.int64),
            np.array(fields, dtype=object),
            np.array(terms, dtype=object),
            np.array(starts, dtype=np.int64),
            np.array(ends, dtype=np.int64),
        )
