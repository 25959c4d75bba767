"""The run store's tables, as SQLAlchemy Core metadata: what the queries read and write.

The schema itself is made by the Alembic migrations (``migrations/versions/``), never by
``metadata.create_all``; ``tests/store/test_schema.py`` checks on SQLite and PostgreSQL that the migrated
database and these tables agree (Alembic's ``compare_metadata`` finds nothing to change).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Named constraints, so that a later migration can alter them by name on both databases.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

NAME_CHARS = 200  # a run's name: our own bound, long enough for "2026 Q3 pipeline, weights of the committee"

# One row per distinct input file: runs on the same bytes share it (deduplicated by SHA-256).
inputs = Table(
    "inputs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(NAME_CHARS), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("tool_version", String(64), nullable=False),
    Column("input_sha256", String(64), ForeignKey("inputs.sha256"), nullable=False, index=True),
    Column("input_name", Text, nullable=False),
    Column("sheet", Text, nullable=True),
    Column("mapping_text", Text, nullable=True),  # None: the file was read under its own headers
    Column("criteria_name", Text, nullable=False),
    Column("criteria_text", Text, nullable=False),
    Column("criteria_sha256", String(64), nullable=False),
    Column("weights_text", Text, nullable=True),  # edited weights laid over the criteria's own
    Column("weights_provenance", Text, nullable=True),
    Column("inference", Boolean, nullable=False),
    Column("country_sheet", Boolean, nullable=False),
    Column("lang", String(8), nullable=True),
    Column("n_records", Integer, nullable=False),
    Column("n_ranked", Integer, nullable=False),
    Column("n_excluded", Integer, nullable=False),
    Column("n_invalid", Integer, nullable=False),
    Column("n_not_candidates", Integer, nullable=False),
)

# Every input record of a run with its outcome; score, tier and rank for the ranked ones.
projects = Table(
    "projects",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("row_key", Integer, primary_key=True),
    Column("project_id", Text, nullable=True),  # an invalid record may have none
    Column("project_name", Text, nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("track", String(64), nullable=True),
    Column("score", Float, nullable=True),
    Column("completeness", Float, nullable=True),
    Column("tier", String(64), nullable=True),
    Column("rank", Integer, nullable=True),
    Column("flags", Text, nullable=False, default=""),  # review flag ids, ';'-joined in the order raised
    Column("gates", Text, nullable=False, default=""),  # the gates that excluded it, ';'-joined
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("project_id", Text, nullable=False),
    Column("decision", String(64), nullable=True),  # approve / reject / defer, or the word as written
    Column("note", Text, nullable=True),
    Column("reviewer", Text, nullable=True),  # who; None when the source did not say (a re-imported workbook)
    Column("decided_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("run_id", "project_id", name="uq_decisions_run_id_project_id"),
)
