"""Golden test on the bundled sample (sample_projects/sample_projects.xlsx, criteria/default.yaml).

`tests/golden/sample_ranking.csv` records project_id, rank, rank_in_track, score, tier, track, flags and the
dimension hurdles failed of every ranked sample project, and `tests/golden/sample_excluded.csv` every exclusion
with its kind (negative-list gate or not a candidate) and gates. tests/golden/README.md lists every verdict
that criteria 2.0.0 changed, with its reason. They were made by
running the pipeline and reading each row against the sample's scenario table (sample_projects/README.md);
the assertions below state why the important ones are what they are. When the criteria or the sample change
on purpose, regenerate with `UPDATE_GOLDEN=1 pytest tests/test_golden_sample.py` and review the diff.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from conftest import ROOT, SAMPLES

from screening.pipeline import run

GOLDEN = ROOT / "tests" / "golden"
RANK_COLS = ["project_id", "rank", "rank_in_track", "score", "tier", "track", "flags", "hurdles"]


@pytest.fixture(scope="module")
def result(default_criteria):
    return run(SAMPLES / "sample_projects.xlsx", criteria=default_criteria)


def _excluded(result) -> pd.DataFrame:
    gates = result.hits[result.hits["kind"].isin(["gate", "not_candidate"])]
    return (
        gates.groupby("project_id")
        .agg(kind=("kind", lambda s: ";".join(sorted(set(s)))), gates=("id", lambda s: ";".join(sorted(s))))
        .reset_index()
        .sort_values("project_id")
        .reset_index(drop=True)
    )


def test_matches_golden_files(result):
    ranking = result.ranked[RANK_COLS].reset_index(drop=True)
    excluded = _excluded(result)
    if os.environ.get("UPDATE_GOLDEN"):
        ranking.to_csv(GOLDEN / "sample_ranking.csv", index=False)
        excluded.to_csv(GOLDEN / "sample_excluded.csv", index=False)
    want_rank = pd.read_csv(GOLDEN / "sample_ranking.csv", dtype={"project_id": str}, keep_default_na=False)
    want_ex = pd.read_csv(GOLDEN / "sample_excluded.csv", dtype=str, keep_default_na=False)
    # repeated labels are categoricals in the ranked table (cheap re-ranking); the golden files hold values
    values = {
        c: ranking[c].astype(object)
        for c in ranking.columns
        if isinstance(ranking[c].dtype, pd.CategoricalDtype)
    }
    got = ranking.assign(**values).astype({"rank": int, "rank_in_track": int}).fillna("")
    pd.testing.assert_frame_equal(got, want_rank, check_dtype=False)
    pd.testing.assert_frame_equal(excluded, want_ex, check_dtype=False)


def test_every_sample_record_is_accounted_for(result):
    c = result.counts()
    # criteria v2: the two cancelled records (BR-052, BR-061) are not candidates, and BR-025 (a coal "unit
    # extension" of blank status) adds coal capacity, so it is excluded as new coal power: 8 excluded.
    assert c == {"records": 61, "ranked": 53, "excluded": 8, "invalid": 0}


def test_exclusions_are_the_negative_list_scenarios(result):
    table = _excluded(result)
    ex = dict(zip(table["project_id"], table["gates"], strict=True))
    # v2: cancelled records are not candidates, reported apart from the negative list
    kinds = dict(zip(table["project_id"], table["kind"], strict=True))
    assert kinds["BR-052"] == kinds["BR-061"] == "not_candidate" and ex["BR-052"] == "not_a_candidate"
    assert kinds["BR-017"] == "gate"
    assert ex["BR-017"] == "gambling"  # casino resort filed under tourism
    assert ex["BR-018"] == "no_new_coal_power"  # planned coal-fired plant (2021 pledge)
    assert ex["BR-019"] == "weapons_military"
    assert ex["BR-020"] == "tobacco"
    assert ex["BR-021"] == "unbonded_asbestos"


def test_coal_by_status_and_ambiguous_text_only_flag(result):
    flags = result.ranked.set_index("project_id")["flags"]
    assert "coal_under_construction" in flags["BR-022"]  # proceed prudently
    assert "coal_existing_asset" in flags["BR-023"]  # operating plant
    assert "coal_existing_asset" in flags["BR-024"]  # completed unit
    assert "BR-025" not in flags.index  # v2: an extension at a coal site is new coal capacity → excluded
    assert "primary_forest_logging" in flags["BR-027"]  # "China National Logging Corporation": a flag only
    # Hambantota-style park phases I and II: one project group (issue 14: the same title minus its tranche
    # words), so no longer flagged as near-duplicates of each other; herd investment needs three or more
    # sponsors in one subsector and market.
    group = result.ranked.set_index("project_id")["project_group"]
    assert group["BR-040"] == group["BR-041"] == "BR-040"
    assert not flags[["BR-040", "BR-041"]].str.contains("phases_of_one_project").any()
    assert not flags.str.contains("herd_investment").any()


def test_tiers_follow_scores_flags_and_completeness(result):
    r = result.ranked.set_index("project_id")
    # Thin records (most optional fields blank) are visible as thin, whatever they score.
    assert set(r.index[r["tier"] == "insufficient_data"]) == {"BR-057", "BR-058", "BR-059"}
    # Category A without ESIA is capped at conditional even with a score above the recommended line (v2: the
    # environmental category is no longer points, so the score is lower than v1's 75.48).
    assert r.loc["BR-035", "tier"] == "conditional" and r.loc["BR-035", "score"] >= 60
    # Hard-only connectivity (3,0,0) ranks below the balanced (2,2,2) twin.
    assert r.loc["BR-042", "score"] < r.loc["BR-043", "score"]
    # Each track has its own ranking starting at 1.
    assert sorted(r.groupby("track")["rank_in_track"].min().tolist()) == [1, 1, 1]
