"""Values as a planner reads them, in Chinese or English: counts with thousands separators, years as years,
money in USD m with one decimal, booleans 是/否 / yes/no, codes by their code-list label, blanks as "".

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
    if isinstance(value, str):
        if col is not None and col.codes in CODE_LISTS:
            return CODE_LISTS[col.codes].label(value, lang)
        return value
    if isinstance(value, int | float | np.integer | np.floating):
        x = float(value)
        if kind == "year":
            return str(round(x))
        if kind == "money":
            return t("fmt_money", lang, amount=f"{x:,.1f}")
        if x.is_integer():
            return f"{round(x):,}"
        return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) >= 1 else f"{x:.3g}"
    return str(value)


def format_unique(series: pd.Series, field: str, lang: str) -> np.ndarray:
    """``format_value`` once per distinct value of ``series``, spread back to every row."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    shown = np.array([format_value(u, field, lang) for u in uniques] + [""], dtype=object)
    return shown[codes]  # code -1 (blank) picks the trailing ""
