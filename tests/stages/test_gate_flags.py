"""A gate's review flag never lands on a record the same gate excludes.

A gate (criteria ``gates``) has an exclusion test ``when`` and may also have a softer ``flag_when``; a record
that hits ``when`` is excluded, and the gate's flag is only for records it does *not* exclude (DESIGN.md
"Gates and flags"). Checked on the screening stage itself (:func:`screening.screen.screen`: hits table and
the record-level flags a ``has_flag`` rule reads) and through :func:`screening.pipeline.run`, on the
bundled sample, on one constructed record per gate that hits both tests, and on random records (hypothesis)
built from the gates' own terms.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES, rec
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.criteria.loader import load_criteria
from screening.criteria.rules import AllOf, AnyOf, Context, TextContains
from screening.io.read import read_input
from screening.model import Result
from screening.pipeline import run
from screening.stages.classify import add_derived
from screening.stages.screen import Screened, screen
from screening.stages.validate import validate

CRITERIA = load_criteria()
GATES_WITH_FLAGS = [g for g in CRITERIA.gates if g.flag_when is not None and g.when is not None]


def _text_rules(rule: object) -> list[TextContains]:
    """Every text rule inside a rule (``not`` branches left out: their terms would cancel a hit)."""
    if isinstance(rule, TextContains):
        return [rule]
    if isinstance(rule, AllOf):
        return [t for r in rule.all for t in _text_rules(r)]
    if isinstance(rule, AnyOf):
        return [t for r in rule.any for t in _text_rules(r)]
    return []  # Not, and rules on coded fields


TERMS = sorted(
    {
        t
        for g in CRITERIA.gates
        for r in (g.when, g.flag_when)
        if r is not None
        for tr in _text_rules(r)
        for t in (*tr.text_contains, *tr.unless)
    }
)
FILLER = [
    "project",
    "plant",
    "new",
    "regional",
    "hospital",
    "school",
    "water",
    "road",
    "项目",
    "工厂",
    "Ltd",
    "group",
]


def _csv(records: list[dict[str, object]]) -> bytes:
    headers = list(dict.fromkeys(k for r in records for k in r))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in records:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return buf.getvalue().encode("utf-8")


def _frame(data: bytes, name: str = "g.csv") -> pd.DataFrame:
    """The valid records as the screening stage sees them (read, validated, derived fields added)."""
    val = validate(read_input(data, name=name))
    return add_derived(val.records[val.valid].reset_index(drop=True), CRITERIA)


def _screened(data: bytes, name: str = "g.csv") -> tuple[Screened, np.ndarray]:
    """The screening stage, as the pipeline runs it; also each frame row's row_key."""
    frame = _frame(data, name)
    return screen(frame, CRITERIA), frame["row_key"].to_numpy()


def assert_gate_flags_apart(screened: Screened, row_keys: np.ndarray) -> None:
    hits = screened.hits
    for gate in CRITERIA.gates:
        excluded_by_gate = set(hits.loc[(hits["kind"] == "gate") & (hits["id"] == gate.id), "row_key"])
        flagged_by_gate = set(hits.loc[(hits["kind"] == "flag") & (hits["id"] == gate.id), "row_key"])
        assert not excluded_by_gate & flagged_by_gate, (gate.id, sorted(excluded_by_gate & flagged_by_gate))
        if gate.id in screened.flags:  # what a has_flag rule sees
            flag_keys = set(row_keys[screened.flags[gate.id]])
            assert not excluded_by_gate & flag_keys, gate.id


def assert_result_apart(result: Result) -> None:
    hits = result.hits
    excluded = set(result.excluded["row_key"])
    for gate in CRITERIA.gates:
        by_gate = set(hits.loc[(hits["kind"] == "gate") & (hits["id"] == gate.id), "row_key"])
        assert by_gate <= excluded
        flagged = set(hits.loc[(hits["kind"] == "flag") & (hits["id"] == gate.id), "row_key"])
        assert not by_gate & flagged, gate.id
    # A ranked project's flags column never names a gate it hit (it hit none: it would be excluded).
    gate_ids = {g.id for g in CRITERIA.gates}
    for key, flags in zip(result.ranked["row_key"], result.ranked["flags"], strict=True):
        for f in filter(None, str(flags).split(";")):
            if f in gate_ids:
                assert key not in set(hits.loc[(hits["kind"] == "gate") & (hits["id"] == f), "row_key"])


def test_bundled_sample():
    screened, keys = _screened((SAMPLES / "sample_projects.xlsx").read_bytes(), "sample_projects.xlsx")
    assert_gate_flags_apart(screened, keys)
    assert_result_apart(run(SAMPLES / "sample_projects.xlsx", criteria=CRITERIA))


