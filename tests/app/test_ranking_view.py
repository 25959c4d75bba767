"""What the ranking and project pages show (issue 18 items 4 and 5): the ranking's first columns and its
money format, and the project page's reasons and sources wide with wrapping rows, never cut off."""

from __future__ import annotations

import json

import pytest
from app_helpers import ok, open_app, page

from screening import present
from screening.present.tables import RANKING_FIRST


def _config(df) -> dict:  # noqa: ANN001 - an AppTest dataframe
    return dict(json.loads(df.proto.columns or "{}"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ranking_first_columns_and_money_format(lang: str) -> None:
    at = open_app(lang)
    ok(at)
    ranking = next(df for df in at.dataframe if "score" in df.value.columns)
    assert tuple(ranking.value.columns[: len(RANKING_FIRST)]) == RANKING_FIRST
    cfg = _config(ranking)
    money = cfg["total_investment_usd_m"]
    assert money["type_config"] == {"type": "number", "format": "%,.1f"}
    assert money["label"] == present.column_title("total_investment_usd_m", lang)
    tiers = set(ranking.value["tier"])
    assert tiers and not tiers & set(present.TIER_ORDER)  # labels, not codes


def test_project_page_reasons_and_sources_are_wide_and_wrapped() -> None:
    at = page(open_app("en"), "project")
    tables = [df for df in at.dataframe if "reason" in df.value.columns]
    assert tables, "the project page shows its rationale"
    for df in tables:
        cfg = _config(df)
        for col in ("reason", "source"):
            if col in df.value.columns:
                assert cfg[col]["width"] == "large", col
                assert cfg[col]["label"] == present.t(col, "en")
        assert df.proto.row_height > 40  # taller than one line: long text wraps
