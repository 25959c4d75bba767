"""Opening a run store: a path (SQLite) or any SQLAlchemy URL, migrated to the newest schema on open.

A new database gets its tables from the Alembic migrations in ``migrations/`` (run with Alembic's command
API on the store's own connection), never from ``metadata.create_all``: the path every database takes is the
one the tests run. An existing database is brought up to the newest revision the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from screening.i18n import Text, text

__all__ = ["APP_NAME", "DEFAULT_FILE", "Store", "StoreError", "default_path", "open_store"]

APP_NAME = "bri-screening"
DEFAULT_FILE = "runs.sqlite3"
ENV_STORE = "SCREENING_STORE"  # a store URL or path for every command that does not name one
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(ValueError):
    """The store cannot be opened, or a run cannot be saved or found; :attr:`text` says why, in one line."""

    def __init__(self, said: Text) -> None:
        super().__init__(said.en)
        self.text = said


@dataclass(frozen=True)
class Store:
    """An open run store: the engine and where it points (the URL without its password)."""

    engine: Engine
    where: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def default_path() -> Path:
    """The user's data folder for this tool (platformdirs: ``~/.local/share/bri-screening`` on Linux,
    ``%LOCALAPPDATA%\\bri-screening`` on Windows, ``~/Library/Application Support/bri-screening`` on macOS)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILE


def _url_of(url_or_path: str | Path | None) -> tuple[URL, bool]:
    """(URL, is_default). A string with ``://`` is a SQLAlchemy URL; anything else is a SQLite file path."""
    if url_or_path is None or str(url_or_path) == "":
        env = os.environ.get(ENV_STORE, "")
        if env:
            return _url_of(env)
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return URL.create("sqlite", database=str(path)), True
    raw = str(url_or_path)
    if "://" in raw:
        try:
            return make_url(raw), False
        except ArgumentError:
            raise StoreError(text("store_bad_url", url=_hide(raw))) from None
    path = Path(raw).expanduser()
    if path.is_dir():
        raise StoreError(text("store_is_directory", path=path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise StoreError(text("store_parent_missing", parent=parent))
    return URL.create("sqlite", database=str(path.resolve())), False


def _hide(raw: str) -> str:
    """A URL as it may be printed: the password, if any, as ***."""
    head, sep, tail = raw.partition("://")
    if not sep or "@" not in tail:
        return raw
    cred, at, rest = tail.rpartition("@")
    user = cred.split(":", 1)[0]
    return f"{head}://{user}:***{at}{rest}" if ":" in cred else raw


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # SQLite leaves foreign keys unchecked unless asked per connection
    cur.close()


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema revision (Alembic ``upgrade head``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url_or_path: str | Path | None = None) -> Store:
    """Open (and create or migrate) the store at a path or SQLAlchemy URL; None: ``$SCREENING_STORE``, else
    ``runs.sqlite3`` in the user's data folder. Raises :class:`StoreError` with one line for a bad URL, a
    missing driver, or a database that cannot be reached."""
    url, _default = _url_of(url_or_path)
    where = url.render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(url)
    except (ArgumentError, NoSuchModuleError):
        raise StoreError(text("store_bad_url", url=where)) from None
    except ImportError as exc:
        raise StoreError(text("store_no_driver", url=where, error=_first_line(exc))) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_foreign_keys)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(text("store_cannot_open", url=where, error=_first_line(exc))) from None
    return Store(engine, where)


def _first_line(exc: BaseException) -> str:
    said = str(getattr(exc, "orig", None) or exc).strip()
    return said.splitlines()[0] if said else type(exc).__name__
