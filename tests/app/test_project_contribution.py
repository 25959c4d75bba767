"""The project page opens with the contribution view (tier, score, the contribution chart, the next tier,
flags with their consequence, the rank interval or the line that asks for it) and keeps the raw tables
behind one expander; in both languages, with the project's name beside its id and no dimension id as text."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pytest
from app_helpers import open_app, page

from screening import pipeline, present
from screening.analysis.contribution import contribution
from screening.resources import SAMPLES_DIR


@pytest.fixture(scope="module")
def sample():  # noqa: ANN201 - a Result
    return pipeline.run(SAMPLES_DIR / "sample_projects.xlsx")


def _chart_data(element) -> list[dict]:  # noqa: ANN001 - an AppTest element
    rows: list[dict] = []
    for ds in element.proto.datasets:
        table = pa.ipc.open_stream(io.BytesIO(ds.data.data)).read_all()
        rows.extend(table.to_pylist())
    return rows


def _texts(at) -> list[str]:  # noqa: ANN001 - an AppTest
    out = [
        str(x.value) for kind in ("title", "subheader", "markdown", "caption", "info") for x in at.get(kind)
    ]
    out += [str(m.label) for m in at.metric] + [str(m.value) for m in at.metric]
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_project_page_opens_with_the_contribution_view(sample, lang: str) -> None:  # noqa: ANN001
    cs = sample.criteria
    ranked = sample.ranked
    flagged = ranked[ranked["flags"].astype(str) != ""]
    pid = str(flagged["project_id"].iloc[0])
    name = str(flagged["project_name"].iloc[0])
    view = contribution(sample, pid)
    at = open_app(lang)
    at.session_state["project_id"] = pid
    at = page(at, "project")

    subheads = [str(s.value) for s in at.subheader]
    assert subheads[0] == f"{pid} · {name}"  # the name beside the id
    assert [m.label for m in at.metric][:2] == [present.t("tier", lang), present.t("score", lang)]
    assert at.metric[0].value == present.tier_label(view.tier, lang, cs)
    assert at.metric[1].value == f"{view.score:.2f}"
    for key in ("ct_heading", "ct_next_heading", "ct_flags_heading", "ct_rank_heading"):
        assert present.t(key, lang) in subheads
    # the four headings come before the expander's tables
    assert subheads.index(present.t("ct_rank_heading", lang)) < subheads.index(present.t("gates_flags", lang))

    charts = at.get("vega_lite_chart")
    contrib = [
        c
        for c in charts
        if present.t("contrib_legend", lang) in json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
    ]
    assert len(contrib) == 1
    rows = [r for r in _chart_data(contrib[0]) if "label" in r]
    assert [r["label"] for r in rows] == [d.label.get(lang) for d in cs.dimensions]
    spec = json.loads(contrib[0].proto.spec)
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
        present.t("contrib_above", lang),
        present.t("contrib_below", lang),
    ]

    assert [e.label for e in at.expander] == [present.t("ct_details", lang)]
    assert not at.expander[0].proto.expanded
    # the raw tables are inside it: the hits table and the rationale
    inside = [df.value for df in at.expander[0].dataframe]
    assert any("kind" in f.columns and "reason" in f.columns for f in inside)
    assert sum(len(f) for f in inside if "contribution" in f.columns) == len(cs.criteria)

    texts = _texts(at)
    assert any(present.t("ct_rank_none", lang) == s for s in texts)  # no Monte Carlo run yet
    for f in view.flags:
        assert any(f.label.get(lang) in s and f.reason.get(lang) in s for s in texts), f.flag
    ids = [d.id for d in cs.dimensions] + [c.id for _, c in cs.criteria]
    code_like = [i for i in ids if "_" in i]
    for s in texts:
        for i in code_like:
            assert i not in s, (i, s)
    table = next(df.value for df in at.dataframe if "headroom" in df.value.columns)
    assert not set(table["criterion"]) & {c.id for _, c in cs.criteria}
    assert not set(table["dimension"]) & {d.id for d in cs.dimensions}


def test_the_rank_interval_shows_once_the_monte_carlo_ran(sample) -> None:  # noqa: ANN001
    at = open_app("en")
    at = page(at, "robustness")
    at.slider(key="rb_draws").set_value(200)
    at.button(key="rb_run").click().run()
    pid = str(sample.ranked["project_id"].iloc[0])
    at.session_state["project_id"] = pid
    at = page(at, "project")
    texts = _texts(at) + [str(w.value) for w in at.get("markdown")]
    assert not any(present.t("ct_rank_none", "en") == s for s in texts)
    assert any("random weightings" in s for s in texts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_held_project_names_the_weak_dimension_and_what_closes_it(sample, lang: str) -> None:  # noqa: ANN001
    cs = sample.criteria
    views = (contribution(sample, p) for p in sample.ranked["project_id"].astype(str))
    view = next(v for v in views if v.next_tier.hurdle_blocks and v.next_tier.reachable)
    at = open_app(lang)
    at.session_state["project_id"] = view.project_id
    at = page(at, "project")
    info = "\n".join(str(i.value) for i in at.info)
    hurdles = {h.id: h for h in cs.hurdles}
    for hid in view.next_tier.hurdle_blocks:
        h = hurdles[hid]
        assert h.label.get(lang) in info
        weak = [d for d in view.dimensions if d.dimension in h.dimensions and (d.score or 0.0) < h.below]
        assert weak and all(present.dimension_label(d.dimension, lang, cs) in info for d in weak)
    labels = {c.id: c.label.get(lang) for _, c in cs.criteria}
    assert all(labels[c] in info for c in view.next_tier.raise_criteria)
    assert present.tier_label(view.next_tier.tier_after or "", lang, cs) in info


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_committee_brief_downloads_from_the_project_page(sample, lang: str) -> None:  # noqa: ANN001
    """A ranked and an excluded project each offer their brief as a PDF, labelled in the page's language
    (the PDF itself, made when clicked, is tested in tests/present/test_brief.py)."""
    ranked = str(sample.ranked["project_id"].iloc[0])
    excluded = str(sample.records.loc[sample.records["outcome"] == "excluded", "project_id"].iloc[0])
    for pid in (ranked, excluded):
        at = open_app(lang)
        at.session_state["project_id"] = pid
        at = page(at, "project")
        buttons = at.get("download_button")
        assert [b.proto.label for b in buttons] == [present.t("brief_download", lang)], pid
        assert buttons[0].proto.deferred_file_id  # made on click, not on every page view
