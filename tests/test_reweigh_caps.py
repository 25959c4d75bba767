"""After re-weighting, a capped project keeps its cap, wherever its new rank puts it.

Review flags with ``max_tier`` (criteria ``flags``) cap a project's tier (e.g. category A without an ESIA:
at most ``conditional``). :func:`screening.pipeline.reweigh` re-ranks from the stored point matrix and must
give every project the tier a fresh :func:`screening.pipeline.run` with the new weights gives it: the cap
belongs to the project, not to the row it sat in before the re-ranking.

Thin records (most fields blank) never score high enough for a cap to matter, so the hypothesis strategy
mixes them (``record`` from ``tests/test_properties.py``) with *rich* records: rows of the bundled sample
(most fields filled, scores 60–85) with cap-raising fields switched on at random, scored with the sample's
country sheet.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import numpy as np
import openpyxl
import pytest
from conftest import SAMPLES, keep_each_dimension_weighted
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import record as thin_record
from test_properties import weight

from screening.criteria.loader import load_criteria
from screening.pipeline import reweigh, run
from screening.stages.score import Weights

CRITERIA = load_criteria()
CAPPING_FLAGS = {f.id for f in CRITERIA.flags if f.max_tier is not None}


def _sample() -> tuple[list[str], list[dict[str, Any]], list[list[Any]]]:
    """(project columns, project rows as dicts, countries sheet rows) of the bundled sample workbook."""
    wb = openpyxl.load_workbook(SAMPLES / "sample_projects.xlsx", read_only=True)
    rows = [list(r) for r in wb["projects"].iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "project_id")
    header = [str(h) for h in rows[header_at] if h is not None]
    records = [dict(zip(header, r, strict=False)) for r in rows[header_at + 1 :] if r and r[0]]
    countries = [list(r) for r in wb["countries"].iter_rows(values_only=True)]
    return header, records, countries


HEADER, SAMPLE_RECORDS, COUNTRIES = _sample()

# Switches that raise a capping flag (criteria/default.yaml, flags with max_tier: conditional).
CAP_SWITCHES: list[dict[str, Any]] = [
    {"env_category": "A", "esia_completed": "no"},  # category_a_without_esia
    {"protected_area_overlap": "yes"},  # protected_area_overlap
    {"households_resettled": 250, "resettlement_plan": "no"},  # resettlement_without_plan
    {"meets_host_standards": "no"},  # below_host_standards
    {"subsector": "hotel"},  # restricted_real_estate_hotel
    {"location": "next to a national park"},  # protected_area_overlap (text)
]

rich_record = st.builds(
    lambda base, switches, jobs, links: {
        **base,
        **{k: v for s in switches for k, v in s.items()},
        "local_jobs": jobs,
        **links,
    },
    st.sampled_from(SAMPLE_RECORDS),
    st.lists(st.sampled_from(CAP_SWITCHES), max_size=2),
    st.one_of(st.none(), st.integers(0, 20_000)),
    st.fixed_dictionaries(
        {
            k: st.sampled_from([0, 1, 2, 3])
            for k in ("hard_connectivity", "soft_connectivity", "heart_connectivity")
        }
    ),
)
# Mostly rich records: thin ones tie at the bottom and test tie-breaks, rich ones carry the caps.
mixed_record = st.one_of(rich_record, rich_record, rich_record, thin_record)


def workbook(records: list[dict[str, Any]]) -> bytes:
    """An input workbook with the sample's columns (plus any other keys) and its country sheet."""
    headers = list(dict.fromkeys([*HEADER, *(k for r in records for k in r)]))
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "projects"
    ws.append(headers)
    for r in records:
        ws.append([r.get(h) for h in headers])
    cs = wb.create_sheet("countries")
    for row in COUNTRIES:
        cs.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "project_id": f"R{i:02d}"} for i, r in enumerate(records)]


def tiers_by_id(ranked) -> dict[str, str]:
    return dict(zip(ranked["project_id"], ranked["tier"], strict=True))


def check(data: bytes, dims: dict[str, float], crits: dict[str, float]) -> tuple[Any, Any]:
    base = run(data, name="in.xlsx", criteria=CRITERIA)
    edited = CRITERIA.with_weights(dims, crits)
    got = reweigh(base, Weights.of(edited)).ranked
    fresh = run(data, name="in.xlsx", criteria=edited).ranked
    assert tiers_by_id(got) == tiers_by_id(fresh)
    cols = ["project_id", "score", "completeness", "tier", "rank", "rank_in_track", "flags"]
    assert got[cols].reset_index(drop=True).equals(fresh[cols].reset_index(drop=True))
    return base, got


def _capped(ranked) -> np.ndarray:
    return np.array([bool(CAPPING_FLAGS & set(str(f).split(";"))) for f in ranked["flags"]])


@settings(max_examples=25)
@given(records=st.lists(mixed_record, min_size=2, max_size=14), data=st.data())
def test_reweigh_keeps_each_projects_cap(records, data):
    dims = {d.id: data.draw(weight, label=f"dim {d.id}") for d in CRITERIA.dimensions}
    if not any(dims.values()):
        dims[CRITERIA.dimensions[0].id] = 1.0
    crits = {c.id: data.draw(weight, label=f"crit {c.id}") for _, c in CRITERIA.criteria[::4]}
    crits = keep_each_dimension_weighted(CRITERIA, crits)
    check(workbook(with_ids(records)), dims, crits)


def test_sample_capped_projects_that_move_keep_their_cap():
    """The bundled sample under a weighting that reshuffles it: capped high scorers move and stay capped."""
    data = (SAMPLES / "sample_projects.xlsx").read_bytes()
    dims = {d.id: 1.0 for d in CRITERIA.dimensions}
    dims["environment"] = 0.0
    dims["governance"] = 10.0
    base, got = check(data, dims, {})
    before = dict(zip(base.ranked["project_id"], base.ranked["rank"], strict=True))
    moved_capped = [
        pid
        for pid, cap, tier, rank in zip(
            got["project_id"], _capped(got), got["tier"], got["rank"], strict=True
        )
        if cap and before[pid] != rank and tier == "conditional"
    ]
    assert moved_capped, "the weighting must move at least one capped project"
    # And some of them would be above "conditional" without the cap (so the cap is what decides the tier).
    scores = dict(zip(got["project_id"], got["score"], strict=True))
    assert any(scores[pid] >= 60 for pid in moved_capped)


@pytest.mark.parametrize("switch", CAP_SWITCHES, ids=lambda s: "+".join(s))
def test_each_cap_switch_caps_a_rich_record(switch):
    """Guard for the strategy: every switch really raises a capping flag on a rich sample row."""
    best = max(SAMPLE_RECORDS, key=lambda r: r["project_id"] == "BR-046")  # the sample's top project
    result = run(
        workbook([{**best, **switch, "project_id": "CAP"}, {**best, "project_id": "FREE"}]),
        name="in.xlsx",
        criteria=CRITERIA,
    )
    r = result.ranked.set_index("project_id")
    assert CAPPING_FLAGS & set(str(r.loc["CAP", "flags"]).split(";"))
    assert r.loc["CAP", "tier"] == "conditional" and r.loc["FREE", "tier"] == "priority"
