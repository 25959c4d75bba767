"""The app's first screening (issue 13): its progress moves inside the screening stage, and a rerun during
the run (navigating to another page) waits on the same run instead of starting it again from zero."""

from __future__ import annotations

import threading

import pytest
import streamlit as st
from app_helpers import APP, ok, page
from streamlit.testing.v1 import AppTest

from app_pages import common
from screening import pipeline


@pytest.fixture
def gated_run(monkeypatch: pytest.MonkeyPatch):
    """``pipeline.run`` held at its first screening progress report until the test lets it go."""
    st.cache_resource.clear()
    started, release = threading.Event(), threading.Event()
    calls: list[list[tuple[str, float]]] = []
    real = pipeline.run

    def gated(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        heard: list[tuple[str, float]] = []
        calls.append(heard)
        shown = kwargs["progress"]

        def progress(stage: str, share: float) -> None:
            heard.append((stage, share))
            shown(stage, share)
            if stage == "screen" and not started.is_set():
                started.set()
                release.wait(60)

        return real(*args, **{**kwargs, "progress": progress})

    monkeypatch.setattr(pipeline, "run", gated)
    yield started, release, calls
    release.set()
    st.cache_resource.clear()


def test_navigating_during_the_run_does_not_restart_it(gated_run) -> None:
    started, release, calls = gated_run
    at = AppTest.from_file(APP, default_timeout=2)
    at.session_state["lang"] = "en"
    for _ in range(30):  # script runs cut short, as a page switch cuts one, until one cut the screening
        with pytest.raises(RuntimeError, match="timed out"):
            at.run()
        if started.is_set():
            break
    assert started.is_set()
    release.set()
    at.switch_page("app_pages/ranking.py")
    at.run(timeout=120)
    ok(at)
    assert len(calls) == 1  # the run the first script started, not a new one
    assert at.session_state["_loaded"].result is not None
    page(at, "excluded")
    assert len(calls) == 1


def test_the_job_reports_progress_inside_the_screening_stage(gated_run) -> None:
    started, release, calls = gated_run
    release.set()
    job = common.screening_job(
        common.SAMPLE.read_bytes(),
        common.SAMPLE.name,
        common.DEFAULT_CRITERIA.read_bytes(),
        "default.yaml",
        None,
        None,
    )
    assert job.wait(120) and job.result is not None and job.error is None
    screen = [share for stage, share in calls[0] if stage == "screen"]
    assert len(set(screen)) > 10 and screen == sorted(screen)
    assert job.stage == "rank"


def test_a_failed_run_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    attempts = {"n": 0}

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        attempts["n"] += 1
        raise MemoryError

    monkeypatch.setattr(pipeline, "run", failing)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.run()
    assert attempts["n"] == 2  # each script run tries again, as before the run moved into a thread
    st.cache_resource.clear()
