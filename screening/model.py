"""The data the pipeline passes between stages: raw tables, the input, a run's result, and the one input error.

Everything here is plain data (no stage logic), so that every layer can import it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.stages.explain import rationale
from screening.stages.score import PointMatrix, Scores, Weights


@dataclass
class Validated:
    records: pd.DataFrame      # every input record: row_key, source_sheet, source_row, typed canonical + extra columns
    valid: np.ndarray          # (n,) bool
    issues: pd.DataFrame       # ISSUE_COLUMNS; severity 'invalid' makes a record invalid, 'data' does not
    extra_columns: list[str]   # input columns that are not canonical, carried to the output
    input_columns: list[str]   # every input column in input order (canonical names where matched)


Progress = Callable[[str, float], None]


@dataclass
class Result:
    """Everything one screening run produced. ``records`` holds every input record with its ``outcome``."""

    input: Input
    criteria: CriteriaSet
    criteria_sha256: str
    validated: Validated
    records: pd.DataFrame           # all records: outcome ∈ {ranked, excluded, invalid}
    ranked: pd.DataFrame            # ranked projects, best first, with scores and labels
    hits: pd.DataFrame              # every gate and flag hit
    pm: PointMatrix
    scores: Scores
    weights: Weights
    tier_caps: np.ndarray           # (n,) per point-matrix row: best tier a review flag allows, -1 for none
    made_at: str = field(default_factory=lambda: _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))

    @property
    def excluded(self) -> pd.DataFrame:
        return self.records[self.records["outcome"] == "excluded"]

    @property
    def invalid(self) -> pd.DataFrame:
        return self.records[self.records["outcome"] == "invalid"]

    @property
    def issues(self) -> pd.DataFrame:
        return self.validated.issues

    def counts(self) -> dict[str, int]:
        c = self.records["outcome"].value_counts()
        return {"records": len(self.records), **{k: int(c.get(k, 0)) for k in ("ranked", "excluded", "invalid")}}

    def rationale(self, langs: tuple[str, ...] = ("en", "zh"), rows: slice | None = None) -> pd.DataFrame:
        """Per project and criterion; ``rows`` selects projects by position (point-matrix order)."""
        frame = self._scored_frame
        return rationale(frame, self.pm, self.scores, self.criteria, langs, rows)

    @property
    def _scored_frame(self) -> pd.DataFrame:
        return self.ranked.sort_values("row_key", kind="stable")


class InputError(ValueError):
    """The input cannot be read at all; ``en``/``zh`` say why in one line, and what to do."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class RawTable:
    """One sheet's records as read: raw cell values, the canonical name of each matched header."""

    sheet: str
    header_row: int                      # the row number a spreadsheet program shows
    frame: pd.DataFrame                  # raw values; columns are the canonical name or the header as written
    source_rows: np.ndarray              # row number of each record, as a spreadsheet program shows it
    matched: dict[str, str]              # header as written → canonical name
    renamed: dict[str, str] = field(default_factory=dict)  # canonical → header as written (for messages)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Input:
    name: str
    sha256: str
    projects: RawTable
    countries: RawTable | None
    sheets: list[str]
    exported: bool = False               # a workbook this tool wrote (has its Audit sheet)
    # Re-imported exported workbook only: one row per record read (row_key = position in projects.frame),
    # with source_sheet, source_row, reviewer_decision, reviewer_note and the previous outcome/rank/score/tier.
    reviews: pd.DataFrame | None = None
