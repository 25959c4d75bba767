"""The committee page's words and forms without Streamlit (screening/present/committee.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.criteria import load_criteria
from screening.criteria.elicitation import combine, elicit, reviewer_of
from screening.present import committee as view

CS = load_criteria()
DIMS = view.scope_items(CS, None)
DAY = dt.date(2026, 12, 2)


def test_the_pairwise_slider_reads_as_saatys_scale_both_ways() -> None:
    assert len(view.PAIR_CODES) == 17 and 1 in view.PAIR_CODES and 0 not in view.PAIR_CODES
    assert view.pair_value(3) == 3 and view.pair_value(-3) == pytest.approx(1 / 3)
    assert view.pair_words("A", "B", 5, "en") == "A 5 times as important"
    assert view.pair_words("A", "B", -5, "en") == "B 5 times as important"
    assert view.pair_words("A", "B", 1, "zh") == "同等重要"


@given(st.lists(st.integers(0, 100), min_size=len(DIMS), max_size=len(DIMS)))
@settings(max_examples=25, deadline=None)
def test_a_swing_form_ranks_by_its_ratings(scores: list[int]) -> None:
    ratings = dict(zip(DIMS, scores, strict=True))
    j = view.swing_judgements(DIMS, ratings, "r", DAY)
    assert j.ranking is not None and sorted(j.ranking) == sorted(DIMS)
    along = [ratings[k] for k in j.ranking]
    assert along == sorted(along, reverse=True)


def test_forms_give_weights_and_the_group_view_lists_every_reviewer() -> None:
    swing = elicit(view.swing_judgements(DIMS, {k: 100 - 10 * i for i, k in enumerate(DIMS)}, "S", DAY), CS)
    codes = {p: 1 for p in view.pairs_of(DIMS)}
    codes[(DIMS[0], DIMS[1])] = -3
    ahp = elicit(view.ahp_judgements(DIMS, codes, "P", DAY), CS)
    assert ahp.weights[DIMS[1]] > ahp.weights[DIMS[0]]
    com = combine([reviewer_of(swing, "s.yaml"), reviewer_of(ahp, "p.yaml")], CS)
    (v,) = view.group_view(com, CS, "en")
    assert v.title == "Dimension weights" and "different methods" in v.rule
    assert list(v.table.columns)[-2:] == ["S", "P"] and len(v.table) == len(DIMS)
    assert v.furthest is not None and "Furthest" in v.furthest
    prov = view.provenance_table(com, CS, "zh")
    assert len(prov) == 2 and "评审" in prov.columns
