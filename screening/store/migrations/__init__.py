"""Alembic migrations of the run store, applied by :func:`screening.store.open_store`."""
