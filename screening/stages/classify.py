"""Classification: derived fields, track, positive-list categories, and labels shown beside the score.

Tracks follow chengdu-2024 (统筹推进重大标志性工程和"小而美"民生项目) and hu-liu-2025 ch.5 ("小在规模、快在落地、
美在民心"): flagship and small-and-beautiful projects are judged on their own terms and ranked in their own
track as well as overall. Classifiers (BRIGC traffic light, five connectivities, field type) are labels,
never points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.criteria.rules import Context
from screening.stages.score import PointMatrix


def add_derived(frame: pd.DataFrame, criteria: CriteriaSet) -> pd.DataFrame:
    """Add computed fields (e.g. cost per beneficiary); blank where an input is blank or the divisor is 0."""
    out = frame.copy()
    for d in criteria.derived:
        blank = pd.Series(np.nan, index=out.index)
        num = pd.to_numeric(out[d.numerator] if d.numerator in out else blank, errors="coerce")
        den = pd.to_numeric(out[d.denominator] if d.denominator in out else blank, errors="coerce")
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num.astype(float) * d.scale / den.astype(float)
        out[d.id] = value.where((den > 0) & num.notna())
    return out


def classify(frame: pd.DataFrame, criteria: CriteriaSet, ctx: Context) -> pd.DataFrame:
    """Add ``track``, ``positive_list`` (ids joined by ';'), ``positive_list_count`` and one column per classifier."""
    out = frame.copy()
    n = len(out)
    track = np.full(n, criteria.tracks[-1].id, dtype=object)
    decided = np.zeros(n, dtype=bool)
    for t in criteria.tracks:
        hit = t.when.evaluate(out, ctx) if t.when is not None else np.ones(n, dtype=bool)
        track[hit & ~decided] = t.id
        decided |= hit
    out["track"] = track
    cats = [(c.id, c.when.evaluate(out, ctx)) for c in criteria.positive_list]
    out["positive_list"] = _join_tags(n, cats)
    out["positive_list_count"] = (
        np.sum([hit for _, hit in cats], axis=0).astype(float) if cats else np.zeros(n)
    )
    for cl in criteria.classifiers:
        if cl.tags:
            out[cl.id] = _join_tags(n, [(case.value, case.when.evaluate(out, ctx)) for case in cl.tags])
            continue
        value = np.full(n, cl.default, dtype=object)
        done = np.zeros(n, dtype=bool)
        for case in cl.cases:
            hit = case.when.evaluate(out, ctx) & ~done
            value[hit] = case.value
            done |= hit
        out[cl.id] = value
    return out


def _join_tags(n: int, tags: list[tuple[str, np.ndarray]]) -> np.ndarray:
    joined = np.full(n, "", dtype=object)
    for name, hit in tags:
        joined = np.where(hit, np.where(joined == "", name, joined + ";" + name), joined)
    return joined


def indices(pm: PointMatrix, criteria: CriteriaSet) -> pd.DataFrame:
    """World Bank IPF-style indices: weighted mean of the assessed points of named criteria (NaN if none)."""
    cols = {}
    for idx in criteria.indices:
        num = np.zeros(len(pm.project_ids))
        den = np.zeros(len(pm.project_ids))
        for cid, w in idx.criteria.items():
            j = pm.criterion_ids.index(cid)
            p = pm.points[:, j]
            ok = ~np.isnan(p)
            num += np.where(ok, p * w, 0.0)
            den += np.where(ok, w, 0.0)
        cols[idx.id] = np.where(den > 0, np.round(num / np.where(den > 0, den, 1), 2), np.nan)
    return pd.DataFrame(cols, index=pm.project_ids)