# One record per gate that hits both the exclusion test (in the name) and the flag test (in the description
# and the company name): the gate excludes it and must not flag it as well.
BOTH = {
    "gambling": dict(project_name="Grand casino", description="casino floor", lead_enterprise="Casino Ltd"),
    "sex_industry": dict(project_name="Brothel", description="brothel rooms"),
    "weapons_military": dict(
        project_name="Ammunition works", description="weapon assembly", lead_enterprise="Military Industries"
    ),
    "export_banned_technology": dict(project_name="禁止出口的技术 plant", description="export control items"),
    "treaty_prohibited": dict(project_name="UN sanctions trade", description="UN sanctions evasion"),
    "tobacco": dict(
        project_name="Cigarette factory", description="tobacco leaf", lead_enterprise="Tobacco Co"
    ),
    "spirits": dict(project_name="Vodka distillery", description="liquor"),
    "forced_child_labour": dict(project_name="Forced labour camp", description="forced labour"),
    "banned_substances": dict(project_name="CFC production", description="chlorofluorocarbon"),
    "cites_wildlife_trade": dict(project_name="Pangolin farm", description="pangolin scale wildlife trade"),
    "unbonded_asbestos": dict(project_name="Asbestos mine", description="asbestos"),
    "drift_net_fishing": dict(project_name="Drift net fleet", description="driftnet"),
    "primary_forest_logging": dict(
        project_name="Rainforest logging", description="logging in primary forest", sector="agriculture"
    ),
    "basel_waste": dict(project_name="Hazardous waste import hub", description="waste import"),
    # criteria v2: an extension at a coal site of blank status is new coal capacity (excluded), and a coal
    # plant of blank status is what the gate's flag ("status needed") is for.
    "no_new_coal_power": dict(project_name="Coal power station extension", sector="energy", status=None),
}

# Gates whose two tests can never hold together, by design (so no record can hit both).
EXCLUSIVE_BY_DESIGN = {
    "unsustainable_wood": "excludes when the wood is said to be uncertified, flags when certification is blank",
}


def test_every_gate_with_a_flag_has_a_constructed_case():
    assert {g.id for g in GATES_WITH_FLAGS} <= set(BOTH) | set(EXCLUSIVE_BY_DESIGN)


def test_gates_exclusive_by_design_really_are():
    uncertified = rec("A", project_name="Plywood mill", sector="manufacturing", forest_certified="no")
    blank = rec("B", project_name="Plywood mill", sector="manufacturing")
    screened, _ = _screened(_csv([uncertified, blank]))
    hits = screened.hits[screened.hits["id"] == "unsustainable_wood"]
    assert set(zip(hits["project_id"], hits["kind"], strict=True)) == {("A", "gate"), ("B", "flag")}


@pytest.mark.parametrize("gate_id", sorted(BOTH))
def test_record_hitting_both_tests_is_excluded_and_not_flagged(gate_id):
    records = [rec("HIT", **BOTH[gate_id]), rec("CLEAN", project_name="Solar farm")]
    screened, keys = _screened(_csv(records))
    hits = screened.hits
    gate_rows = set(hits.loc[(hits["kind"] == "gate") & (hits["id"] == gate_id), "project_id"])
    assert gate_rows == {"HIT"}, "the constructed record must hit the gate's exclusion test"
    gate = next(g for g in CRITERIA.gates if g.id == gate_id)
    if gate.flag_when is not None:
        # The record does meet the flag test on its own, so only the gate's own exclusion keeps the flag off.
        assert gate.flag_when.evaluate(_frame(_csv(records)), Context())[0], (
            "constructed record misses flag_when"
        )
    assert_gate_flags_apart(screened, keys)
    result = run(_csv(records), name="g.csv", criteria=CRITERIA)
    assert set(result.excluded["project_id"]) == {"HIT"}
    assert_result_apart(result)


def test_flag_alone_still_flags():
    """The other side: the flag test without the exclusion test flags the record and keeps it ranked."""
    records = [rec("SOFT", project_name="Resort", sector="tourism", lead_enterprise="Lucky Casino Group")]
    result = run(_csv(records), name="s.csv", criteria=CRITERIA)
    assert result.counts()["excluded"] == 0
    assert "gambling" in str(result.ranked.set_index("project_id").loc["SOFT", "flags"]).split(";")


text = st.lists(st.one_of(st.sampled_from(TERMS), st.sampled_from(FILLER)), max_size=4).map(" ".join)
case = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])
cased_text = st.tuples(text, case).map(lambda p: p[1](p[0]))
record = st.fixed_dictionaries(
    {
        "project_name": cased_text,
        "subsector": st.one_of(
            st.just(""),
            text,
            st.sampled_from(
                ["casino", "logging", "forestry", "tobacco", "coal_power", "weapons", "hydropower"]
            ),
        ),
        "description": cased_text,
        "lead_enterprise": cased_text,
        "location": st.sampled_from(["", "rainforest", "Nairobi"]),
        "sector": st.sampled_from(
            ["energy", "tourism", "manufacturing", "mining", "agriculture", "other", "health"]
        ),
        "status": st.sampled_from(["planned", "", "operating", "under_construction"]),
        "energy_source": st.sampled_from(["", "coal", "solar"]),
    }
)


@settings(max_examples=40)
@given(st.lists(record, min_size=1, max_size=12))
def test_random_records_built_from_gate_terms(records):
    rows = [rec(f"R{i}", **r) for i, r in enumerate(records)]
    screened, keys = _screened(_csv(rows))
    assert_gate_flags_apart(screened, keys)
    assert_result_apart(run(_csv(rows), name="r.csv", criteria=CRITERIA))
