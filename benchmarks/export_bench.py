"""Benchmark: time to write the ranked workbook for 1k / 20k / 100k synthetic projects (prints figures).

Run from the repository root::

    python benchmarks/export_bench.py              # 1000 20000 100000
    python benchmarks/export_bench.py 1000 5000    # other sizes
    python benchmarks/export_bench.py --slow 1000  # also time openpyxl's own cell path for comparison

For each size it writes a synthetic CSV (deterministic, seeded), runs the pipeline on it, and times
``write_workbook`` (English). It prints the pipeline time, the export time, the cells written, the rows of
the Rationale (which dominates: projects × criteria, continued on numbered sheets past 1,048,576 rows),
the file size and the time to load the workbook again (``read_input`` on the export). This is a script
that prints figures, not a timed test.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.io import export, xlsx_stream
from screening.io.export import write_workbook  # noqa: E402
from screening.io.read import read_input  # noqa: E402
from screening.model import InputError  # noqa: E402
from screening.pipeline import run  # noqa: E402
from screening.report import ranking_frame

SECTORS = [
    "transport",
    "energy",
    "mining",
    "manufacturing",
    "digital",
    "water",
    "agriculture",
    "health",
    "education",
    "industrial_park",
    "trade_logistics",
    "tourism",
    "environment",
]
COUNTRIES = [
    "Kenya",
    "Pakistan",
    "Laos",
    "Egypt",
    "Serbia",
    "Indonesia",
    "Zambia",
    "Ethiopia",
    "Vietnam",
    "Peru",
]
ENERGY = ["solar", "wind", "hydro", "gas", "coal", ""]
STATUS = ["planned", "under_construction", "operating", ""]
YES_NO = ["yes", "no", ""]


def synthetic_csv(path: Path, n: int, seed: int = 7) -> Path:
    """n projects with most recognised columns filled, some blanks, ~1 % invalid, a few excluded."""
    rng = np.random.default_rng(seed)
    headers = [
        "project_id",
        "project_name",
        "country",
        "sector",
        "total_investment_usd_m",
        "status",
        "energy_source",
        "start_year",
        "construction_months",
        "private_capital_share",
        "firr_pct",
        "eirr_pct",
        "direct_beneficiaries",
        "local_jobs",
        "local_employment_share",
        "trainees",
        "env_category",
        "esia_completed",
        "community_consultation",
        "grievance_mechanism",
        "open_procurement",
        "compliance_program",
        "hard_connectivity",
        "soft_connectivity",
        "heart_connectivity",
        "livelihood_focus",
        "in_cooperation_plan",
        "host_strategy_alignment",
        "monitoring_plan",
        "description",
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for i in range(n):
            sector = SECTORS[rng.integers(len(SECTORS))]
            invest = round(float(rng.lognormal(4, 1.5)), 1)
            row = [
                f"P{i:06d}",
                f"Project {i} ({sector})",
                COUNTRIES[rng.integers(len(COUNTRIES))],
                sector,
                "abc" if rng.random() < 0.01 else invest,
                STATUS[rng.integers(len(STATUS))],
                ENERGY[rng.integers(len(ENERGY))] if sector == "energy" else "",
                int(rng.integers(2015, 2030)),
                int(rng.integers(6, 60)),
                round(float(rng.random()), 2),
                round(float(rng.normal(8, 4)), 1),
                round(float(rng.normal(10, 4)), 1),
                int(rng.integers(0, 500_000)),
                int(rng.integers(0, 5000)),
                round(float(rng.random()), 2),
                int(rng.integers(0, 2000)),
                "ABC"[rng.integers(3)],
                *[YES_NO[rng.integers(3)] for _ in range(5)],
                *[int(rng.integers(0, 4)) for _ in range(3)],
                *[YES_NO[rng.integers(3)] for _ in range(4)],
                "A synthetic project for the export benchmark; " * int(rng.integers(1, 4)),
            ]
            w.writerow(row)
    return path


def bench(n: int, tmp: Path, slow: bool) -> None:
    src = synthetic_csv(tmp / f"synthetic_{n}.csv", n)
    t0 = time.perf_counter()
    result = run(src)
    t_run = time.perf_counter() - t0
    out = tmp / f"export_{n}.xlsx"
    t0 = time.perf_counter()
    write_workbook(result, out, "en")
    t_write = time.perf_counter() - t0
    c = result.counts()
    n_crit = len(result.criteria.criteria)
    rat_rows = len(result.ranked) * n_crit
    ranking_cells = len(result.ranked) * (len(ranking_frame(result).columns))
    cells = ranking_cells + rat_rows * 12
    size = out.stat().st_size / 1e6
    t0 = time.perf_counter()
    try:
        read_input(out)
        reread = f"re-read {time.perf_counter() - t0:6.1f} s"
    except InputError as exc:  # e.g. over the reader's input size limit
        reread = f"re-read refused: {exc.en}"
    print(
        f"{n:>7,} projects | pipeline {t_run:7.1f} s | export {t_write:7.1f} s "
        f"({cells / max(t_write, 1e-9) / 1e6:4.2f} M cells/s, ~{cells / 1e6:5.1f} M cells) | "
        f"rationale {rat_rows:>9,} rows on {-(-rat_rows // (export.MAX_ROWS - 1))} sheet(s) | "
        f"{size:7.1f} MB | {reread} | ranked {c['ranked']:,}, excluded {c['excluded']:,}, "
        f"invalid {c['invalid']:,}",
        flush=True,
    )
    if slow:
        xlsx_stream.FAST_ROWS = False
        t0 = time.perf_counter()
        write_workbook(result, tmp / f"export_{n}_slow.xlsx", "en")
        xlsx_stream.FAST_ROWS = True
        print(
            f"{'':>7}          openpyxl cell path (FAST_ROWS=False): export {time.perf_counter() - t0:7.1f} s",
            flush=True,
        )


def main(argv: list[str]) -> None:
    slow = "--slow" in argv
    sizes = [int(a) for a in argv if not a.startswith("--")] or [1_000, 20_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            bench(n, Path(tmp), slow)


if __name__ == "__main__":
    main(sys.argv[1:])
