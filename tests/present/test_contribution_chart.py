"""The contribution chart names dimensions by label in the chosen language (never by id), its legend is in
words, its colours come from the palette, and its bars are the view's differences from the track median."""

from __future__ import annotations

import json

import altair as alt
import pytest
from conftest import SAMPLES

from screening import pipeline
from screening.analysis.contribution import contribution
from screening.i18n import palette, t
from screening.model import Result
from screening.present.charts import contribution_chart, contribution_frame


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLES / "sample_projects.xlsx")


def _data_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_names_dimensions_by_label_in_the_language(result: Result, lang: str) -> None:
    cs = result.criteria
    pid = str(result.ranked["project_id"].iloc[len(result.ranked) // 2])
    view = contribution(result, pid)
    chart = contribution_chart(view, lang, cs)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    rows = [r for r in _data_rows(spec) if "label" in r]
    labels = [d.label.get(lang) for d in cs.dimensions]
    assert [r["label"] for r in rows] == labels
    other = "en" if lang == "zh" else "zh"
    text = json.dumps(spec, ensure_ascii=False)
    for d in cs.dimensions:
        assert f'"{d.id}"' not in text  # no dimension id anywhere in the spec
        if d.label.get(other) != d.label.get(lang):
            assert d.label.get(other) not in text  # and no label in the other language
    crit_ids = [c.id for _, c in cs.criteria]
    for r in rows:  # the tooltip names each criterion by label
        assert not any(cid in r["criteria"] for cid in crit_ids if "_" in cid), r["criteria"]
    applicable = [c for c in view.criteria if c.applicable]
    named = [c.label.get(lang) for _, c in cs.criteria if c.id in {a.criterion for a in applicable}]
    assert all(any(n in r["criteria"] for r in rows) for n in named)
    assert t("contrib_legend", lang) in text and t("contrib_axis", lang) in text
    bars = spec["layer"][0]["encoding"]["color"]
    assert bars["title"] == t("contrib_legend", lang)
    assert bars["scale"]["domain"] == [t("contrib_above", lang), t("contrib_below", lang)]
    assert bars["scale"]["range"] == [palette.STABLE, palette.HIGHLIGHT]


def test_the_bars_are_the_views_differences(result: Result) -> None:
    cs = result.criteria
    for pid in result.ranked["project_id"].astype(str).head(8):
        view = contribution(result, pid)
        frame = contribution_frame(view, "en", cs)
        assert frame["vs_median"].tolist() == [round(d.vs_median, 2) for d in view.dimensions]
        above = frame["side"] == t("contrib_above", "en")
        assert (frame.loc[above, "vs_median"] >= 0).all() and (frame.loc[~above, "vs_median"] < 0).all()
        expected = ["0.0" if abs(d.vs_median) < 0.05 else f"{d.vs_median:+.1f}" for d in view.dimensions]
        assert [x.replace("−", "-") for x in frame["text"]] == expected
