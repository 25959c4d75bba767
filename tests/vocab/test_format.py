"""Values as a planner reads them aloud, in Chinese and English."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screening.vocab.format import format_unique, format_value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_years_read_as_years(lang):
    assert format_value(1993.0, "bit_in_force_year", lang) == "1993"
    assert format_value(2021, "start_year", lang) == "2021"
    assert format_value(2005.0, "some_other_year", lang) == "2005"  # a name ending _year is a year


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_counts_have_thousands_separators_not_exponents(lang):
    assert format_value(5e04, "direct_beneficiaries", lang) == "50,000"
    assert format_value(1234567.0, "direct_beneficiaries", lang) == "1,234,567"


def test_money_has_its_unit_and_one_decimal():
    col = next(
        c.name
        for c in __import__("screening.vocab.columns", fromlist=["COLUMNS"]).COLUMNS
        if c.kind == "money"
    )
    assert format_value(406.38981705133995, col, "en") == "USD 406.4 m"
    assert format_value(406.38981705133995, col, "zh") == "406.4 百万美元"


def test_booleans_in_both_languages():
    assert format_value(True, "esia_completed", "en") == "yes"
    assert format_value(np.bool_(False), "esia_completed", "en") == "no"
    assert format_value(True, "esia_completed", "zh") == "是"
    assert format_value(False, "esia_completed", "zh") == "否"


def test_codes_show_their_label():
    assert format_value("not_rated", "debt_distress_risk", "en") == "Not rated"
    assert format_value("not_rated", "debt_distress_risk", "zh") == "未评级"
    assert format_value("made_up_code", "debt_distress_risk", "en") == "made_up_code"


@pytest.mark.parametrize("blank", [None, np.nan, pd.NA, float("nan")])
def test_blanks_are_empty_never_none_or_nan(blank):
    assert format_value(blank, "direct_beneficiaries", "en") == ""
    assert format_value(blank, "esia_completed", "zh") == ""


def test_format_unique_spreads_back_to_every_row():
    s = pd.Series([5e04, None, 5e04, 12.5])
    assert list(format_unique(s, "direct_beneficiaries", "en")) == ["50,000", "", "50,000", "12.5"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_shares_read_as_percentages(lang):
    assert format_value(0.9, "local_employment_share", lang) == "90%"
    assert format_value(0.455, "private_capital_share", lang) == "45.5%"
    assert format_value(0.0, "private_capital_share", lang) == "0%"
    assert format_value(8.0, "firr_pct", lang) == "8%"  # a column already in per cent is not scaled again


def test_levels_read_by_their_names_never_their_numbers():
    assert format_value(3.0, "hard_connectivity", "en") == "Strong"
    assert format_value(3, "hard_connectivity", "zh") == "很强"
    assert format_value(1.0, "soft_connectivity", "zh") == "有限"
    assert format_value(0.0, "heart_connectivity", "en") == "Absent"  # never a word read as a blank


def test_yes_no_written_as_text_reads_as_yes_no():
    assert format_value("true", "esia_completed", "zh") == "是"
    assert format_value("false", "esia_completed", "en") == "no"
