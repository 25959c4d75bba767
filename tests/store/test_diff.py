"""``diff_runs`` on two real runs, on both databases, checked against what the two rankings say directly;
recomputed from the stored inputs (tampered stored scores change nothing); and, as properties over drawn
weights, diff(a, a) is empty and diff(b, a) mirrors diff(a, b)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.analysis.weights import apply_weights, validated_weights
from screening.store import diff_results, diff_runs, open_store, save_run
from screening.store.diff import RunDiff

from .store_helpers import Runs, save_both


def _expected(a, b, k: int) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """What changed, read off the two ranked tables with pandas (not through compare())."""
    ra = a.ranked.assign(project_id=a.ranked["project_id"].astype(str)).set_index("project_id")
    rb = b.ranked.assign(project_id=b.ranked["project_id"].astype(str)).set_index("project_id")
    top_a, top_b = set(ra.index[ra["rank"] <= k]), set(rb.index[rb["rank"] <= k])
    both = ra.index.intersection(rb.index)
    tiers = {p for p in both if str(ra.at[p, "tier"]) != str(rb.at[p, "tier"])}
    return {
        "entered_ranking": set(rb.index) - set(ra.index),
        "left_ranking": set(ra.index) - set(rb.index),
        "entered_top_k": top_b - top_a,
        "left_top_k": top_a - top_b,
        "tier_changed": tiers,
    }


def _by_change(d: RunDiff) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {
        c: set() for c in ("entered_ranking", "left_ranking", "entered_top_k", "left_top_k", "tier_changed")
    }
    for e in d.entries:
        for c in e.changes:
            out[c].add(e.project_id)
    return out


def test_diff_of_two_real_runs(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        save_both(store, two_runs)
        d = diff_runs(store, "default", "changed", k=10)
    finally:
        store.close()
    assert d.labels == ("default", "changed") and d.top_k == 10
    expected = _expected(two_runs.default, two_runs.changed, 10)
    assert _by_change(d) == expected
    assert expected["entered_top_k"] and expected["tier_changed"]  # the edit does move the sample's ranking
    assert {(w.kind, w.id, w.weight_a, w.weight_b) for w in d.weight_changes} == {
        ("dimension", "environment", 15.0, 40.0),
        ("criterion", "esia", 2.0, 10.0),
        ("criterion", "emissions", 2.0, 8.0),
    }
    ra = two_runs.default.ranked.set_index("project_id")  # type: ignore[attr-defined]
    rb = two_runs.changed.ranked.set_index("project_id")  # type: ignore[attr-defined]
    for e in d.entries:
        assert (e.rank_a, e.score_a) == (
            int(ra.at[e.project_id, "rank"]),
            float(ra.at[e.project_id, "score"]),
        )
        assert (e.rank_b, e.score_b) == (
            int(rb.at[e.project_id, "rank"]),
            float(rb.at[e.project_id, "score"]),
        )
        assert e.moves, e.project_id
        # only weights changed between the two files, and points sit on fixed anchors: every move is by weight
        assert all(m.by_points == 0 and m.by_weight == pytest.approx(m.change, abs=1e-12) for m in e.moves)
        assert any(m.criterion == "esia" for m in e.moves)


def test_the_moves_add_up_to_the_score_change(two_runs: Runs) -> None:
    """Every criterion's move listed (no cut-off): by points + by weight is the change, and the changes add up
    to the change of the total (each total rounded to 0.01)."""
    d = diff_results(two_runs.default, two_runs.changed, top_k=10, min_move=0.0)  # type: ignore[arg-type]
    for e in d.entries:
        assert all(m.by_points + m.by_weight == pytest.approx(m.change, abs=1e-9) for m in e.moves)
        assert e.score_a is not None and e.score_b is not None
        assert sum(m.change for m in e.moves) == pytest.approx(e.score_b - e.score_a, abs=0.0101)


def test_the_diff_is_recomputed_from_the_stored_inputs(tmp_path: Path, two_runs: Runs) -> None:
    """Stored scores, tiers and ranks wiped: the diff stays the same, because it never reads them."""
    store = open_store(tmp_path / "runs.sqlite3")
    try:
        save_both(store, two_runs)
        before = diff_runs(store, "default", "changed", k=10)
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE projects SET score = 0, rank = 1, tier = 'deferred'"))
        assert diff_runs(store, "default", "changed", k=10).entries == before.entries
    finally:
        store.close()


def test_diff_mirrors_and_self_diff_is_empty_on_the_store(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        save_both(store, two_runs)
        ab = diff_runs(store, "default", "changed", k=5)
        ba = diff_runs(store, "changed", "default", k=5)
        assert diff_runs(store, "default", "default", k=5).empty
    finally:
        store.close()
    _assert_mirror(ab, ba)


def test_an_entry_that_left_the_ranking_names_the_gate(two_runs: Runs) -> None:
    """A project excluded in one run only (its gate removed from the other criteria text) is listed as leaving
    the ranking, with the gate that excluded it."""
    from screening.criteria.loader import load_criteria_bytes
    from screening.pipeline import run

    hits = two_runs.default.hits  # type: ignore[attr-defined]
    gates = hits[hits["kind"] == "gate"].drop_duplicates(["project_id", "id"])
    dropped = str(gates["id"].value_counts().index[0])  # the gate that excludes the most sample projects
    alone = gates.groupby("project_id")["id"].agg(set)
    excluded_by = {str(p) for p, ids in alone.items() if ids == {dropped}}
    data = yaml.safe_load(two_runs.default_text)
    data["gates"] = [g for g in data["gates"] if g["id"] != dropped]
    cs = load_criteria_bytes(yaml.safe_dump(data, allow_unicode=True).encode(), "fewer-gates.yaml")
    wider = run(two_runs.input_bytes, name="sample_projects.xlsx", criteria=cs)
    d = diff_results(wider, two_runs.default, top_k=10)  # type: ignore[arg-type]
    left = {e.project_id: e for e in d.entries if "left_ranking" in e.changes}
    assert excluded_by and excluded_by <= set(left)
    for pid in excluded_by:
        assert dropped in left[pid].gates_b and left[pid].outcome_b == "excluded" and left[pid].moves == ()


def _key(d: RunDiff) -> tuple[dict[str, object], set[object]]:
    return {e.project_id: e for e in d.entries}, set(d.weight_changes)


def _assert_mirror(ab: RunDiff, ba: RunDiff) -> None:
    assert _key(ba) == _key(ab.mirrored())
    assert _key(ab) == _key(ba.mirrored())


_DIMS = ["three_coordinations", "environment", "social", "governance", "country_context"]
_CRITS = ["esia", "emissions", "local_jobs", "open_procurement", "connectivity_coordination"]
weights_st = st.fixed_dictionaries(
    {
        "dimensions": st.dictionaries(st.sampled_from(_DIMS), st.integers(1, 60), max_size=4),
        "criteria": st.dictionaries(st.sampled_from(_CRITS), st.integers(1, 12), max_size=4),
    }
)


def _weighted(runs: Runs, overrides: dict[str, dict[str, float]]):  # type: ignore[no-untyped-def]
    cs = validated_weights(runs.default.criteria, overrides)  # type: ignore[attr-defined]
    return apply_weights(runs.default, cs)  # type: ignore[arg-type]


@given(wa=weights_st, wb=weights_st, k=st.integers(1, 25))
def test_property_diff_of_a_run_with_itself_is_empty_and_diffs_mirror(
    two_runs: Runs, wa: dict, wb: dict, k: int
) -> None:
    a, b = _weighted(two_runs, wa), _weighted(two_runs, wb)
    assert diff_results(a, a, top_k=k).empty and diff_results(b, b, top_k=k).empty
    ab = diff_results(a, b, top_k=k, labels=("a", "b"))
    ba = diff_results(b, a, top_k=k, labels=("b", "a"))
    _assert_mirror(ab, ba)
    assert _by_change(ab) == _expected(a, b, k)


@settings(max_examples=4)  # our own number: each example runs the pipeline from the stored bytes twice
@given(wb=weights_st, k=st.integers(1, 25))
def test_property_through_the_store(two_runs: Runs, wb: dict, k: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "runs.sqlite3")
        try:
            save_run(store, "a", two_runs.default, two_runs.input_bytes, None, two_runs.default_text)
            text = yaml.safe_dump(wb)
            save_run(
                store, "b", _weighted(two_runs, wb), two_runs.input_bytes, None, two_runs.default_text, text
            )
            assert diff_runs(store, "b", "b", k).empty
            _assert_mirror(diff_runs(store, "a", "b", k), diff_runs(store, "b", "a", k))
        finally:
            store.close()


def test_an_unknown_run_is_one_line(tmp_path: Path, two_runs: Runs) -> None:
    from screening.store import StoreError

    store = open_store(tmp_path / "runs.sqlite3")
    try:
        save_both(store, two_runs)
        with pytest.raises(StoreError, match="No run is named “nope”"):
            diff_runs(store, "default", "nope")
    finally:
        store.close()
