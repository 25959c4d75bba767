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
