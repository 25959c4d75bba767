"""The text engine of ``text_contains`` rules follows the reference below, on random texts and term lists.

Until issue 13 two engines searched text (Python's ``re`` below 5,000 rows, pandas' vectorised RE2 above),
and this file checked that they agreed with each other and with a plain-Python reference. One engine is left
(:mod:`screening.criteria.textscan`: one Aho-Corasick automaton for all terms); the plain-Python reference
here is the contract it keeps, down to every occurrence's position.

Reference semantics of a ``text_contains`` rule (terms ``T``, optional ``unless`` terms ``U``, fields ``F``)
--------------------------------------------------------------------------------------------------------
1. *Searched text.* Each field of ``F`` is searched on its own, as ``" " + value`` (a blank field is the
   empty string): the space is the separator the joined text of earlier versions put before each field, so a
   term that begins with a space still matches at the start of a field. A term never runs from one field
   into the next (earlier versions joined the fields into one text, where ``"coal power"`` matched a name
   ending in "coal" followed by a subsector starting with "power"; an occurrence now always lies in one
   field, with a position in it). :func:`test_old_and_new_differ_only_by_matches_across_fields` checks
   that this is the only difference from the joined text.
2. *Case.* Text and terms alike are lower-cased character by character with the *simple* Unicode lower-case
   mapping (one character to one character, no context), see :func:`fold`. So ``"Coal"``, ``"COAL"`` and
   ``"coal"`` are one term; ``"İ"`` (U+0130) folds to ``"i"`` (so the term ``"İstanbul"`` matches
   "İSTANBUL" and "istanbul"); ``"Σ"`` folds to ``"σ"`` wherever it stands (no final-sigma rule, so the term
   ``"ΟΔΟΣ"`` matches its own spelling; a "ς" written in the text stays "ς"). This is not ``casefold``:
   ``"STRASSE"`` does not match ``"straße"``. (Before issue 13 the terms were lower-cased by Python's full
   ``str.lower()`` and the text by the simple mapping, so a term holding "İ" or a word-final "Σ" never
   matched its own spelling.) Since folding keeps the length, an occurrence's position in the folded text is
   its position in the text as written.
3. *Width and other Unicode forms are NOT folded.* The input keeps text as written (contract 6, no NFKC), so
   full-width ``"ＣＯＡＬ"`` (lower-cased ``"ｃｏａｌ"``) does not match the term ``"coal"``, and the term
   ``"ｃｏａｌ"`` matches only full-width text. Accents are kept: ``"café"`` does not match ``"cafe"``.
4. *Literal.* A term is literal text; regular-expression characters (``. * + ? ( ) [ ] | ^ $ \\``) have no
   special meaning. The empty term matches every record.
5. *Word start, ASCII terms only.* If the term's first character (as written in the file) is an ASCII letter
   or digit, the match must start at a *word start*: right after a character that is not one of the 26 ASCII
   letters ``a``–``z`` (after lower-casing), the field's implied leading space included. So a space, digit,
   ``_``, punctuation, a Chinese character, an accented or a full-width letter all open a word: ``"arms"``
   does not hit ``"farms"`` or ``"Farms"``, but hits ``"2arms"``, ``"_arms"``, ``"éarms"``, ``"军arms"``,
   ``"ｘarms"``. There is no word *end* check: ``"coal"`` hits ``"coalition"`` (terms such as
   ``"arms manufactur"`` rely on it).
6. *Other terms anywhere.* A term starting with anything else (Chinese, full-width, accented letter,
   punctuation, space) matches anywhere, inside words too (``"煤电"`` in ``"燃煤电厂"``).
7. *Occurrences.* Every occurrence is found, overlapping ones included (``"煤电"`` and ``"电厂"`` in
   ``"燃煤电厂"``; ``"coal"`` and ``"coal power"`` at one place), each with its term as written, its field and
   its start and end in the field's text (a term beginning with a space that matches on the implied
   separator starts at 0).
8. *Rule.* The rule holds when some term of ``T`` matches in some field of ``F`` and no term of ``U``
   matches in any field of ``F`` of the same record.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from screening.criteria.rules import Context, TextContains
from screening.criteria.textscan import Terms, TextScan
from screening.criteria.textscan import fold as engine_fold


def fold(text: str) -> str:
    """Rule 2: simple, context-free Unicode lower-casing, one character at a time."""
    return "".join("i" if c == "\u0130" else c.lower() for c in text)


def opens_word(term: str) -> bool:
    return term[:1].isascii() and term[:1].isalnum()


def reference_occurrences(value: str, terms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Rules 1–7 for one field's text: every occurrence (term, start, end), found without automata."""
    text = fold(" " + value)
    found = set()
    for term in terms:
        needle = fold(term)
        if not needle:
            continue
        start = 0
        while (i := text.find(needle, start)) != -1:
            if not opens_word(term) or i == 0 or not ("a" <= text[i - 1] <= "z"):
                found.add((term, max(i - 1, 0), i - 1 + len(needle)))
            start = i + 1  # overlapping occurrences too
    return sorted(found)


