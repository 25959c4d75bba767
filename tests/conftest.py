"""Shared fixtures. Hypothesis: the `ci` profile has no per-example deadline (2-core CI machines)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", deadline=None, max_examples=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
AIDDATA = SHARED / "data" / "aiddata_gcdf3_extract.csv"
SAMPLES = ROOT / "sample_projects"


@pytest.fixture(scope="session")
def default_criteria():
    from screening.criteria.loader import load_criteria

    return load_criteria()


BASE_RECORD = {
    "project_id": "P1",
    "project_name": "Solar farm",
    "country": "Kenya",
    "sector": "energy",
    "total_investment_usd_m": 40,
}


def write_xlsx(
    path: Path,
    headers: list[str],
    rows: list[list[object]],
    *,
    sheet: str = "projects",
    title_rows: int = 0,
    countries: tuple[list[str], list[list[object]]] | None = None,
) -> Path:
    """A workbook with optional title rows above the header and an optional countries sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append([f"Title line {i + 1} / 标题"])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    if countries is not None:
        cs = wb.create_sheet("countries")
        cs.append(countries[0])
        for r in countries[1]:
            cs.append(r)
    wb.save(path)
    return path


def rec(pid: str, **kw: object) -> dict[str, object]:
    """A minimal valid record with ``project_id`` and any fields overridden."""
    return {**BASE_RECORD, "project_id": pid, **kw}


def write_csv(path: Path, records: list[dict[str, object]]) -> Path:
    """A UTF-8 CSV of records (a CSV cell is text, whatever it starts with)."""
    import csv

    headers = list(dict.fromkeys(k for r in records for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for r in records:
            w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return path


@pytest.fixture
def xlsx(tmp_path):
    """Build a workbook from records (dicts); returns its path."""
    counter = {"n": 0}

    def make(records: list[dict[str, object]], **kwargs: object) -> Path:
        counter["n"] += 1
        headers: list[str] = []
        for r in records:
            for k in r:
                if k not in headers:
                    headers.append(k)
        rows = [[r.get(h) for h in headers] for r in records]
        return write_xlsx(tmp_path / f"input{counter['n']}.xlsx", headers, rows, **kwargs)  # type: ignore[arg-type]

    return make


def keep_each_dimension_weighted(criteria, crits: dict[str, float]) -> dict[str, float]:  # noqa: ANN001
    """Drawn criterion weights, with any whose dimension would weigh nothing for some track set back to 1.

    A criteria set rejects a dimension whose criteria weigh 0 for a track (there is nothing to average); a
    one-criterion dimension (e.g. the connectivity coordination) makes a drawn 0 hit that often."""
    out = dict(crits)
    for d in criteria.dimensions:
        for track in criteria.track_ids():
            applicable = [c for c in d.criteria if c.tracks is None or track in c.tracks]
            if applicable and sum(out.get(c.id, c.weight) for c in applicable) <= 0:
                for c in applicable:
                    if c.id in out:
                        out[c.id] = 1.0
    return out


def thin_sample_csv(path: Path) -> Path:
    """A synthetic thin file (issue 14 item 6): the bundled sample with every optional cell blanked on three
    records in four (required columns and ``status`` kept), written as CSV (so without its countries sheet).
    Most ranked records are then ``insufficient_data``, a few stay complete, and it does not depend on any
    real data set staying thin."""
    from screening.io.read import read_input
    from screening.vocab.columns import COLUMN_BY_NAME

    frame = read_input(SAMPLES / "sample_projects.xlsx").projects.frame.copy()
    keep = {c for c in frame.columns if c in COLUMN_BY_NAME and COLUMN_BY_NAME[c].required} | {"status"}
    blank = [c for c in frame.columns if c not in keep]
    rows = [i for i in range(len(frame)) if i % 4]
    frame = frame.astype({c: object for c in blank})
    frame.iloc[rows, [frame.columns.get_loc(c) for c in blank]] = None
    frame.to_csv(path, index=False)
    return path
