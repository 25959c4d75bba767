"""Completeness exactly at the line is enough: ``insufficient_data`` means *below* ``completeness_threshold``.

DESIGN.md / criteria/default.yaml: "a project whose assessed share of the weight (completeness) is below 50 %
gets the tier insufficient data". A project at exactly 50 % is tiered by its score. These tests pin the
boundary directly on :func:`screening.score.assign_tiers` and end to end through
:func:`screening.pipeline.run`, with a criteria set built so that a record's completeness is exactly the
threshold.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from conftest import rec, write_csv

from screening.criteria import load_criteria_bytes
from screening.pipeline import reweigh, run
from screening.score import Weights, assign_tiers

# Two equally weighted criteria in one dimension: a record with exactly one of the two fields filled has
# completeness 1/2 (exact in binary floating point). The threshold is written into the file.
HALF = textwrap.dedent("""
    id: half-test
    version: "1"
    title: {zh: 测试, en: Test}
    missing_policy: zero
    completeness_threshold: {threshold}
    sources: {p: {cite: paper}}
    tracks:
      - {id: standard, label: {zh: 常规, en: Standard}}
    dimensions:
      - id: social
        label: {zh: 社会, en: Social}
        weight: 1
        criteria:
          - id: jobs
            label: {zh: 就业, en: Jobs}
            scorer: {kind: linear, field: local_jobs, anchors: [[0, 0], [1000, 100]]}
            source: p
          - id: trainees
            label: {zh: 培训, en: Trainees}
            scorer: {kind: linear, field: trainees, anchors: [[0, 0], [1000, 100]]}
            source: p
    tiers:
      - {id: priority, min_score: 40, label: {zh: 优先, en: P}}
      - {id: deferred, min_score: 0, label: {zh: 暂缓, en: D}}
""")


def half_criteria(threshold: str = "0.5"):
    return load_criteria_bytes(HALF.replace("{threshold}", threshold).encode(), "half.yaml")


@pytest.fixture(scope="module")
def default_set():
    from screening.criteria import load_criteria

    return load_criteria()


def test_assign_tiers_at_below_and_above_the_default_threshold(default_set):
    assert default_set.completeness_threshold == 0.5
    total = np.array([80.0, 80.0, 80.0, 80.0, 50.0])
    below = np.nextafter(0.5, 0.0) - 1e-6          # clearly below, beyond any rounding tolerance
    completeness = np.array([0.5, below, 1.0, 0.0, 0.5])
    tiers = assign_tiers(total, completeness, default_set)
    assert list(tiers) == ["priority", "insufficient_data", "priority", "insufficient_data", "conditional"]


@pytest.mark.parametrize("threshold", [0.0, 0.25, 0.3, 0.5, 0.7, 0.9, 1.0])
def test_assign_tiers_exactly_at_any_threshold_is_not_insufficient(default_set, threshold):
    cs = default_set.model_copy(update={"completeness_threshold": threshold})
    total = np.array([80.0, 80.0])
    tiers = assign_tiers(total, np.array([threshold, threshold - 1e-6]), cs)
    assert tiers[0] == "priority"
    if threshold > 0:
        assert tiers[1] == "insufficient_data"


def test_assign_tiers_tolerates_float_noise_just_below_the_threshold(default_set):
    # 0.1 + 0.2 style noise (a completeness summed from shares) must not flip a project at the line.
    cs = default_set.model_copy(update={"completeness_threshold": 0.3})
    noisy = float(np.nextafter(0.3, 0.0))             # one unit in the last place below the line
    assert noisy < 0.3
    assert assign_tiers(np.array([80.0]), np.array([noisy]), cs)[0] == "priority"


def test_assign_tiers_at_threshold_keeps_the_cap(default_set):
    conditional = [t.id for t in default_set.tiers].index("conditional")
    tiers = assign_tiers(np.array([90.0, 90.0]), np.array([0.5, 0.5]), default_set, np.array([conditional, -1]))
    assert list(tiers) == ["conditional", "priority"]


def test_run_record_with_completeness_exactly_the_threshold(tmp_path):
    cs = half_criteria("0.5")
    path = write_csv(tmp_path / "half.csv", [
        rec("AT", local_jobs=900),                       # one of two criteria assessed: completeness 0.5
        rec("FULL", local_jobs=900, trainees=900),       # completeness 1
        rec("NONE"),                                     # completeness 0
    ])
    result = run(path, criteria=cs)
    r = result.ranked.set_index("project_id")
    assert r.loc["AT", "completeness"] == 0.5
    assert r.loc["AT", "score"] == pytest.approx(45.0)
    assert r.loc["AT", "tier"] == "priority"             # score ≥ 40 and completeness not below 0.5
    assert r.loc["FULL", "tier"] == "priority"
    assert r.loc["NONE", "tier"] == "insufficient_data"
    # Re-weighting from the point matrix decides the boundary the same way.
    again = reweigh(result, Weights.of(cs)).ranked.set_index("project_id")
    assert again.loc["AT", "tier"] == "priority"


def test_run_with_threshold_set_to_a_real_records_completeness(default_criteria):
    """Default criteria, the bundled sample: a threshold equal to a ranked project's own completeness keeps
    that project tiered by its score; only projects strictly below the line are insufficient."""
    from conftest import SAMPLES

    base = run(SAMPLES / "sample_projects.xlsx", criteria=default_criteria).ranked
    comp = base["completeness"].to_numpy()
    inside = np.sort(comp[(comp > 0.5) & (comp < 1)])
    line = float(inside[len(inside) // 2])
    cs = default_criteria.model_copy(update={"completeness_threshold": line})
    got = run(SAMPLES / "sample_projects.xlsx", criteria=cs).ranked.set_index("project_id")
    at_line = got.index[got["completeness"] == line]
    assert len(at_line) >= 1
    assert not (got.loc[at_line, "tier"] == "insufficient_data").any()
    below = got["completeness"] < line
    assert (got.loc[below, "tier"] == "insufficient_data").all()
    assert not (got.loc[~below, "tier"] == "insufficient_data").any()
