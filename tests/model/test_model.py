"""screening.model: frozen data and the schemas of the internal frames."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pandera.errors
import pytest
from conftest import SAMPLES

from screening.i18n import Text
from screening.model import (
    HitsFrame,
    InputError,
    IssuesFrame,
    RankedFrame,
    RationaleFrame,
    RecordsFrame,
    check_result,
)
from screening.pipeline import run
from screening.report import rationale_of


@pytest.fixture(scope="module")
def sample():
    return run(SAMPLES / "sample_projects.xlsx")


def test_a_run_and_its_input_are_frozen(sample) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.ranked = sample.ranked.head(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.input.projects.frame = pd.DataFrame()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.validated.valid = None  # type: ignore[misc]


@pytest.mark.parametrize("name", ["sample_projects.xlsx", "problem_projects.csv"])
def test_every_internal_frame_meets_its_schema(name: str) -> None:
    result = run(SAMPLES / name)
    check_result(result)
    RationaleFrame.validate(rationale_of(result))


def test_each_schema_rejects_a_broken_frame(sample) -> None:
    records = sample.records.copy()
    records.loc[records.index[0], "outcome"] = "lost"
    with pytest.raises(pandera.errors.SchemaError):
        RecordsFrame.validate(records)
    ranked = sample.ranked.iloc[::-1]  # ranks no longer the row order
    with pytest.raises(pandera.errors.SchemaError):
        RankedFrame.validate(ranked)
    hits = sample.hits.copy()
    hits.loc[hits.index[0], "kind"] = "note"
    with pytest.raises(pandera.errors.SchemaError):
        HitsFrame.validate(hits)
    issues = pd.DataFrame({"severity": ["fatal"], "message_en": ["x"], "message_zh": ["x"]})
    with pytest.raises(pandera.errors.SchemaError):
        IssuesFrame.validate(issues)
    rat = rationale_of(sample)
    rat.loc[rat.index[0], "points"] = 101.0
    with pytest.raises(pandera.errors.SchemaError):
        RationaleFrame.validate(rat)


def test_a_hit_on_a_record_that_does_not_exist_is_refused(sample) -> None:
    hits = sample.hits.copy()
    hits.loc[hits.index[0], "row_key"] = 10_000
    with pytest.raises(pandera.errors.SchemaError):
        check_result(dataclasses.replace(sample, hits=hits))


def test_an_input_error_carries_one_text() -> None:
    err = InputError("The file is empty", "文件为空")
    assert err.text == Text(en="The file is empty", zh="文件为空")
    assert err.message("zh") == "文件为空" and err.message("en") == str(err) == "The file is empty"
