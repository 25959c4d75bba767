"""Pipeline benchmark: stage times, peak memory, and the Excel I/O floor, for synthetic workbooks.

Usage:  python benchmarks/pipeline_bench.py [--sizes 1000 20000 100000] [--keep DIR] [--reweigh-only]

For each size, a child process (so that peak memory is that size's own) generates a workbook with every
canonical column, then times: read, validate, screen + classify, score, rank, explain (rationale), export.
In the same run it measures the I/O floor: python-calamine reading the same file, plus an openpyxl
write-only writer writing as many plain cells as the export wrote. It prints a Markdown table; the figures in
docs/benchmarks.md come from this script. It is a script that prints figures, never a timed test.

``--reweigh-only``: per size, one child runs the pipeline and then times a change of weights, best of 7, both as
the library does it (``pipeline.reweigh``) and as the app does it (``analysis.weights.apply_weights``), with the
child's peak memory. ``--keep DIR`` keeps the generated workbooks there, so that a rerun skips generating them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from screening import pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTORS = [
    "transport",
    "energy",
    "mining",
    "digital",
    "water",
    "agriculture",
    "health",
    "education",
    "tourism",
]
COUNTRIES = ["Kenya", "越南", "PAK", "Laos", "Indonesia", "Egypt", "Serbia", "Brazil", "泰国", "KAZ"]


def make_workbook(path: Path, n: int, seed: int = 7) -> None:
    """A synthetic project workbook with all canonical columns and a countries sheet."""
    import numpy as np
    from openpyxl import Workbook

    from screening.vocab.columns import CODE_LISTS, COUNTRY_COLUMNS, PROJECT_COLUMNS

    rng = np.random.default_rng(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("projects")
    ws.append([c.name for c in PROJECT_COLUMNS])
    gens = []
    for c in PROJECT_COLUMNS:
        if c.name == "project_id":
            gens.append(lambda i: f"P{i:06d}")
        elif c.name == "project_name":
            # Names from a vocabulary, so that duplicate detection meets a realistic share of similar names.
            places = [
                f"{a}{b}"
                for a in ("ka", "lo", "ma", "ni", "sa", "to", "ve", "zu")
                for b in ("bar", "dan", "gor", "lin", "mur", "pol", "ran", "sud", "tek", "wal")
            ]
            kinds = [
                "port",
                "railway",
                "school",
                "clinic",
                "solar park",
                "water plant",
                "road",
                "fibre link",
                "training centre",
                "farm",
                "bridge",
                "hospital",
                "grid line",
                "logistics hub",
                "dam",
            ]
            pi, ki, qi = (
                rng.integers(0, len(places), n),
                rng.integers(0, len(kinds), n),
                rng.integers(0, len(places), n),
            )
            gens.append(
                lambda i, pi=pi, ki=ki, qi=qi, places=places, kinds=kinds: (
                    f"{places[pi[i]].title()} {kinds[ki[i]]} {places[qi[i]]}"
                )
            )
        elif c.name == "country":
            gens.append(lambda i: COUNTRIES[i % len(COUNTRIES)])
        elif c.name == "sector":
            gens.append(lambda i: SECTORS[(i * 7) % len(SECTORS)])
        elif c.name == "status":
            # mostly live candidates; a few cancelled or suspended ones (not candidates: excluded)
            statuses = ["planned", "under_construction", "operating", "completed", "cancelled", "suspended"]
            vals = rng.choice(len(statuses), n, p=[0.70, 0.20, 0.05, 0.047, 0.002, 0.001])
            gens.append(lambda i, statuses=statuses, vals=vals: statuses[vals[i]])
        elif c.name in ("legal_under_host_law", "forest_certified"):
            # a "no" here is a gate (illegal; uncertified wood): rare, as in real portfolios
            vals = rng.random(n)
            gens.append(lambda i, vals=vals: "no" if vals[i] < 0.001 else "yes")
        elif c.kind == "code" and c.codes:
            codes = CODE_LISTS[c.codes].values
            vals = rng.integers(0, len(codes), n)
            gens.append(lambda i, codes=codes, vals=vals: codes[vals[i]])
        elif c.kind == "bool":
            vals = rng.random(n)
            gens.append(lambda i, vals=vals: "yes" if vals[i] > 0.4 else "no")
        elif c.kind == "level":
            vals = rng.integers(0, 4, n)
            gens.append(lambda i, vals=vals: int(vals[i]))
        elif c.kind == "share":
            vals = rng.random(n)
            gens.append(lambda i, vals=vals: round(float(vals[i]), 3))
        elif c.kind in ("money", "number", "count", "pct"):
            hi = {"money": 2000, "pct": 20, "count": 200000}.get(c.kind, 300000)
            vals = rng.random(n) * hi
            gens.append(lambda i, vals=vals: round(float(vals[i]), 2))
        elif c.kind == "year":
            gens.append(lambda i: 2015 + i % 10)
        else:
            gens.append(lambda i, name=c.name: f"{name} text {i % 97}")
    for i in range(n):
        ws.append([g(i) for g in gens])
    cs = wb.create_sheet("countries")
    cs.append(["country", *[c.name for c in COUNTRY_COLUMNS]])
    for k, country in enumerate(COUNTRIES):
        cs.append(
            [
                country,
                "yes",
                "no" if k % 2 else "yes",
                1990 + 3 * k,
                "yes" if k % 3 else "no",
                ["low", "moderate", "high", None][k % 4],
                round(-1 + k * 0.2, 2),
                round(0.3 + k * 0.05, 2),
            ]
        )
    wb.save(path)


def _seconds(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(script: str, n: int, workdir: Path, *extra: str) -> dict[str, float]:
    """Run ``script --child n --workdir workdir *extra`` in a new process (so that its peak memory is its own);
    return the JSON figures it prints last."""
    p = subprocess.run(
        [sys.executable, script, "--child", str(n), "--workdir", str(workdir), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if p.returncode != 0:
        raise SystemExit(f"{n:,} rows failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_one(n: int, workdir: Path, mode: str) -> dict[str, float]:
    """Run in a child process. ``stages``: time each stage once. ``full``: the whole pipeline as the CLI runs it,
    the export, re-weighting and the I/O floor, with this process's peak memory (so stage copies don't count)."""

    from screening.criteria.loader import load_criteria
    from screening.criteria.rules import Context, text_scan
    from screening.io.read import read_input
    from screening.stages.classify import add_derived, classify
    from screening.stages.explain import rationale
    from screening.stages.rank import rank
    from screening.stages.score import Weights, point_matrix, weigh
    from screening.stages.screen import screen
    from screening.stages.validate import validate

    src = workdir / f"bench_{n}.xlsx"
    t = time.perf_counter()
    if not src.exists():
        make_workbook(src, n)
    gen = time.perf_counter() - t
    cs = load_criteria()
    times: dict[str, float] = {"rows": n, "generate_s": gen}

    def timed(key: str, fn):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        out = fn()
        times[key] = time.perf_counter() - t0
        return out

    if mode == "full":
        return _full(n, src, workdir, cs, times, timed)
    if mode == "reweigh":
        return _reweigh(src, cs, times, timed)
    inp = timed("read", lambda: read_input(src))
    val = timed("validate", lambda: validate(inp))

    texts = text_scan(cs)  # shared by the stages, as pipeline.run_input shares it

    def screen_classify():  # type: ignore[no-untyped-def]
        frame = add_derived(val.records[val.valid].reset_index(drop=True), cs)
        s = screen(frame, cs, texts)
        return classify(frame, cs, Context(s.flags, texts)), s

    frame, screened = timed("screen+classify", screen_classify)
    live = frame[~screened.excluded].reset_index(drop=True)
    ctx = Context({k: v[~screened.excluded] for k, v in screened.flags.items()}, texts)
    pm = timed("score", lambda: point_matrix(live, cs, ctx))
    scores = weigh(pm, Weights.of(cs), cs.missing_policy)
    live = live.assign(score=scores.total, completeness=scores.completeness)
    timed("rank", lambda: rank(live))
    timed("explain", lambda: rationale(live, pm, scores, cs))
    return times


def _full(n, src, workdir, cs, times, timed):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from screening.io.export import write_workbook
    from screening.stages.score import Weights

    # The whole pipeline as the CLI runs it (includes duplicate flags and everything above).
    result = timed("pipeline_total", lambda: pipeline.run(src, criteria=cs))
    out = workdir / f"bench_{n}_out.xlsx"
    timed("export", lambda: write_workbook(result, out, "en"))
    w = Weights(
        {k: v * (1.5 if i % 2 else 0.7) for i, (k, v) in enumerate(result.weights.dimensions.items())},
        result.weights.criteria,
    )
    pipeline.reweigh(result, w)  # warm-up
    times["reweigh"] = min(_seconds(lambda: pipeline.reweigh(result, w)) for _ in range(5))  # best of 5
    times["peak_mb"] = peak_mb()  # before the floor measurements below
    # I/O floor: fastest reader on the same input + write-only openpyxl writing the same number of cells.
    wb_out = CalamineWorkbook.from_path(str(out))
    cells = 0
    for name in wb_out.sheet_names:
        sheet = wb_out.get_sheet_by_name(name)
        cells += sheet.height * sheet.width

    def read_floor() -> None:
        wb = CalamineWorkbook.from_path(str(src))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()

    def write_floor() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("floor")
        width = 50
        row = list(range(width))
        for _ in range(cells // width):
            ws.append(row)
        wb.save(workdir / "floor.xlsx")

    timed("floor_read", read_floor)
    timed("floor_write", write_floor)
    times["cells_written"] = cells
    return times


def _reweigh(src, cs, times, timed):  # type: ignore[no-untyped-def]
    from screening.analysis.weights import apply_weights, validated_weights

    result = timed("pipeline_total", lambda: pipeline.run(src, criteria=cs))
    dims = list(result.weights.dimensions)
    edited = validated_weights(cs, {"dimensions": {dims[0]: 40.0, dims[-1]: 5.0}, "criteria": {}})
    w = type(result.weights).of(edited)
    for key, fn in (
        ("reweigh", lambda: pipeline.reweigh(result, w)),
        ("apply_weights", lambda: apply_weights(result, edited)),
    ):
        fn()  # warm-up
        times[key] = min(_seconds(fn) for _ in range(7))
    times["peak_mb"] = peak_mb()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000, 100000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="stages", help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="keep the generated workbooks in this folder")
    parser.add_argument(
        "--reweigh-only", action="store_true", help="time only re-weighting (and peak memory)"
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(bench_one(args.child, args.workdir, args.mode)))
        return
    rows = []
    modes = ("reweigh",) if args.reweigh_only else ("stages", "full")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            row: dict[str, float] = {}
            for mode in modes:
                print(f"… {n:,} rows, {mode}", file=sys.stderr, flush=True)
                row.update(run_child(__file__, n, workdir, "--mode", mode))
            rows.append(row)
    if args.reweigh_only:
        print("| rows | pipeline s | pipeline.reweigh ms | apply_weights ms | peak MB |")
        print("|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {int(r['rows']):,} | {r['pipeline_total']:.2f} | {r['reweigh'] * 1000:.1f} "
                f"| {r['apply_weights'] * 1000:.1f} | {r['peak_mb']:,.0f} |"
            )
        print(
            "\nRe-weighting: best of 7 after a warm-up; peak MB: the child's (pipeline run + re-weightings)."
        )
        return
    cols = ["read", "validate", "screen+classify", "score", "rank", "explain", "pipeline_total", "export"]
    print(
        "| rows | "
        + " | ".join(cols)
        + " | total (pipeline+export) | floor (read+write) | ratio | reweigh | peak MB |"
    )
    print("|---:|" + "---:|" * (len(cols) + 5))
    for r in rows:
        total = r["pipeline_total"] + r["export"]
        floor = r["floor_read"] + r["floor_write"]
        print(
            f"| {int(r['rows']):,} | "
            + " | ".join(f"{r[c]:.2f}" for c in cols)
            + f" | {total:.2f} | {floor:.2f} | {total / floor:.2f}× | {r['reweigh'] * 1000:.0f} ms | {r['peak_mb']:,.0f} |"
        )
    print(
        "\nTimes in seconds. Floor: python-calamine reading the input + openpyxl write-only writing the same "
        "number of cells as the export (cells: "
        + ", ".join(f"{int(r['cells_written']):,}" for r in rows)
        + ")."
    )


if __name__ == "__main__":
    main()
