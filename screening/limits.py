"""Every bound on what the tool reads, by name: file sizes, sheet sizes, shared strings, cell length, criteria
and mapping size, and the largest amount of money read as a value. ``docs/limits.md`` is the table.

Each limit has a default (:data:`DEFAULTS`) and can be set for one process through the environment variable
``SCREENING_LIMIT_<NAME>`` (e.g. ``SCREENING_LIMIT_MAX_COLUMNS=50``), or in code for a block with
:func:`override` — so that tests check each limit just below and just above at small values, and no test
builds a 200 MB file. The checks run before the work they bound: before a file is read whole, before a
workbook part is inflated, before calamine allocates a sheet, before pydantic sees a criteria document.

This module also holds the two bounded readers every layer uses: :func:`read_file_bounded` (refuses
directories, devices and pipes by type, reads with a byte budget) and :func:`load_yaml_bounded` (nesting depth
checked while composing, anchors counted without expanding them).
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from screening.i18n import Text, text

MB = 1024 * 1024

DEFAULTS: dict[str, float] = {
    # files
    "MAX_INPUT_BYTES": 200 * MB,  # an input workbook or CSV file
    "MAX_OWN_WORKBOOK_BYTES": 1024 * MB,  # a ranked workbook this tool wrote (re-import, issue 15 item 5)
    "MAX_UNCOMPRESSED_BYTES": 1024 * MB,  # the workbook parts that are parsed, inflated
    "MAX_COMPRESSION_RATIO": 200,  # inflated : packed, for workbooks inflating past the floor below
    "COMPRESSION_RATIO_FLOOR_BYTES": 50 * MB,  # the ratio is checked only above this much inflated (small
    # workbooks of repeated cells compress far past 200:1 and are harmless)
    "MAX_PROLOG_BYTES": 1 * MB,  # an XML part's prolog (everything before the root element)
    # sheets
    "MAX_ROWS": 250_000,  # rows of one sheet or CSV file (the tool is built and measured for 100,000)
    "MAX_COLUMNS": 1_000,  # columns of one sheet or CSV file
    "MAX_CELLS": 20_000_000,  # rows × columns of the used ranges of the sheets parsed
    "MAX_SHARED_STRINGS": 5_000_000,  # entries of a workbook's shared-string table
    "MAX_SHARED_TEXT_BYTES": 256 * MB,  # the shared-string table, inflated
    "MAX_CELL_CHARS": 100_000,  # one cell as read; longer cells are cut, and that is reported (the workbook
    # cuts again at Excel's own 32,767 with a visible mark)
    # criteria and mappings
    "MAX_CRITERIA_BYTES": 5_000_000,
    "MAX_YAML_DEPTH": 40,  # nesting of a criteria or mapping file
    "MAX_CRITERIA_NODES": 200_000,  # YAML nodes of a criteria file, every alias counted as what it stands for
    "MAX_DIMENSIONS": 50,
    "MAX_CRITERIA": 500,  # criteria in all dimensions together
    "MAX_MAPPING_BYTES": 1_000_000,
    "MAX_MAPPING_NODES": 50_000,
    # values: our own line, not a law of nature — a trillion US dollars (1e6 USD million) is more than any
    # single project on record; a larger amount is read as a mistake, never as a value to rank
    "MAX_USD_M": 1_000_000,
}

ENV_PREFIX = "SCREENING_LIMIT_"

_overrides: dict[str, float] = {}


def limit(name: str) -> float:
    """The value of limit ``name`` in force: an :func:`override`, else ``SCREENING_LIMIT_<NAME>``, else the
    default. A setting that is not a positive number is ignored (the default holds)."""
    if name in _overrides:
        return _overrides[name]
    raw = os.environ.get(ENV_PREFIX + name)
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if value > 0 and value == value and value != float("inf"):
            return value
    return DEFAULTS[name]


def ilimit(name: str) -> int:
    return int(limit(name))


@contextlib.contextmanager
def override(**values: float) -> Iterator[None]:
    """Set limits for the duration of a ``with`` block (tests, benchmarks)."""
    unknown = set(values) - set(DEFAULTS)
    if unknown:
        raise KeyError(f"unknown limit(s): {', '.join(sorted(unknown))}")
    saved = dict(_overrides)
    _overrides.update(values)
    try:
        yield
    finally:
        _overrides.clear()
        _overrides.update(saved)


class LimitError(ValueError):
    """A file or document passes a limit, or is not a file at all; :attr:`text` says which, in one line."""

    def __init__(self, said: Text) -> None:
        super().__init__(said.en)
        self.text = said


def mb(n: float) -> str:
    return f"{n / MB:,.1f}" if n < 10 * MB else f"{n / MB:,.0f}"


def read_file_bounded(path: str | Path, max_bytes: float, setting: str = "MAX_INPUT_BYTES") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; directories, devices, pipes and sockets are
    refused by type before anything is read, and the read itself stops one byte past the budget (a file
    growing while read, or a size the file system misstates)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise LimitError(text("lim_not_found", path=p)) from None
    except OSError as exc:
        raise LimitError(text("lim_cannot_read", path=p, error=exc.strerror or type(exc).__name__)) from None
    if stat.S_ISDIR(st.st_mode):
        raise LimitError(text("lim_is_directory", path=p))
    if not stat.S_ISREG(st.st_mode):
        raise LimitError(text("lim_not_regular", path=p))
    budget = int(max_bytes)
    if st.st_size > budget:
        raise LimitError(text("lim_file_too_large", size=mb(st.st_size), limit=mb(budget), setting=setting))
    try:
        with open(p, "rb") as fh:
            data = fh.read(budget + 1)
    except OSError as exc:
        raise LimitError(text("lim_cannot_read", path=p, error=exc.strerror or type(exc).__name__)) from None
    if len(data) > budget:
        raise LimitError(
            text("lim_file_too_large", size=f"> {mb(budget)}", limit=mb(budget), setting=setting)
        )
    return data


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose composer refuses nesting deeper than ``max_depth`` (the composer recurses;
    a deep document would otherwise end in a RecursionError)."""

    def __init__(self, stream: str, max_depth: int) -> None:
        super().__init__(stream)
        self._depth = 0
        self._max_depth = max_depth

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                raise LimitError(text("lim_yaml_depth", limit=self._max_depth, setting="MAX_YAML_DEPTH"))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def expanded_nodes(root: yaml.Node, budget: int) -> int:
    """How many nodes the document has once every alias is replaced by what it stands for, counted without
    expanding anything (one count per node, remembered); stops at ``budget + 1``. A recursive anchor counts as
    over any budget."""
    memo: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in busy:
            return budget + 1
        busy.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > budget:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > budget:
                    break
        busy.discard(key)
        memo[key] = min(total, budget + 1)
        return memo[key]

    return size(root)


