"""Static checks stay clean: ``ruff check .``, ``ruff format --check .`` and ``mypy`` (its files — the package,
``app.py`` and ``app_pages/`` — and options configured in pyproject.toml) report nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_reports_no_errors() -> None:
    proc = _run("ruff", "check", ".")
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, f"ruff check . failed:\n{proc.stdout}\n{proc.stderr}"


def test_ruff_format_is_applied() -> None:
    proc = _run("ruff", "format", "--check", ".")
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, (
        f"ruff format --check . failed (run `ruff format .`):\n{proc.stdout}\n{proc.stderr}"
    )


def test_mypy_reports_no_errors() -> None:
    proc = _run("mypy")
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, f"mypy failed:\n{proc.stdout}\n{proc.stderr}"
