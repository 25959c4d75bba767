"""What the inference stage fills on a real file, and what it changes: completeness, distinct scores, tiers.

    python benchmarks/inference_report.py [FILE] [--mapping NAME]

Default: the AidData extract beside the project (../shared/data/aiddata_gcdf3_extract.csv) through the
shipped `aiddata-gcdf3` mapping. Prints one line per setting (inference off / on) and the filled counts.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from screening.io.mapping import load_mapping
from screening.pipeline import run

EXTRACT = Path(__file__).resolve().parents[2] / "shared" / "data" / "aiddata_gcdf3_extract.csv"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(EXTRACT))
    ap.add_argument("--mapping", default="aiddata-gcdf3")
    args = ap.parse_args()
    mapping = load_mapping(args.mapping) if args.mapping else None
    for on in (False, True):
        t0 = time.perf_counter()
        r = run(args.file, mapping=mapping, inference=on)
        s = time.perf_counter() - t0
        rk = r.ranked
        print(
            f"inference {'on ' if on else 'off'}: {s:5.2f} s; ranked {len(rk)}; median completeness "
            f"{rk['completeness'].median():.3f}; distinct scores {rk['score'].nunique()}; tiers "
            f"{ {k: v for k, v in rk['tier'].value_counts().items() if v} }"
        )
        if on and r.inference.provenance is not None:
            counts = r.inference.provenance["column"].value_counts()
            print("filled: " + ", ".join(f"{c} {n}" for c, n in counts.items()))


if __name__ == "__main__":
    main()