def reference_rule(values: list[str | None], terms: list[str], unless: list[str]) -> bool:
    """Rule 8, per field (rule 1)."""

    def anywhere(ts: list[str]) -> bool:
        if "" in ts:
            return True
        return any(reference_occurrences("" if v is None else v, tuple(ts)) for v in values)

    return anywhere(terms) and not anywhere(unless)


def engine_occurrences(value: str, terms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    compiled = Terms(terms)
    return sorted((compiled.terms[t], s, e) for t, s, e in compiled.scan(value))


# ---------------------------------------------------------------- strategies

ASCII_TERMS = [
    "coal",
    "arms",
    "coal power",
    "casino",
    "x",
    "e-waste",
    "5g",
    "a1",
    "Coal",
    "COAL POWER",
    "arms manufactur",
    "un sanctions",
    "a.b",
    "c++",
    "x|y",
    "(a)",
    "1+1",
    "\\d",
    "a$",
    "^a",
    "[ab]",
]
OTHER_TERMS = [
    "煤电",
    "电厂",
    "赌场",
    "燃煤发电",
    "ｃｏａｌ",
    "ＣＯＡＬ",
    "café",
    "Écoal",
    "-fired",
    " power",
    "#1",
    "~z",
    "istanbul",
    "İstanbul",
    "ΟΔΟΣ",
    "straße",
    "ǅ",
    "οδος",
    "",
    "\t",
    "\n",
    "煤",
    "…",
]
FULL_WIDTH = "".join(chr(c) for c in range(0xFF21, 0xFF3B)) + "".join(chr(c) for c in range(0xFF41, 0xFF5B))
PUNCT = " \t\n.,;:!?-_()[]{}'\"/\\|*+^$#~&<>%@，。、；：！？（）【】「」…—"
CJK = "煤电燃发厂赌场军工水库一带路项目建设"
# Terms hold "İ" and "Σ" too now: text and terms are folded alike (rule 2).
CHARS = "abcxyzABCXYZ0123456789éÉßıİǅΩωσςΣ" + FULL_WIDTH[:6] + FULL_WIDTH[-6:] + PUNCT + CJK
ALPHABET = st.sampled_from(list(CHARS))

term = st.one_of(
    st.sampled_from(ASCII_TERMS + OTHER_TERMS),
    st.text(st.sampled_from(list(CHARS)), min_size=1, max_size=5),
)
terms = st.lists(term, min_size=1, max_size=4).map(tuple)
noise = st.text(ALPHABET, max_size=8)
# What stands right before an inserted term: nothing (text start), a space, an ASCII letter (inside a word),
# a digit, '_', punctuation, an accented, a full-width or a Chinese character.
before = st.sampled_from(["", " ", "x", "X", "1", "_", "-", "é", "É", "ｘ", "Ｘ", "煤", "\n", "ı", "İ", "Σ"])
RECASE: list[Callable[[str], str]] = [str.lower, str.upper, str.title, str.swapcase, lambda s: s]
recase = st.sampled_from(RECASE)


@st.composite
def texts_with(draw: st.DrawFn, vocabulary: tuple[str, ...]) -> str:
    """Random text, with terms of ``vocabulary`` (re-cased) put in at word starts and inside words."""
    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        pieces.append(draw(noise))
        if len(vocabulary) > 0 and draw(st.booleans()):
            word = draw(st.sampled_from(vocabulary))
            pieces.append(draw(before) + draw(recase)(word))
    pieces.append(draw(noise))
    return "".join(pieces)


@st.composite
def cases(draw: st.DrawFn) -> tuple[tuple[str, ...], list[str]]:
    vocabulary = draw(terms)
    rows = draw(st.lists(texts_with(vocabulary), min_size=1, max_size=12))
    return vocabulary, rows


FIELDS = ["project_name", "subsector", "description"]


@st.composite
def records(draw: st.DrawFn) -> tuple[tuple[str, ...], list[str], pd.DataFrame]:
    """A term list, an ``unless`` list and a frame of records whose text fields hold them (or are blank)."""
    vocabulary = draw(terms)
    unless = draw(st.lists(term, max_size=2))
    cell = st.one_of(st.none(), texts_with((*vocabulary, *unless)))
    rows = draw(st.lists(st.fixed_dictionaries({f: cell for f in FIELDS}), min_size=1, max_size=10))
    frame = pd.DataFrame(
        rows, columns=FIELDS, dtype=object
    )  # text cells and blanks, as validation leaves them
    return vocabulary, unless, frame


# ---------------------------------------------------------------- properties


def test_fold_is_the_simple_mapping_for_every_character():
    """Rule 2 over every code point: one character for one, the same as the reference."""
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        c = chr(code)
        assert engine_fold(c) == fold(c), hex(code)
        assert len(engine_fold(c)) == 1, hex(code)


@settings(max_examples=200)
@given(text=st.text(ALPHABET, max_size=30))
@example(text="ΟΔΟΣ ΟΔΟΣ")
@example(text="İSTANBUL İzmir")
def test_fold_keeps_length_and_has_no_context(text):
    assert engine_fold(text) == fold(text)
    assert len(engine_fold(text)) == len(text)


@settings(max_examples=300)
@given(case=cases())
@example(case=(("arms",), ["farms", "2arms", "_arms", "éarms", "ARMS race", "军arms", "Ｘarms", "", "arms"]))
@example(case=(("coal",), ["ＣＯＡＬ", "ｃｏａｌ", "coalition", "Acoal", "ıcoal", "İcoal", "\ncoal"]))
@example(case=(("ｃｏａｌ", "café", "a.b"), ["ＣＯＡＬ mine", "CAFÉ", "cafe", "axb", "A.B"]))
@example(case=(("straße", "istanbul", "οδος", "İstanbul", "ΟΔΟΣ"), ["STRASSE", "İSTANBUL", "ΟΔΟΣ", "x"]))
@example(case=(("煤电", "电厂", "coal", "coal power", "Coal"), ["燃煤电厂", "COAL POWER plant", "coal coal"]))
@example(case=((" power", "x"), ["power", " power", "xx"]))
@example(case=(("",), ["", "x"]))
def test_every_occurrence_equals_the_reference(case):
    """Rules 2–7 on one field's text: the same occurrences (term, start, end), overlapping ones included."""
    vocabulary, rows = case
    for value in rows:
        assert engine_occurrences(value, vocabulary) == reference_occurrences(value, vocabulary), value


@settings(max_examples=150)
@given(case=records())
@example(case=(("coal power",), [], pd.DataFrame({f: ["coal", "power", ""] for f in FIELDS}, dtype=object)))
@example(
    case=(("arms",), ["farms"], pd.DataFrame({f: ["farms", "ARMS", None] for f in FIELDS}, dtype=object))
)
@example(case=(("x",), [""], pd.DataFrame({f: ["x"] for f in FIELDS}, dtype=object)))
def test_text_contains_rule_equals_the_reference(case):
    """The whole rule (fields, ``unless``), evaluated as a criteria file would, with and without a run's scan."""
    vocabulary, unless, frame = case
    rule = TextContains.model_validate(
        {"text_contains": list(vocabulary), "fields": FIELDS, "unless": unless}
    )
    want = [
        reference_rule([r[f] for f in FIELDS], list(vocabulary), unless) for r in frame.to_dict("records")
    ]
    alone = rule.evaluate(frame, Context()).tolist()
    wider = TextScan(("unrelated", *unless, "another", *vocabulary))  # a run's scan holds other terms too
    shared = rule.evaluate(frame, Context(texts=wider)).tolist()
    assert alone == shared == want, list(zip(frame.to_dict("records"), alone, shared, want, strict=True))


def _joined_occurrence_spans(values: list[str | None], term: str) -> list[tuple[int, int]]:
    """Earlier versions' searched text: the fields joined as ``" " + f1 + " " + f2 …``; where ``term``
    matched in it."""
    text = fold("".join(" " + ("" if v is None else v) for v in values))
    needle, spans, start = fold(term), [], 0
    while needle and (i := text.find(needle, start)) != -1:
        if not opens_word(term) or i == 0 or not ("a" <= text[i - 1] <= "z"):
            spans.append((i, i + len(needle)))
        start = i + 1
    return spans


@settings(max_examples=150)
@given(case=records())
@example(case=(("coal power",), [], pd.DataFrame({f: ["coal", "power", ""] for f in FIELDS}, dtype=object)))
@example(case=(("l p",), [], pd.DataFrame({f: ["coal", "power", "x"] for f in FIELDS}, dtype=object)))
@example(case=((" ",), [], pd.DataFrame({f: [None] for f in FIELDS}, dtype=object)))
def test_old_and_new_differ_only_by_matches_across_fields(case):
    """Rule 1 is the one change from the joined text: a term matches per field exactly when, in the joined
    text, it matched somewhere that lies within one field (starting on that field's separator at the
    earliest)."""
    vocabulary, _, frame = case
    for term_ in (t for t in vocabulary if t):
        rule = TextContains.model_validate({"text_contains": [term_], "fields": FIELDS})
        now = rule.evaluate(frame, Context()).tolist()
        for row, record in zip(now, frame.to_dict("records"), strict=True):
            values = [record[f] for f in FIELDS]
            bounds, at = [], 0
            for v in values:  # each field's span in the joined text, its separator included
                length = 1 + len("" if v is None else v)
                bounds.append((at, at + length))
                at += length
            spans = _joined_occurrence_spans(values, term_)
            # a blank field is no text: nothing matches on its separator alone
            filled = [span for span, v in zip(bounds, values, strict=True) if v]
            within_one = any(a <= s and e <= b for s, e in spans for a, b in filled)
            assert row == within_one, (term_, values, spans)


# ---------------------------------------------------------------- the decisions, spelled out


def _rule(terms: list[str], fields: list[str] | None = None, unless: list[str] | None = None) -> TextContains:
    return TextContains.model_validate(
        {"text_contains": terms, "fields": fields or FIELDS, "unless": unless or []}
    )


def test_no_term_spans_two_fields():
    frame = pd.DataFrame({"project_name": ["Kakuma coal", "coal power"], "subsector": ["power plant", ""]})
    assert _rule(["coal power"]).evaluate(frame, Context()).tolist() == [False, True]
    # the separator still opens each field: a term beginning with a space matches at a field's start
    assert _rule([" power"]).evaluate(frame, Context()).tolist() == [True, True]
    # and ``unless`` reads every field of the rule, not only the one with the hit
    assert _rule(["coal"], unless=["plant"]).evaluate(frame, Context()).tolist() == [False, True]


def test_terms_are_folded_like_the_text():
    """The strict xfail of the two-engine test ("İ", word-final "Σ") is gone: both sides are folded alike."""
    frame = pd.DataFrame({"project_name": ["İstanbul", "ISTANBUL", "istanbul", "ΟΔΟΣ", "οδοσ", "οδος"]})
    assert _rule(["İstanbul"]).evaluate(frame, Context()).tolist() == [True, True, True, False, False, False]
    assert _rule(["ΟΔΟΣ"]).evaluate(frame, Context()).tolist() == [False, False, False, True, True, False]


def test_occurrences_keep_overlaps_fields_and_positions():
    frame = pd.DataFrame(
        {
            "project_name": ["燃煤电厂 Coal Power", None],
            "description": ["a coal-fired coal power plant", "farms"],
        }
    )
    scan = TextScan(["煤电", "电厂", "coal", "coal power", "arms"])
    ctx = Context(texts=scan)
    slots = {f: ctx.text_slots(frame, f, scan) for f in ("project_name", "description")}
    got = scan.occurrences(slots).frame()
    assert sorted(got.itertuples(index=False, name=None)) == sorted(
        [
            (0, "project_name", "煤电", 1, 3),
            (0, "project_name", "电厂", 2, 4),
            (0, "project_name", "coal", 5, 9),
            (0, "project_name", "coal power", 5, 15),
            (0, "description", "coal", 2, 6),
            (0, "description", "coal", 13, 17),
            (0, "description", "coal power", 13, 23),
        ]
    )
    text = frame.loc[0, "description"]
    assert [text[s:e] for s, e in got[got["field"] == "description"][["start", "end"]].to_numpy()] == [
        "coal",
        "coal",
        "coal power",
    ]


def test_each_distinct_text_is_scanned_once():
    boilerplate = "Phase II of the coal-fired power plant " * 50
    frame = pd.DataFrame(
        {
            "project_name": ["Plant", "Plant", "Road", None] * 250,
            "description": [boilerplate, boilerplate, "Road", ""] * 250,
        }
    )
    scan = TextScan(["coal", "road"])
    for fields in (["project_name"], ["description"], ["project_name", "description"]):
        _rule(["coal"], fields).evaluate(frame, Context(texts=scan))
    _rule(["road"]).evaluate(frame.copy(), Context(texts=scan))  # another stage, another frame
    assert scan.scanned == 3  # "Plant", "Road" (a name and a description alike) and the boilerplate


def test_a_rule_outside_the_run_scan_gets_its_own():
    frame = pd.DataFrame({"project_name": ["coal", "gold mine"]})
    run_scan = TextScan(["coal"])
    ctx = Context(texts=run_scan)
    assert _rule(["gold"]).evaluate(frame, ctx).tolist() == [False, True]
    assert _rule(["coal"]).evaluate(frame, ctx).tolist() == [True, False]
    assert ctx.scan_for(("coal",)) is run_scan and ctx.scan_for(("gold",)) is not run_scan


def test_non_text_cells_are_searched_as_their_text():
    frame = pd.DataFrame({"project_name": [5, 5.5, True, np.nan]}, dtype=object)
    assert _rule(["5"], ["project_name"]).evaluate(frame, Context()).tolist() == [True, True, False, False]
    assert _rule(["true"], ["project_name"]).evaluate(frame, Context()).tolist() == [
        False,
        False,
        True,
        False,
    ]
