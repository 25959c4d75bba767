"""Real-prose benchmark: the AidData extract through the shipped mapping, against the I/O floor.

Usage:  python benchmarks/real_text_bench.py [--sizes 1000 20000 100000] [--app] [--app-synthetic 20000]
        python benchmarks/real_text_bench.py --pipeline-only [--sizes …]

The 961 real records of ``../shared/data/aiddata_gcdf3_extract.csv`` are replicated to each size (the
"AidData Record ID" of copy k is the original id + k·10⁷, so every id is distinct; titles and descriptions
repeat, as phases and tranches do in real files). Each size runs in its own child process, so that peak
memory is that run's own:

* **cli**: the ``screening score … --mapping aiddata-gcdf3`` command, called in-process through its typer app.
  The stage times are read off the command's own progress calls (the first call naming each stage), so they
  are the real wiring's. 100k real rows are ≈ 430 MB of CSV, over the input limit: the child raises
  ``SCREENING_LIMIT_MAX_INPUT_BYTES`` (the named setting, ``screening.limits``) for every size, which changes nothing below it.
* **floor** (another child, same run): pyarrow reading the input CSV, python-calamine reading the output
  workbook, and the Rust writer ``rustpy-xlsxwriter`` (the ``bench`` extra) writing the same cells, sheet by
  sheet, in pieces of at most 200,000 rows (the records are built before the clock starts).
* **app** (``--app``): the app's first screening of the 961 real rows (the Data page's AidData button, in
  Streamlit's AppTest) and of ``--app-synthetic`` synthetic rows (``pipeline_bench.make_workbook``, uploaded).

``--pipeline-only``: each size runs ``pipeline.run`` with the shipped mapping in a child (stage times read off
its progress calls, peak memory its own): no export and no floor, for the per-row check of the stages alone.

It prints Markdown tables: seconds per stage, the whole run, the floor, the ratio, peak memory, and the cost
per 1,000 rows of each stage (the check that no stage grows faster than the rows). Never a timed test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SOURCE = ROOT.parent / "shared" / "data" / "aiddata_gcdf3_extract.csv"
STAGES = ["read", "infer", "validate", "screen", "score", "rank"]
FLOOR_PIECE = 200_000


def replicate(path: Path, n: int) -> None:
    """The real extract replicated to ``n`` rows, ids made distinct."""
    with SOURCE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    id_col = header.index("AidData Record ID")
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(header)
        for i in range(n):
            row = list(body[i % len(body)])
            row[id_col] = str(int(row[id_col]) + (i // len(body)) * 10_000_000)
            out.writerow(row)


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_cli(src: Path, out: Path) -> dict[str, float]:
    import screening.cli as cli

    os.environ["SCREENING_LIMIT_MAX_INPUT_BYTES"] = str(
        10 * 1024**3
    )  # the named setting; 100k rows exceed it
    marks: list[tuple[str, float]] = []
    shown = cli._Progress.__call__

    def record(self, stage: str, share: float) -> None:  # type: ignore[no-untyped-def]
        marks.append((stage, time.perf_counter()))
        shown(self, stage, share)

    cli._Progress.__call__ = record  # type: ignore[method-assign]
    start = time.perf_counter()
    try:
        cli.app(["score", str(src), "--out", str(out), "--mapping", "aiddata-gcdf3"], standalone_mode=False)
    finally:
        end = time.perf_counter()
    firsts: dict[str, float] = {}
    for stage, at in marks:
        firsts.setdefault(stage, at)
    times: dict[str, float] = {"cli_total": end - start, "peak_mb": peak_mb()}
    export_start = next((at for stage, at in marks if stage not in STAGES), end)  # "export: ranking"
    present = [s for s in STAGES if s in firsts]  # "infer" is absent with inference off
    bounds = [firsts[s] for s in present] + [export_start]
    times.update(dict.fromkeys(STAGES, 0.0))
    for stage, a, b in zip(present, bounds, bounds[1:], strict=False):
        times[stage] = b - a
    times["export"] = end - bounds[-1]
    times["before_read"] = firsts["read"] - start
    return times


def child_pipeline(src: Path) -> dict[str, float]:
    from screening import pipeline
    from screening.io.mapping import load_mapping

    os.environ["SCREENING_LIMIT_MAX_INPUT_BYTES"] = str(10 * 1024**3)  # the named setting, as in child_cli
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    pipeline.run(
        src,
        mapping=load_mapping("aiddata-gcdf3"),
        progress=lambda s, _: marks.append((s, time.perf_counter())),
    )
    end = time.perf_counter()
    firsts: dict[str, float] = {}
    for stage, at in marks:
        firsts.setdefault(stage, at)
    times: dict[str, float] = {"pipeline_total": end - start, "peak_mb": peak_mb()}
    present = [s for s in STAGES if s in firsts]
    bounds = [firsts[s] for s in present] + [end]
    times.update(dict.fromkeys(STAGES, 0.0))
    for stage, a, b in zip(present, bounds, bounds[1:], strict=False):
        times[stage] = b - a
    return times


def child_floor(src: Path, out: Path) -> dict[str, float]:
    import pyarrow.csv as pacsv
    import rustpy_xlsxwriter
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    pacsv.read_csv(
        src, parse_options=pacsv.ParseOptions(newlines_in_values=True)
    )  # descriptions hold newlines
    read_in = time.perf_counter() - t
    t = time.perf_counter()
    book = CalamineWorkbook.from_path(str(out))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    read_out = time.perf_counter() - t
    cells = sum(len(rows) * (len(rows[0]) if rows else 0) for rows in sheets.values())
    write = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for k, rows in enumerate(sheets.values()):
            if not rows:
                continue
            keys = [f"c{j}" for j in range(len(rows[0]))]
            for p in range(0, len(rows), FLOOR_PIECE):
                records = [dict(zip(keys, r, strict=False)) for r in rows[p : p + FLOOR_PIECE]]
                t = time.perf_counter()
                rustpy_xlsxwriter.write_worksheet(records, str(Path(tmp) / f"{k}_{p}.xlsx"), "s")
                write += time.perf_counter() - t
                del records
    return {"floor_read_in": read_in, "floor_read_out": read_out, "floor_write": write, "cells": cells}


def child_app(kind: str, n: int, workdir: Path) -> dict[str, float]:
    from pipeline_bench import make_workbook
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(str(ROOT / "app_pages" / "data.py")).run()
    t = time.perf_counter()
    if kind == "real":
        at.button(key="use_aiddata").click().run()
    else:
        src = workdir / f"app_{n}.xlsx"
        if not src.exists():
            make_workbook(src, n)
        data = src.read_bytes()
        t = time.perf_counter()
        at.file_uploader(key="data_upload").set_value(
            (src.name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ).run()
    seconds = time.perf_counter() - t
    if at.exception:
        raise SystemExit(str(at.exception[0].value))
    counts = at.session_state["_loaded"].result.counts()
    return {"first_screening": seconds, "peak_mb": peak_mb(), "records": counts["records"]}


def run_child(*args: str) -> dict[str, float]:
    p = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if p.returncode != 0:
        raise SystemExit(f"{args} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _pipeline_only(sizes: list[int]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src = Path(tmp) / f"real_{n}.csv"
            replicate(src, n)
            print(f"… {n:,} real rows, pipeline only", file=sys.stderr, flush=True)
            rows.append({"rows": n, **run_child("--child", "pipeline", "--src", str(src))})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            src.unlink()
    print("| rows | " + " | ".join(STAGES) + " | pipeline | peak MB |")
    print("|---:|" + "---:|" * (len(STAGES) + 2))
    for r in rows:
        print(
            f"| {int(r['rows']):,} | "
            + " | ".join(f"{r[c]:.2f}" for c in STAGES)
            + f" | {r['pipeline_total']:.2f} | {r['peak_mb']:,.0f} |"
        )
    print("\n| rows | " + " | ".join(f"{c} ms/1k rows" for c in STAGES) + " | pipeline ms/1k rows |")
    print("|---:|" + "---:|" * (len(STAGES) + 1))
    for r in rows:
        k = r["rows"] / 1000
        print(
            f"| {int(r['rows']):,} | "
            + " | ".join(f"{r[c] * 1000 / k:.0f}" for c in STAGES)
            + f" | {r['pipeline_total'] * 1000 / k:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 20000, 100000])
    parser.add_argument("--app", action="store_true", help="also time the app's first screening")
    parser.add_argument("--app-synthetic", type=int, default=20000)
    parser.add_argument("--pipeline-only", action="store_true", help="stages only: no export, no floor")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "cli":
        print(json.dumps(child_cli(args.src, args.out)))
        return
    if args.child == "pipeline":
        print(json.dumps(child_pipeline(args.src)))
        return
    if args.pipeline_only:
        _pipeline_only(args.sizes)
        return
    if args.child == "floor":
        print(json.dumps(child_floor(args.src, args.out)))
        return
    if args.child in ("app-real", "app-synthetic"):
        print(json.dumps(child_app(args.child[4:], args.n, args.src)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            src, out = Path(tmp) / f"real_{n}.csv", Path(tmp) / f"real_{n}.xlsx"
            replicate(src, n)
            print(
                f"… {n:,} real rows ({src.stat().st_size / 1e6:,.0f} MB of CSV)", file=sys.stderr, flush=True
            )
            row = {"rows": n, "csv_mb": src.stat().st_size / 1e6}
            row.update(run_child("--child", "cli", "--src", str(src), "--out", str(out)))
            row.update(run_child("--child", "floor", "--src", str(src), "--out", str(out)))
            print(json.dumps(row), file=sys.stderr, flush=True)  # kept even if a later size fails
            rows.append(row)
            src.unlink()
            out.unlink()
        apps = []
        if args.app:
            print("… app, 961 real rows", file=sys.stderr, flush=True)
            apps.append(("961 real (AidData button)", run_child("--child", "app-real", "--src", tmp)))
            n = args.app_synthetic
            print(f"… app, {n:,} synthetic rows", file=sys.stderr, flush=True)
            apps.append(
                (
                    f"{n:,} synthetic (upload)",
                    run_child("--child", "app-synthetic", "--n", str(n), "--src", tmp),
                )
            )
    cols = [*STAGES, "export"]
    print("| rows | CSV MB | " + " | ".join(cols) + " | CLI total | floor | ratio | peak MB |")
    print("|---:|---:|" + "---:|" * (len(cols) + 4))
    for r in rows:
        floor = r["floor_read_in"] + r["floor_read_out"] + r["floor_write"]
        print(
            f"| {int(r['rows']):,} | {r['csv_mb']:,.0f} | "
            + " | ".join(f"{r[c]:.2f}" for c in cols)
            + f" | {r['cli_total']:.2f} | {floor:.2f} | {r['cli_total'] / floor:.2f}× | {r['peak_mb']:,.0f} |"
        )
    print(
        "\nFloor parts (s): "
        + "; ".join(
            f"{int(r['rows']):,} rows: read input {r['floor_read_in']:.2f}, read output {r['floor_read_out']:.2f}, "
            f"write {int(r['cells']):,} cells with rustpy-xlsxwriter {r['floor_write']:.2f}"
            for r in rows
        )
    )
    print("\n| rows | " + " | ".join(f"{c} ms/1k rows" for c in cols) + " | CLI ms/1k rows |")
    print("|---:|" + "---:|" * (len(cols) + 1))
    for r in rows:
        k = r["rows"] / 1000
        print(
            f"| {int(r['rows']):,} | "
            + " | ".join(f"{r[c] * 1000 / k:.0f}" for c in cols)
            + f" | {r['cli_total'] * 1000 / k:.0f} |"
        )
    if apps:
        print("\n| app, first screening | seconds | records | peak MB |\n|---|---:|---:|---:|")
        for label, a in apps:
            print(f"| {label} | {a['first_screening']:.2f} | {int(a['records']):,} | {a['peak_mb']:,.0f} |")


if __name__ == "__main__":
    main()
