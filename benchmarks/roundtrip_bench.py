"""Benchmark (issue 15, item 5): the round trip at scale — score n synthetic projects, write the ranked
workbook, and read it again through ``read_input`` under the limits in force (prints figures; not a test).

    python benchmarks/roundtrip_bench.py            # 100000
    python benchmarks/roundtrip_bench.py 20000

Project names are made distinct (letters, not numbers) so that the duplicate-construction check does not
see one group of identical names. The workbook of 100,000 projects is larger than ``MAX_INPUT_BYTES``
(200 MB); it is read again because a workbook this tool wrote is admitted up to ``MAX_OWN_WORKBOOK_BYTES``
and only its Audit, record and country sheets are inflated (docs/limits.md, where the figures are recorded).

Printed: the run, the write, the workbook's size on disk, inflated in all and inflated in the parts a
re-import parses (what counts against ``MAX_UNCOMPRESSED_BYTES``), the re-read in this process and the peak
RSS of this process (run + write + re-read), then the same re-read in a fresh interpreter — what
``screening score ranked.xlsx`` costs — with that process's own time and peak RSS.
"""

from __future__ import annotations

import resource
import subprocess
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
from screening.io.reimport import own_sheets  # noqa: E402
from screening.io.safety import sheet_parts  # noqa: E402
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
            parts = sheet_parts(zf)
            own = own_sheets(list(parts)) or []
            skipped = {p for name, p in parts.items() if name not in own}
            parsed = sum(i.file_size for i in zf.infolist() if i.filename not in skipped)
        t0 = time.perf_counter()
        again = read_input(out)
        t_read = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{n:,} projects | run {t_run:.1f} s | write {t_write:.1f} s | workbook {out.stat().st_size / 1e6:,.1f} MB "
            f"(inflated {inflated / 1e6:,.0f} MB, of which parsed on re-import {parsed / 1e6:,.0f} MB; "
            f"MAX_INPUT_BYTES {limit('MAX_INPUT_BYTES') / 1e6:,.0f} MB, "
            f"MAX_UNCOMPRESSED_BYTES {limit('MAX_UNCOMPRESSED_BYTES') / 1e6:,.0f} MB) | "
            f"re-read {t_read:.1f} s, {len(again.projects.frame):,} records (exported={again.exported}) | "
            f"peak {peak:,.0f} MB",
            flush=True,
        )
        assert len(again.projects.frame) == len(result.records)
        del again, result
        t0 = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, str(out)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        t_child = time.perf_counter() - t0
        print(
            f"re-read in a fresh process: {t_child:.1f} s wall (imports included) | {child.stdout.strip()}",
            flush=True,
        )


_CHILD = """
import resource, sys, time
t0 = time.perf_counter()
from screening.io.read import read_input
t1 = time.perf_counter()
got = read_input(sys.argv[1])
t2 = time.perf_counter()
try:  # VmHWM: this process's own peak (ru_maxrss would keep the forking parent's peak across exec on Linux)
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"imports {t1 - t0:.1f} s, read {t2 - t1:.1f} s, {len(got.projects.frame):,} records, peak {peak:,.0f} MB")
"""


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
