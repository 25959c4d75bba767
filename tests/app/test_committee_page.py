"""The committee page (app_pages/committee.py): a reviewer fills the swing form and the pairwise form, the
group view appears, and the group weights reach the app's weights (issue 16 item 2). The page is run on
its own, after the app's state set-up, because registering it in app.py is not part of this change."""

from __future__ import annotations

from app_helpers import ROOT, TIMEOUT
from streamlit.testing.v1 import AppTest


def _page() -> None:
    import runpy

    from app_pages import common

    common.init_state()
    runpy.run_path("app_pages/committee.py", run_name="__main__")


def _open(lang: str = "en") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    return at.run()


def test_two_reviewers_give_a_group_view_and_the_group_weights_can_be_applied(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No reviewer" in i.value for i in at.info)
    # reviewer 1: swing on the dimensions
    at.text_input(key="cm_by_dimensions_swing").input("Ms Swing")
    at.number_input(key="cm_sw_dimensions_social").set_value(90)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Ms Swing" in s.value for s in at.success)
    # reviewer 2: pairwise on the dimensions (every pair equal but one)
    at.session_state["cm_method"] = "ahp"  # the radio's words are looked up outside the script in a test
    at.run()
    at.text_input(key="cm_by_dimensions_ahp").input("Mr Pairs")
    at.select_slider(key="cm_ahp_dimensions_environment_social").set_value(5)
    submit = next(b for b in at.button if "Record" in b.label)
    submit.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Furthest from the group" in i.value for i in at.info)
    assert any("different methods" in c.value for c in at.caption)
    apply = next(b for b in at.button if "Apply the group weights" in b.label)
    apply.click().run()
    dims = at.session_state["weights"]["dimensions"]
    assert len(dims) == 9 and abs(sum(dims.values()) - 100) < 1e-6
