"""The rationale's reasons: a criterion not assessed names the inputs that are blank for that project, by
their labels; values read for people (shares as percentages, levels by name, no code in Chinese)."""

from __future__ import annotations

import re

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
    assert "In cooperation plan" not in line.loc["A", "reason_en"]
    assert "Private capital share" in line.loc["A", "reason_en"]
    assert "社会资本占比" in line.loc["A", "reason_zh"]
    assert "In cooperation plan" in line.loc["B", "reason_en"]
    assert "纳入合作规划" in line.loc["B", "reason_zh"]
    for said in (*line["reason_en"], *line["reason_zh"]):  # never the raw field name
        assert "private_capital_share" not in said and "in_cooperation_plan" not in said, said


def test_not_assessed_names_derived_fields_by_their_labels(tmp_path, default_criteria):
    result = run(write_csv(tmp_path / "p.csv", [rec("A")]), criteria=default_criteria, inference=False)
    rat = rationale_of(result)
    raw = ("traffic_light", "positive_list_count", "field_type", "five_connectivities")
    for col in ("reason_en", "reason_zh", "value", "value_zh"):
        for said in rat[col].astype(str):
            assert not any(name in said for name in raw), said
            assert not re.search(r"(?:^|[:：;；—] ?)track\b", said), said  # the field, not "Project track"
    bonus = rat.set_index("criterion").loc["positive_list_bonus"]
    assert "Positive-list categories met" in bonus["reason_en"] + bonus["value"]


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
        for col in ("reason_en", "reason_zh", "value", "value_zh"):  # no code list says "None" any more
            assert not rat[col].astype(str).str.contains(r"\bNone\b").any(), col


def test_shares_read_as_percentages_and_levels_by_name(tmp_path, default_criteria):
    records = [rec("A", local_employment_share=0.9, hard_connectivity=3, soft_connectivity=1)]
    result = run(write_csv(tmp_path / "p.csv", records), criteria=default_criteria, inference=False)
    rat = rationale_of(result).set_index("criterion")
    share = rat.loc["local_employment_share"]
    assert share["value"] == "90%" and share["value_zh"] == "90%"
    assert "85% → 100 pts" in share["reason_en"] and "85% → 100 分" in share["reason_zh"]
    conn = rat.loc["connectivity_coordination"]
    assert "Hard connectivity: Strong" in conn["value"] and "Soft connectivity: Limited" in conn["value"]
    assert "硬联通：很强" in conn["value_zh"] and "软联通：有限" in conn["value_zh"]


def _scorers(scorer):
    """A scorer and every scorer nested in it (cases, defaults, combined parts)."""
    yield scorer
    for case in getattr(scorer, "cases", []) or []:
        if case.score is not None:
            yield from _scorers(case.score)
    default = getattr(scorer, "default", None)
    if default is not None and not isinstance(default, int | float):
        yield from _scorers(default)
    for part in getattr(scorer, "of", []) or []:
        yield from _scorers(part)


def test_one_wording_for_reasons_criteria_sheet_and_documentation(default_criteria):
    from screening.criteria.docs import describe_scorer
    from screening.criteria.rules import LinearScorer, MapScorer, StepsScorer
    from screening.stages.explain import rule_words

    seen = 0
    for _, crit in default_criteria.criteria:
        for scorer in _scorers(crit.scorer):
            for lang in ("en", "zh"):
                assert rule_words(scorer, lang) == scorer.describe(lang)
                if isinstance(scorer, MapScorer | LinearScorer | StepsScorer):
                    assert scorer.describe(lang) in describe_scorer(scorer, lang)
                    seen += 1
    assert seen > 20  # the anchored scorers of the default set, in both languages
    yes_no = next(
        s
        for _, c in default_criteria.criteria
        for s in _scorers(c.scorer)
        if isinstance(s, MapScorer) and set(s.map) == {"true", "false"}
    )
    assert "true" not in yes_no.describe("zh") and "是 →" in yes_no.describe("zh")


def test_reasons_cite_short_sources_with_their_section(tmp_path, default_criteria):
    result = run(write_csv(tmp_path / "p.csv", [rec("A")]), criteria=default_criteria, inference=False)
    rat = rationale_of(result)
    for _, crit in default_criteria.criteria:
        src = default_criteria.sources[crit.source]
        section = crit.section or src.section
        line = rat[rat["criterion"] == crit.id].iloc[0]
        for lang in ("en", "zh"):
            said = line[f"source_{lang}"]
            assert src.short is not None and said.startswith(src.short.get(lang)), (crit.id, said)
            assert src.cite not in said  # the full citation stays on the Criteria sheet
            if section:
                assert said.endswith(section), (crit.id, said)
