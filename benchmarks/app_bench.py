"""App benchmark: a synthetic workbook uploaded to the Streamlit app (AppTest, no browser), page by page.

Usage:  python benchmarks/app_bench.py [--sizes 1000 20000 100000]

For each size, the script generates a workbook with every canonical column (``pipeline_bench.make_workbook``);
a child process (so that peak memory is the app's own) uploads it through the Data page's ``file_uploader`` and
times: the upload screened (first run), a change of weights on the Ranking page (the re-rank and the redrawn
table and charts), and a first visit to every other page. It prints a Markdown table; the figures in
docs/benchmarks.md come from this script. Times include AppTest's own script runs, not the browser's
rendering or the network. It is a script that prints figures, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PAGES = ["ranking", "project", "robustness", "portfolio", "excluded", "export", "criteria"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bench_one(n: int, workdir: Path) -> dict[str, float]:
    from pipeline_bench import peak_mb
    from streamlit.testing.v1 import AppTest

    from screening.criteria.loader import load_criteria

    src = workdir / f"app_{n}.xlsx"  # made by the parent, so that peak memory is the app's own
    data = src.read_bytes()
    out: dict[str, float] = {"rows": n, "file_mb": len(data) / 1e6}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(str(ROOT / "app_pages" / "data.py")).run()
    base_mb = peak_mb()

    def timed(key: str, step) -> None:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        step()
        out[key] = time.perf_counter() - t
        if at.exception:
            raise SystemExit(f"{key}: {at.exception[0].value}")

    timed("upload", lambda: at.file_uploader(key="data_upload").set_value((src.name, data, XLSX)).run())
    timed("ranking", lambda: at.switch_page(str(ROOT / "app_pages" / "ranking.py")).run())
    dims = [d.id for d in load_criteria().dimensions]

    def reweigh() -> None:
        at.session_state["weights"] = {"dimensions": {dims[0]: 40.0, dims[-1]: 5.0}, "criteria": {}}
        at.run()

    timed("reweigh_page", reweigh)
    for name in PAGES[1:]:
        timed(name, lambda name=name: at.switch_page(str(ROOT / "app_pages" / f"{name}.py")).run())
    out["peak_mb"] = peak_mb()
    out["app_mb_before_upload"] = base_mb
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000, 100000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(bench_one(args.child, args.workdir)))
        return
    from pipeline_bench import make_workbook, run_child

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            print(f"… {n:,} rows", file=sys.stderr, flush=True)
            make_workbook(Path(tmp) / f"app_{n}.xlsx", n)
            rows.append(run_child(__file__, n, Path(tmp)))
    cols = ["upload", "ranking", "reweigh_page", *PAGES[1:]]
    print("| rows | file MB | " + " | ".join(cols) + " | peak MB |")
    print("|---:|---:|" + "---:|" * (len(cols) + 1))
    for r in rows:
        print(
            f"| {int(r['rows']):,} | {r['file_mb']:.1f} | "
            + " | ".join(f"{r[c]:.2f}" for c in cols)
            + f" | {r['peak_mb']:,.0f} |"
        )
    print(
        "\nSeconds. upload = the file screened and the Data page drawn; reweigh_page = new weights set and the "
        "Ranking page (table and charts) drawn again; the others are a first visit to each page."
    )


if __name__ == "__main__":
    main()
