"""The pipeline's text scan (issue 13): one automaton per run, each distinct text scanned once, and progress
inside the screening stage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screening import pipeline
from screening.criteria import textscan
from screening.criteria.rules import text_fields, text_rules
from screening.inference.rules import default_rules
from screening.io.read import read_input
from screening.stages.infer import inference_terms

ROOT = Path(__file__).resolve().parents[1]
AIDDATA = ROOT.parent / "shared" / "data" / "aiddata_gcdf3_extract.csv"
SAMPLE = ROOT / "sample_projects" / "sample_projects.xlsx"


@pytest.fixture
def counted(monkeypatch):
    """Counts of automata built and of texts scanned during a run."""
    built: list[tuple[str, ...]] = []
    scanned: Counter[str] = Counter()
    real_init, real_scan = textscan.Terms.__init__, textscan.Terms.scan

    def init(self, terms):  # type: ignore[no-untyped-def]
        terms = tuple(terms)
        built.append(terms)
        real_init(self, terms)

    def scan(self, text):  # type: ignore[no-untyped-def]
        scanned[text] += 1
        return real_scan(self, text)

    textscan.compiled.cache_clear()
    monkeypatch.setattr(textscan.Terms, "__init__", init)
    monkeypatch.setattr(textscan.Terms, "scan", scan)
    yield built, scanned
    textscan.compiled.cache_clear()


def test_one_automaton_and_one_scan_per_text_per_run(counted, default_criteria):
    built, scanned = counted
    result = pipeline.run(SAMPLE, criteria=default_criteria)
    rules, _sha = default_rules()
    every_term = {t for r in text_rules(default_criteria) for t in (*r.text_contains, *r.unless) if t}
    # one automaton for the criteria's terms and the inference rules' terms
    assert len(built) == 1 and set(built[0]) >= every_term | inference_terms(rules)
    assert scanned and max(scanned.values()) == 1
    valid = result.validated.records[result.validated.valid]
    texts = {str(v) for f in text_fields(default_criteria) if f in valid for v in valid[f].dropna()}
    raw = read_input(SAMPLE).projects.frame  # as read: the result keeps the raw cells of invalid records only
    read_by_inference = {f for r in rules.rules for f in getattr(r, "fields", ())}
    inferred_texts = {str(v) for f in read_by_inference if f in raw for v in raw[f].dropna()}
    assert texts - {""} <= set(scanned) <= (texts | inferred_texts) - {""}


def test_screening_reports_progress_inside_the_stage(default_criteria):
    heard: list[tuple[str, float]] = []
    pipeline.run(
        SAMPLE, criteria=default_criteria, progress=lambda stage, share: heard.append((stage, share))
    )
    shares = [share for _, share in heard]
    assert shares == sorted(shares)
    inside = [share for stage, share in heard if stage == "screen"]
    # the scan of each text field, then each gate: a long run never sits at one percentage
    assert len(inside) > len(default_criteria.gates)
    assert len(set(inside)) > 10 and 0.35 <= min(inside) and max(inside) <= 0.5


@pytest.mark.skipif(not AIDDATA.exists(), reason="needs ../shared/data beside the checkout")
def test_real_text_duplicates_are_scanned_once(counted, default_criteria):
    """The AidData extract through the shipped mapping: 961 records, repeated titles and places."""
    from screening.io.mapping import load_mapping

    _, scanned = counted
    result = pipeline.run(AIDDATA, criteria=default_criteria, mapping=load_mapping("aiddata-gcdf3"))
    assert result.counts()["records"] == 961
    assert max(scanned.values()) == 1
