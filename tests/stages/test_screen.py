from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from screening.criteria.models import DuplicateCheck
from screening.stages.duplicates import _candidate_pairs, _similar, _tokens, duplicate_pairs

tokens = st.frozensets(st.sampled_from([f"w{i}" for i in range(20)]), min_size=1, max_size=6)


@given(sets=st.lists(tokens, max_size=30, unique=True), threshold=st.sampled_from([0.3, 0.5, 0.8, 0.9, 1.0]))
def test_prefix_filtering_finds_exactly_the_brute_force_pairs(sets, threshold):
    brute = {frozenset((a, b)) for a, b in itertools.combinations(sets, 2) if _similar(a, b, threshold)}
    fast = {frozenset((a, b)) for a, b in _candidate_pairs(sets, threshold) if _similar(a, b, threshold)}
    assert fast == brute


def test_tokens_ignore_filler_numbers_and_phase_numerals():
    assert _tokens("Hambantota Industrial Park Phase I") == _tokens("Hambantota industrial park (Phase II)")
    assert _tokens("China Eximbank provides $50 million loan for Kandy Road") == frozenset(
        {"eximbank", "kandy", "road"}
    )
    assert _tokens("鲁班工坊") == frozenset({"鲁班", "班工", "工坊"})


def test_duplicates_need_same_country_and_sector():
    frame = pd.DataFrame(
        {
            "project_id": ["A", "B", "C", "D"],
            "country": ["LKA", "LKA", "LKA", "PAK"],
            "sector": ["industrial_park", "industrial_park", "energy", "industrial_park"],
            "project_name": [
                "Hambantota Industrial Park",
                "Hambantota industrial park phase II",
                "Hambantota Industrial Park",
                "Hambantota Industrial Park",
            ],
        }
    )
    check = DuplicateCheck(same=["country", "sector"], similar=["project_name"], threshold=0.9)
    assert duplicate_pairs(frame, check) == [(0, 1)]
