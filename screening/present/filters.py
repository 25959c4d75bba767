"""Filters on the ranking and the data-issue tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.present.labels import LIGHT_COLOURS, TIER_ORDER


@dataclass(frozen=True)
class Filters:
    """Ranking filters; an empty list keeps everything."""

    country: Sequence[str] = ()
    sector: Sequence[str] = ()
    track: Sequence[str] = ()
    tier: Sequence[str] = ()
    traffic_light: Sequence[str] = ()


def filter_options(ranked: pd.DataFrame) -> dict[str, list[str]]:
    """Values present in each filterable column (codes, not labels), in a stable order."""
    out: dict[str, list[str]] = {}
    for col in ("country", "sector", "track", "tier", "traffic_light"):
        if col not in ranked.columns:
            out[col] = []
            continue
        vals = [str(v) for v in ranked[col].dropna().unique()]
        if col == "tier":
            vals = sorted(vals, key=lambda v: TIER_ORDER.index(v) if v in TIER_ORDER else 99)
        elif col == "traffic_light":
            vals = sorted(vals, key=lambda v: list(LIGHT_COLOURS).index(v) if v in LIGHT_COLOURS else 99)
        else:
            vals = sorted(vals)
        out[col] = vals
    return out


def apply_filters(ranked: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    keep = np.ones(len(ranked), dtype=bool)
    for col in ("country", "sector", "track", "tier", "traffic_light"):
        chosen = list(getattr(filters, col))
        if chosen and col in ranked.columns:
            keep &= ranked[col].astype(str).isin(chosen).to_numpy()
    return ranked[keep]


def filter_issues(table: pd.DataFrame, severity: Iterable[str] = (), columns: Iterable[str] = (),
                  query: str = "") -> pd.DataFrame:
    keep = np.ones(len(table), dtype=bool)
    sev, cols = list(severity), list(columns)
    if sev:
        keep &= table["severity_code"].isin(sev).to_numpy()
    if cols:
        keep &= table["column"].astype(str).isin(cols).to_numpy()
    q = query.strip().lower()
    if q:
        text = table[["project_id", "column", "value", "message"]].astype(str).agg(" ".join, axis=1).str.lower()
        keep &= text.str.contains(q, regex=False).to_numpy()
    return table[keep]
