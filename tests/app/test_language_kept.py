"""The chosen language never switches on a click or a page change (issue 18 item 5): in English, clicking a
ranking row opened the project page in Chinese, because the run that switches page dropped the picker's
value and the default took over."""

from __future__ import annotations

from app_helpers import ok, open_app, page

from screening import present


def _english_app():  # noqa: ANN202 - an AppTest
    at = open_app()  # opens in Chinese; English is picked with the sidebar radio, as a planner does
    at.radio(key="lang").set_value("en").run()
    ok(at)
    assert at.title[0].value == present.t("ranking_title", "en")
    return at


def test_clicking_a_ranking_row_keeps_english() -> None:
    at = _english_app()
    ids = at.session_state["_ranking_ids"]
    # what the row-click callback leaves behind: the ranking page then switches page within its own run
    at.session_state["project_id"] = ids[1]
    at.session_state["_goto_project"] = True
    at.run()
    ok(at)
    assert at.title[0].value == present.t("project_title", "en")
    assert at.session_state["lang"] == "en"
    assert at.selectbox(key="project_pick").value == ids[1]
    at.run()  # and the next click on the page keeps it too
    assert at.title[0].value == present.t("project_title", "en")


def test_every_page_change_keeps_the_language() -> None:
    at = _english_app()
    for name, title in (("project", "project_title"), ("data", "data_title"), ("ranking", "ranking_title")):
        page(at, name)
        assert at.title[0].value == present.t(title, "en")
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == present.t("ranking_title", "zh")
