from __future__ import annotations

import textwrap

import pytest

from screening.criteria.loader import load_criteria, load_criteria_bytes
from screening.criteria.models import CriteriaError

MINI = textwrap.dedent("""
    id: mini
    version: "1"
    title: {zh: 测试, en: Test}
    sources: {p: {cite: paper}}
    tracks: [{id: standard, label: {zh: 常规, en: Standard}}]
    dimensions:
      - id: d
        label: {zh: 维度, en: Dim}
        weight: 1
        criteria:
          - id: c
            label: {zh: 指标, en: Crit}
            scorer: {kind: linear, field: local_jobs, anchors: [[0, 0], [100, 100]]}
            source: p
    tiers: [{id: deferred, min_score: 0, label: {zh: 暂缓, en: Deferred}}]
""")


def load(text: str):
    return load_criteria_bytes(text.encode(), "test.yaml")


def test_mini_loads():
    cs = load(MINI)
    assert cs.id == "mini" and [c.id for _, c in cs.criteria] == ["c"]


def test_default_criteria_load():
    cs = load_criteria()
    assert cs.dimensions and cs.gates and cs.flags


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("weight: 1", "weight: 1\n    colour: red"), "dimensions.0.colour: unknown key"),
        (("field: local_jobs", "field: local_jobz"), "unknown column 'local_jobz'"),
        (("source: p", "source: nowhere"), "unknown source 'nowhere'"),
        (("weight: 1", "weight: -3"), "dimensions.0.weight"),
        (("[[0, 0], [100, 100]]", "[[100, 0], [0, 100]]"), "anchor x values must increase"),
        (("kind: linear", "kind: eval"), "dimensions.0.criteria.0.scorer"),
    ],
)
def test_errors_name_file_path_and_fix(change, expected):
    old, new = change
    with pytest.raises(CriteriaError) as err:
        load(MINI.replace(old, new, 1))
    assert "test.yaml" in str(err.value)
    assert expected in str(err.value)


def test_unknown_rule_kind_is_rejected():
    text = MINI.replace("tracks: [{id: standard,", "tracks: [{id: flagship, label: {zh: 旗舰, en: F}, when: {python: '1'}}, {id: standard,")
    with pytest.raises(CriteriaError, match="not a known rule"):
        load(text)


def test_yaml_is_safe_loaded():
    with pytest.raises(CriteriaError, match="not valid YAML"):
        load("!!python/object/apply:os.system ['echo hacked']")


def test_with_weights_revalidates():
    cs = load(MINI)
    assert cs.with_weights({"d": 5}).dimensions[0].weight == 5
    with pytest.raises(CriteriaError):
        cs.with_weights({"d": -1})
