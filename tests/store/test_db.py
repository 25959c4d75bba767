"""Opening a store: a new database is made by the migrations (on SQLite and PostgreSQL), an open store is
migrated again without harm, and a bad address is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from screening.store import StoreError, open_store
from screening.store.db import MIGRATIONS, default_path


def _head() -> str:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def test_a_new_store_is_made_by_the_migrations(store_url: str) -> None:
    store = open_store(store_url)
    try:
        insp = sa.inspect(store.engine)
        assert set(insp.get_table_names()) == {"alembic_version", "inputs", "runs", "projects", "decisions"}
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
        assert {c["name"] for c in insp.get_unique_constraints("runs")} == {"uq_runs_name"}
        assert [fk["referred_table"] for fk in insp.get_foreign_keys("runs")] == ["inputs"]
    finally:
        store.close()
    again = open_store(store_url)  # opening a migrated store changes nothing and keeps its version
    try:
        with again.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        again.close()


def test_sqlite_checks_foreign_keys(tmp_path: Path) -> None:
    store = open_store(tmp_path / "runs.sqlite3")
    try:
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO runs (name, created_at, tool_version, input_sha256, input_name, criteria_name,"
                    " criteria_text, criteria_sha256, inference, country_sheet, n_records, n_ranked, n_excluded,"
                    " n_invalid, n_not_candidates) VALUES ('x', '2026-01-01', 'v', 'no-such-input', 'f', 'c', 't',"
                    " 's', 1, 1, 0, 0, 0, 0, 0)"
                )
            )
    finally:
        store.close()


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("nosuchdialect://user@host/db", "is not a run store address"),
        ("postgresql+nosuchdriver://user@host/db", "is not a run store address"),
        ("://", "is not a run store address"),
    ],
)
def test_a_bad_url_is_one_line(address: str, words: str) -> None:
    with pytest.raises(StoreError) as err:
        open_store(address)
    assert words in err.value.text.en and "\n" not in err.value.text.en
    assert err.value.text.zh and "\n" not in err.value.text.zh


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store(f"postgresql+psycopg://planner:s3cret@/runs?host={tmp_path}&port=1")
    said = err.value.text.en
    assert said.startswith("Cannot open the run store") and "s3cret" not in said and "\n" not in said


def test_a_folder_or_a_missing_parent_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "runs.sqlite3")


def test_the_default_store_is_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # platformdirs honours the XDG setting on Linux
    monkeypatch.delenv("SCREENING_STORE", raising=False)
    assert default_path() == tmp_path / "bri-screening" / "runs.sqlite3"
    store = open_store()
    try:
        assert store.dialect == "sqlite" and (tmp_path / "bri-screening" / "runs.sqlite3").is_file()
    finally:
        store.close()
    monkeypatch.setenv("SCREENING_STORE", str(tmp_path / "team.sqlite3"))
    other = open_store()
    try:
        assert (tmp_path / "team.sqlite3").is_file() and "team.sqlite3" in other.where
    finally:
        other.close()
