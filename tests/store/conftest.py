"""Real databases for the run store's tests: a SQLite file per test, and a PostgreSQL server these tests
start themselves — one throw-away cluster per pytest session and per xdist worker, in a temporary folder,
listening on a Unix socket only, stopped and removed at the end (also when tests fail).

The server binaries are Debian's ``postgresql`` package (``scripts/install_postgres.sh``). ``initdb`` and
``postgres`` refuse to run as root, and CI runs as root: there they run as the ``postgres`` user
(``runuser -u postgres --``) on a folder that user owns. Without the binaries the fixture FAILS, naming the
script: a store that was never tried on PostgreSQL is not a tested store.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .store_helpers import DEFAULT_CRITERIA, SAMPLE, Runs, changed_weights_criteria

PG_USER = "postgres"
BASE_PORT = 55_400  # our own choice; the socket folder is per worker anyway, the port only names the socket


@dataclass(frozen=True)
class PgServer:
    socket_dir: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.socket_dir}&port={self.port}"

    def connect(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=PG_USER, dbname=database, autocommit=True
        )


def _bindir() -> Path:
    given = os.environ.get("SCREENING_PG_BIN")
    if given:
        if (Path(given) / "initdb").is_file() and (Path(given) / "pg_ctl").is_file():
            return Path(given)
        pytest.fail(f"SCREENING_PG_BIN={given}: no initdb and pg_ctl there", pytrace=False)

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.parent.name))

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: run `bash scripts/install_postgres.sh` "
        "(Debian's postgresql package), or set SCREENING_PG_BIN to their folder",
        pytrace=False,
    )


def _worker(config: pytest.Config) -> tuple[str, int]:
    name = getattr(config, "workerinput", {}).get("workerid", "main")
    digits = re.findall(r"\d+", name)
    return name, int(digits[0]) + 1 if digits else 0


def _run(cmd: list[str], what: str, log: Path | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
        pytest.fail(
            f"PostgreSQL {what} failed ({' '.join(cmd)}): {proc.stdout[-1000:]} {proc.stderr[-1000:]} {tail}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[PgServer]:
    bindir = _bindir()
    worker, number = _worker(request.config)
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    # under /tmp when root: a TMPDIR inside root's home would be out of the postgres user's reach
    base = Path(tempfile.mkdtemp(prefix=f"bri-pg-{worker}-", dir="/tmp" if as_root else None))
    try:
        if as_root:
            try:
                owner = pwd.getpwnam(PG_USER)
            except KeyError:
                pytest.fail(
                    f"running as root and there is no '{PG_USER}' user to run PostgreSQL as: "
                    "run `bash scripts/install_postgres.sh`",
                    pytrace=False,
                )
            os.chown(base, owner.pw_uid, owner.pw_gid)
            prefix = ["runuser", "-u", PG_USER, "--"]
        os.chmod(base, 0o700)
        data, log, port = base / "data", base / "server.log", BASE_PORT + number
        _run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            "initdb",
        )
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            # a Unix socket in our own folder, no TCP; durability off: the cluster is thrown away
            conf.write(
                f"\nlisten_addresses = ''\nunix_socket_directories = '{base}'\nport = {port}\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        _run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"],
            "start",
            log,
        )
        try:
            yield PgServer(base, port)
        finally:
            subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=120,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the session's server for one test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    with pg_server.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    with pg_server.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def two_runs() -> Runs:
    from screening.criteria.loader import criteria_sha256, load_criteria_bytes
    from screening.pipeline import run

    data = SAMPLE.read_bytes()
    default_text = DEFAULT_CRITERIA.read_text(encoding="utf-8")
    changed_text = changed_weights_criteria()
    out = []
    for name, txt in (("default.yaml", default_text), ("changed.yaml", changed_text)):
        raw = txt.encode("utf-8")
        out.append(
            run(
                data,
                name=SAMPLE.name,
                criteria=load_criteria_bytes(raw, name),
                criteria_sha256=criteria_sha256(raw),
            )
        )
    return Runs(data, default_text, changed_text, out[0], out[1])
