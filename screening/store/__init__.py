"""The run store (issue 17): runs kept with their inputs, listed, loaded and compared.

SQLite by default (``runs.sqlite3`` in the user's data folder), or any SQLAlchemy URL (PostgreSQL for a
team). The schema is made and upgraded by the Alembic migrations in ``migrations/`` when a store is opened.
docs/store.md says what a run keeps and how a diff is recomputed.
"""

from __future__ import annotations

from screening.store.db import Store, StoreError, default_path, open_store
from screening.store.diff import CriterionMove, DiffEntry, RunDiff, WeightChange, diff_results, diff_runs
from screening.store.runs import Decision, RunSummary, StoredRun, list_runs, load_run, rerun, save_run

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
