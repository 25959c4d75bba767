"""The migrated schema and the tables the code queries agree, on both databases: Alembic's autogenerate
comparison finds nothing to add, drop or alter. A table or column added to ``schema.py`` without a
migration fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from screening.store import open_store
from screening.store.schema import metadata


def test_migrations_make_exactly_the_schema_the_code_uses(store_url: str) -> None:
    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, metadata) == []
    finally:
        store.close()


def test_the_comparison_can_fail(store_url: str) -> None:
    """The check above is not vacuous: a column the migrations never made is reported."""
    import sqlalchemy as sa

    store = open_store(store_url)
    try:
        extra = sa.MetaData()
        for table in metadata.sorted_tables:
            table.to_metadata(extra)
        extra.tables["runs"].append_column(sa.Column("not_migrated", sa.Integer()))
        with store.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), extra)
        assert any(d[0] == "add_column" and d[3].name == "not_migrated" for d in diffs)
    finally:
        store.close()
