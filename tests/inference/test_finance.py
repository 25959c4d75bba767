"""Loan and emission arithmetic of the inference rules."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from screening.inference.finance import annual_emissions_tco2e, grant_element_pct


def ge(r, m, g, d=5.0, p=2):
    return float(
        grant_element_pct(
            np.array([r]), np.array([m]), np.array([g]), discount_rate_pct=d, payments_per_year=p
        )[0]
    )


def test_a_loan_at_the_discount_rate_has_no_grant_element():
    assert abs(ge(5.0, 20, 5)) < 1e-9
    assert abs(ge(8.0, 12, 2, d=8.0, p=1)) < 1e-9


def test_an_interest_free_one_period_loan_is_discounted_once():
    # one annual payment of the whole principal after a year, discounted at 10 %: PV 1/1.1
    assert abs(ge(0.0, 1, 0, d=10.0, p=1) - round((1 - 1 / 1.1) * 100, 2)) < 1e-9


def test_inconsistent_terms_give_no_answer():
    assert np.isnan(ge(2.0, 5, 5))  # grace as long as the loan
    assert np.isnan(ge(float("nan"), 20, 5))
    assert np.isnan(ge(-1.0, 20, 5))


@given(st.floats(0, 12), st.floats(0.5, 8), st.integers(2, 40), st.floats(0, 0.9))
@example(0.0, 1.0, 2, 0.75)  # round(1.5) is 2: the grace would equal the maturity
def test_cheaper_longer_and_later_loans_are_more_concessional(r, dr, m, grace_share):
    g = min(round(m * grace_share), m - 1)  # a grace as long as the loan has no grant element (tested above)
    base = ge(r, m, g)
    assert ge(r + dr, m, g) < base  # dearer
    assert base <= 100 and ge(0.0, m, g) > 0
    if r < 5.0:  # below the discount rate, time is worth something to the borrower
        assert ge(r, m + 5, g) >= base - 1e-9
        if g + 1 < m:
            assert ge(r, m, g + 1) >= base - 1e-9


def test_emissions_follow_the_formula():
    # 1,000 MW × 8,760 h × 0.5 = 4,380,000 MWh; ÷ 0.4 × 0.0036 = 39,420 TJ; × 100 t/TJ = 3,942,000 t
    got = annual_emissions_tco2e(np.array([1000.0]), np.array([100.0]), np.array([0.4]), np.array([0.5]))
    assert got[0] == 3_942_000
