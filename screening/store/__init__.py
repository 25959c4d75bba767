"""The run store (issue 17): runs kept with their inputs, listed, loaded and compared.

SQLite by default (``runs.sqlite3`` in the user's data folder), or any SQLAlchemy URL (PostgreSQL for a
team). The schema is made and upgraded by the Alembic migrations in ``migrations/`` when a store is opened.
docs/store.md says what a run keeps and how a diff is recomputed.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Loaded when first used (PEP 562): the CLI registers `screening runs` at start, and SQLAlchemy, Alembic and
# the diff's statistics should load only when a run is saved or read, not for every `screening score`.
_WHERE = {
    **dict.fromkeys(("Store", "StoreError", "default_path", "open_store"), "db"),
    **dict.fromkeys(
        ("CriterionMove", "DiffEntry", "RunDiff", "WeightChange", "diff_results", "diff_runs"), "diff"
    ),
    **dict.fromkeys(
        ("Decision", "RunSummary", "StoredRun", "list_runs", "load_run", "rerun", "save_run"), "runs"
    ),
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"screening.store.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'screening.store' has no attribute {name!r}")


__all__ = [
    "CriterionMove",
    "Decision",
    "DiffEntry",
    "RunDiff",
    "RunSummary",
    "Store",
    "StoreError",
    "StoredRun",
    "WeightChange",
    "default_path",
    "diff_results",
    "diff_runs",
    "list_runs",
    "load_run",
    "open_store",
    "rerun",
    "save_run",
]
