"""The data the pipeline passes between stages: raw tables, the input, a run's result, the one input error,
and the pandera schemas of the internal frames.

Everything here is plain, frozen data (no stage logic), so that every layer can import it. Stages return new
objects (pandas Copy-on-Write keeps that cheap) and never assign to an input's fields.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from screening.i18n import Text

if TYPE_CHECKING:
    from screening.criteria.models import CriteriaSet
    from screening.stages.score import PointMatrix, Scores, Weights


class Outcome(StrEnum):
    """Where each input record ends: exactly one of these (DESIGN.md contract 1)."""

    RANKED = "ranked"
    EXCLUDED = "excluded"
    INVALID = "invalid"


class Severity(StrEnum):
    """A data issue either makes its record invalid or is only reported."""

    INVALID = "invalid"
    DATA = "data"


@dataclass(frozen=True)
class Validated:
    records: (
        pd.DataFrame
    )  # every input record: row_key, source_sheet, source_row, typed canonical + extra columns
    valid: np.ndarray  # (n,) bool
    issues: pd.DataFrame  # ISSUE_COLUMNS; severity 'invalid' makes a record invalid, 'data' does not
    extra_columns: list[str]  # input columns that are not canonical, carried to the output
    input_columns: list[str]  # every input column in input order (canonical names where matched)
    # Where each country-context value came from (stages.validate.COUNTRY_SOURCE_COLUMNS); None before a join.
    country_sources: pd.DataFrame | None = None
    country_sheet_sha256: str | None = None  # the shipped country sheet's version, None when it was not used
    country_sheet_as_of: str | None = None


Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Result:
    """Everything one screening run produced. ``records`` holds every input record with its ``outcome``."""

    input: Input
    criteria: CriteriaSet
    criteria_sha256: str | None  # SHA-256 of the criteria file's bytes; None for a set edited in memory
    validated: Validated
    records: pd.DataFrame  # all records: outcome ∈ {ranked, excluded, invalid}
    ranked: pd.DataFrame  # ranked projects, best first, with scores and labels
    hits: pd.DataFrame  # every gate and flag hit
    pm: PointMatrix
    scores: Scores
    weights: Weights
    tier_caps: np.ndarray  # (n,) per point-matrix row: best tier a review flag allows, -1 for none
    inference: Inference = field(default_factory=lambda: Inference(False))
    made_at: str = field(default_factory=lambda: _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))

    @property
    def criteria_fingerprint(self) -> str:
        """SHA-256 of the criteria set as loaded (weights included): equal for two files that differ only in
        comments or layout, different after any edit of weights."""
        return self.criteria.fingerprint()

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
        return {
            "records": len(self.records),
            **{k: int(c.get(k, 0)) for k in ("ranked", "excluded", "invalid")},
        }

    def not_candidates(self) -> int:
        """Excluded records that are not candidates at all (a gate of kind ``not_a_candidate``: cancelled,
        suspended), counted apart from the negative list's exclusions."""
        hits = self.hits
        return int(hits.loc[hits["kind"] == "not_candidate", "row_key"].nunique()) if len(hits) else 0


class InputError(ValueError):
    """The input cannot be read at all; :attr:`text` says why in one line, and what to do, in both languages."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.text = Text(en=en, zh=zh)

    @property
    def en(self) -> str:
        return self.text.en

    @property
    def zh(self) -> str:
        return self.text.zh

    def message(self, lang: str) -> str:
        return self.text.get(lang)


@dataclass(frozen=True)
class RawTable:
    """One sheet's records as read: raw cell values, the canonical name of each matched header."""

    sheet: str
    header_row: int  # the row number a spreadsheet program shows
    frame: pd.DataFrame  # raw values; columns are the canonical name or the header as written
    source_rows: np.ndarray  # row number of each record, as a spreadsheet program shows it
    matched: dict[str, str]  # header as written → canonical name
    renamed: dict[str, str] = field(default_factory=dict)  # canonical → header as written (for messages)
    warnings: tuple[Text, ...] = ()
    decimal_comma: bool = False  # the file writes decimal commas (a semicolon CSV: "0,75"); numbers read so

    def with_frame(self, frame: pd.DataFrame) -> RawTable:
        return replace(self, frame=frame)

    def with_warnings(self, *more: Text) -> RawTable:
        return replace(self, warnings=(*self.warnings, *more))


