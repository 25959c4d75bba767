"""The rationale's reasons: a criterion not assessed names the inputs that are blank for that project."""

from __future__ import annotations

from conftest import rec, write_csv

from screening.pipeline import run
from screening.report import rationale_of


def test_a_missing_part_is_named_and_a_given_part_is_not(tmp_path, default_criteria):
    records = [
        rec("A", in_cooperation_plan=True),  # government guidance given, market operation blank
        rec("B"),  # both blank
    ]
    result = run(write_csv(tmp_path / "p.csv", records), criteria=default_criteria, inference=False)
    rat = rationale_of(result)
    line = rat[rat["criterion"] == "government_with_market"].set_index("project_id")
    assert line.loc["A", "status"] == "not_assessed"
    assert "in_cooperation_plan" not in line.loc["A", "reason_en"]
    assert "private_capital_share" in line.loc["A", "reason_en"]
    assert "in_cooperation_plan" in line.loc["B", "reason_en"]
    assert "纳入" in line.loc["B", "reason_zh"] or "合作规划" in line.loc["B", "reason_zh"]


def test_the_samples_reasons_read_for_people(default_criteria):
    from pathlib import Path

    import screening

    sample = Path(screening.__file__).parent / "_data" / "sample_projects"
    for book in sorted(sample.glob("*.xlsx")):
        rat = rationale_of(run(book, criteria=default_criteria))
        for col in ("reason_en", "reason_zh"):
            said = rat[col].astype(str)
            assert not said.str.contains("e+0", regex=False).any(), col
            assert not said.str.contains(r"\b(?:True|False|nan)\b").any(), col
        assert not rat["reason_zh"].astype(str).str.contains("None").any()
        # in English "None" is only ever a code list's own label (e.g. energy source "none"), never Python's None
        with_none = set(rat.loc[rat["reason_en"].astype(str).str.contains(r"\bNone\b"), "criterion"])
        for crit in with_none:
            fields = next(c for _, c in default_criteria.criteria if c.id == crit).scorer.fields()
            assert any(_has_none_label(f) for f in fields), crit


def _has_none_label(field: str) -> bool:
    from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME

    col = COLUMN_BY_NAME.get(field)
    return bool(col and col.codes and any(c.en == "None" for c in CODE_LISTS[col.codes].codes))
