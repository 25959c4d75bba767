"""Rationale: for every project and criterion, the value read, points, maximum, weight, contribution, a
one-line reason in Chinese and English, and the source (DESIGN.md contract 2).

"Not assessed — column missing or empty" and "not applicable to this track" are distinct outcomes, never a
silent zero. Built column-wise: one block of rows per criterion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import label as column_label
from .criteria import CriteriaSet
from .score import PointMatrix, Scores

RATIONALE_COLUMNS = ["project_id", "dimension", "criterion", "criterion_en", "criterion_zh", "status", "value",
                     "points", "max_points", "weight", "contribution", "reason_en", "reason_zh", "source"]


def _fmt(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)


def value_strings(frame: pd.DataFrame, fields: list[str]) -> np.ndarray:
    """The values a criterion read, as 'field=value; …' (one field: the bare value)."""
    if not fields or len(frame) == 0:
        return np.full(len(frame), "", dtype=object)
    cols = [frame[f].map(_fmt) if f in frame.columns else pd.Series([""] * len(frame), index=frame.index)
            for f in fields]
    if len(fields) == 1:
        return cols[0].to_numpy(dtype=object)
    out = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    for f, c in zip(fields, cols, strict=True):
        out = out + np.where(c == "", "", f + "=" + c + "; ")
    return out.str.rstrip("; ").to_numpy(dtype=object)


def rationale(frame: pd.DataFrame, pm: PointMatrix, scores: Scores, criteria: CriteriaSet) -> pd.DataFrame:
    """Long table: one row per (project, criterion), in rank-independent input order."""
    blocks = []
    n = len(frame)
    for j, (dim, crit) in enumerate(criteria.criteria):
        fields = sorted(crit.scorer.fields())
        points = pm.points[:, j]
        app = pm.applicable[:, j]
        assessed = app & ~np.isnan(points)
        status = np.where(~app, "not_applicable", np.where(assessed, "assessed", "not_assessed"))
        values = value_strings(frame, fields)
        pts = np.where(assessed, np.round(points, 2), np.nan)
        rule_en, rule_zh = crit.scorer.describe("en"), crit.scorer.describe("zh")
        missing_en = ", ".join(fields)
        missing_zh = "、".join(column_label(f, "zh") for f in fields)
        pts_txt = pd.Series(pts).map(lambda p: "" if np.isnan(p) else f"{p:g}").to_numpy(dtype=object)
        reason_en = np.where(
            status == "assessed",
            crit.label.en + ": " + values + " → " + pts_txt + "/100" + (f" ({rule_en})" if rule_en else ""),
            np.where(status == "not_assessed", f"{crit.label.en}: not assessed — {missing_en} missing or empty",
                     f"{crit.label.en}: not applicable to this track"))
        reason_zh = np.where(
            status == "assessed",
            crit.label.zh + "：" + values + " → " + pts_txt + "/100" + (f"（{rule_zh}）" if rule_zh else ""),
            np.where(status == "not_assessed", f"{crit.label.zh}：未评估——{missing_zh}缺失或为空",
                     f"{crit.label.zh}：不适用于该类项目"))
        src = criteria.sources[crit.source]
        source = f"{crit.source} {crit.section or src.section or ''}".strip()
        blocks.append(pd.DataFrame({
            "row_key": frame["row_key"].to_numpy(),
            "project_id": pm.project_ids, "dimension": dim.id, "criterion": crit.id,
            "criterion_en": crit.label.en, "criterion_zh": crit.label.zh, "status": status, "value": values,
            "points": pts, "max_points": np.where(app, 100.0, np.nan),
            "weight": np.round(scores.effective_weight[:, j] * 100, 4),
            "contribution": np.round(scores.contributions[:, j], 4),
            "reason_en": reason_en, "reason_zh": reason_zh, "source": source,
        }))
    if not blocks or n == 0:
        return pd.DataFrame(columns=["row_key", *RATIONALE_COLUMNS])
    out = pd.concat(blocks, ignore_index=True)
    order = np.lexsort((np.tile(np.arange(len(blocks)), 1).repeat(n), out["row_key"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def next_tier_gap(score: float, tier: str, criteria: CriteriaSet) -> tuple[str, float] | None:
    """The next tier up and the points still needed, or None at the top (or when data are insufficient)."""
    ids = [t.id for t in criteria.tiers]
    if tier not in ids or ids.index(tier) == 0:
        return None
    better = criteria.tiers[ids.index(tier) - 1]
    return better.id, round(max(0.0, better.min_score - score), 2)
