"""Which multi-pattern engine for ``text_contains``: Aho-Corasick libraries against one regex alternation.

Usage:  python benchmarks/text_engine_bench.py [--copies 2]

The text is the real AidData extract's text fields (``../shared/data``, through the shipped mapping), each
value folded and preceded by a space as :mod:`screening.criteria.textscan` searches it, ``--copies`` times
(2 ≈ the 2,000 rows of issue 13, ≈ 7.7 M characters); the terms are every ``text_contains`` and ``unless``
term of ``criteria/default.yaml``. For each engine it prints the time to scan every text and the number of
matches: overlapping and non-overlapping (ahocorasick-rs's default) are counted apart, because the
non-overlapping default silently drops matches. pyahocorasick is in the ``bench`` extra only. A script that
prints figures, never a timed test.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = ROOT.parent / "shared" / "data" / "aiddata_gcdf3_extract.csv"


def corpus(copies: int) -> tuple[list[str], list[str]]:
    from screening.criteria.loader import load_criteria
    from screening.criteria.rules import text_fields, text_rules
    from screening.criteria.textscan import fold
    from screening.io.mapping import load_mapping
    from screening.io.read import read_input

    criteria = load_criteria()
    terms = sorted({fold(t) for r in text_rules(criteria) for t in (*r.text_contains, *r.unless) if t})
    frame = read_input(SOURCE, mapping=load_mapping("aiddata-gcdf3")).projects.frame
    texts = [
        " " + fold(str(v)) for f in text_fields(criteria) if f in frame.columns for v in frame[f].dropna()
    ]
    return texts * copies, terms


def timed(label: str, scan, texts: list[str], rows: list[str]) -> None:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    matches = sum(scan(s) for s in texts)
    rows.append(f"| {label} | {time.perf_counter() - t:.3f} | {matches:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()
    texts, terms = corpus(args.copies)
    rows: list[str] = []
    import ahocorasick_rs as rs

    for impl in (rs.Implementation.DFA, rs.Implementation.ContiguousNFA, rs.Implementation.NoncontiguousNFA):
        t = time.perf_counter()
        matcher = rs.AhoCorasick(terms, matchkind=rs.MatchKind.Standard, implementation=impl)
        built = time.perf_counter() - t
        name = f"ahocorasick-rs {str(impl).split('.')[-1]} (built {built * 1000:.1f} ms)"
        timed(
            f"{name}, overlapping",
            lambda s, m=matcher: len(m.find_matches_as_indexes(s, overlapping=True)),
            texts,
            rows,
        )
        timed(
            f"{name}, non-overlapping (default)",
            lambda s, m=matcher: len(m.find_matches_as_indexes(s)),
            texts,
            rows,
        )
    try:
        import ahocorasick
    except ImportError:
        rows.append("| pyahocorasick | not installed (pip install -e '.[bench]') | |")
    else:
        automaton = ahocorasick.Automaton()
        for i, term in enumerate(terms):
            automaton.add_word(term, i)
        automaton.make_automaton()
        timed("pyahocorasick iter (overlapping)", lambda s: sum(1 for _ in automaton.iter(s)), texts, rows)
    alternation = re.compile(
        "|".join(
            rf"(?:^|[^a-z]){re.escape(t)}" if t[:1].isascii() and t[:1].isalnum() else re.escape(t)
            for t in terms
        )
    )
    tenth = texts[: max(1, len(texts) // 10)]
    t = time.perf_counter()
    for s in tenth:
        alternation.search(s)
    rows.append(
        f"| one `re` alternation, first match only, ×10 from a tenth of the texts | "
        f"{(time.perf_counter() - t) * len(texts) / len(tenth):.3f} | |"
    )
    t = time.perf_counter()
    for s in texts:
        s.lower()
    rows.append(f"| (for scale: `str.lower` of every text) | {time.perf_counter() - t:.3f} | |")
    print(f"{len(texts):,} texts, {sum(map(len, texts)):,} characters, {len(terms)} distinct folded terms\n")
    print("| engine | seconds | matches |\n|---|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
