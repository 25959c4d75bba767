"""report.inferred_frame: the evidence of a value inferred from other columns reads as their labels and
values in the sheet's language; a text span is shown as it was read."""

from __future__ import annotations

import pandas as pd
import pytest

from screening import report
from screening.vocab.columns import label as column_label
from screening.vocab.format import format_value


def _prov(evidence: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"evidence": evidence})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_column_evidence_reads_as_labels_and_values(lang: str) -> None:
    got = report._evidence_in_words(_prov(["sector = transport; energy_source = coal", ""]), lang)
    want = report.t("evidence_sep", lang).join(
        report.t("evidence_field_value", lang, field=column_label(f, lang), value=format_value(v, f, lang))
        for f, v in (("sector", "transport"), ("energy_source", "coal"))
    )
    assert got.tolist() == [want, ""]
    assert "sector =" not in got[0]  # the column by its label, never its name
    if lang == "zh":
        assert "transport" not in got[0] and "coal" not in got[0]  # no code in Chinese


def test_text_spans_and_unknown_names_stay_as_read() -> None:
    spans = ["…for 552 MW Coal-Fired Power Plant", "not_a_column = 3", "a = b = c"]
    assert report._evidence_in_words(_prov(spans), "zh").tolist() == spans


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_inferred_rules_read_as_what_they_say(lang: str) -> None:
    """The Inferred sheet names each rule by its why in the sheet's language, never by its id."""
    from screening import pipeline
    from screening.inference.rules import default_rules
    from screening.resources import SAMPLES_DIR

    result = pipeline.run(SAMPLES_DIR / "sample_projects.xlsx")
    frame = report.inferred_frame(result, lang)
    assert len(frame), "the sample infers nothing: this test needs a record with an inferable blank"
    rules, _ = default_rules()
    ids = {r.id for r in rules.rules}
    whys = {r.why.get(lang) for r in rules.rules if r.why is not None}
    assert not set(frame["rule"]) & ids
    assert set(frame["rule"]) <= whys
