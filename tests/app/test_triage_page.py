"""Issue 14 item 6 in the app (AppTest): on a thin file the ranking page says so first and shows the triage
before the ranking; on the bundled sample it does not; the project page says what data would decide the
project; the robustness page marks thin records "not assessed — data too thin"; the portfolio page says why
they are not funded. The thin file is synthetic (``conftest.thin_sample_csv``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import APP, TIMEOUT
from app_helpers import ok as _ok
from app_helpers import open_app as _app
from app_helpers import page as _page
from conftest import thin_sample_csv
from streamlit.testing.v1 import AppTest

from screening import pipeline, present
from screening.report import triage

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "sample_projects.xlsx"


@pytest.fixture(scope="module")
def thin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return thin_sample_csv(tmp_path_factory.mktemp("thin") / "thin.csv")


def _thin_app(path: Path, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["source"] = {"name": path.name, "data": path.read_bytes(), "label": None}
    return at.run()


def _kinds_in_order(at: AppTest) -> list[tuple[str, str]]:
    """(element type, its text or '') of the page's main elements, in the order shown."""
    out: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict) and children:
            for child in children.values():
                walk(child)
            return
        value = getattr(node, "value", None)
        out.append((str(getattr(node, "type", "")), value if isinstance(value, str) else ""))

    walk(at.main)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_thin_file_shows_the_triage_before_the_ranking(thin_path: Path, lang: str) -> None:
    at = _page(_thin_app(thin_path, lang), "ranking")
    tri = triage(pipeline.run(thin_path))
    assert tri.thin
    shown = _kinds_in_order(at)
    texts = [s for _, s in shown]
    headline = tri.headline().get(lang)
    assert headline in [str(w.value) for w in at.warning]
    assert present.t("triage_title", lang) in [str(h.value) for h in at.subheader]
    first_table = next(i for i, (kind, _) in enumerate(shown) if kind in ("arrow_data_frame", "dataframe"))
    ranking_table = max(i for i, (kind, _) in enumerate(shown) if kind in ("arrow_data_frame", "dataframe"))
    assert texts.index(headline) < first_table < ranking_table
    # the three groups with their counts, and the columns to collect first
    md = " ".join(str(m.value) for m in at.markdown)
    for _key, line, _ids in tri.groups():
        assert line.get(lang) in md
    assert present.t("triage_collect_title", lang) in md
    assert present.t("voi_held_fixed", lang) in [str(c.value) for c in at.caption]


def test_the_sample_shows_no_triage() -> None:
    at = _page(_app("en"), "ranking")
    assert present.t("triage_title", "en") not in [str(h.value) for h in at.subheader]
    assert not at.error and not any(
        str(w.value) == triage(pipeline.run(SAMPLE)).headline().en for w in at.warning
    )


def test_the_project_page_says_what_data_would_decide_it() -> None:
    result = pipeline.run(Path(__file__).resolve().parents[2] / "sample_projects" / "sample_projects.xlsx")
    from screening.analysis.value_of_information import value_of_information

    voi = value_of_information(result)
    mover = voi.table[voi.table["steps"] > 0].iloc[0]
    at = _app("en")
    at.session_state["project_id"] = str(mover.project_id)
    at = _page(at, "project")
    assert present.t("voi_collect_first", "en") in [str(h.value) for h in at.subheader]
    md = " ".join(str(m.value) for m in at.markdown)
    from screening.vocab.columns import label

    assert label(str(mover.column), "en") in md


def test_robustness_and_portfolio_say_why_thin_records_are_neither_stable_nor_optimal(
    thin_path: Path,
) -> None:
    from screening.analysis.portfolio import PortfolioConstraints, optimise
    from screening.analysis.sensitivity import monte_carlo

    result = pipeline.run(thin_path)
    cs = result.criteria
    smaa_note = monte_carlo(
        result.pm,
        result.weights,
        cs.missing_policy,
        draws=10,
        completeness_threshold=cs.completeness_threshold,
    ).thin_note()
    elig = optimise(result, PortfolioConstraints(budget=1.0)).eligibility
    assert smaa_note is not None and elig is not None and elig.thin_note() is not None
    at = _page(_thin_app(thin_path, "en"), "robustness")
    at.slider(key="rb_draws").set_value(200)
    at.button(key="rb_run").click().run()
    _ok(at)
    warnings = [str(w.value) for w in at.warning]
    assert smaa_note.en in warnings, warnings
    labels = set()
    for df in at.dataframe:
        if "p_first" in df.value.columns:
            labels = set(df.value["label"])
    assert present.t("rb_not_assessed", "en") in labels
    at = _page(at, "portfolio")
    at.button(key="pf_solve").click().run()
    _ok(at)
    warnings = [str(w.value) for w in at.warning]
    assert elig.thin_note().en in warnings, warnings  # type: ignore[union-attr]
