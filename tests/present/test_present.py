"""screening.views: the Streamlit-free helpers behind the app's pages."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest

from screening import pipeline, present
from screening.analysis.weights import apply_weights, validated_weights
from screening.criteria.loader import criteria_files, load_criteria, load_criteria_bytes
from screening.criteria.models import CriteriaError
from screening.i18n.catalogue import catalogue
from screening.io.mapping import MappingError, load_mapping, mapping_from_text, mapping_yaml
from screening.io.read import raw_headers
from screening.model import InputError, Result
from screening.report import rationale_of
from screening.stages.score import Weights

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_projects" / "sample_projects.xlsx"
AIDDATA = ROOT.parent / "shared" / "data" / "aiddata_gcdf3_extract.csv"


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLE)


def test_every_label_is_bilingual() -> None:
    for key, entry in catalogue().items():
        assert entry.zh.strip() and entry.en.strip(), key
    assert present.t("ranked", "zh") == "参与排名"
    assert present.t("no_result", "en", msg="x").startswith("No result to show: x")
    assert present.t("not-a-key", "en") == "not-a-key"


def test_ranking_table_labels_and_filters(result: Result) -> None:
    cs = result.criteria
    table = present.ranking_table(result.ranked, "zh", cs)
    assert len(table) == len(result.ranked)
    assert table["project_id"].tolist() == result.ranked["project_id"].astype(str).tolist()
    assert set(table["tier"]) <= {present.tier_label(t, "zh", cs) for t in present.TIER_ORDER}
    opts = present.filter_options(result.ranked)
    assert opts["light"] == []  # without the criteria set, no column has the light's role
    light = present.light_column(cs)
    assert light is not None and present.filter_options(result.ranked, cs)["light"]
    first = present.filter_options(result.ranked, cs)["light"][0]
    lit = present.apply_filters(result.ranked, present.Filters(light=[first]), cs)
    assert len(lit) == int((result.ranked[light] == first).sum()) > 0
    assert light in table.columns and set(table[light]) <= {
        present.light_label(v, "zh", cs) for v in result.ranked[light].unique()
    }
    track = opts["track"][0]
    shown = present.apply_filters(result.ranked, present.Filters(track=[track]))
    assert len(shown) == int((result.ranked["track"] == track).sum())
    assert len(present.apply_filters(result.ranked, present.Filters())) == len(result.ranked)
    both = present.apply_filters(result.ranked, present.Filters(track=[track], tier=opts["tier"][:1]))
    assert set(both["track"]) <= {track} and set(both["tier"]) <= set(opts["tier"][:1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_build(result: Result, lang: str) -> None:
    cs = result.criteria
    for make in (present.score_distribution_chart, present.ipf_quadrant_chart, present.tier_by_country_chart):
        chart = make(result.ranked, lang, cs)
        assert isinstance(chart, alt.TopLevelMixin)
        chart.to_dict()
    pid = str(result.ranked["project_id"].iloc[0])
    present.dimension_vs_median_chart(result, pid, lang).to_dict()


def test_charts_aggregate_large_inputs(result: Result) -> None:
    big = pd.concat([result.ranked] * (present.MAX_MARKS // len(result.ranked) + 2), ignore_index=True)
    big["project_id"] = [f"P{i}" for i in range(len(big))]
    for make in (present.score_distribution_chart, present.ipf_quadrant_chart, present.tier_by_country_chart):
        make(big, "en", result.criteria).to_dict()  # would raise MaxRowsError above 5,000 marks


def test_dimension_vs_median(result: Result) -> None:
    pid = str(result.ranked["project_id"].iloc[0])
    frame = present.dimension_vs_median(result, pid, "en")
    assert frame["dimension"].tolist() == [
        d.id for d in result.criteria.dimensions if f"dim_{d.id}" in result.ranked.columns
    ]
    row = result.ranked.iloc[0]
    peers = result.ranked[result.ranked["track"] == row["track"]]
    for _, r in frame.iterrows():
        col = f"dim_{r['dimension']}"
        assert r["project"] == pytest.approx(float(row[col]), nan_ok=True)
        assert r["median"] == pytest.approx(float(peers[col].median()), nan_ok=True)


def test_project_rationale_matches_the_library(result: Result) -> None:
    pid = str(result.ranked["project_id"].iloc[3])
    mine = present.project_rationale(result, pid, "en")
    full = rationale_of(result)
    theirs = full[full["project_id"].astype(str) == pid]
    assert len(mine) == len(theirs) == len(result.criteria.criteria)
    assert mine["reason"].tolist() == theirs["reason_en"].tolist()
    assert np.allclose(mine["contribution"].to_numpy(float), theirs["contribution"].to_numpy(float))
    assert mine["contribution"].sum() == pytest.approx(float(result.ranked.iloc[3]["score"]), abs=0.05)
    # the short citation with its section, as the workbook's Rationale shows it; Chinese values in Chinese
    assert mine["source"].tolist() == theirs["source_en"].tolist()
    zh = present.project_rationale(result, pid, "zh")
    assert zh["source"].tolist() == theirs["source_zh"].tolist()
    assert zh["value"].tolist() == theirs["value_zh"].tolist()
    assert mine["value"].tolist() == theirs["value"].tolist()


def test_next_tier_text(result: Result) -> None:
    cs = result.criteria
    top = result.ranked.iloc[0]
    if top["tier"] == cs.tiers[0].id:
        assert present.next_tier_text(result, str(top["project_id"]), "en") == present.t("top_tier", "en")
    lower = result.ranked[result.ranked["tier"].isin([t.id for t in cs.tiers[1:]])]
    if len(lower):
        text = present.next_tier_text(result, str(lower["project_id"].iloc[0]), "zh")
        assert "还差" in text
    assert present.next_tier_text(result, "no-such-id", "en") == ""


def test_not_candidates_are_shown_apart_from_the_negative_list(result: Result) -> None:
    gated = present.excluded_table(result, "en", kind="gate")
    apart = present.excluded_table(result, "en", kind="not_candidate")
    assert len(gated) + len(apart) == result.counts()["excluded"]
    assert len(apart) == result.not_candidates()
    assert set(gated["project_id"]).isdisjoint(apart["project_id"])
    if len(apart):
        assert (apart["exclusion"] == present.t("exclusion_not_candidate", "en")).all()
        hits = present.project_hits(result, str(apart["project_id"].iloc[0]), "zh")
        assert (hits["kind"] == present.t("kind_not_candidate", "zh")).any()


def test_hits_excluded_invalid_issues(result: Result) -> None:
    ex = present.excluded_table(result, "en")
    assert len(ex) == result.counts()["excluded"]
    if len(ex):
        pid = str(ex["project_id"].iloc[0])
        hits = present.project_hits(result, pid, "en")
        assert (hits["kind"] == present.t("kind_gate", "en")).any()
        assert hits["reason"].str.len().gt(0).all()
    problems = pipeline.run(ROOT / "sample_projects" / "problem_projects.xlsx")
    inv = present.invalid_table(problems, "zh")
    assert len(inv) == problems.counts()["invalid"] > 0
    assert inv["problems"].astype(str).str.len().gt(0).all()
    issues = present.issues_table(problems, "en")
    assert len(issues) == len(problems.issues)
    only_invalid = present.filter_issues(issues, severity=["invalid"])
    assert (only_invalid["severity_code"] == "invalid").all()
    col = str(issues["column"].iloc[0])
    assert (present.filter_issues(issues, columns=[col])["column"] == col).all()
    assert len(present.filter_issues(issues, query="zzz-not-there")) == 0


def test_weights_validated_and_applied(result: Result) -> None:
    cs = result.criteria
    assert validated_weights(cs, None) is cs
    assert validated_weights(cs, {"dimensions": {}, "criteria": {}}) is cs
    dim = cs.dimensions[0].id
    edited = validated_weights(cs, {"dimensions": {dim: 77.0, "unknown-id": 5.0}})
    assert Weights.of(edited).dimensions[dim] == 77.0
    out = apply_weights(result, edited)
    ref = pipeline.reweigh(result, Weights.of(edited))
    assert out.ranked["project_id"].tolist() == ref.ranked["project_id"].tolist()
    assert out.criteria is edited and out.weights == Weights.of(edited)
    assert apply_weights(result, cs) is result
    crit = cs.criteria[0][1].id
    for bad in (-1.0, 1001.0, float("nan"), float("inf"), "abc", None, True):
        with pytest.raises(CriteriaError):
            validated_weights(cs, {"criteria": {crit: bad}})  # type: ignore[dict-item]
    with pytest.raises(CriteriaError):
        validated_weights(cs, {"dimensions": {d.id: 0.0 for d in cs.dimensions}})


def test_weights_frames_round_trip(result: Result) -> None:
    cs = result.criteria
    w = Weights.of(cs)
    dims, crits = present.weights_frames(cs, w, "zh")
    assert dims["id"].tolist() == [d.id for d in cs.dimensions]
    assert crits["id"].tolist() == [c.id for _, c in cs.criteria]
    assert dims["share"].sum() == pytest.approx(100, abs=0.5)
    back = present.weights_from_frames(dims, crits)
    assert back == {"dimensions": w.dimensions, "criteria": w.criteria}


def test_criteria_yaml_loads_back(result: Result) -> None:
    cs = result.criteria
    edited = validated_weights(cs, {"dimensions": {cs.dimensions[-1].id: 42.0}})
    again = load_criteria_bytes(present.criteria_yaml(edited).encode(), "edited.yaml")
    assert again.fingerprint() == edited.fingerprint()
    details = present.criteria_details(cs, "en")
    assert len(details) == len(cs.criteria)
    assert details["anchors"].astype(str).str.len().gt(0).all()
    assert details["source"].astype(str).str.len().gt(0).all()


def test_criteria_files_list_the_default_first() -> None:
    files = criteria_files()
    assert files and files[0].name == "default.yaml"
    load_criteria(files[0])


def test_header_table_and_mapping_round_trip(result: Result) -> None:
    table = present.header_table(result.input)
    assert set(table["canonical"]) - {""} <= set(present.canonical_options())
    assert table.loc[table["canonical"] == "project_id", "required"].all()
    mapping = present.mapping_from_table(table)
    again = mapping_from_text(mapping_yaml(mapping))
    assert again == mapping
    dup = table.copy()
    dup.loc[dup.index[1], "canonical"] = "project_id"
    with pytest.raises(MappingError):
        present.mapping_from_table(dup)
    with pytest.raises(MappingError):
        mapping_from_text("columns: [1, 2")
    with pytest.raises(MappingError):
        mapping_from_text("id: x\ncolumns:\n  not_a_column: {from: A}\n")


@pytest.mark.skipif(not AIDDATA.exists(), reason="../shared/data is not beside the repository")
def test_raw_headers_let_a_user_map_an_unknown_layout() -> None:
    data = AIDDATA.read_bytes()
    with pytest.raises(InputError):
        pipeline.run(data, name=AIDDATA.name)
    raw = raw_headers(data, AIDDATA.name)
    assert "AidData Record ID" in raw.headers
    guessed = present.guess_table(raw.headers)
    builtin = load_mapping("aiddata-gcdf3")
    by_source = {rule.from_: canon for canon, rule in builtin.columns.items()}
    guessed["canonical"] = guessed["source_header"].map(lambda h: by_source.get(h, ""))
    mapping = present.mapping_from_table(guessed, builtin)
    assert mapping.columns["total_investment_usd_m"].scale == builtin.columns["total_investment_usd_m"].scale
    got = pipeline.run(data, name=AIDDATA.name, mapping=mapping)
    assert got.counts() == pipeline.run(data, name=AIDDATA.name, mapping=builtin).counts()


def test_raw_headers_refuse_junk() -> None:
    with pytest.raises(InputError):
        raw_headers(b"\x00\x01garbage" * 100, "junk.xlsx")


def test_counts_frame(result: Result) -> None:
    frame = present.counts_frame(result, "en")
    c = result.counts()
    assert dict(zip(frame["key"], frame["count"], strict=True))["ranked"] == c["ranked"]
    assert frame.loc[frame["key"] == "records", "count"].iloc[0] == c["records"]
