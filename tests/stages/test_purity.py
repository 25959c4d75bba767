"""Stages return new objects and leave their inputs unchanged (pandas Copy-on-Write, frozen tables)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from conftest import SAMPLES

from screening.criteria.loader import load_criteria
from screening.criteria.rules import Context
from screening.io.mapping import mapping_from_text
from screening.io.read import read_input
from screening.stages.classify import add_derived, classify
from screening.stages.score import point_matrix
from screening.stages.screen import screen
from screening.stages.validate import validate


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_copy_on_write_is_on() -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    view = frame["a"]
    view.iloc[0] = 99
    assert frame.loc[0, "a"] == 1


def test_validate_leaves_the_input_unchanged() -> None:
    inp = read_input(SAMPLES / "sample_projects.xlsx")
    before = copy.deepcopy(inp.projects.frame)
    countries = copy.deepcopy(inp.countries.frame) if inp.countries is not None else None
    validate(inp)
    _same(inp.projects.frame, before)
    if countries is not None:
        _same(inp.countries.frame, countries)


def test_a_mapping_returns_a_new_table() -> None:
    table = read_input(SAMPLES / "sample_projects.xlsx").projects
    before = copy.deepcopy(table.frame)
    mapping = mapping_from_text(
        "id: t\ncolumns:\n  sector: {from: sector, default: other, values: {energy: energy}}\n"
        "  status: {value: planned}\n"
    )
    mapped = mapping.apply(table)
    _same(table.frame, before)
    assert mapped is not table


def test_screening_classifying_and_scoring_leave_the_frame_unchanged() -> None:
    criteria = load_criteria()
    val = validate(read_input(SAMPLES / "sample_projects.xlsx"))
    frame = add_derived(val.records[val.valid].reset_index(drop=True), criteria)
    before = copy.deepcopy(frame)
    screened = screen(frame, criteria)
    _same(frame, before)
    classified = classify(frame, criteria, Context(screened.flags))
    _same(frame, before)
    live = classified[~screened.excluded].reset_index(drop=True)
    live_before = copy.deepcopy(live)
    pm = point_matrix(live, criteria, Context({k: v[~screened.excluded] for k, v in screened.flags.items()}))
    _same(live, live_before)
    assert np.isfinite(pm.points[~np.isnan(pm.points)]).all()
