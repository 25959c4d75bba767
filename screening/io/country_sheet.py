"""The shipped country sheet (一国一策): BRI partner context that every value of which carries a source.

``screening/_data/evidence/countries/`` holds ``countries.csv`` (one row per country, keyed by ISO3 in the
``country`` column; each value column ``c`` has a ``c_source`` column next to it naming its source id) and
``sources.csv`` (one row per source: id, title, publisher, URL, section, as-of date, licence, how it was
retrieved). A blank value is "not assessed": nothing public that we could read gave it. The folder's README
names every source and licence.

This module only reads the files: :func:`load_shipped` returns the sheet as a :class:`~screening.model.RawTable`
(so :mod:`screening.stages.validate` types it exactly like a user's countries sheet), the source id of every
cell, the source catalogue and the sheet's version (SHA-256 of the two files, latest as-of date). Joining it
under the user's own sheet, column by column, is :func:`screening.stages.validate.validate`'s job.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from screening.limits import read_file_bounded
from screening.model import RawTable
from screening.resources import EVIDENCE_DIR
from screening.vocab.columns import COUNTRY_COLUMNS

__all__ = ["COUNTRY_SHEET_DIR", "SOURCE_SUFFIX", "ShippedCountries", "load_shipped", "read_shipped"]

COUNTRY_SHEET_DIR = EVIDENCE_DIR / "countries"
SOURCE_SUFFIX = "_source"
SHEET_NAME = "country sheet (shipped)"
# Both files are a few tens of kilobytes; the bound only guards against a damaged install.
_MAX_BYTES = 4 * 1024 * 1024  # why: far above the shipped files' size, far below anything harmful
SOURCE_FIELDS = ("source_id", "title", "publisher", "url", "section", "as_of", "licence", "retrieved_via")


@dataclass(frozen=True)
class ShippedCountries:
    """The shipped sheet as read: raw values (canonical headers), each cell's source id, the sources."""

    table: RawTable  # columns: country (ISO3) and every country column the sheet has, raw strings ("" blank)
    sources: pd.DataFrame  # same index as table.frame, one column per country column: source id or ""
    catalogue: pd.DataFrame  # SOURCE_FIELDS, one row per source
    sha256: str  # of countries.csv and sources.csv, in that order
    as_of: str  # the latest as-of date of any source

    def source_of(self, source_id: str) -> dict[str, str]:
        """The catalogue row of ``source_id`` (empty dict for an unknown id)."""
        rows = self.catalogue[self.catalogue["source_id"] == source_id]
        return {} if rows.empty else {str(k): str(v) for k, v in rows.iloc[0].items()}


def _read_csv(path: Path) -> tuple[bytes, list[dict[str, str]]]:
    data = read_file_bounded(path, _MAX_BYTES)
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def read_shipped(folder: Path = COUNTRY_SHEET_DIR) -> ShippedCountries:
    """Read the country sheet in ``folder`` (the shipped one by default)."""
    sheet_bytes, rows = _read_csv(folder / "countries.csv")
    source_bytes, source_rows = _read_csv(folder / "sources.csv")
    names = [c.name for c in COUNTRY_COLUMNS if rows and c.name in rows[0]]
    frame = pd.DataFrame(
        {"country": [r["country"] for r in rows], **{n: [r[n] or None for r in rows] for n in names}},
        dtype=object,
    )
    sources = pd.DataFrame(
        {n: [r.get(n + SOURCE_SUFFIX, "") or "" for r in rows] for n in names},
        index=frame.index,
        dtype=object,
    )
    catalogue = pd.DataFrame([{f: r.get(f, "") or "" for f in SOURCE_FIELDS} for r in source_rows])
    table = RawTable(
        sheet=SHEET_NAME,
        header_row=1,
        frame=frame,
        source_rows=np.arange(2, len(frame) + 2),
        matched={n: n for n in ("country", *names)},
    )
    digest = hashlib.sha256(sheet_bytes + b"\0" + source_bytes).hexdigest()
    as_of = max((r["as_of"] for r in source_rows if r.get("as_of")), default="")
    return ShippedCountries(table, sources, catalogue, digest, as_of)


@cache
def load_shipped() -> ShippedCountries:
    """The shipped country sheet, read once per process."""
    return read_shipped()
