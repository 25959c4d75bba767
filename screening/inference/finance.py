"""Loan arithmetic and emission arithmetic used by the inference rules: plain functions, arrays in and out."""

from __future__ import annotations

import numpy as np

__all__ = ["annual_emissions_tco2e", "grant_element_pct"]

HOURS_PER_YEAR = 8760.0
TJ_PER_MWH = 0.0036  # 1 MWh = 3.6 GJ


def grant_element_pct(
    interest_pct: np.ndarray,
    maturity_years: np.ndarray,
    grace_years: np.ndarray,
    *,
    discount_rate_pct: float,
    payments_per_year: int,
) -> np.ndarray:
    """The grant element (%) of a loan disbursed at once, paying interest on what is outstanding every period
    and repaying the principal in equal instalments from the end of the grace period to maturity (the IMF's
    grant element method; its calculator discounts at a single rate, 5 % since 2013, per payment period as
    the interest is charged, so that a loan at the discount rate has a grant element of 0). NaN where a term is
    missing or inconsistent (grace ≥ maturity, negative values)."""
    r = np.asarray(interest_pct, dtype=float) / 100.0
    m = np.asarray(maturity_years, dtype=float)
    g = np.asarray(grace_years, dtype=float)
    out = np.full(r.shape, np.nan)
    ok = np.isfinite(r) & np.isfinite(m) & np.isfinite(g) & (r >= 0) & (g >= 0) & (m > g)
    if not ok.any():
        return out
    p = payments_per_year
    d = discount_rate_pct / 100.0 / p  # per period, as the interest is (a loan at the discount rate: 0 %)
    rate = r[ok] / p
    n = np.rint(m[ok] * p).astype(int)  # periods to maturity
    gp = np.rint(g[ok] * p).astype(int)  # periods of grace
    pv = np.empty(len(n))
    for k in range(len(n)):  # at most a few thousand distinct loans; each a short loop over its periods
        t = np.arange(1, n[k] + 1)
        repaying = t > gp[k]
        k_rep = max(n[k] - gp[k], 1)
        principal = np.where(repaying, 1.0 / k_rep, 0.0)
        outstanding = 1.0 - np.concatenate(([0.0], np.cumsum(principal)[:-1]))
        service = principal + rate[k] * outstanding
        pv[k] = float(np.sum(service / (1.0 + d) ** t))
    out[ok] = np.round((1.0 - pv) * 100.0, 2)
    return out


def annual_emissions_tco2e(
    capacity_mw: np.ndarray, tco2_per_tj: np.ndarray, efficiency: np.ndarray, capacity_factor: np.ndarray
) -> np.ndarray:
    """Annual tCO2e of a power plant: MW × 8,760 h × capacity factor = MWh sent out; ÷ efficiency × 0.0036
    TJ/MWh = fuel burnt (TJ); × the fuel's emission factor (t CO2 per TJ)."""
    mwh = np.asarray(capacity_mw, dtype=float) * HOURS_PER_YEAR * np.asarray(capacity_factor, dtype=float)
    fuel_tj = mwh * TJ_PER_MWH / np.asarray(efficiency, dtype=float)
    return np.round(fuel_tj * np.asarray(tco2_per_tj, dtype=float), 0)
