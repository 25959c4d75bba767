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
    """(rank, rank_in_track, order): 1-based ranks by :data:`TIE_BREAK`, and the positions in rank order.

    ``project_ids`` may be the ids themselves (compared as text) or integers already in their text order
    (``PointMatrix.id_order``), which are compared as numbers.
    """
    ids = project_ids if np.issubdtype(project_ids.dtype, np.integer) else project_ids.astype(str)
    order = np.lexsort((ids, -completeness.astype(float), -score.astype(float)))
    n = len(order)
    ranks = np.empty(n, dtype=int)
    ranks[order] = np.arange(1, n + 1)
    codes = pd.factorize(tracks)[0][order]
    in_track_sorted = np.empty(n, dtype=int)
    for code in np.unique(codes):
        mask = codes == code
        in_track_sorted[mask] = np.arange(1, int(mask.sum()) + 1)
    in_track = np.empty(n, dtype=int)
    in_track[order] = in_track_sorted
    return ranks, in_track, order


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank`` and ``rank_in_track`` (1 = best) to a frame with score, completeness, project_id, track;
    return it in rank order (the index keeps the frame's labels)."""
    out = frame.copy()
    if out.empty:
        out["rank"] = pd.Series(dtype=int)
        out["rank_in_track"] = pd.Series(dtype=int)
        return out
    ranks, in_track, order = rank_arrays(out["score"].to_numpy(), out["completeness"].to_numpy(),
                                         out["project_id"].to_numpy(dtype=object), out["track"].to_numpy(dtype=object))
    out["rank"] = ranks
    out["rank_in_track"] = in_track
    return out.take(order)
