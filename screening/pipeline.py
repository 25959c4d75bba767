"""The one pipeline used by the CLI and the web app alike (DESIGN.md "The data flow").

read → map headers → infer → validate → group (records of one project) → screen (gates, flags) → classify
(track, labels) → score → combine (total,
tier) → rank → explain. Each stage is a function in its own module; this module only wires them together and
keeps the per-criterion point matrix so that re-weighting never re-reads or re-validates anything. A run and a
re-weighting build the ranked table with the same function (:func:`screening.stages.rank.ranked_table`).
"""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from screening.criteria.loader import DEFAULT_CRITERIA, load_criteria_bytes
from screening.criteria.loader import criteria_sha256 as criteria_sha
from screening.criteria.models import CriteriaSet
from screening.criteria.rules import Context, text_scan
from screening.inference.rules import default_rules
from screening.io.country_sheet import load_shipped
from screening.io.mapping import Mapping
from screening.io.read import read_input
from screening.model import Inference, Input, Progress, Result
from screening.stages.classify import add_derived, classify, indices
from screening.stages.duplicates import duplicate_flags
from screening.stages.groups import GROUP_COLUMNS, group_columns
from screening.stages.infer import infer, inference_terms
from screening.stages.rank import categorised, ranked_table
from screening.stages.score import Weights, point_matrix, weigh
from screening.stages.screen import raise_late_flags, screen
from screening.stages.validate import validate


def tool_version() -> str:
    try:
        return version("bri-screening")
    except PackageNotFoundError:
        return "0.0.0+source"


def run(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    criteria: CriteriaSet | None = None,
    criteria_sha256: str | None = None,
    mapping: Mapping | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    inference: bool = True,
    country_sheet: bool = True,
) -> Result:
    """Screen and score one input file. ``inference=False`` leaves blank fields blank (no inference stage);
    ``country_sheet``: fill the country context the file does not give from the shipped country sheet
    (:mod:`screening.io.country_sheet`). The user's own values always win."""
    say = progress or (lambda _stage, _share: None)
    if criteria is None:
        raw = DEFAULT_CRITERIA.read_bytes()
        criteria, criteria_sha256 = load_criteria_bytes(raw, str(DEFAULT_CRITERIA)), criteria_sha(raw)
    say("read", 0.0)
    # The input is handed over, never kept in a local here: run_input lets the raw cells of valid records go
    # once they are validated, and a reference held by this frame would keep all of them (≈ 0.5 GB at 100k).
    return run_input(
        read_input(source, name=name, mapping=mapping, sheet=sheet),
        criteria,
        criteria_sha256,
        say,
        inference=inference,
        country_sheet=country_sheet,
    )


