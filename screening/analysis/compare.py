"""Scenario comparison: two runs (two criteria sets, or two weight profiles) on the same input, side by side.

Projects are matched on ``project_id``. For each project the table gives its rank, score and tier in A and
B, the rank change (``rank_a − rank_b``: positive = moved up in B), whether it enters or leaves the top ``k``,
and whether its tier changed. A project ranked in one scenario only (a gate of one criteria set excludes it)
is kept with its outcome in the other. Summary counts follow, with Kendall's τ-b over the projects ranked in
both (Kendall 1945, "The treatment of ties in ranking problems", Biometrika 33).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

__all__ = ["Comparison", "compare"]


MOVEMENTS = ("entered", "left", "stayed_in", "stayed_out", "only_a", "only_b")


@dataclass
class Comparison:
    """Result of :func:`compare`: ``table`` (one row per project) and ``summary`` (counts)."""

    table: pd.DataFrame
    summary: dict[str, Any]
    top_k: int
    labels: tuple[str, str]

    def summary_frame(self) -> pd.DataFrame:
        """The summary as ``item``/``value`` rows (for a workbook sheet)."""
        return pd.DataFrame(list(self.summary.items()), columns=["item", "value"])

    @property
    def entered(self) -> list[str]:
        return self.table.loc[self.table["movement"] == "entered", "project_id"].tolist()

    @property
    def left(self) -> list[str]:
        return self.table.loc[self.table["movement"] == "left", "project_id"].tolist()


def _frames(x: Any) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(ranked, records) from a pipeline Result or a ranked frame."""
    if hasattr(x, "ranked"):
        return x.ranked, getattr(x, "records", None)
    return x, None


def compare(a: Any, b: Any, *, top_k: int = 10, labels: tuple[str, str] = ("A", "B")) -> Comparison:
    """Compare two scenarios (pipeline Results, or ranked frames with ``project_id``, ``rank``, ``score``,
    ``tier``). Rows are in B's rank order, then projects ranked only in A."""
    ra, rec_a = _frames(a)
    rb, rec_b = _frames(b)
    cols = ["project_id", "rank", "score", "tier"]
    left = ra[[c for c in cols if c in ra.columns]].copy()
    right = rb[[c for c in cols if c in rb.columns]].copy()
    left["project_id"] = left["project_id"].astype(str)
    right["project_id"] = right["project_id"].astype(str)
    t = left.merge(right, on="project_id", how="outer", suffixes=("_a", "_b"))
    names = {}
    for frame in (rb, ra):
        if "project_name" in frame.columns:
            names.update(dict(zip(frame["project_id"].astype(str), frame["project_name"], strict=True)))
    t.insert(1, "project_name", t["project_id"].map(names))
    for side, rec in (("a", rec_a), ("b", rec_b)):
        outcome = np.where(t[f"rank_{side}"].notna(), "ranked", "not_ranked")
        if rec is not None and "outcome" in rec.columns:
            by_id = dict(zip(rec["project_id"].astype(str), rec["outcome"], strict=False))
            outcome = np.where(
                t[f"rank_{side}"].notna(), "ranked", t["project_id"].map(by_id).fillna("absent")
            )
        t[f"outcome_{side}"] = outcome
    for side in ("a", "b"):
        t[f"rank_{side}"] = t[f"rank_{side}"].astype("Int64")
    t["rank_change"] = (t["rank_a"] - t["rank_b"]).astype("Int64")
    t["score_change"] = np.round(t["score_b"] - t["score_a"], 2)
    in_a = (t["rank_a"] <= top_k).fillna(False).astype(bool)
    in_b = (t["rank_b"] <= top_k).fillna(False).astype(bool)
    both = t["rank_a"].notna() & t["rank_b"].notna()
    t[f"top_{top_k}_a"] = in_a
    t[f"top_{top_k}_b"] = in_b
    movement = np.select(
        [t["rank_a"].isna(), t["rank_b"].isna(), ~in_a & in_b, in_a & ~in_b, in_a & in_b],
        ["only_b", "only_a", "entered", "left", "stayed_in"],
        "stayed_out",
    )
    # a project ranked in one scenario only also enters/leaves the top k if it is in it there
    movement = np.where((movement == "only_b") & in_b, "entered", movement)
    movement = np.where((movement == "only_a") & in_a, "left", movement)
    t["movement"] = movement
    if "tier_a" in t.columns and "tier_b" in t.columns:
        t["tier_changed"] = both & (t["tier_a"].astype(str) != t["tier_b"].astype(str))
        t["tier_change"] = np.where(
            t["tier_changed"], t["tier_a"].astype(str) + " → " + t["tier_b"].astype(str), ""
        )
    t = t.sort_values(["rank_b", "rank_a", "project_id"], kind="stable", na_position="last").reset_index(
        drop=True
    )

    rc = t.loc[both, "rank_change"].astype(float)
    tau = float("nan")
    if both.sum() >= 2:
        tau = float(
            kendalltau(t.loc[both, "rank_a"].astype(float), t.loc[both, "rank_b"].astype(float)).statistic
        )
    summary: dict[str, Any] = {
        "label_a": labels[0],
        "label_b": labels[1],
        "top_k": top_k,
        "ranked_in_both": int(both.sum()),
        "ranked_only_in_a": int(t["rank_b"].isna().sum()),
        "ranked_only_in_b": int(t["rank_a"].isna().sum()),
        "entered_top_k": int((t["movement"] == "entered").sum()),
        "left_top_k": int((t["movement"] == "left").sum()),
        "stayed_in_top_k": int((t["movement"] == "stayed_in").sum()),
        "moved_up": int((rc > 0).sum()),
        "moved_down": int((rc < 0).sum()),
        "unchanged_rank": int((rc == 0).sum()),
        "mean_abs_rank_change": round(float(rc.abs().mean()), 2) if len(rc) else 0.0,
        "max_abs_rank_change": int(rc.abs().max()) if len(rc) else 0,
        "tier_changes": int(t["tier_changed"].sum()) if "tier_changed" in t.columns else 0,
        "kendall_tau_b": round(tau, 4) if np.isfinite(tau) else None,
    }
    return Comparison(t, summary, top_k, labels)
