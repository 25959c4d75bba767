"""Benchmark of the value of information (issue 14 item 6): prints timings, asserts nothing.

Synthetic workbooks from :func:`pipeline_bench.make_workbook` (every canonical column filled), made thin by
blanking each optional project cell with probability ``--blank`` (seeded), written as CSV and screened; then
:func:`screening.analysis.value_of_information.value_of_information` is timed on the result (best of
``--repeat``), with the share of ranked records that are ``insufficient_data`` and the size of its table.

Run: ``python benchmarks/voi_bench.py [--sizes 1000 20000] [--blank 0.0 0.6 0.9]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline_bench import make_workbook  # noqa: E402

from screening import pipeline  # noqa: E402
from screening.analysis.value_of_information import value_of_information  # noqa: E402
from screening.vocab.columns import COLUMN_BY_NAME  # noqa: E402


def thin_csv(src: Path, out: Path, blank: float, seed: int = 11) -> None:
    frame = pd.read_excel(src, sheet_name="projects", dtype=object, engine="calamine")
    rng = np.random.default_rng(seed)
    for name in frame.columns:
        col = COLUMN_BY_NAME.get(name)
        if col is None or col.required:
            continue
        frame[name] = frame[name].where(rng.random(len(frame)) >= blank, None)
    frame.to_csv(out, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--blank", type=float, nargs="+", default=[0.0, 0.6, 0.9])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(
        "| rows | blank share | ranked | insufficient_data | pipeline s | VOI rows | VOI s (best wall) | VOI CPU s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            wb = Path(tmp) / f"p{n}.xlsx"
            make_workbook(wb, n)
            for blank in args.blank:
                csv = Path(tmp) / f"p{n}_{blank}.csv"
                thin_csv(wb, csv, blank)
                t0 = time.perf_counter()
                result = pipeline.run(csv)
                run_s = time.perf_counter() - t0
                best = cpu = float("inf")
                voi = None
                for _ in range(args.repeat):
                    t0, c0 = time.perf_counter(), time.process_time()
                    voi = value_of_information(result)
                    best = min(best, time.perf_counter() - t0)
                    cpu = min(cpu, time.process_time() - c0)
                assert voi is not None
                ranked = len(result.ranked)
                thin = int((result.ranked["tier"].astype(str) == "insufficient_data").sum())
                print(
                    f"| {n:,} | {blank:.0%} | {ranked:,} | {thin:,} | {run_s:.2f} | {len(voi.table):,} "
                    f"| {best:.2f} | {cpu:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