@dataclass(frozen=True)
class Inference:
    """Whether inference ran, with which rules, and what it filled (``row_key`` = position in the projects)."""

    on: bool
    version: str = ""
    sha256: str = ""
    provenance: pd.DataFrame | None = None

    @property
    def filled(self) -> int:
        return 0 if self.provenance is None else len(self.provenance)


@dataclass(frozen=True)
class Input:
    name: str
    sha256: str
    projects: RawTable
    countries: RawTable | None
    sheets: list[str]
    exported: bool = False  # a workbook this tool wrote (has its Audit sheet)
    # Re-imported exported workbook only: one row per record read (row_key = position in projects.frame),
    # with source_sheet, source_row, reviewer_decision, reviewer_note and the previous outcome/rank/score/tier.
    reviews: pd.DataFrame | None = None


# ----------------------------------------------------------------- schemas of the internal frames
# Checked in tests and where a frame crosses into another layer's hands (the CLI checks a run once before it
# writes); never on every hot call. Only the columns the contract names are checked; the frames carry more.
# Text columns are typed Any: pandas keeps them as object or as its string dtype depending on how they were built.


class RecordsFrame(pa.DataFrameModel):
    """Every input record with exactly one outcome (DESIGN.md contract 1)."""

    row_key: pa.typing.Series[int] = pa.Field(ge=0, unique=True)
    source_row: pa.typing.Series[int] = pa.Field(ge=1)
    outcome: pa.typing.Series[Any] = pa.Field(isin=[o.value for o in Outcome])

    class Config:
        coerce = False
        strict = False


class RankedFrame(pa.DataFrameModel):
    """Ranked projects, best first: scores on 0–100, completeness a share, ranks 1..n without gaps."""

    row_key: pa.typing.Series[int] = pa.Field(unique=True)
    score: pa.typing.Series[float] = pa.Field(ge=0, le=100)
    completeness: pa.typing.Series[float] = pa.Field(ge=0, le=1)
    rank: pa.typing.Series[int] = pa.Field(ge=1, unique=True)
    rank_in_track: pa.typing.Series[int] = pa.Field(ge=1)
    tier: pa.typing.Series[Any] = pa.Field(nullable=False)

    @pa.dataframe_check
    @classmethod
    def ranks_are_the_row_order(cls, frame: pd.DataFrame) -> bool:
        return bool((frame["rank"].to_numpy() == np.arange(1, len(frame) + 1)).all())

    class Config:
        coerce = False
        strict = False


class HitsFrame(pa.DataFrameModel):
    """Every gate and flag hit, each on a record that exists."""

    row_key: pa.typing.Series[Any] = pa.Field(ge=0)  # object dtype when there is no hit at all
    kind: pa.typing.Series[Any] = pa.Field(isin=["gate", "not_candidate", "flag"])
    id: pa.typing.Series[Any] = pa.Field(nullable=False)

    class Config:
        coerce = False
        strict = False


class IssuesFrame(pa.DataFrameModel):
    """Data problems: a severity each, a bilingual message each."""

    severity: pa.typing.Series[Any] = pa.Field(isin=[s.value for s in Severity])
    message_en: pa.typing.Series[Any] = pa.Field(nullable=False)
    message_zh: pa.typing.Series[Any] = pa.Field(nullable=False)

    class Config:
        coerce = False
        strict = False


class RationaleFrame(pa.DataFrameModel):
    """One row per ranked project and criterion: every point explained (DESIGN.md contract 2)."""

    project_id: pa.typing.Series[Any] = pa.Field(nullable=False)
    criterion: pa.typing.Series[Any] = pa.Field(nullable=False)
    status: pa.typing.Series[Any] = pa.Field(isin=["assessed", "not_assessed", "not_applicable"])
    points: pa.typing.Series[float] = pa.Field(ge=0, le=100, nullable=True)
    contribution: pa.typing.Series[float] = pa.Field(nullable=True)

    class Config:
        coerce = False
        strict = False


def check_result(result: Result) -> None:
    """Validate a run's internal frames against their schemas; raises ``pandera.errors.SchemaError``."""
    RecordsFrame.validate(result.records)
    RankedFrame.validate(result.ranked)
    HitsFrame.validate(result.hits)
    IssuesFrame.validate(result.issues)
    if not set(result.hits["row_key"]).issubset(set(result.records["row_key"])):
        raise pa.errors.SchemaError(
            HitsFrame.to_schema(), result.hits, "a hit on a record that does not exist"
        )
