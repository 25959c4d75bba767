"""The one pipeline used by the CLI and the web app alike (DESIGN.md "The data flow").

read → map headers → validate → screen (gates, flags) → classify (track, labels) → score → combine (total,
tier) → rank → explain. Each stage is a function in its own module; this module only wires them together and
keeps the per-criterion point matrix so that re-weighting never re-reads or re-validates anything.
"""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from screening.criteria.loader import load_criteria
from screening.criteria.models import CriteriaSet
from screening.criteria.rules import Context
from screening.io.mapping import Mapping
from screening.io.read import read_input
from screening.model import Input, Progress, Result
from screening.stages.classify import add_derived, classify, indices
from screening.stages.duplicates import duplicate_flags
from screening.stages.rank import rank, rank_arrays
from screening.stages.score import Scores, Weights, assign_tiers, point_matrix, weigh
from screening.stages.screen import screen
from screening.stages.validate import validate


def tool_version() -> str:
    try:
        return version("bri-screening")
    except PackageNotFoundError:
        return "0.0.0+source"


def _dimension_frame(scores: Scores, row_keys: np.ndarray) -> pd.DataFrame:
    dims = scores.dimension_scores.copy()
    dims.columns = [f"dim_{c}" for c in dims.columns]
    dims.index = row_keys
    return dims


def run(source: str | Path | bytes, *, name: str | None = None, criteria: CriteriaSet | None = None,
        criteria_sha256: str | None = None, mapping: Mapping | None = None, sheet: str | None = None,
        progress: Progress | None = None) -> Result:
    """Screen and score one input file."""
    say = progress or (lambda _stage, _share: None)
    say("read", 0.0)
    inp = read_input(source, name=name, mapping=mapping, sheet=sheet)
    if criteria is None:
        criteria = load_criteria()
    return run_input(inp, criteria, criteria_sha256 or criteria.fingerprint(), say)


def run_input(inp: Input, criteria: CriteriaSet, criteria_sha256: str, say: Progress) -> Result:
    say("validate", 0.15)
    val = validate(inp)
    records = val.records.copy()
    records["outcome"] = np.where(val.valid, "candidate", "invalid")
    frame = add_derived(records[val.valid].reset_index(drop=True), criteria)
    say("screen", 0.35)
    screened = screen(frame, criteria)
    ctx = Context(screened.flags)
    frame = classify(frame, criteria, ctx)
    excluded = screened.excluded
    keys = frame["row_key"].to_numpy()
    records.loc[np.isin(records["row_key"], keys[excluded]), "outcome"] = "excluded"
    records.loc[records["outcome"] == "candidate", "outcome"] = "ranked"
    live = frame[~excluded].reset_index(drop=True)
    dup_hits = duplicate_flags(live, criteria)
    hits = pd.concat([screened.hits, dup_hits], ignore_index=True) if len(dup_hits) else screened.hits
    say("score", 0.55)
    pm = point_matrix(live, criteria, Context({k: v[~excluded] for k, v in screened.flags.items()}))
    weights = Weights.of(criteria)
    scores = weigh(pm, weights, criteria.missing_policy)
    caps = screened.tier_caps[~excluded]
    live = live.copy()
    live["score"] = scores.total
    live["completeness"] = scores.completeness
    live["tier"] = pd.array(assign_tiers(scores.total, scores.completeness, criteria, caps), dtype="str")
    live = pd.concat([live, _dimension_frame(scores, live.index.to_numpy()).set_axis(live.index)], axis=1)
    idx = indices(pm, criteria)
    for col in idx.columns:
        live[col] = idx[col].to_numpy()
    flag_hits = hits[hits["kind"] == "flag"]
    flags_by_key = flag_hits.groupby("row_key")["id"].agg(lambda s: ";".join(dict.fromkeys(s)))
    live["flags"] = live["row_key"].map(flags_by_key.to_dict()).astype(object).where(lambda s: s.notna(), "")
    say("rank", 0.75)
    ranked = rank(live)
    for col in ("track",):
        records[col] = records["row_key"].map(frame.set_index("row_key")[col])
    return Result(inp, criteria, criteria_sha256, val, records, ranked, hits, pm, scores, weights, caps)


def reweigh(result: Result, weights: Weights) -> Result:
    """Re-rank under new weights from the stored point matrix: no reading, no validation, no screening.

    ``result.ranked`` keeps, as its index, each project's row in the point matrix, so the new table is one
    reordering of the old one with the weight-dependent columns replaced.
    """
    scores = weigh(result.pm, weights, result.criteria.missing_policy)
    pos = result.ranked.index.to_numpy()          # point-matrix row of each ranked row
    total, completeness = scores.total[pos], scores.completeness[pos]
    ranks, in_track, order = rank_arrays(total, completeness, result.pm.id_order[pos], result.pm.track_codes[pos])
    rows = pos[order]                             # point-matrix rows in the new rank order
    total, completeness = total[order], completeness[order]
    tiers = assign_tiers(total, completeness, result.criteria, result.tier_caps[rows])
    ranked = result.ranked.take(order)           # one reorder of the wide table, then the new values
    dims = scores.dimension_scores.to_numpy()[rows]
    columns: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {
        "score": total, "completeness": completeness, "tier": pd.array(tiers, dtype="str"),
        "rank": ranks[order], "rank_in_track": in_track[order]}
    for k, d in enumerate(scores.dimension_scores.columns):
        columns[f"dim_{d}"] = dims[:, k]
    for name, values in columns.items():
        ranked[name] = values
    return replace(result, ranked=ranked, scores=scores, weights=weights)
