"""Filters on the ranking and the data-issue tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.i18n.palette import LIGHT, TIER_ORDER
from screening.present.labels import light_column

FILTERS = (
    "country",
    "sector",
    "track",
    "tier",
    "light",
)  # ``light``: the criteria set's traffic-light column


@dataclass(frozen=True)
class Filters:
    """Ranking filters; an empty list keeps everything."""

    country: Sequence[str] = ()
    sector: Sequence[str] = ()
    track: Sequence[str] = ()
    tier: Sequence[str] = ()
    light: Sequence[str] = ()


def _columns(criteria: CriteriaSet | None) -> dict[str, str | None]:
    """Filter name → the ranked table's column it reads (None: the criteria set has no traffic light)."""
    return {
        "country": "country",
        "sector": "sector",
        "track": "track",
        "tier": "tier",
        "light": light_column(criteria),
    }


def filter_options(ranked: pd.DataFrame, criteria: CriteriaSet | None = None) -> dict[str, list[str]]:
    """Values present in each filter's column (codes, not labels), in a stable order."""
    out: dict[str, list[str]] = {}
    for name, col in _columns(criteria).items():
        if col is None or col not in ranked.columns:
            out[name] = []
            continue
        vals = [str(v) for v in ranked[col].dropna().unique()]
        if name == "tier":
            vals = sorted(vals, key=lambda v: TIER_ORDER.index(v) if v in TIER_ORDER else 99)
        elif name == "light":
            vals = sorted(vals, key=lambda v: list(LIGHT).index(v) if v in LIGHT else 99)
        else:
            vals = sorted(vals)
        out[name] = vals
    return out


def apply_filters(
    ranked: pd.DataFrame, filters: Filters, criteria: CriteriaSet | None = None
) -> pd.DataFrame:
    keep = np.ones(len(ranked), dtype=bool)
    for name, col in _columns(criteria).items():
        chosen = list(getattr(filters, name))
        if chosen and col is not None and col in ranked.columns:
            keep &= ranked[col].astype(str).isin(chosen).to_numpy()
    return ranked[keep]


def filter_issues(
    table: pd.DataFrame, severity: Iterable[str] = (), columns: Iterable[str] = (), query: str = ""
) -> pd.DataFrame:
    keep = np.ones(len(table), dtype=bool)
    sev, cols = list(severity), list(columns)
    if sev:
        keep &= table["severity_code"].isin(sev).to_numpy()
    if cols:
        keep &= table["column"].astype(str).isin(cols).to_numpy()
    q = query.strip().lower()
    if q:
        text = (
            table[["project_id", "column", "value", "message"]].astype(str).agg(" ".join, axis=1).str.lower()
        )
        keep &= text.str.contains(q, regex=False).to_numpy()
    return table[keep]
