"""Inference: fill canonical fields a record leaves blank from what the record itself carries, and say from what.

A stage of its own, after mapping and before validation (DESIGN.md "The data flow"; docs/inference.md). The
rules are data (``screening/_data/evidence/inference/rules.yaml``); the kinds are code
(:mod:`screening.inference.extract`). Three promises:

* a value the user gave always wins: a rule only fills a blank cell;
* absence is never evidence: a rule fills a value only from a column or a span of text that states it, and a
  negated occurrence ("no resettlement") is no evidence;
* every filled value cites what it came from: :attr:`Inference.provenance`, one row per filled cell, shown in
  the rationale and the workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from screening.criteria.negation import Negation
from screening.criteria.textscan import TextScan
from screening.inference.extract import EXTRACTORS, Texts, blank_mask, condition_mask
from screening.inference.rules import InferenceRules, NumberNearWords, NumberWithUnit, TermValue
from screening.model import Inference, Input

__all__ = ["PROVENANCE_COLUMNS", "infer", "inference_terms"]

PROVENANCE_COLUMNS = ["row_key", "column", "value", "rule", "field", "start", "end", "evidence"]


def inference_terms(rules: InferenceRules) -> set[str]:
    """Every literal term the text rules search for."""
    return {
        t
        for r in rules.rules
        if isinstance(r, TermValue | NumberWithUnit | NumberNearWords)
        for t in r.terms()
    }


def infer(
    inp: Input,
    rules: InferenceRules,
    sha256: str,
    negation: Negation | None = None,
    progress: Callable[[float], None] | None = None,
    scan: TextScan | None = None,
) -> tuple[Input, Inference]:
    """The input with blanks filled where a rule finds evidence, and the provenance of each filled cell.

    ``negation``: the criteria set's cues (one set for gates, flags and inference); None judges no negation.
    ``scan``: the run's text scan, holding every rule term (:func:`inference_terms`); one of its own if None.
    """
    frame = inp.projects.frame.copy(deep=False)
    text_rules = [r for r in rules.rules if isinstance(r, TermValue | NumberWithUnit | NumberNearWords)]
    fields = sorted({f for r in text_rules for f in r.fields})
    if scan is None or not scan.knows(inference_terms(rules)):
        scan = TextScan(sorted(inference_terms(rules)), negation)
    texts = Texts(frame, fields, scan, negation)
    parts: list[pd.DataFrame] = []
    for k, rule in enumerate(rules.rules):
        open_ = blank_mask(frame, rule.target) & condition_mask(frame, rule.when)
        if not open_.any():
            continue
        got = EXTRACTORS[rule.kind](frame, rule, texts, open_)
        if not len(got.rows):
            continue
        column = (
            frame[rule.target].astype(object)
            if rule.target in frame.columns
            else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        )
        column = column.copy()
        column.iloc[got.rows] = pd.Series(got.values, dtype=object).to_numpy()
        frame[rule.target] = column
        parts.append(
            pd.DataFrame(
                {
                    "row_key": got.rows,
                    "column": rule.target,
                    "value": pd.Series(got.values, dtype=object),
                    "rule": rule.id,
                    "field": got.field,
                    "start": got.start,
                    "end": got.end,
                    "evidence": got.evidence,
                }
            )
        )
        if progress is not None:
            progress((k + 1) / len(rules.rules))
    provenance = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PROVENANCE_COLUMNS)
    ).astype({"row_key": np.int64})
    return replace(inp, projects=inp.projects.with_frame(frame)), Inference(
        True, rules.version, sha256, provenance
    )
