"""Saving, listing and loading runs on SQLite and PostgreSQL: two real runs of the sample workbook (default
criteria, and a copy with changed weights), the input bytes kept once, a bounded input refused, the stored
inputs giving back the stored figures when run again."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest
import sqlalchemy as sa

from screening.limits import override
from screening.store import Decision, StoreError, list_runs, load_run, open_store, rerun, save_run

from .store_helpers import SAMPLE, Runs, save_both


def _save_both(store, runs: Runs) -> None:  # type: ignore[no-untyped-def]
    save_both(
        store,
        runs,
        decisions=[
            Decision(
                project_id="BR-001",
                decision="Approve",
                note="strong local partner",
                reviewer="Li Wei",
                decided_at=dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC),
            ),
            Decision(project_id="BR-010", decision="暂缓", note=None, reviewer="Anna K."),
        ],
        lang="zh",
    )


def test_save_list_load_round_trip(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        _save_both(store, two_runs)
        listed = list_runs(store)
        assert [r.name for r in listed] == ["default", "changed"]
        for summary, result in zip(listed, (two_runs.default, two_runs.changed), strict=True):
            assert summary.counts() == result.counts()  # type: ignore[attr-defined]
            assert summary.n_not_candidates == result.not_candidates()  # type: ignore[attr-defined]
            assert summary.input_sha256 == hashlib.sha256(two_runs.input_bytes).hexdigest()
            assert summary.input_name == SAMPLE.name and summary.created_at.tzinfo is not None
        loaded = load_run(store, "changed")
        assert loaded.input_bytes == two_runs.input_bytes
        assert loaded.criteria_text == two_runs.changed_text and loaded.mapping_text is None
        assert loaded.summary.lang == "zh" and loaded.summary.criteria_name == "changed.yaml"
        result = two_runs.changed
        # every input record, with its outcome; the ranked ones with the run's score, tier, rank and flags
        p = loaded.projects
        assert len(p) == len(result.records)  # type: ignore[attr-defined]
        assert p["outcome"].value_counts().to_dict() == result.records["outcome"].value_counts().to_dict()  # type: ignore[attr-defined]
        ranked = result.ranked.set_index("project_id")  # type: ignore[attr-defined]
        mine = p[p["outcome"] == "ranked"].set_index("project_id").loc[ranked.index]
        assert np.array_equal(mine["rank"].to_numpy(dtype=int), ranked["rank"].to_numpy(dtype=int))
        assert np.allclose(mine["score"].to_numpy(dtype=float), ranked["score"].to_numpy(dtype=float))
        assert mine["tier"].tolist() == ranked["tier"].astype(str).tolist()
        assert mine["flags"].tolist() == ranked["flags"].tolist()
        excluded = p[p["outcome"] == "excluded"]
        assert len(excluded) and (excluded["gates"] != "").all() and excluded["rank"].isna().all()
        # reviewers' decisions: code, note, who and when
        d = {x.project_id: x for x in loaded.decisions}
        assert d["BR-001"].decision == "approve" and d["BR-001"].reviewer == "Li Wei"
        assert d["BR-001"].decided_at == dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
        assert d["BR-010"].decision == "defer" and d["BR-010"].decided_at is None
        assert load_run(store, "default").decisions == ()
    finally:
        store.close()


def test_the_stored_inputs_give_the_stored_figures_again(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        _save_both(store, two_runs)
        for name, result in (("default", two_runs.default), ("changed", two_runs.changed)):
            again = rerun(load_run(store, name))
            want = result.ranked[["project_id", "rank", "score", "tier"]].reset_index(drop=True)  # type: ignore[attr-defined]
            got = again.ranked[["project_id", "rank", "score", "tier"]].reset_index(drop=True)
            assert got.equals(want), name
    finally:
        store.close()


def test_input_bytes_are_kept_once(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        _save_both(store, two_runs)
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM inputs")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT count(DISTINCT input_sha256) FROM runs")).scalar_one() == 1
            size = conn.execute(sa.text("SELECT size FROM inputs")).scalar_one()
        assert size == len(two_runs.input_bytes)
    finally:
        store.close()


def test_a_name_is_unique_and_an_unknown_name_is_one_line(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        _save_both(store, two_runs)
        with pytest.raises(StoreError, match="already exists"):
            save_run(store, "default", two_runs.default, two_runs.input_bytes, None, two_runs.default_text)
        with pytest.raises(StoreError) as err:
            load_run(store, "no such run")
        said = err.value.text
        assert "No run is named “no such run”" in said.en and "default" in said.en and "\n" not in said.en
        assert "没有名为“no such run”的运行" in said.zh
        for bad in ("", "   ", "a\tb", "x" * 201):
            with pytest.raises(StoreError, match="must not be blank"):
                save_run(store, bad, two_runs.default, two_runs.input_bytes, None, two_runs.default_text)
        assert [r.name for r in list_runs(store)] == ["default", "changed"]  # nothing half-written
    finally:
        store.close()


def test_a_bounded_input_is_refused(store_url: str, two_runs: Runs) -> None:
    store = open_store(store_url)
    try:
        n = len(two_runs.input_bytes)
        with override(MAX_INPUT_BYTES=n - 1), pytest.raises(StoreError, match="MAX_INPUT_BYTES"):
            save_run(store, "too big", two_runs.default, two_runs.input_bytes, None, two_runs.default_text)
        with override(MAX_INPUT_BYTES=n):  # exactly at the limit is kept
            save_run(
                store, "at the limit", two_runs.default, two_runs.input_bytes, None, two_runs.default_text
            )
        assert [r.name for r in list_runs(store)] == ["at the limit"]
    finally:
        store.close()


def test_inputs_that_are_not_the_runs_own_are_refused(store_url: str, two_runs: Runs) -> None:
    """A diff is recomputed from what is stored, so a run is kept only with the inputs that made it."""
    store = open_store(store_url)
    try:
        with pytest.raises(StoreError, match="not the file this run read"):
            save_run(store, "x", two_runs.default, two_runs.input_bytes + b" ", None, two_runs.default_text)
        with pytest.raises(StoreError, match="not the ones this run used"):
            save_run(store, "x", two_runs.default, two_runs.input_bytes, None, two_runs.changed_text)
        with pytest.raises(StoreError, match="not the ones this run used"):
            save_run(
                store,
                "x",
                two_runs.default,
                two_runs.input_bytes,
                None,
                two_runs.default_text,
                "criteria: {esia: 9}",
            )
        assert list_runs(store) == []
    finally:
        store.close()


def test_edited_weights_are_kept_with_their_provenance(store_url: str, two_runs: Runs) -> None:
    from screening.analysis.weights import apply_weights, validated_weights

    weights_text = "dimensions: {environment: 40}\ncriteria: {esia: 10, emissions: 8}\n"
    edited = validated_weights(
        two_runs.default.criteria,  # type: ignore[attr-defined]
        {"dimensions": {"environment": 40}, "criteria": {"esia": 10, "emissions": 8}},
    )
    result = apply_weights(two_runs.default, edited)  # type: ignore[arg-type]
    store = open_store(store_url)
    try:
        save_run(
            store,
            "edited in the app",
            result,
            two_runs.input_bytes,
            None,
            two_runs.default_text,
            weights_text,
            weights_provenance="committee meeting 2026-11-30",
        )
        loaded = load_run(store, "edited in the app")
        assert (
            loaded.weights_text == weights_text
            and loaded.weights_provenance == "committee meeting 2026-11-30"
        )
        assert loaded.summary.weights_edited
        again = rerun(loaded)
        # the same weights reached by editing the run or by editing the file give the same ranking
        assert again.ranked["score"].tolist() == two_runs.changed.ranked["score"].tolist()  # type: ignore[attr-defined]
        with pytest.raises(StoreError, match="edited weights cannot be read"):
            save_run(store, "bad", result, two_runs.input_bytes, None, two_runs.default_text, "[1, 2")
    finally:
        store.close()


def test_reviews_carried_by_a_reimported_workbook_are_kept(tmp_path, two_runs: Runs) -> None:  # type: ignore[no-untyped-def]
    """decisions=None takes the reviewers' decisions an exported workbook brought back (who and when are
    not in a workbook: kept as not recorded)."""
    from openpyxl import load_workbook

    from screening.io.export import write_workbook
    from screening.pipeline import run

    out = tmp_path / "ranked.xlsx"
    write_workbook(two_runs.default, out, "en")  # type: ignore[arg-type]
    wb = load_workbook(out)
    ws = wb["Ranking"]
    head = [c.value for c in ws[1]]
    col_id, col_dec, col_note = (
        head.index(h) + 1 for h in ("project_id", "reviewer_decision", "reviewer_note")
    )
    first = ws.cell(2, col_id).value
    ws.cell(2, col_dec).value = "Reject"
    ws.cell(2, col_note).value = "route overlaps an existing line"
    wb.save(out)
    data = out.read_bytes()
    result = run(data, name=out.name)
    store = open_store(tmp_path / "runs.sqlite3")
    try:
        save_run(store, "re-imported", result, data, None, two_runs.default_text)
        (d,) = load_run(store, "re-imported").decisions
        assert (d.project_id, d.decision, d.note, d.reviewer, d.decided_at) == (
            str(first),
            "reject",
            "route overlaps an existing line",
            None,
            None,
        )
    finally:
        store.close()


def test_a_run_read_through_a_mapping_keeps_it_and_runs_again_alike(store_url: str, two_runs: Runs) -> None:
    """A file in another layout (the AidData GCDF 3.0 full layout) is kept with its mapping's text; the
    stored run computed again reads it through that mapping to the same figures."""
    from screening.io.mapping import load_mapping
    from screening.pipeline import run
    from screening.store.cli import mapping_text

    from .store_helpers import ROOT

    path = ROOT / "tests" / "fixtures" / "aiddata_gcdf3_full_sample.csv"
    data = path.read_bytes()
    result = run(data, name=path.name, mapping=load_mapping("aiddata-gcdf3-full"))
    text = mapping_text("aiddata-gcdf3-full")
    assert text is not None and len(result.ranked) > 0
    store = open_store(store_url)
    try:
        save_run(store, "gcdf", result, data, text, two_runs.default_text)
        loaded = load_run(store, "gcdf")
        assert loaded.mapping_text == text
        again = rerun(loaded)
        assert again.counts() == result.counts()
        assert again.ranked["score"].tolist() == result.ranked["score"].tolist()
        assert again.ranked["project_id"].tolist() == result.ranked["project_id"].tolist()
        with pytest.raises(StoreError, match="column mapping cannot be read"):
            save_run(store, "bad mapping", result, data, "columns: [", two_runs.default_text)
    finally:
        store.close()
