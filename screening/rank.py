"""Ranking: overall and within each track, with a stated tie-break.

Order: score (rounded to 0.01) descending, then completeness descending (a better-documented project first),
then ``project_id`` ascending as text. The rule ends in ``project_id`` so that the order never depends on the
order of rows in the file (DESIGN.md contract 4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIE_BREAK = ("score desc", "completeness desc", "project_id asc")


def rank_arrays(score: np.ndarray, completeness: np.ndarray, project_ids: np.ndarray,
                tracks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank, rank_in_track, order): 1-based ranks by :data:`TIE_BREAK`, and the positions in rank order."""
    order = np.lexsort((project_ids.astype(str), -completeness.astype(float), -score.astype(float)))
    ranks = np.empty(len(order), dtype=int)
    ranks[order] = np.arange(1, len(order) + 1)
    in_track = np.empty(len(order), dtype=int)
    in_track[order] = pd.Series(tracks[order]).groupby(tracks[order], sort=False).cumcount().to_numpy() + 1
    return ranks, in_track, order


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank`` and ``rank_in_track`` (1 = best) to a frame with score, completeness, project_id, track;
    return it in rank order (the index keeps the frame's labels)."""
    out = frame.copy()
    if out.empty:
        out["rank"] = pd.Series(dtype="Int64")
        out["rank_in_track"] = pd.Series(dtype="Int64")
        return out
    ranks, in_track, order = rank_arrays(out["score"].to_numpy(), out["completeness"].to_numpy(),
                                         out["project_id"].to_numpy(dtype=object), out["track"].to_numpy(dtype=object))
    out["rank"] = ranks
    out["rank_in_track"] = in_track
    return out.take(order)
