"""Negation of one occurrence (screening/criteria/negation.py) and its use by text rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from screening.criteria.loader import load_criteria
from screening.criteria.negation import Negation
from screening.criteria.rules import Context, TextContains
from screening.criteria.textscan import Terms

NEG = load_criteria().negation
assert NEG is not None


def first(text: str, term: str) -> tuple[int, int]:
    """The engine's first occurrence of ``term`` in ``text``."""
    terms = Terms([term])
    found = terms.scan(text)
    assert found, (text, term)
    _, start, end = found[0]
    return start, end


def negated(text: str, term: str) -> bool:
    return NEG.negates(text, *first(text, term))


def test_the_wordings_of_issue_14():
    assert negated("China provides non-weapon aid package to the army", "weapon")
    assert negated("The project involves no resettlement of households", "resettlement")
    assert negated("The plant is not coal but gas-fired", "coal")
    assert negated("Built without dams on the main stem", "dams")
    assert negated("a non weapon grant", "weapon")
    assert negated("本项目不涉及煤电", "煤电")
    assert negated("非军事援助", "军事")
    assert negated("无移民安置", "移民")
    assert negated("该项目未新建燃煤机组", "燃煤")


def test_affirmed_occurrences_stay():
    assert not negated("Supply of fighter jets to the air force", "fighter jet")
    assert not negated("The project resettled 300 households", "resettle")
    assert not negated("Minsk No. 5 Thermal Power Plant", "thermal power")
    assert not negated("No delays were reported, and the coal plant opened", "coal")
    assert not negated("Nothing else: the coal-fired power plant", "coal-fired")
    assert not negated("煤电项目", "煤电")
    assert not negated("南非燃煤电厂", "燃煤")
    assert not negated("西非原油管道", "管道")
    assert not negated("非洲煤电项目", "煤电")
    assert not negated("未来煤电扩建", "煤电")
    assert negated("非燃煤电厂", "燃煤")


def test_window_is_bounded():
    # "not" four words before the term is outside the three-word window (our own choice, with a why)
    assert not negated("it is not the case that these coal plants", "coal")
    assert negated("it is not these coal plants", "coal")


def test_occurrence_at_field_start_and_empty_cues():
    assert not NEG.negates("coal power", 0, 4)
    assert not Negation().negates("non-weapon aid", 4, 10)


@given(st.text(max_size=40), st.text(alphabet="abcdefghij ", min_size=1, max_size=20))
def test_property_a_prefix_glued_to_an_occurrence_negates_it(head: str, tail: str):
    text = head + ". non-weapon" + tail
    start = text.index("weapon", len(head))
    assert NEG.negates(text, start, start + len("weapon"))


@given(st.text(max_size=60))
def test_property_a_clause_boundary_right_before_never_negates(head: str):
    text = head + "; weapon"
    start = len(text) - len("weapon")
    assert not NEG.negates(text, start, len(text))


@given(st.text(max_size=60), st.integers(min_value=0, max_value=80), st.integers(min_value=0, max_value=80))
def test_property_never_raises_on_any_span(text: str, a: int, b: int):
    assert NEG.negates(text, a, b) in (True, False)


def test_text_rule_ignores_negated_occurrences_and_keeps_affirmed_ones():
    rule = TextContains(text_contains=["weapon", "resettlement"], fields=["description"])
    frame = pd.DataFrame(
        {
            "description": [
                "non-weapon aid package",
                "no resettlement is planned",
                "weapon factory",
                "no resettlement; a weapon depot",  # the second occurrence stands
                None,
            ]
        }
    )
    with_negation = rule.evaluate(frame, Context(negation=NEG))
    without = rule.evaluate(frame, Context())
    assert with_negation.tolist() == [False, False, True, True, False]
    assert without.tolist() == [True, True, True, True, False]


def test_negation_is_loaded_from_the_criteria_file():
    criteria = load_criteria()
    assert criteria.negation is not None
    assert "non-" in criteria.negation.prefixes and "非" in criteria.negation.zh_cues
    assert criteria.negation.why is not None
    assert np.all([isinstance(c, str) for c in criteria.negation.cues])


@given(
    st.lists(
        st.sampled_from(["no", "not", "coal", "non-", ",", ".", "plant", "非", "无线", "   ", "the"]),
        max_size=80,
    ),
    st.integers(0, 400),
)
def test_the_bounded_look_back_judges_as_the_whole_prefix(words, pad):
    """Reading only the last LOOK_BACK characters gives the same answer as reading everything before."""
    import screening.criteria.negation as negation_module
    from screening.criteria.loader import load_criteria
    from screening.resources import DEFAULT_CRITERIA

    cues = load_criteria(DEFAULT_CRITERIA).negation
    text = "x" * pad + " " + " ".join(words) + " coal"
    start = len(text) - 4
    bounded = cues.negates(text, start, len(text))
    saved = negation_module.LOOK_BACK
    try:
        negation_module.LOOK_BACK = 10**9
        whole = cues.negates(text, start, len(text))
    finally:
        negation_module.LOOK_BACK = saved
    assert bounded == whole
