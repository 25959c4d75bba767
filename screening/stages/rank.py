"""Ranking: overall and within each track, with a stated tie-break — the one home of the ranking rule.

Order: score (rounded to 0.01) descending, then completeness descending (a better-documented project first),
then ``project_id`` ascending as text. The rule ends in ``project_id`` so that the order never depends on the
order of rows in the file (DESIGN.md contract 4). :func:`order` is the rule; the pipeline, re-weighting and the
sensitivity analyses all rank with it (the Monte Carlo's many-draw sort keys are tested against it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.stages.score import PointMatrix, Scores, hurdle_codes, text_order, tier_codes

__all__ = [
    "TIE_BREAK",
    "categorised",
    "order",
    "rank",
    "ranked_table",
    "ranks_of",
    "running_count",
    "text_order",
]

TIE_BREAK = ("score desc", "completeness desc", "project_id asc")


def order(score: np.ndarray, completeness: np.ndarray, id_order: np.ndarray) -> np.ndarray:
    """Positions in rank order by :data:`TIE_BREAK`.

    ``id_order`` holds integers already in ``project_id`` text order (:func:`text_order`,
    ``PointMatrix.id_order``); distinct integers make the order total.
    """
    return np.lexsort(
        (np.asarray(id_order), -np.asarray(completeness, dtype=float), -np.asarray(score, dtype=float))
    )


def ranks_of(order_: np.ndarray) -> np.ndarray:
    """1-based rank of each position, given the positions in rank order (the inverse of :func:`order`)."""
    ranks = np.empty(len(order_), dtype=np.int64)
    ranks[order_] = np.arange(1, len(order_) + 1)
    return ranks


def running_count(codes: np.ndarray) -> np.ndarray:
    """1-based count of each entry among the entries with its code so far: ranks within tracks when
    ``codes`` are track codes in rank order."""
    out = np.empty(len(codes), dtype=np.int64)
    for code in np.unique(codes):
        mask = codes == code
        out[mask] = np.arange(1, int(mask.sum()) + 1)
    return out


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank`` and ``rank_in_track`` (1 = best) to a frame with score, completeness, project_id, track;
    return it in rank order (the index keeps the frame's labels)."""
    o = order(
        frame["score"].to_numpy(),
        frame["completeness"].to_numpy(),
        text_order(frame["project_id"].to_numpy(dtype=object)),
    )
    out = frame.take(o)
    out["rank"] = np.arange(1, len(o) + 1, dtype=np.int64)
    out["rank_in_track"] = running_count(pd.factorize(out["track"].to_numpy(dtype=object))[0])
    return out


def categorised(frame: pd.DataFrame, keep: tuple[str, ...] = ("project_id",)) -> pd.DataFrame:
    """``frame`` with each text or yes/no column whose values repeat (at most half as many distinct values as rows) as a
    pandas categorical, categories in sorted order, so that every re-ranking moves small integer codes instead
    of one Python object per cell. ``keep`` columns stay as they are."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if name in keep or isinstance(col.dtype, pd.CategoricalDtype):
            continue
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
            codes, uniques = pd.factorize(col, sort=False)
            kinds = {type(u) for u in uniques}
            if len(uniques) * 2 > len(col) or not (kinds <= {str} or kinds <= {bool}):
                continue  # mostly distinct (names, descriptions), or mixed values whose sort order is undefined
            out[name] = pd.Categorical(col, categories=sorted(uniques))
    return frame.assign(**out) if out else frame


def _sorted_categorical(codes: np.ndarray, names: list[str]) -> pd.Categorical[str]:
    """Each row's ``names[codes]`` as a categorical with the names sorted (as :func:`categorised` makes them)."""
    ordered = sorted(set(names))
    where = np.array([ordered.index(x) for x in names], dtype=np.int64)
    return pd.Categorical.from_codes(where[codes], categories=pd.Index(ordered))


def ranked_table(
    live: pd.DataFrame, pm: PointMatrix, scores: Scores, caps: np.ndarray, criteria: CriteriaSet
) -> pd.DataFrame:
    """The ranked table: ``live`` in rank order with the weight-dependent columns set from ``scores``.

    ``live`` has one row per live project, its index the project's row in ``pm`` (and in ``scores`` and
    ``caps``, the best tier a review flag allows per row); its order does not matter. The columns ``score``,
    ``completeness``, ``tier``, ``dim_<dimension>`` …, ``rank`` and ``rank_in_track`` replace those of ``live``
    where it has them (a ranked table being re-ranked) and are added in that order where not. The returned
    index keeps the point-matrix rows, so the table can be re-ranked again.
    """
    pos = live.index.to_numpy()
    o = order(scores.total[pos], scores.completeness[pos], pm.id_order[pos])
    rows = pos[o]  # point-matrix rows in rank order
    total, completeness = scores.total[rows], scores.completeness[rows]
    dims = scores.dimension_scores.to_numpy()[rows]
    row_caps, failed = caps[rows], _sorted_categorical(np.zeros(len(rows), dtype=np.int64), [""])
    if criteria.hurdles:
        h_caps, h_codes, h_labels = hurdle_codes(
            dims, scores.dimension_assessed[rows], list(scores.dimension_scores.columns), criteria
        )
        row_caps, failed = np.maximum(row_caps, h_caps), _sorted_categorical(h_codes, h_labels)
    columns: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {
        "score": total,
        "completeness": completeness,
        "tier": _sorted_categorical(*tier_codes(total, completeness, criteria, row_caps)),
        "hurdles": failed,
    }
    for k, d in enumerate(scores.dimension_scores.columns):
        columns[f"dim_{d}"] = dims[:, k]
    columns["rank"] = np.arange(1, len(rows) + 1, dtype=np.int64)
    columns["rank_in_track"] = running_count(pm.track_codes[rows])
    table = live.take(o)  # one reorder of the wide table, then the new values
    for name, values in columns.items():
        table[name] = values
    return table
