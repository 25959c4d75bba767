"""Every page of the web app through Streamlit's AppTest: the sample opens ranked, uploads go through
``file_uploader``, weight edits injected through session state re-rank (and are re-validated), the language
switch changes the labels, and bad input shows a plain one-line message, never an exception.

AppTest cannot read a download's bytes: the export's content is tested through the library."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from app_helpers import ROOT, SAMPLE, XLSX
from app_helpers import errors as _errors
from app_helpers import metric_int as _metric
from app_helpers import ok as _ok
from app_helpers import open_app as _app
from app_helpers import page as _page

from screening import pipeline, present
from screening.analysis.weights import apply_weights, current_weights, validated_weights
from screening.criteria.loader import load_criteria
from screening.io.export import workbook_bytes
from screening.io.mapping import load_mapping, mapping_yaml
from screening.model import Result
from screening.stages.score import Weights

PROBLEMS = ROOT / "sample_projects" / "problem_projects.xlsx"
AIDDATA = ROOT.parent / "shared" / "data" / "aiddata_gcdf3_extract.csv"
PAGES = {
    "data": "page_data",
    "criteria": "page_criteria",
    "ranking": "page_ranking",
    "project": "page_project",
    "excluded": "page_excluded",
    "export": "page_export",
}
TITLES = {
    "data": "data_title",
    "criteria": "criteria_title",
    "ranking": "ranking_title",
    "project": "project_title",
    "excluded": "excluded_title",
    "export": "export_title",
}


@pytest.fixture(scope="module")
def sample_result() -> Result:
    return pipeline.run(SAMPLE)


def test_opens_on_the_sample_ranking(sample_result: Result) -> None:
    at = _app()
    _ok(at)
    assert at.title[0].value == present.t("ranking_title", "zh")
    counts = sample_result.counts()
    assert _metric(at, present.t("ranked", "zh")) == counts["ranked"]
    assert _metric(at, present.t("excluded", "zh")) == counts["excluded"]
    assert _metric(at, present.t("invalid", "zh")) == counts["invalid"]
    table = at.dataframe[0].value
    assert len(table) == counts["ranked"]
    assert table["project_id"].tolist() == sample_result.ranked["project_id"].astype(str).tolist()
    assert not _errors(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders(page: str, lang: str) -> None:
    at = _page(_app(lang), page)
    assert at.title[0].value == present.t(TITLES[page], lang)
    assert not _errors(at), _errors(at)


def test_language_switch_changes_labels() -> None:
    at = _app()
    zh_labels = [m.label for m in at.metric]
    at.radio(key="lang").set_value("en").run()
    _ok(at)
    assert at.title[0].value == "Project ranking"
    assert [m.label for m in at.metric] == [
        present.t(k, "en")
        for k in ("records", "ranked", "excluded", "invalid", "not_candidates", "data_issues")
    ]
    assert [m.label for m in at.metric] != zh_labels
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "项目排名"


def test_upload_a_workbook_through_file_uploader() -> None:
    expected = pipeline.run(PROBLEMS).counts()
    at = _page(_app("en"), "data")
    at.file_uploader(key="data_upload").set_value((PROBLEMS.name, PROBLEMS.read_bytes(), XLSX)).run()
    _ok(at)
    assert at.session_state["source"]["name"] == PROBLEMS.name
    assert _metric(at, "Invalid") == expected["invalid"] > 0
    assert any(
        df.value is not None and "message" in df.value.columns for df in at.dataframe
    )  # validation report
    at = _page(at, "excluded")
    tables = [df.value for df in at.dataframe]
    invalid = next(t for t in tables if "problems" in t.columns)
    assert len(invalid) == expected["invalid"]
    assert invalid["problems"].astype(str).str.len().gt(0).all()  # every record says why
    at = _page(at, "ranking")
    ranking = next(df.value for df in at.dataframe if "score" in df.value.columns)  # after a triage, if any
    assert len(ranking) == expected["ranked"]


def test_bad_upload_shows_a_plain_message(tmp_path: Path) -> None:
    junk = np.random.default_rng(7).bytes(4096)
    for lang in ("en", "zh"):
        at = _page(_app(lang), "data")
        at.file_uploader(key="data_upload").set_value(("broken.xlsx", junk, XLSX)).run()
        _ok(at)
        errors = _errors(at)
        assert errors, "a bad upload must say why"
        assert all("\n" not in e and "Traceback" not in e for e in errors)
        want = "not a workbook" if lang == "en" else "不是工作簿"
        assert any(want in e for e in errors), errors
        for page in ("ranking", "project", "export"):
            at = _page(at, page)
            assert _errors(at)


def test_weights_injected_through_session_state_rerank(sample_result: Result) -> None:
    cs = load_criteria()
    dims = [d.id for d in cs.dimensions]
    overrides = {
        "dimensions": {d: (1000.0 if i == len(dims) - 1 else 0.0) for i, d in enumerate(dims)},
        "criteria": {},
    }
    expected = pipeline.reweigh(sample_result, current_weights(cs, overrides))
    at = _app("en")
    before = at.dataframe[0].value["project_id"].tolist()
    at.session_state["weights"] = overrides
    at.run()
    _ok(at)
    after = at.dataframe[0].value
    assert after["project_id"].tolist() == expected.ranked["project_id"].astype(str).tolist()
    assert after["project_id"].tolist() != before
    assert np.allclose(after["score"].to_numpy(float), expected.ranked["score"].to_numpy(float))
    assert any(present.t("weights_edited", "en") in str(c.value) for c in at.sidebar.caption)


def test_weight_widget_edit_and_reset() -> None:
    at = _page(_app("en"), "criteria")
    first = load_criteria().dimensions[0]
    at.number_input[0].set_value(500.0).run()
    _ok(at)
    assert at.session_state["weights"]["dimensions"][first.id] == 500.0
    at.button(key="reset_weights").click().run()
    _ok(at)
    assert at.session_state["weights"] == {"dimensions": {}, "criteria": {}}


@pytest.mark.parametrize("bad", [-5.0, float("nan"), 5000.0, "abc"])
def test_bad_weights_are_revalidated_and_reported(bad: object, sample_result: Result) -> None:
    cs = load_criteria()
    crit = cs.criteria[0][1].id
    at = _app("en")
    at.session_state["weights"] = {"dimensions": {}, "criteria": {crit: bad}}
    at.run()
    _ok(at)
    # the ranking keeps the last valid weights (here: the file's)
    assert (
        at.dataframe[0].value["project_id"].tolist()
        == sample_result.ranked["project_id"].astype(str).tolist()
    )
    at = _page(at, "criteria")
    assert any(e.startswith("Weights not valid") for e in _errors(at)), _errors(at)


def test_all_dimension_weights_zero_is_refused() -> None:
    cs = load_criteria()
    at = _app("en")
    at.session_state["weights"] = {"dimensions": {d.id: 0.0 for d in cs.dimensions}, "criteria": {}}
    at = _page(at.run(), "criteria")
    assert any("add up to 0" in e for e in _errors(at)), _errors(at)


def test_weight_change_does_not_read_the_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_data.clear()
    st.cache_resource.clear()  # the screening run is a shared resource (app_pages/common.screen_cached)
    calls = {"n": 0}
    real = pipeline.read_input

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_input", counting)
    at = _app("en")
    assert calls["n"] == 1
    cs = load_criteria()
    at.session_state["weights"] = {"dimensions": {cs.dimensions[0].id: 99.0}, "criteria": {}}
    at.run()
    _page(at, "ranking")
    _page(at, "project")
    assert calls["n"] == 1


def test_project_page_shows_the_full_rationale(sample_result: Result) -> None:
    ranked = sample_result.ranked
    flagged = ranked[ranked["flags"].astype(str) != ""]
    pid = str((flagged if len(flagged) else ranked)["project_id"].iloc[0])
    at = _app("en")
    at.session_state["project_id"] = pid
    at = _page(at, "project")
    assert at.selectbox(key="project_pick").value == pid
    frames = [df.value for df in at.dataframe]
    hits = next(f for f in frames if "reason" in f.columns and "kind" in f.columns)
    assert len(hits) == int((sample_result.hits["project_id"].astype(str) == pid).sum())
    rows = sum(len(f) for f in frames if "contribution" in f.columns)
    assert rows == len(sample_result.criteria.criteria)
    assert all(f["reason"].astype(str).str.len().gt(0).all() for f in frames if "contribution" in f.columns)
    assert all(f["source"].astype(str).str.len().gt(0).all() for f in frames if "contribution" in f.columns)
    assert len(at.get("vega_lite_chart")) >= 1
    assert any(
        present.t("top_tier", "en") in str(i.value)
        or "short of" in str(i.value)
        or "Completeness" in str(i.value)
        for i in at.info
    )


def test_project_page_lists_the_other_records_of_its_group(sample_result: Result) -> None:
    # issue 14: BR-040 and BR-041 (Hambantota-style park, phases I and II) are one project group
    at = _app("en")
    at.session_state["project_id"] = "BR-041"
    at = _page(at, "project")
    heading = present.t("project_group_heading", "en", group="BR-040", size=2, total="580.0")
    assert any(heading == str(h.value) for h in at.subheader)
    members = next(df.value for df in at.dataframe if "amount_basis" in df.value.columns)
    assert members["project_id"].astype(str).tolist() == ["BR-040"]
    assert members["total_investment_usd_m"].tolist() == [
        float(sample_result.records.set_index("project_id").loc["BR-040", "total_investment_usd_m"])
    ]


def test_project_page_for_an_excluded_record(sample_result: Result) -> None:
    if sample_result.excluded.empty:
        pytest.skip("the sample has no excluded project under the current criteria")
    pid = str(sample_result.excluded["project_id"].iloc[0])
    at = _app("en")
    at.session_state["project_id"] = pid
    at = _page(at, "project")
    assert any("excluded by the negative list" in e for e in _errors(at))


def test_excluded_page_hides_nothing(sample_result: Result) -> None:
    at = _page(_app("zh"), "excluded")
    frames = [df.value for df in at.dataframe]
    # the negative list's exclusions, then the records that are not candidates, in a table of their own
    tables = [f for f in frames if "reasons" in f.columns]
    assert sum(len(f) for f in tables) == sample_result.counts()["excluded"]
    if sample_result.not_candidates():
        assert len(tables) == 2 and len(tables[1]) == sample_result.not_candidates()
    ex = pd.concat(tables, ignore_index=True)
    gates = sample_result.hits[sample_result.hits["kind"].isin(["gate", "not_candidate"])]
    for _, row in ex.iterrows():
        mine = gates[gates["project_id"].astype(str) == str(row["project_id"])]
        for reason in mine["reason_zh"]:
            assert reason in row["reasons"]
    # Review flags: one summary row per flag (its reason once) and one row per flagged ranked project.
    ranked = sample_result.ranked
    flagged_ids = ranked.loc[ranked["flags"].astype(str) != "", "project_id"].astype(str).tolist()
    per_project = next(f for f in frames if "flags" in f.columns)
    assert per_project["project_id"].astype(str).tolist() == flagged_ids
    summary = next(f for f in frames if "projects" in f.columns)
    hits = sample_result.hits
    live_flags = hits[(hits["kind"] == "flag") & hits["project_id"].astype(str).isin(flagged_ids)]
    assert (
        dict(zip(summary["id"], summary["projects"], strict=True))
        == live_flags.groupby("id")["project_id"].nunique().to_dict()
    )
    for flag in sample_result.criteria.flags:
        if flag.id in set(summary["id"]):
            assert summary.set_index("id").loc[flag.id, "reason"] == flag.reason.zh


@pytest.mark.skipif(not AIDDATA.exists(), reason="../shared/data is not beside the repository")
def test_aiddata_extract_with_its_mapping() -> None:
    expected = pipeline.run(AIDDATA, mapping=load_mapping("aiddata-gcdf3")).counts()
    at = _page(_app("en"), "data")
    at.button(key="use_aiddata").click().run()
    _ok(at)
    assert not _errors(at), _errors(at)
    assert _metric(at, "Records") == expected["records"]
    for page in PAGES:
        at = _page(at, page)
        assert not _errors(at), (page, _errors(at))


@pytest.mark.skipif(not AIDDATA.exists(), reason="../shared/data is not beside the repository")
def test_unrecognised_headers_can_be_mapped_by_hand() -> None:
    at = _page(_app("en"), "data")
    at.file_uploader(key="data_upload").set_value((AIDDATA.name, AIDDATA.read_bytes(), "text/csv")).run()
    _ok(at)
    assert any("Required column" in e for e in _errors(at))
    editor = next(df.value for df in at.dataframe if "source_header" in df.value.columns)
    assert "AidData Record ID" in editor["source_header"].tolist()
    at.session_state["mapping_text"] = mapping_yaml(load_mapping("aiddata-gcdf3"))
    at.run()
    _ok(at)
    assert not _errors(at)
    assert _metric(at, "Ranked") > 0


def test_export_page_and_the_exported_content(sample_result: Result) -> None:
    at = _page(_app("en"), "export")
    assert not _errors(at)
    # The workbook the page offers is workbook_bytes(result with the current weights): check that content.
    from openpyxl import load_workbook

    cs = load_criteria()
    edited = validated_weights(cs, {"dimensions": {cs.dimensions[0].id: 60.0}})
    result = apply_weights(sample_result, edited)
    assert result.weights == Weights.of(edited)
    wb = load_workbook(io.BytesIO(workbook_bytes(result, "en")))
    rows = [r for r in wb["Criteria"].iter_rows(values_only=True) if r[0] == "dimension"]
    total = 60.0 + sum(d.weight for d in cs.dimensions[1:])
    assert abs(float(rows[0][3]) - 60.0 / total * 100) < 0.01
    ranking = [r for r in wb["Ranking"].iter_rows(values_only=True)]
    header = list(ranking[0])
    pid_col = header.index(
        next(
            h
            for h in header
            if str(h).lower().startswith("project_id")
            or str(h).startswith("项目编号")
            or "Project ID" in str(h)
        )
    )
    assert [str(r[pid_col]) for r in ranking[1 : len(result.ranked) + 1]] == result.ranked[
        "project_id"
    ].astype(str).tolist()


def test_reviewer_decisions_from_a_reloaded_workbook_are_shown(sample_result: Result, tmp_path: Path) -> None:
    import openpyxl

    exported = tmp_path / "ranked.xlsx"
    exported.write_bytes(workbook_bytes(sample_result, "en"))
    wb = openpyxl.load_workbook(exported)
    ws = wb["Ranking"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("reviewer_decision") + 1, "approve")
    ws.cell(2, header.index("reviewer_note") + 1, "site visit done")
    first_id = ws.cell(2, 1).value
    wb.save(exported)
    at = _page(_app("en"), "data")
    at.file_uploader(key="data_upload").set_value(("ranked.xlsx", exported.read_bytes(), XLSX)).run()
    _ok(at)
    at = _page(at, "ranking")
    expander = next(e for e in at.expander if "Reviewers' decisions" in e.label)
    assert expander.label.endswith(": 1")
    table = expander.dataframe[0].value
    row = table.set_index("project_id").loc[first_id]
    assert (row["reviewer_decision"], row["reviewer_note"]) == ("approve", "site visit done")


def test_inference_and_country_sheet_switches_rerun_the_screening():
    """The Data page's two switches: off, nothing is inferred and the shipped country sheet is not joined."""
    at = _page(_app("en"), "data")
    labels = [tg.label for tg in at.toggle]
    on_words = {present.t("inference_toggle", "en"), present.t("country_sheet_toggle", "en")}
    assert on_words <= set(labels)
    base = at.session_state["_base_memo"][1]
    assert base.inference.on
    for tg in at.toggle:
        if tg.label in on_words:
            tg.set_value(False)
    at.run()
    _ok(at)
    at = _page(at, "ranking")
    off = at.session_state["_base_memo"][1]
    assert not off.inference.on and off.inference.filled == 0
    assert at.session_state["inference"] is False and at.session_state["country_sheet"] is False
