"""Alembic's environment for the run store: always online, on the connection :func:`screening.store.db.
migrate` hands over in ``config.attributes["connection"]`` (no alembic.ini, no URL of its own)."""

from __future__ import annotations

from alembic import context

from screening.store.schema import metadata

connection = context.config.attributes["connection"]
# SQLite alters tables by copying them ("batch" mode); PostgreSQL alters them in place.
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
