"""Invariants (hypothesis): nothing lost, scores independent of other rows and of row order, determinism."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from conftest import keep_each_dimension_weighted
from hypothesis import given
from hypothesis import strategies as st

from screening.pipeline import run

COLUMNS = [
    "project_id",
    "project_name",
    "country",
    "sector",
    "total_investment_usd_m",
    "status",
    "energy_source",
    "local_jobs",
    "direct_beneficiaries",
    "env_category",
    "esia_completed",
    "hard_connectivity",
    "soft_connectivity",
    "heart_connectivity",
    "livelihood_focus",
    "security_risk",
    "eirr_pct",
    "private_capital_share",
]

names = st.sampled_from(
    [
        "Solar park",
        "Casino resort",
        "Coal-fired power plant",
        "Luban Workshop 鲁班工坊",
        "Port and schools",
        "=HYPERLINK(1)",
        "",
        "Coal-to-solar conversion",
        "Water supply",
    ]
)
maybe = st.one_of(st.none(), st.just(""))
record = st.fixed_dictionaries(
    {
        "project_id": st.one_of(
            st.sampled_from(["", "DUP"]), st.text("ABCDEFGH0123456789", min_size=1, max_size=6)
        ),
        "project_name": names,
        "country": st.sampled_from(["Kenya", "越南", "PAK", "Atlantis", "", "Laos"]),
        "sector": st.sampled_from(["energy", "transport", "教育培训", "tourism", "widgets", ""]),
        "total_investment_usd_m": st.one_of(
            st.floats(0, 5000, allow_nan=False).map(lambda x: f"{x:.2f}"),
            st.sampled_from(["abc", "-5", "", "1.2亿", "3,000"]),
        ),
        "status": st.sampled_from(["planned", "在建", "operating", "", "nonsense"]),
        "energy_source": st.sampled_from(["coal", "solar", "none", ""]),
        "local_jobs": st.one_of(st.integers(0, 100000).map(str), maybe.map(lambda _: "")),
        "direct_beneficiaries": st.one_of(st.integers(0, 10**6).map(str), st.just("")),
        "env_category": st.sampled_from(["A", "B", "C", "", "Z"]),
        "esia_completed": st.sampled_from(["yes", "否", "", "maybe"]),
        "hard_connectivity": st.sampled_from(["0", "1", "2", "3", "", "7"]),
        "soft_connectivity": st.sampled_from(["0", "1", "2", "3", ""]),
        "heart_connectivity": st.sampled_from(["0", "1", "2", "3", ""]),
        "livelihood_focus": st.sampled_from(["是", "no", ""]),
        "security_risk": st.sampled_from(["low", "medium", "high", ""]),
        "eirr_pct": st.sampled_from(["", "8", "12%", "-3"]),
        "private_capital_share": st.sampled_from(["", "0.3", "45%", "140%"]),
    }
)


def to_csv(records: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    for r in records:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def scored(result) -> dict[str, tuple[float, str, float]]:
    r = result.ranked
    return {
        pid: (s, t, c)
        for pid, s, t, c in zip(r["project_id"], r["score"], r["tier"], r["completeness"], strict=True)
    }


@given(records=st.lists(record, min_size=1, max_size=25))
def test_every_record_ends_in_exactly_one_outcome(records, default_criteria):
    result = run(to_csv(records), name="p.csv", criteria=default_criteria)
    c = result.counts()
    assert c["records"] == len(records)
    assert c["ranked"] + c["excluded"] + c["invalid"] == len(records)
    assert result.records["outcome"].isin(["ranked", "excluded", "invalid"]).all()
    assert sorted(result.records["row_key"]) == list(range(len(records)))
    assert len(result.ranked) == c["ranked"]
    # Every invalid record has at least one problem that says why.
    invalid_keys = set(result.invalid["row_key"])
    explained = set(result.issues.loc[result.issues["severity"] == "invalid", "row_key"])
    assert invalid_keys == explained


def _unique_ids(records):
    seen = set()
    out = []
    for i, r in enumerate(records):
        r = {**r, "project_id": f"R{i}"}
        if r["project_id"] not in seen:
            out.append(r)
            seen.add(r["project_id"])
    return out


@given(records=st.lists(record, min_size=2, max_size=20), data=st.data())
def test_score_independent_of_other_rows(records, data, default_criteria):
    records = _unique_ids(records)
    keep = data.draw(st.lists(st.sampled_from(range(len(records))), min_size=1, unique=True))
    full = scored(run(to_csv(records), name="a.csv", criteria=default_criteria))
    part = scored(run(to_csv([records[i] for i in sorted(keep)]), name="b.csv", criteria=default_criteria))
    for pid, value in part.items():
        assert full[pid] == value


@given(records=st.lists(record, min_size=2, max_size=20), rnd=st.randoms(use_true_random=False))
def test_shuffling_rows_changes_no_score_or_rank(records, rnd, default_criteria):
    records = _unique_ids(records)
    shuffled = records[:]
    rnd.shuffle(shuffled)
    a = run(to_csv(records), name="a.csv", criteria=default_criteria).ranked
    b = run(to_csv(shuffled), name="b.csv", criteria=default_criteria).ranked
    assert (
        a[["project_id", "score", "rank", "rank_in_track", "tier"]]
        .reset_index(drop=True)
        .equals(b[["project_id", "score", "rank", "rank_in_track", "tier"]].reset_index(drop=True))
    )


@given(records=st.lists(record, min_size=1, max_size=15))
def test_same_input_same_output(records, default_criteria):
    data = to_csv(_unique_ids(records))
    a = run(data, name="a.csv", criteria=default_criteria)
    b = run(data, name="a.csv", criteria=default_criteria)
    assert np.array_equal(a.pm.points, b.pm.points, equal_nan=True)
    assert a.ranked.drop(columns=[]).equals(b.ranked)


weight = st.floats(0.0, 20.0, allow_nan=False).map(lambda x: round(x, 2))


@given(records=st.lists(record, min_size=1, max_size=30), data=st.data())
def test_reweighing_the_point_matrix_equals_a_fresh_run_with_those_weights(records, data, default_criteria):
    # Ties are common here (blank records score alike), so the project_id tie-break is exercised too.
    dims = {d.id: data.draw(weight) for d in default_criteria.dimensions}
    if not any(dims.values()):
        dims[default_criteria.dimensions[0].id] = 1.0
    crits = {c.id: data.draw(weight) for _, c in default_criteria.criteria[::5]}
    crits = keep_each_dimension_weighted(default_criteria, crits)
    payload = to_csv(_unique_ids(records))
    base = run(payload, name="a.csv", criteria=default_criteria)
    edited = default_criteria.with_weights(dims, crits)
    from screening.pipeline import reweigh
    from screening.stages.score import Weights

    got = reweigh(base, Weights.of(edited)).ranked
    fresh = run(payload, name="a.csv", criteria=edited).ranked
    cols = [
        "project_id",
        "score",
        "completeness",
        "tier",
        "rank",
        "rank_in_track",
        *[c for c in fresh.columns if c.startswith("dim_")],
    ]
    assert got[cols].reset_index(drop=True).equals(fresh[cols].reset_index(drop=True))
    # one function builds both tables: every column, its dtype and place, and the index agree
    pd.testing.assert_frame_equal(got, fresh)


@given(records=st.lists(record, min_size=0, max_size=30))
def test_reweighing_under_the_files_own_weights_gives_the_run_back(records, default_criteria):
    from screening.pipeline import reweigh

    base = run(to_csv(_unique_ids(records)), name="a.csv", criteria=default_criteria)
    again = reweigh(base, base.weights)
    pd.testing.assert_frame_equal(again.ranked, base.ranked)
    assert again.ranked.equals(base.ranked)
