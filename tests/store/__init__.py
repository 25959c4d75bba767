"""The run store's tests. A package so that this folder's conftest.py is imported as ``store.conftest``
and never replaces the top-level ``conftest`` module other tests import from."""
