"""List the AidData extract's records that a labeller must read for the text-gate labels (issue 14 item 4).

A record is a candidate for a class when its title or description holds one of the class's broad keywords
below (deliberately wider than any gate's terms, so that the labels do not inherit the gates' blind spots).
Each candidate is printed with its title and every keyword in context; a random sample of the other records
(seeded) is printed too, so that recall can be measured on records no keyword picked up.

    python scripts/label_candidates.py ../shared/data/aiddata_gcdf3_extract.csv [--sample 80]
"""

from __future__ import annotations

import argparse
import random

import pandas as pd

BROAD = {
    "coal": [
        "coal",
        "lignite",
        "thermal power",
        "supercritical",
        "-fired",
        " fired",
        "fossil",
        "steam power",
    ],
    "hydro": ["hydro", "dam", "dams", "reservoir", "barrage", "run-of", "hydel", "mekong", "nile", "weir"],
    "military": [
        "military",
        "army",
        "navy",
        "naval",
        "defen",
        "weapon",
        "arms",
        "munition",
        "aircraft",
        "fighter",
        "frigate",
        "warship",
        "patrol",
        "armour",
        "armor",
        "armoured",
        "tank",
        "troop",
        "soldier",
        "air force",
        "missile",
        "radar",
        "police",
        "security forces",
        "jet",
        "vessel",
        "helicopter",
    ],
}


WHOLE = {"dam", "dams", "jet", "arms", "tank", "army", "navy", "nile", "weir"}  # whole words only


def contexts(text: str, words: list[str], width: int = 80, most: int = 5) -> list[str]:
    """Each keyword at a word start (not after a letter; "dam" ends where a letter would follow), in context."""
    low = text.lower()
    out = []
    for w in words:
        start = 0
        while (k := low.find(w, start)) >= 0 and len(out) < most:
            start = k + len(w)
            before = low[k - 1] if k else " "
            after = low[k + len(w)] if k + len(w) < len(low) else " "
            if before.isalpha() or (w in WHOLE and after.isalpha()):
                continue
            out.append("…" + text[max(0, k - width) : k + len(w) + width].replace("\n", " ") + "…")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--sample", type=int, default=80)
    ap.add_argument("--only", choices=sorted(BROAD), default=None)
    args = ap.parse_args()
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    pool: set[str] = set()
    for cls, words in BROAD.items():
        if args.only and cls != args.only:
            continue
        print(f"===== {cls}")
        for _, row in frame.iterrows():
            text = f"{row['Title']} || {row['Description']}"
            found = contexts(text, words)
            if found:
                pool.add(row["AidData Record ID"])
                print(
                    f"--- {row['AidData Record ID']} [{row['Recipient']}; {row['Sector Name']}] {row['Title']}"
                )
                for c in found:
                    print("    ", c)
    rest = sorted(set(frame["AidData Record ID"]) - pool, key=int)
    sample = random.Random(14).sample(rest, min(args.sample, len(rest)))
    print(f"===== random sample of {len(sample)} of {len(rest)} non-candidates")
    by_id = frame.set_index("AidData Record ID")
    for rid in sorted(sample, key=int):
        row = by_id.loc[rid]
        print(
            f"--- {rid} [{row['Recipient']}; {row['Sector Name']}] {row['Title']} || {row['Description'][:300]}"
        )


if __name__ == "__main__":
    main()
