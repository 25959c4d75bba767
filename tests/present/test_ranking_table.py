"""The ranking's first screen (issue 18 item 4): rank, id, name, score, tier, track and flags first, as
readable labels in the chosen language, and the money columns known for their one-decimal format."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening import pipeline, present
from screening.model import Result
from screening.present.tables import RANKING_FIRST, money_columns

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "sample_projects.xlsx"


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLE)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_columns_are_what_a_planner_reads_first(result: Result, lang: str) -> None:
    cs = result.criteria
    table = present.ranking_table(result.ranked, lang, cs)
    assert tuple(table.columns[: len(RANKING_FIRST)]) == RANKING_FIRST
    assert RANKING_FIRST[:3] == ("rank", "project_id", "project_name")  # the name beside the id
    assert table["tier"].tolist() == [present.tier_label(v, lang, cs) for v in result.ranked["tier"]]
    assert table["track"].tolist() == [present.track_label(v, lang, cs) for v in result.ranked["track"]]
    codes = {f.id for f in cs.flags} | {g.id for g in cs.gates}
    flagged = [str(s) for s in table["flags"] if s]
    assert flagged, "the sample has flagged projects"
    for shown in flagged:
        assert not set(shown.split("; ")) & codes  # labels, never the criteria's codes
    labels = {f.label.get(lang) for f in cs.flags} | {g.label.get(lang) for g in cs.gates}
    assert all(set(shown.split("; ")) <= labels for shown in flagged)


def test_money_columns_are_the_usd_million_ones(result: Result) -> None:
    table = present.ranking_table(result.ranked, "en", result.criteria)
    money = money_columns(list(table.columns))
    assert "total_investment_usd_m" in money
    assert not set(money) & {"score", "rank", "completeness", "project_id"}
    assert all(c.endswith("_usd_m") for c in money)
