"""Benchmark (issue 15, item 5): the round trip at scale — score n synthetic projects, write the ranked
workbook, and read it again through ``read_input`` under the limits in force (prints figures; not a test).

    python benchmarks/roundtrip_bench.py            # 100000
    python benchmarks/roundtrip_bench.py 20000

Project names are made distinct (letters, not numbers) so that the duplicate-construction check does not
see one group of identical names. The workbook of 100,000 projects is larger than ``MAX_INPUT_BYTES``
(200 MB); it is read again because a workbook this tool wrote is admitted up to ``MAX_OWN_WORKBOOK_BYTES``
and only its Audit, record and country sheets are inflated (docs/limits.md).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import export_bench  # noqa: E402

from screening.io.export import write_workbook  # noqa: E402
from screening.io.read import read_input  # noqa: E402
from screening.limits import limit  # noqa: E402
from screening.pipeline import run  # noqa: E402


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = export_bench.synthetic_csv(Path(tmp) / "in.csv", n)
        lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
        out_lines = [lines[0]]
        for i, line in enumerate(lines[1:]):
            head, rest = line.split(",", 1)
            _name, rest2 = rest.split(",", 1)
            out_lines.append(f"{head},Project {_letters(i)} {_letters(i * 7 + 3)},{rest2}")
        src.write_text("".join(out_lines), encoding="utf-8")
        t0 = time.perf_counter()
        result = run(src)
        t_run = time.perf_counter() - t0
        out = Path(tmp) / "ranked.xlsx"
        t0 = time.perf_counter()
        write_workbook(result, out, "en")
        t_write = time.perf_counter() - t0
        with zipfile.ZipFile(out) as zf:
            inflated = sum(i.file_size for i in zf.infolist())
        t0 = time.perf_counter()
        again = read_input(out)
        t_read = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{n:,} projects | run {t_run:.1f} s | write {t_write:.1f} s | workbook {out.stat().st_size / 1e6:,.1f} MB "
            f"(inflated {inflated / 1e6:,.0f} MB; MAX_INPUT_BYTES {limit('MAX_INPUT_BYTES') / 1e6:,.0f} MB) | "
            f"re-read {t_read:.1f} s, {len(again.projects.frame):,} records (exported={again.exported}) | "
            f"peak {peak:,.0f} MB",
            flush=True,
        )
        assert len(again.projects.frame) == len(result.records)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