def run_input(
    inp: Input,
    criteria: CriteriaSet,
    criteria_sha256: str | None,
    say: Progress,
    *,
    inference: bool = True,
    country_sheet: bool = True,
) -> Result:
    """``criteria_sha256``: the SHA-256 of the criteria file's bytes, None for a set that no file holds.
    ``country_sheet``: join the shipped country sheet under the file's own country context."""
    inferred = Inference(False)
    # An exported workbook is inferred again: re-import blanked the cells its Inferred sheet lists (unless a
    # reviewer changed them), so each inferred value gets its evidence back and the scores stay the same.
    rules, rules_sha = default_rules() if inference else (None, "")
    # One automaton for the criteria's and the inference rules' terms; each distinct text scanned once per run.
    texts = text_scan(criteria, inference_terms(rules) if rules is not None else ())
    if rules is not None:
        say("infer", 0.1)
        inp, inferred = infer(
            inp,
            rules,
            rules_sha,
            criteria.negation,
            lambda done: say("infer", 0.1 + 0.05 * done),
            scan=texts,
        )
    say("validate", 0.15)
    val = validate(inp, criteria, load_shipped() if country_sheet else None)
    inp = raw_of_invalid_only(inp, val.valid)
    records = val.records.copy(
        deep=False
    )  # copy-on-write: the outcome and track columns are new, the rest shared
    records["outcome"] = np.where(val.valid, "candidate", "invalid")
    frame = add_derived(records[val.valid].reset_index(drop=True), criteria)
    groups = group_columns(frame)  # display and the portfolio only: no score reads it (fixed anchors)
    frame = frame.assign(**{c: groups[c].to_numpy() for c in GROUP_COLUMNS})
    by_key = groups.set_axis(frame["row_key"].to_numpy())
    records = records.assign(**{c: records["row_key"].map(by_key[c]) for c in GROUP_COLUMNS})
    say("screen", 0.35)
    screened = screen(frame, criteria, texts, lambda done: say("screen", 0.35 + 0.15 * done))
    frame = classify(frame, criteria, Context(screened.flags, texts, criteria.negation))
    screened = raise_late_flags(frame, criteria, screened, texts)
    excluded = screened.excluded
    keys = frame["row_key"].to_numpy()
    records.loc[np.isin(records["row_key"], keys[excluded]), "outcome"] = "excluded"
    records.loc[records["outcome"] == "candidate", "outcome"] = "ranked"
    records["track"] = records["row_key"].map(frame.set_index("row_key")["track"])
    live = frame[~excluded].reset_index(drop=True)  # index = row in the point matrix
    del frame  # the wide table of every valid record is not needed again: its memory goes before scoring
    dup_hits = duplicate_flags(live, criteria)
    hits = pd.concat([screened.hits, dup_hits], ignore_index=True) if len(dup_hits) else screened.hits
    say("score", 0.55)
    pm = point_matrix(
        live,
        criteria,
        Context({k: v[~excluded] for k, v in screened.flags.items()}, texts, criteria.negation),
    )
    weights = Weights.of(criteria)
    scores = weigh(pm, weights, criteria.missing_policy)
    caps = screened.tier_caps[~excluded]
    idx = indices(pm, criteria)
    live = categorised(
        live.assign(**{col: idx[col].to_numpy() for col in idx.columns}, flags=_flags(live, hits))
    )
    say("rank", 0.75)
    ranked = ranked_table(live, pm, scores, caps, criteria)
    return Result(
        inp, criteria, criteria_sha256, val, records, ranked, hits, pm, scores, weights, caps, inferred
    )


def raw_of_invalid_only(inp: Input, valid: np.ndarray) -> Input:
    """``inp`` with the raw cells of valid records blanked: after validation only an invalid record's cells
    are shown as read (its row of the Invalid sheet); the others live on as typed values. Positions stay
    (``row_key`` is the position in the frame), so a 100k-row input no longer holds every cell twice."""
    frame = inp.projects.frame
    if not valid.any():
        return inp
    columns = {}
    for name in frame.columns:
        col = frame[name].to_numpy(dtype=object, copy=True)
        col[valid] = None
        columns[name] = col
    blanked = pd.DataFrame(columns, index=frame.index, dtype=object, copy=False)
    return replace(inp, projects=inp.projects.with_frame(blanked))


def _flags(live: pd.DataFrame, hits: pd.DataFrame) -> pd.Series:
    """Each live project's review flags, ``;``-joined in the order they were raised ("" for none)."""
    flag_hits = hits.loc[hits["kind"] == "flag", ["row_key", "id"]].drop_duplicates()  # keeps first order
    by_key = flag_hits.groupby("row_key", sort=False)["id"].agg(";".join)
    return live["row_key"].map(by_key.to_dict()).astype(object).where(lambda s: s.notna(), "")


def reweigh(result: Result, weights: Weights) -> Result:
    """Re-rank under new weights from the stored point matrix: no reading, no validation, no screening.

    ``result.ranked`` keeps, as its index, each project's row in the point matrix, so the new table is the
    same :func:`~screening.stages.rank.ranked_table` a fresh run with these weights builds.
    """
    scores = weigh(result.pm, weights, result.criteria.missing_policy)
    ranked = ranked_table(result.ranked, result.pm, scores, result.tier_caps, result.criteria)
    return replace(result, ranked=ranked, scores=scores, weights=weights)
