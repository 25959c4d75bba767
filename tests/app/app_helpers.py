"""What the AppTest suites share: open the app, switch pages, read metrics and errors."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "sample_projects" / "sample_projects.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMEOUT = float(os.environ.get("APPTEST_TIMEOUT", "180"))


def open_app(lang: str | None = None, timeout: float = TIMEOUT) -> AppTest:
    """The app after its first run (on the bundled sample), in ``lang`` if given (the app opens in Chinese)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if lang:
        at.session_state["lang"] = lang
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    ok(at)
    return at


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def metric_int(at: AppTest, label: str) -> int:
    return int(metric(at, label).replace(",", ""))
