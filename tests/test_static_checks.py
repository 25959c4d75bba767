"""Static checks stay clean: ``ruff check .`` and ``mypy screening`` (configured in pyproject.toml) report nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_reports_no_errors() -> None:
    proc = _run("ruff", "check", ".")
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, f"ruff check . failed:\n{proc.stdout}\n{proc.stderr}"


def test_mypy_reports_no_errors() -> None:
    proc = _run("mypy", "screening")
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, f"mypy screening failed:\n{proc.stdout}\n{proc.stderr}"
