"""Ranking: overall and within each track, with a stated tie-break.

Order: score (rounded to 0.01) descending, then completeness descending (a better-documented project first),
then ``project_id`` ascending as text. The rule ends in ``project_id`` so that the order never depends on the
order of rows in the file (DESIGN.md contract 4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIE_BREAK = ("score desc", "completeness desc", "project_id asc")


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank`` and ``rank_in_track`` (1 = best) to a frame with score, completeness, project_id, track."""
    out = frame.copy()
    if out.empty:
        out["rank"] = pd.Series(dtype="Int64")
        out["rank_in_track"] = pd.Series(dtype="Int64")
        return out
    order = np.lexsort((out["project_id"].astype(str).to_numpy(), -out["completeness"].to_numpy(dtype=float),
                        -out["score"].to_numpy(dtype=float)))
    ranks = np.empty(len(out), dtype=int)
    ranks[order] = np.arange(1, len(out) + 1)
    out["rank"] = ranks
    out["rank_in_track"] = out.groupby("track")["rank"].rank(method="first").astype(int)
    return out.sort_values("rank", kind="stable")
