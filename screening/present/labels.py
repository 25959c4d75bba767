"""Labels in the chosen language for codes, tiers, tracks, dimensions and columns.

The words are the catalogue's (:mod:`screening.i18n.catalogue`: ``t(key, lang)``) or the criteria set's own
labels; the colours are the one palette (:mod:`screening.i18n.palette`). Criteria items the code needs are
found by their role (:meth:`CriteriaSet.classifier_by_role`), never by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from screening.criteria.models import ClassifierRole, CriteriaSet
from screening.i18n import has, t
from screening.i18n.palette import TIER_ORDER
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.columns import label as column_label
from screening.vocab.countries import country_name

Lang = str  # "zh" or "en"


__all__ = [
    "TIER_ORDER",
    "Lang",
    "code_label",
    "column_title",
    "country_label",
    "dimension_label",
    "direction_label",
    "light_column",
    "light_label",
    "localise_columns",
    "severity_label",
    "status_label",
    "t",
    "tier_label",
    "track_label",
]


def light_column(criteria: CriteriaSet | None) -> str | None:
    """The column of the criteria set's traffic light (its classifier with that role); None without one."""
    cl = criteria.classifier_by_role(ClassifierRole.TRAFFIC_LIGHT) if criteria is not None else None
    return cl.id if cl is not None else None


def code_label(list_name: str, code: object, lang: Lang) -> str:
    if not isinstance(code, str) or list_name not in CODE_LISTS:
        return "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code)
    return CODE_LISTS[list_name].label(code, lang)


def _set_label(items: Iterable[Any], ident: object, list_name: str, lang: Lang) -> str:
    """The criteria set's own label for ``ident`` (tiers, tracks), else the code list's."""
    for x in items:
        if x.id == ident:
            return str(x.label.get(lang))
    return code_label(list_name, ident, lang)


def tier_label(tier: object, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    return _set_label(criteria.tiers if criteria is not None else (), tier, "tier", lang)


def track_label(track: object, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    return _set_label(criteria.tracks if criteria is not None else (), track, "track", lang)


def light_label(light: object, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    """A traffic-light value in words: the criteria set's own label for it, else the catalogue's."""
    cl = criteria.classifier_by_role(ClassifierRole.TRAFFIC_LIGHT) if criteria is not None else None
    if cl is not None and isinstance(light, str) and light in cl.values:
        return cl.values[light].get(lang)
    if isinstance(light, str) and has(f"light_{light}"):
        return t(f"light_{light}", lang)
    return "" if light is None or (isinstance(light, float) and np.isnan(light)) else str(light)


def severity_label(severity: object, lang: Lang) -> str:
    """A data issue's severity code in words (the code itself when unknown)."""
    return t(f"severity_{severity}", lang) if has(f"severity_{severity}") else str(severity)


def dimension_label(dim_id: str, lang: Lang, criteria: CriteriaSet) -> str:
    for d in criteria.dimensions:
        if d.id == dim_id:
            return d.label.get(lang)
    return dim_id


def column_title(name: str, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    """Display header of a column: UI label, canonical input column label, dimension or index label."""
    ui = {"flags": "flags_col", "total_investment_usd_m": "investment"}
    if name in ui:
        return t(ui[name], lang)
    if name == light_column(criteria):
        return t("role_traffic_light", lang)
    if has(name):
        return t(name, lang)
    if name in COLUMN_BY_NAME:
        return column_label(name, lang)
    if criteria is not None:
        if name.startswith("dim_"):
            return dimension_label(name[4:], lang, criteria)
        for idx in criteria.indices:
            if idx.id == name:
                return idx.label.get(lang)
    return name


def localise_columns(frame: pd.DataFrame, lang: Lang, criteria: CriteriaSet | None = None) -> pd.DataFrame:
    return frame.rename(columns={c: column_title(str(c), lang, criteria) for c in frame.columns})


def country_label(v: object, lang: Lang) -> str:
    """Display name of an ISO3 code (blank for none)."""
    return country_name(v, lang) if isinstance(v, str) and v else ""


def direction_label(direction: object, lang: Lang) -> str:
    return t("rb_up" if direction == "up" else "rb_down", lang)


def status_label(status: str, lang: Lang) -> str:
    key = f"pf_status_{status}"
    return t(key, lang) if has(key) else status