def load_yaml_bounded(source: str, *, max_nodes: int, nodes_setting: str) -> Any:
    """``yaml.safe_load`` with the nesting depth (``MAX_YAML_DEPTH``) checked while composing and the node count
    after alias expansion (``max_nodes``) checked before anything is constructed. Raises :class:`LimitError`
    or ``yaml.YAMLError``."""
    loader = _BoundedLoader(source, ilimit("MAX_YAML_DEPTH"))
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        n = expanded_nodes(node, max_nodes)
        if n > max_nodes:
            raise LimitError(text("lim_yaml_nodes", limit=f"{max_nodes:,}", setting=nodes_setting))
        return loader.construct_document(node)
    finally:
        loader.dispose()


@functools.cache  # once per process: app.py runs on every Streamlit rerun
def give_back_freed_memory() -> bool:
    """Ask glibc to hand big freed blocks (≥ 128 KiB: frame columns, arrays) back to the system at once.

    Why: glibc raises its mmap threshold after the first big block is freed (up to 32 MiB), and from then on
    big blocks come from the heap, where a freed column stays as a hole the next, differently sized one may not
    fit; at 100k rows that fragmentation is part of the peak (1,575 → 1,518 MiB for ``screening score``,
    docs/benchmarks.md). ``mallopt(M_MMAP_THRESHOLD)`` is glibc's public interface for this, and fixing the
    threshold also switches the dynamic raise off. The entry points (CLI, app) call it; a library import never
    changes the process's allocator. Returns whether it applied (False off glibc).
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_mmap_threshold = -3  # M_MMAP_THRESHOLD in glibc's <malloc.h>
        return bool(libc.mallopt(m_mmap_threshold, 128 * 1024))
    except (OSError, AttributeError):  # not glibc (musl, another libc)
        return False
