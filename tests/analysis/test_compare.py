"""Scenario comparison: rank changes, entering/leaving the top k, tier changes."""

from __future__ import annotations

import pandas as pd
from conftest import SAMPLES

from screening.analysis.compare import compare


def frame(rows):
    return pd.DataFrame(rows, columns=["project_id", "rank", "score", "tier"])


def test_entering_leaving_and_tiers():
    a = frame(
        [
            ("P1", 1, 90, "priority"),
            ("P2", 2, 80, "priority"),
            ("P3", 3, 70, "recommended"),
            ("P4", 4, 60, "recommended"),
            ("P5", 5, 50, "deferred"),
        ]
    )
    b = frame(
        [
            ("P4", 1, 88, "priority"),
            ("P1", 2, 85, "priority"),
            ("P2", 3, 70, "recommended"),
            ("P3", 4, 65, "recommended"),
            ("P6", 5, 40, "deferred"),
        ]
    )
    c = compare(a, b, top_k=2, labels=("base", "green"))
    t = c.table.set_index("project_id")
    assert c.entered == ["P4"]
    assert c.left == ["P2"]
    assert t.loc["P1", "movement"] == "stayed_in"
    assert t.loc["P3", "movement"] == "stayed_out"
    assert t.loc["P4", "rank_change"] == 3 and t.loc["P1", "rank_change"] == -1
    assert t.loc["P5", "movement"] == "only_a" and pd.isna(t.loc["P5", "rank_b"])
    assert t.loc["P6", "movement"] == "only_b"
    assert bool(t.loc["P4", "tier_changed"]) and t.loc["P4", "tier_change"] == "recommended → priority"
    assert bool(t.loc["P2", "tier_changed"]) and not bool(t.loc["P1", "tier_changed"])
    s = c.summary
    assert (s["entered_top_k"], s["left_top_k"], s["stayed_in_top_k"]) == (1, 1, 1)
    assert (s["ranked_in_both"], s["ranked_only_in_a"], s["ranked_only_in_b"]) == (4, 1, 1)
    assert (s["moved_up"], s["moved_down"], s["unchanged_rank"]) == (1, 3, 0)
    assert s["tier_changes"] == 2 and s["label_b"] == "green"
    assert list(c.summary_frame().columns) == ["item", "value"]
    assert c.table["project_id"].tolist()[:5] == ["P4", "P1", "P2", "P3", "P6"]


def test_project_ranked_only_in_one_scenario_enters_top_k():
    a = frame([("P1", 1, 90, "priority"), ("P2", 2, 80, "priority")])
    b = frame([("P3", 1, 95, "priority"), ("P1", 2, 90, "priority"), ("P2", 3, 80, "priority")])
    c = compare(a, b, top_k=2)
    assert c.entered == ["P3"] and c.left == ["P2"]


def test_identical_scenarios():
    a = frame([("P1", 1, 90, "priority"), ("P2", 2, 80, "priority"), ("P3", 3, 70, "priority")])
    c = compare(a, a.copy(), top_k=2)
    assert c.summary["entered_top_k"] == 0 and c.summary["left_top_k"] == 0
    assert c.summary["unchanged_rank"] == 3 and c.summary["kendall_tau_b"] == 1.0


def test_two_weight_profiles_through_the_pipeline():
    from screening.pipeline import reweigh, run
    from screening.stages.score import Weights

    r = run(SAMPLES / "sample_projects.xlsx")
    dims = dict(r.weights.dimensions)
    heavy = max(dims, key=lambda d: dims[d])
    light = {d: (1.0 if d == heavy else w * 5) for d, w in dims.items()}
    r2 = reweigh(r, Weights(light, r.weights.criteria))
    k = 10
    c = compare(r, r2, top_k=k)
    top_a = set(r.ranked["project_id"].head(k))
    top_b = set(r2.ranked["project_id"].head(k))
    assert set(c.entered) == top_b - top_a
    assert set(c.left) == top_a - top_b
    assert c.summary["ranked_in_both"] == len(r.ranked)
    assert len(c.table) == len(r.ranked)
    moved = c.table.set_index("project_id")
    for pid in r.ranked["project_id"]:
        ra = int(r.ranked.set_index("project_id").loc[pid, "rank"])
        rb = int(r2.ranked.set_index("project_id").loc[pid, "rank"])
        assert moved.loc[pid, "rank_change"] == ra - rb
    assert "outcome_a" in c.table.columns and set(c.table["outcome_a"]) == {"ranked"}
