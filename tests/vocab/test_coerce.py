from __future__ import annotations

import pandas as pd
import pytest

from screening.vocab.coerce import (
    is_blank,
    make_code_parser,
    parse_bool,
    parse_level,
    parse_number,
    parse_series,
    parse_year,
)


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("1,200", {}, 1200.0),
        ("１２３", {}, 123.0),  # full-width digits
        ("45%", {"percent": "share"}, 0.45),
        ("12%", {"percent": "pct"}, 12.0),
        ("1.2亿", {"money": True}, 120.0),  # USD million
        ("3000万", {"money": True}, 30.0),
        ("1.5 billion", {"money": True}, 1500.0),
        ("$250 million", {"money": True}, 250.0),
        ("2万", {}, 20000.0),  # counts: 万 is ten thousand
        (" 7.5 ", {}, 7.5),
        (8, {}, 8.0),
    ],
)
def test_parse_number_reads_what_people_type(text, kwargs, expected):
    value, problem = parse_number(text, **kwargs)
    assert problem is None
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "12..3", "1,2,a", True])
def test_parse_number_rejects_non_numbers_with_bilingual_message(text):
    value, problem = parse_number(text)
    assert value is None
    assert problem is not None and problem.en and problem.zh


@pytest.mark.parametrize(
    ("text", "expected"),
    [("是", True), ("否", False), ("Y", True), ("no", False), ("TRUE", True), (1, True), (0.0, False)],
)
def test_parse_bool_accepts_both_languages(text, expected):
    assert parse_bool(text) == (expected, None)


def test_parse_bool_rejects_maybe():
    assert parse_bool("maybe")[0] is None


def test_code_aliases_in_both_languages_and_fallback_for_sector():
    sector = make_code_parser("sector")
    assert sector("交通运输")[0] == "transport"
    assert sector("Transport")[0] == "transport"
    value, problem = sector("widgets")
    assert value == "other" and problem is not None  # unknown sector → other, with a data issue
    status = make_code_parser("status")
    assert status("在建")[0] == "under_construction"
    assert status("nonsense")[0] is None


def test_level_words_and_numbers():
    assert parse_level("strong") == (3.0, None)
    assert parse_level(2) == (2.0, None)
    assert parse_level(7)[0] is None


def test_year_formats():
    assert parse_year("2020年")[0] == 2020.0
    assert parse_year("2019-05-01")[0] == 2019.0
    assert parse_year(2018.0)[0] == 2018.0
    assert parse_year("soon")[0] is None


def test_blank_words_are_blank():
    for v in (None, "", "  ", "NA", "n/a", float("nan")):  # "none" is a code (energy_source), not a blank
        assert is_blank(v)
    assert not is_blank("0")


def test_parse_series_keeps_index_and_reports_problems():
    s = pd.Series(["1,000", None, "x", "1,000"], index=[10, 11, 12, 13])
    values, problems = parse_series(s, parse_number)
    assert list(values.index) == [10, 11, 12, 13]
    assert values[10] == 1000.0 and values[13] == 1000.0 and values[11] is None
    assert problems[12] is not None and problems[10] is None
