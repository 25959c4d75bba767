"""Values as a planner reads them, in Chinese or English: counts with thousands separators, years as years,
money in USD m with one decimal, shares (0–1) as percentages, booleans 是/否 / yes/no, codes by their
code-list label (a level 0–3 too: 3 → 很强 / Strong), blanks as "".

``format_unique`` formats once per distinct value (the explain stage runs on 10⁵ rows).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from screening.i18n import t
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME


def _kind(field: str) -> str:
    col = COLUMN_BY_NAME.get(field)
    if field.endswith("_year") or (col is not None and col.kind == "year"):
        return "year"
    return col.kind if col is not None else ""


def format_value(value: object, field: str, lang: str) -> str:
    """One value of column ``field`` as words for people in ``lang``; "" for a blank."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating) and math.isnan(float(value)):
        return ""
    kind = _kind(field)
    if isinstance(value, bool | np.bool_):
        return t("fmt_yes" if value else "fmt_no", lang)
    col = COLUMN_BY_NAME.get(field)
    codes = CODE_LISTS.get(col.codes) if col is not None and col.codes else None
    if isinstance(value, str):
        if kind == "bool" and value.strip().lower() in ("true", "false"):
            return t("fmt_yes" if value.strip().lower() == "true" else "fmt_no", lang)
        if codes is not None:
            return codes.label(value, lang)
        return value
    if isinstance(value, int | float | np.integer | np.floating):
        x = float(value)
        if codes is not None and x.is_integer() and str(round(x)) in codes.values:
            return codes.label(str(round(x)), lang)  # a level 0–3 by its name, never its number
        if kind == "year":
            return str(round(x))
        if kind == "money":
            return t("fmt_money", lang, amount=f"{x:,.1f}")
        if kind == "share":
            return t("fmt_percent", lang, pct=_plain(x * 100))
        if kind == "pct":
            return t("fmt_percent", lang, pct=_plain(x))
        return _plain(x)
    return str(value)


def _plain(x: float) -> str:
    """A number with thousands separators, at most two decimals (three significant digits below one)."""
    if x.is_integer():
        return f"{round(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) >= 1 else f"{x:.3g}"


def format_unique(series: pd.Series, field: str, lang: str) -> np.ndarray:
    """``format_value`` once per distinct value of ``series``, spread back to every row."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    shown = np.array([format_value(u, field, lang) for u in uniques] + [""], dtype=object)
    return shown[codes]  # code -1 (blank) picks the trailing ""
