"""The default criteria set (criteria/default.yaml): every gate and flag, the coal status table, monotonicity,
the balance of combinations, the three coordinations, security as a floor, sources and the reference page."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from screening.criteria.docs import render_criteria_markdown
from screening.criteria.loader import load_criteria
from screening.criteria.models import CriteriaSet
from screening.criteria.rules import CasesScorer, CombineScorer, Context, LinearScorer, StepsScorer
from screening.stages.classify import add_derived, classify
from screening.stages.duplicates import duplicate_flags
from screening.stages.score import PointMatrix, Scores, Weights, point_matrix, weigh
from screening.stages.screen import raise_late_flags, screen
from screening.vocab.columns import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
PAPER_KEYS = {"xie-2025", "liu-zhang-2024", "hu-liu-2025", "chengdu-2024", "soft-rules"}
NUMERIC_KINDS = {"money", "number", "count", "share", "pct", "year", "level"}


@pytest.fixture(scope="module")
def cs() -> CriteriaSet:
    return load_criteria()


def make_frame(records: list[dict], cs: CriteriaSet) -> pd.DataFrame:
    """Typed records as validation leaves them: every canonical column, numbers as floats, yes/no as bools."""
    rows = []
    for i, rec in enumerate(records):
        base = {
            "project_id": f"P{i}",
            "project_name": "Rural road",
            "country": "KEN",
            "sector": "transport",
            "total_investment_usd_m": 100.0,
        }
        rows.append({"row_key": i, **base, **rec})
    frame = pd.DataFrame(rows)
    for col in COLUMNS:
        if col.name not in frame.columns:
            frame[col.name] = np.nan if col.kind in NUMERIC_KINDS else None
        elif col.kind in NUMERIC_KINDS:
            frame[col.name] = pd.to_numeric(frame[col.name]).astype(float)
        else:
            frame[col.name] = frame[col.name].astype(object).where(frame[col.name].notna(), None)
    return add_derived(frame, cs)


def hits(rec: dict, cs: CriteriaSet) -> tuple[set[str], set[str]]:
    """(gates that exclude — negative list or not a candidate, flags raised) for one record, the flags that
    read a classification included."""
    frame = make_frame([rec], cs)
    s = screen(frame, cs)
    s = raise_late_flags(classify(frame, cs, Context(s.flags)), cs, s)
    gates = set(s.hits.loc[s.hits["kind"].isin(["gate", "not_candidate"]), "id"])
    flags = set(s.hits.loc[s.hits["kind"] == "flag", "id"])
    return gates, flags


def scored(records: list[dict], cs: CriteriaSet) -> tuple[pd.DataFrame, PointMatrix, Scores]:
    frame = make_frame(records, cs)
    s = screen(frame, cs)
    assert not s.excluded.any()
    frame = classify(frame, cs, Context(s.flags))
    pm = point_matrix(frame, cs, Context(s.flags))
    return frame, pm, weigh(pm, Weights.of(cs), cs.missing_policy)


def points(pm: PointMatrix, criterion: str) -> np.ndarray:
    return pm.points[:, pm.criterion_ids.index(criterion)]


# --------------------------------------------------------------------------- gates

GATE_CASES: dict[str, tuple[dict, dict]] = {
    "not_a_candidate": ({"status": "cancelled"}, {"status": "planned"}),
    "illegal_under_host_law": ({"legal_under_host_law": False}, {"legal_under_host_law": True}),
    "unsustainable_wood": (
        {"project_name": "Timber concession sawmill", "sector": "manufacturing", "forest_certified": False},
        {"project_name": "Timber concession sawmill", "sector": "manufacturing", "forest_certified": True},
    ),
    "gambling": (
        {"project_name": "Coral Bay Casino Resort", "sector": "tourism"},
        {"project_name": "Coral Bay Beach Resort", "sector": "tourism"},
    ),
    "sex_industry": (
        {"project_name": "Adult entertainment complex", "sector": "tourism"},
        {"project_name": "Sex education programme for schools", "sector": "education"},
    ),
    "weapons_military": (
        {"project_name": "Ammunition plant", "sector": "manufacturing"},
        {"project_name": "Flood defence embankment", "sector": "water"},
    ),
    "export_banned_technology": (
        {"project_name": "Plant using 禁止出口的技术", "sector": "manufacturing"},
        {"project_name": "Plant exporting finished goods", "sector": "manufacturing"},
    ),
    "treaty_prohibited": (
        {"project_name": "Mine under UN sanctions", "sector": "mining"},
        {"project_name": "Mine near the border", "sector": "mining"},
    ),
    "tobacco": (
        {"project_name": "Cigarette factory", "sector": "manufacturing"},
        {"project_name": "Tobacco control programme", "sector": "health"},
    ),
    "spirits": (
        {"project_name": "Vodka bottling line", "sector": "manufacturing"},
        {"project_name": "Brewery expansion", "sector": "manufacturing"},
    ),
    "forced_child_labour": (
        {"project_name": "Cotton farm with child labour", "sector": "agriculture"},
        {"project_name": "Programme to eliminate child labour", "sector": "other"},
    ),
    "banned_substances": (
        {"project_name": "DDT production line", "sector": "manufacturing"},
        {"project_name": "DDT stockpile destruction", "sector": "environment"},
    ),
    "cites_wildlife_trade": (
        {"project_name": "Ivory carving workshop", "sector": "manufacturing"},
        {"project_name": "Ivory Coast coastal road", "sector": "transport"},
    ),
    "unbonded_asbestos": (
        {"project_name": "Chrysotile asbestos mine", "sector": "mining"},
        {"project_name": "Asbestos removal from schools", "sector": "education"},
    ),
    "drift_net_fishing": (
        {"project_name": "Drift-net fishing fleet", "sector": "agriculture"},
        {"project_name": "Aquaculture ponds", "sector": "agriculture"},
    ),
    "primary_forest_logging": (
        {
            "project_name": "Timber concession logging",
            "sector": "agriculture",
            "description": "Selective cutting in primary tropical rainforest",
        },
        {
            "project_name": "Timber concession logging",
            "sector": "agriculture",
            "description": "Harvest in a eucalyptus plantation",
        },
    ),
    "basel_waste": (
        {"project_name": "Hazardous waste import terminal", "sector": "environment"},
        {"project_name": "Municipal waste recycling plant", "sector": "environment"},
    ),
    "convention_prohibited_activity": (
        {"project_name": "Wetland reclamation for rice", "sector": "agriculture"},
        {"project_name": "Wetland restoration", "sector": "environment"},
    ),
    "no_new_coal_power": (
        {"project_name": "Coal-fired power plant", "sector": "energy", "status": "planned"},
        {
            "project_name": "Coal-to-solar conversion of the old coal-fired power plant",
            "sector": "energy",
            "status": "planned",
        },
    ),
}

GATE_FLAG_CASES: dict[str, tuple[dict, dict]] = {
    "gambling": (
        {"project_name": "Airport road", "description": "Passes the old casino"},
        {"project_name": "Airport road", "description": "Passes the old market"},
    ),
    "sex_industry": (
        {"description": "Area once known for prostitution"},
        {"description": "Area once known for fishing"},
    ),
    "weapons_military": (
        {"project_name": "Military academy dormitories", "sector": "education"},
        {"project_name": "Academy dormitories", "sector": "education"},
    ),
    "export_banned_technology": (
        {"description": "Equipment subject to export control licences"},
        {"description": "Equipment with import licences"},
    ),
    "treaty_prohibited": (
        {"description": "The buyer was under UN sanctions until 2016"},
        {"description": "The buyer was under review until 2016"},
    ),
    "tobacco": ({"description": "Road to the tobacco farms"}, {"description": "Road to the tea farms"}),
    "spirits": (
        {"project_name": "Distillery upgrade", "sector": "manufacturing"},
        {"project_name": "Fuel ethanol distillery", "sector": "energy"},
    ),
    "forced_child_labour": (
        {"description": "NGOs alleged forced labor on site"},
        {"description": "NGOs alleged delays on site"},
    ),
    "banned_substances": (
        {"description": "Old transformers contain PCB oil"},
        {"description": "Printed circuit board (PCB) assembly line"},
    ),
    "cites_wildlife_trade": (
        {"description": "A hub for the bushmeat market"},
        {"description": "A hub for the fish market"},
    ),
    "unbonded_asbestos": (
        {"project_name": "Asbestos cement sheet plant", "sector": "manufacturing"},
        {"project_name": "Fibre cement sheet plant", "sector": "manufacturing"},
    ),
    "drift_net_fishing": (
        {"description": "Replaces drift nets used by local boats"},
        {"description": "Replaces hand lines used by local boats"},
    ),
    "unsustainable_wood": (
        {"project_name": "Plywood mill", "sector": "manufacturing"},
        {"project_name": "Plywood mill", "sector": "manufacturing", "forest_certified": True},
    ),
    "primary_forest_logging": (
        {"lead_enterprise": "China National Logging Corporation", "sector": "oil_gas"},
        {"lead_enterprise": "China National Petroleum Corporation", "sector": "oil_gas"},
    ),
    "basel_waste": (
        {"description": "Includes a waste import jetty"},
        {"description": "Includes a grain import jetty"},
    ),
    "no_new_coal_power": (
        {"project_name": "Coal-fired power plant", "sector": "energy"},
        {"project_name": "Gas-fired power plant", "sector": "energy"},
    ),
}


def test_every_gate_has_cases(cs):
    assert set(GATE_CASES) == {g.id for g in cs.gates}
    assert set(GATE_FLAG_CASES) == {g.id for g in cs.gates if g.flag_when is not None}


@pytest.mark.parametrize("gate", sorted(GATE_CASES))
def test_gate_trigger_and_near_miss(cs, gate):
    trigger, near_miss = GATE_CASES[gate]
    gates, _ = hits(trigger, cs)
    assert gate in gates
    gates, _ = hits(near_miss, cs)
    assert gate not in gates


@pytest.mark.parametrize("gate", sorted(GATE_FLAG_CASES))
def test_gate_ambiguous_hit_only_flags(cs, gate):
    trigger, near_miss = GATE_FLAG_CASES[gate]
    gates, flags = hits(trigger, cs)
    assert gate in flags and gate not in gates
    gates, flags = hits(near_miss, cs)
    assert gate not in flags and gate not in gates


# --------------------------------------------------------------------------- issue 3 item 1


def test_casino_resort_under_tourism_is_excluded(cs):
    gates, _ = hits({"project_name": "Grand Lagoon casino resort", "sector": "tourism"}, cs)
    assert "gambling" in gates


def test_coal_fired_power_plant_in_title_of_planned_project_is_excluded(cs):
    gates, _ = hits(
        {"project_name": "2x660MW Coal-fired Power Plant", "sector": "energy", "status": "planned"}, cs
    )
    assert "no_new_coal_power" in gates


def test_coal_to_solar_conversion_is_not_coal_power(cs):
    gates, flags = hits(
        {
            "project_name": "Coal-to-solar conversion of the Kivu coal-fired power plant",
            "sector": "energy",
            "status": "planned",
        },
        cs,
    )
    assert not gates
    assert not {"no_new_coal_power", "coal_under_construction", "coal_existing_asset"} & flags


@pytest.mark.parametrize("field", ["lead_enterprise", "project_name"])
def test_logging_company_name_at_most_flags(cs, field):
    rec = {"sector": "oil_gas", field: "China National Logging Corporation"}
    gates, flags = hits(rec, cs)
    assert not gates
    assert "primary_forest_logging" in flags


# --------------------------------------------------------------------------- coal status table

COAL = {"project_name": "Coal power station", "sector": "energy", "energy_source": "coal"}


@pytest.mark.parametrize(
    ("status", "gate", "flag"),
    [
        ("planned", "no_new_coal_power", None),
        ("under_construction", None, "coal_under_construction"),
        ("operating", None, "coal_existing_asset"),
        ("completed", None, "coal_existing_asset"),
        (None, None, "no_new_coal_power"),
        ("cancelled", "not_a_candidate", None),
        ("suspended", "not_a_candidate", None),
    ],
)
def test_coal_status_table(cs, status, gate, flag):
    gates, flags = hits({**COAL, "status": status}, cs)
    coal_flags = flags & {"no_new_coal_power", "coal_under_construction", "coal_existing_asset"}
    assert gates == ({gate} if gate else set())
    assert coal_flags == ({flag} if flag else set())


@pytest.mark.parametrize(
    ("purpose", "capped"),
    [(None, True), ("refinancing", True), ("acquisition", True), ("retrofit", False), ("transition", False)],
)
def test_existing_coal_is_capped_unless_it_is_a_transition(cs, purpose, capped):
    _, flags = hits({**COAL, "status": "operating", "financing_purpose": purpose}, cs)
    assert ("coal_existing_asset" in flags) == capped


@pytest.mark.parametrize(
    ("rec", "excluded"),
    [
        ({**COAL, "project_name": "Coal power station extension", "status": None}, True),
        ({**COAL, "project_name": "燃煤电厂扩建工程", "status": "planned"}, True),
        ({**COAL, "status": "operating", "financing_purpose": "expansion"}, True),
        ({**COAL, "project_name": "Coal power station new unit", "status": "under_construction"}, False),
    ],
)
def test_an_extension_at_a_coal_site_is_new_coal_capacity(cs, rec, excluded):
    gates, _ = hits(rec, cs)
    assert ("no_new_coal_power" in gates) == excluded


def test_coal_flag_reasons_say_what_to_do(cs):
    by_id = {f.id: f for f in cs.flags}
    assert "prudently" in by_id["coal_under_construction"].reason.en
    assert "existing" in by_id["coal_existing_asset"].reason.en.lower()
    gate = next(g for g in cs.gates if g.id == "no_new_coal_power")
    assert gate.flag_reason is not None and "status" in gate.flag_reason.en


def test_coal_captive_plant_in_description_only_flags(cs):
    gates, flags = hits(
        {
            "project_name": "Nickel smelter",
            "sector": "manufacturing",
            "status": "planned",
            "description": "Includes a 2x150MW coal-fired power plant",
        },
        cs,
    )
    # v2: a captive coal plant at a smelter is its own flag (capped at conditional), not "status needed"
    assert not gates and "captive_coal" in flags and "no_new_coal_power" not in flags


# --------------------------------------------------------------------------- review flags

FLAG_CASES: dict[str, tuple[dict, dict]] = {
    "coal_under_construction": ({**COAL, "status": "under_construction"}, {**COAL, "status": "cancelled"}),
    "coal_existing_asset": ({**COAL, "status": "operating"}, {**COAL, "status": "under_construction"}),
    "restricted_real_estate_hotel": (
        {"project_name": "Seafront hotel", "sector": "tourism"},
        {"project_name": "Seafront promenade", "sector": "tourism"},
    ),
    "restricted_cinema_entertainment": (
        {"project_name": "Multiplex cinema", "sector": "culture_media"},
        {"project_name": "Public library", "sector": "culture_media"},
    ),
    "restricted_sports_club": (
        {"project_name": "Acquisition of a football club", "sector": "other"},
        {"project_name": "National football stadium", "sector": "other"},
    ),
    "restricted_equity_platform": (
        {"project_name": "Regional private equity fund", "sector": "finance"},
        {"project_name": "Regional private equity fund", "sector": "manufacturing"},
    ),
    "sensitive_cross_border_water": (
        {"project_name": "Hydropower station", "sector": "energy", "description": "On the Mekong mainstream"},
        {
            "project_name": "Thermal power station",
            "sector": "energy",
            "description": "On the Mekong mainstream",
        },
    ),
    "sensitive_news_media": (
        {"project_name": "National television station", "sector": "culture_media"},
        {"project_name": "National theatre", "sector": "culture_media"},
    ),
    "conflict_affected_country": ({"political_stability": -2.3}, {"political_stability": -1.9}),
    "below_host_standards": ({"meets_host_standards": False}, {"meets_host_standards": True}),
    "category_a_without_esia": (
        {"env_category": "A", "esia_completed": False},
        {"env_category": "A", "esia_completed": True},
    ),
    "resettlement_without_plan": (
        {"households_resettled": 120, "resettlement_plan": False},
        {"households_resettled": 120, "resettlement_plan": True},
    ),
    "protected_area_overlap": ({"protected_area_overlap": True}, {"protected_area_overlap": False}),
    "high_emissions": ({"annual_emissions_tco2e": 100000}, {"annual_emissions_tco2e": 99999}),
    "debt_distress_high": (
        {"debt_distress_risk": "in_distress", "financing_model": "sovereign_loan"},
        {"debt_distress_risk": "in_distress", "financing_model": "grant"},
    ),
    "nonconcessional_debt_in_distress": (
        {"debt_distress_risk": "high", "financing_model": "sovereign_loan", "grant_element_pct": 20},
        {"debt_distress_risk": "high", "financing_model": "sovereign_loan", "grant_element_pct": 40},
    ),
    "captive_coal": (
        {
            "project_name": "Nickel smelter",
            "sector": "manufacturing",
            "description": "with a captive power plant",
        },
        {"project_name": "Nickel smelter", "sector": "manufacturing", "description": "grid power"},
    ),
    "ex_post": ({"status": "completed"}, {"status": "completed", "financing_purpose": "expansion"}),
    "sensitive_country": ({"sensitive_country": True}, {"sensitive_country": False}),
    "indigenous_peoples_without_fpic": (
        {"indigenous_peoples_affected": True},
        {"indigenous_peoples_affected": True, "fpic_obtained": True},
    ),
    "cultural_heritage_without_plan": (
        {"cultural_heritage_affected": True, "cultural_heritage_plan": False},
        {"cultural_heritage_affected": True, "cultural_heritage_plan": True},
    ),
    "flagship_shallow_relationship": (
        {"total_investment_usd_m": 800.0, "in_cooperation_plan": True, "bri_cooperation_document": False},
        {"total_investment_usd_m": 800.0, "in_cooperation_plan": True, "bri_cooperation_document": True},
    ),
    "red_light": (
        {"project_name": "Cement plant", "sector": "manufacturing", "meets_host_standards": False},
        {"project_name": "Cement plant", "sector": "manufacturing", "meets_host_standards": True},
    ),
    "cofinance_ineligible": (
        {"project_name": "Uranium fuel plant", "sector": "energy"},
        {"project_name": "Radiotherapy centre with radioactive sources", "sector": "health"},
    ),
    "external_interference": (
        {"external_interference_risk": "high"},
        {"external_interference_risk": "medium"},
    ),
    "coal_mining": (
        {"project_name": "Shargun Coal Mine Modernization Project", "sector": "mining"},
        {"project_name": "Shargun Copper Mine Modernization Project", "sector": "mining"},
    ),
    "state_arms_exporter": (
        {"lead_enterprise": "NORINCO"},
        {"lead_enterprise": "China Road and Bridge Corporation"},
    ),
    # what a record's own description reports (issue 14; the column as filled by inference or the user)
    "resettlement_reported": ({"reported_resettlement": True}, {"reported_resettlement": None}),
    "protests_reported": ({"reported_protests": True}, {"reported_protests": False}),
    "corruption_reported": ({"reported_corruption": True}, {"reported_corruption": None}),
    "debt_restructuring_reported": (
        {"reported_debt_restructuring": True},
        {"reported_debt_restructuring": False},
    ),
    # small on a loan alone (issue 14): the loan is a lower bound of the project cost
    "size_from_financing_only": (
        {"sector": "health", "total_investment_usd_m": 6.0, "amount_basis": "financing_committed"},
        {
            "sector": "health",
            "total_investment_usd_m": 6.0,
            "amount_basis": "financing_committed",
            "project_cost_usd_m": 8.0,
        },
    ),
}


def test_every_flag_has_cases(cs):
    checks_between_projects = {f.id for f in cs.flags if f.duplicates is not None}
    assert set(FLAG_CASES) | checks_between_projects == {f.id for f in cs.flags}


@pytest.mark.parametrize("flag", sorted(FLAG_CASES))
def test_flag_trigger_and_near_miss(cs, flag):
    trigger, near_miss = FLAG_CASES[flag]
    gates, flags = hits(trigger, cs)
    assert flag in flags and not gates
    _, flags = hits(near_miss, cs)
    assert flag not in flags


def test_category_a_with_esia_blank_is_flagged(cs):
    _, flags = hits({"env_category": "A"}, cs)
    assert "category_a_without_esia" in flags


def test_protected_area_named_in_location_flags(cs):
    _, flags = hits({"location": "Inside Bokor National Park"}, cs)
    assert "protected_area_overlap" in flags


def test_phases_are_recognised_as_one_project_not_herd_investment(cs):
    frame = make_frame(
        [
            {"project_name": "China Eximbank loan for Lusaka ring road", "country": "ZMB"},
            {"project_name": "China Eximbank loan for Lusaka Ring Road, phase 2", "country": "ZMB"},
            {"project_name": "China Eximbank loan for Lusaka airport road", "country": "ZMB"},
            {"project_name": "China Eximbank loan for Lusaka ring road", "country": "KEN"},
        ],
        cs,
    )
    dup = duplicate_flags(frame, cs)
    assert set(dup["project_id"]) == {"P0", "P1"}
    assert set(dup["id"]) == {"phases_of_one_project"}


def _cement(sponsor: str | None, country: str = "KEN", i: int = 0) -> dict:
    return {
        "project_name": f"Plant {i}",
        "sector": "manufacturing",
        "subsector": "cement",
        "country": country,
        "lead_enterprise": sponsor,
    }


@pytest.mark.parametrize(
    ("records", "herd"),
    [
        # three sponsors, one subsector, one market: herd investment
        ([_cement("A", i=0), _cement("B", i=1), _cement("C", i=2)], {"P0", "P1", "P2"}),
        # two sponsors only: competition, not a herd
        ([_cement("A", i=0), _cement("B", i=1)], set()),
        # one sponsor's three plants are its own programme, not a herd
        ([_cement("A", i=0), _cement("A", i=1), _cement("A", i=2)], set()),
        # three sponsors in three markets
        ([_cement("A", "KEN", 0), _cement("B", "TZA", 1), _cement("C", "UGA", 2)], set()),
        # a blank sponsor cannot be told apart
        ([_cement("A", i=0), _cement("B", i=1), _cement(None, i=2)], set()),
    ],
)
def test_herd_investment_is_several_sponsors_in_one_market(cs, records, herd):
    dup = duplicate_flags(make_frame(records, cs), cs)
    found = set(dup.loc[dup["id"] == "herd_investment", "project_id"]) if len(dup) else set()
    assert found == herd


def test_duplicate_flag_never_changes_a_score(cs):
    one = [{"project_name": "Lusaka ring road", "country": "ZMB", "local_jobs": 800.0}]
    _, _, alone = scored(one, cs)
    _, _, pair = scored(one + [{"project_name": "Lusaka ring road", "country": "ZMB"}], cs)
    assert alone.total[0] == pair.total[0]


# --------------------------------------------------------------------------- scoring properties

DECREASING = {"cost_per_beneficiary_usd", "construction_months", "annual_emissions_tco2e"}


def _walk_scorers(scorer):
    yield scorer
    if isinstance(scorer, CombineScorer):
        for part in scorer.of:
            yield from _walk_scorers(part)
    if isinstance(scorer, CasesScorer):
        for case in scorer.cases:
            if case.score is not None:
                yield from _walk_scorers(case.score)
        if isinstance(scorer.default, CombineScorer | CasesScorer | LinearScorer | StepsScorer):
            yield from _walk_scorers(scorer.default)


def _numeric_scorers(cs):
    for _, crit in cs.criteria:
        for s in _walk_scorers(crit.scorer):
            if isinstance(s, LinearScorer | StepsScorer):
                yield crit.id, s


def test_monotonicity_better_never_lowers_points(cs):
    found = list(_numeric_scorers(cs))
    assert len(found) >= 15
    for cid, scorer in found:
        xs_anchor = [a[0] for a in (scorer.anchors if isinstance(scorer, LinearScorer) else scorer.steps)]
        lo, hi = min(xs_anchor), max(xs_anchor)
        span = hi - lo or 1.0
        xs = np.linspace(lo - 0.2 * span, hi + 0.2 * span, 401)
        frame = pd.DataFrame({scorer.field: xs})
        pts = scorer.score(frame, Context())
        diffs = np.diff(pts)
        if scorer.field in DECREASING:
            assert (diffs <= 1e-9).all(), f"{cid}: a lower {scorer.field} must never lower the points"
        else:
            assert (diffs >= -1e-9).all(), f"{cid}: a higher {scorer.field} must never lower the points"


@pytest.mark.parametrize(
    "field,better,worse",
    [
        ("local_jobs", 3000.0, 300.0),
        ("trainees", 2000.0, 50.0),
        ("eirr_pct", 14.0, 5.0),
        ("annual_emissions_tco2e", 10000.0, 400000.0),
        ("political_stability", 0.8, -1.2),
        ("public_favourability", 0.7, 0.45),
        ("bit_in_force_year", 2012.0, 1994.0),
    ],
)
def test_better_value_never_lowers_total(cs, field, better, worse):
    _, _, s = scored([{field: better}, {field: worse}], cs)
    assert s.total[0] >= s.total[1]


def test_combinations_balance_property(cs):
    from screening.criteria.rules import COMBINERS

    combos = [
        (c.id, s) for _, c in cs.criteria for s in _walk_scorers(c.scorer) if isinstance(s, CombineScorer)
    ]
    top = {c.id for d in cs.dimensions if d.id == "four_combinations" for c in d.criteria}
    assert top <= {cid for cid, _ in combos} and len(top) == 4
    methods = {
        c.id: c.scorer.method for d in cs.dimensions if d.id == "four_combinations" for c in d.criteria
    }
    assert methods.pop("development_with_security") == "min"
    assert set(methods.values()) == {"geometric"}
    for cid, s in combos:
        k = len(s.of)
        lopsided = np.array([[100.0]] + [[0.0]] * (k - 1))
        even = np.full((k, 1), 50.0)
        if (
            s.method != "mean"
        ):  # `mean` only averages several inputs of one half; halves combine by min/geometric
            assert COMBINERS[s.method](lopsided)[0] < COMBINERS[s.method](even)[0], cid
        half_missing = np.array([[80.0]] + [[np.nan]] * (k - 1))
        assert np.isnan(COMBINERS[s.method](half_missing)[0]), cid


FULL_COMBO = {
    "eirr_pct": 12.0,
    "security_risk": "low",
    "in_cooperation_plan": True,
    "firr_pct": 8.0,
    "private_capital_share": 0.3,
    "open_procurement": True,
    "financing_model": "ppp",
    "host_strategy_alignment": True,
    "phased_delivery": True,
    "monitoring_plan": True,
    "direct_beneficiaries": 100000.0,
    "standards_applied": "international",
    "meets_host_standards": True,
    "local_value_added_share": 0.5,
}
HALVES = {
    "development_with_security": (["eirr_pct"], ["security_risk"]),
    "government_with_market": (
        ["in_cooperation_plan"],
        ["firr_pct", "private_capital_share", "open_procurement", "financing_model"],
    ),
    "layout_with_optimisation": (["host_strategy_alignment"], ["phased_delivery", "monitoring_plan"]),
    "quantity_with_quality": (
        ["direct_beneficiaries"],
        ["standards_applied", "meets_host_standards", "local_value_added_share"],
    ),
}


@pytest.mark.parametrize("criterion", sorted(HALVES))
def test_a_half_not_assessed_makes_the_combination_not_assessed(cs, criterion):
    first, second = HALVES[criterion]
    only_first = {k: v for k, v in FULL_COMBO.items() if k not in second}
    only_second = {k: v for k, v in FULL_COMBO.items() if k not in first}
    _, pm, _ = scored([FULL_COMBO, only_first, only_second], cs)
    p = points(pm, criterion)
    assert p[0] > 0 and np.isnan(p[1]) and np.isnan(p[2])


def test_lopsided_combination_scores_below_balanced(cs):
    # development 100 (EIRR 12 %) with security at its worst vs development 50 (EIRR 6 %) with medium security
    _, pm, _ = scored(
        [{"eirr_pct": 12.0, "security_risk": "high"}, {"eirr_pct": 6.0, "security_risk": "medium"}], cs
    )
    p = points(pm, "development_with_security")
    assert p[0] < p[1]
    # government half 100, market half 0 vs both around the middle
    lop = {
        "in_cooperation_plan": True,
        "firr_pct": 0.0,
        "private_capital_share": 0.0,
        "open_procurement": False,
        "financing_model": "grant",
    }
    mid = {
        "in_cooperation_plan": False,
        "firr_pct": 8.0,
        "private_capital_share": 0.3,
        "open_procurement": True,
        "financing_model": "ppp",
    }
    _, pm, _ = scored([lop, mid], cs)
    p = points(pm, "government_with_market")
    assert p[0] < p[1]


@pytest.mark.parametrize("eirr", [0.0, 6.0, 12.0, 30.0])
def test_security_is_a_floor(cs, eirr):
    _, pm, _ = scored(
        [{"eirr_pct": eirr, "security_risk": "high"}, {"eirr_pct": 30.0, "security_risk": "high"}], cs
    )
    p = points(pm, "development_with_security")
    assert p[0] <= 20 and p[1] <= 20


def _levels(h, s, t):
    return {"hard_connectivity": float(h), "soft_connectivity": float(s), "heart_connectivity": float(t)}


def test_hard_only_scores_below_balanced_in_criterion_and_total(cs):
    _, pm, s = scored([_levels(3, 0, 0), _levels(2, 2, 2)], cs)
    p = points(pm, "connectivity_coordination")
    assert p[0] < p[1]
    assert (
        s.dimension_scores["three_coordinations"].iloc[0] < s.dimension_scores["three_coordinations"].iloc[1]
    )
    assert s.total[0] < s.total[1]
    # the only criterion reading the three levels is the coordination criterion
    readers = [c.id for _, c in cs.criteria if {"hard_connectivity", "soft_connectivity"} & c.scorer.fields()]
    assert readers == ["connectivity_coordination"]


def test_project_without_hard_component_is_not_penalised(cs):
    luban = {"project_name": "Luban Workshop", "sector": "education", **_levels(0, 2, 2)}
    with_hard = {"project_name": "Luban Workshop", "sector": "education", **_levels(2, 2, 2)}
    _, pm, s = scored([luban, with_hard], cs)
    p = points(pm, "connectivity_coordination")
    assert not np.isnan(p[0])
    assert p[0] >= p[1] - 10  # judged on soft and heart alone, close to the balanced hard project
    _, pm, _ = scored([{**luban, **_levels(0, 3, 3)}], cs)
    assert points(pm, "connectivity_coordination")[0] == pytest.approx(100)


def test_connectivity_not_assessed_when_a_level_is_blank(cs):
    _, pm, _ = scored([{"hard_connectivity": 2.0, "soft_connectivity": 2.0}], cs)
    assert np.isnan(points(pm, "connectivity_coordination")[0])


def test_not_rated_debt_is_its_own_state(cs):
    _, pm, _ = scored(
        [{"debt_distress_risk": d} for d in ("low", "moderate", "not_rated", "high", "in_distress")], cs
    )
    p = points(pm, "debt_sustainability")
    assert p[0] > p[2] and p[2] > p[3] and p[2] != p[1]
    _, flags = hits({"debt_distress_risk": "not_rated"}, cs)
    assert "debt_distress_high" not in flags


def test_investment_treaty_is_hard_law_without_a_year_gradient(cs):
    # v2: v1 gave 2013+ treaties full points without support; a treaty alone now earns the same whatever its
    # year (most date from the 1990s and "can hardly play a positive role", soft-rules §三(一) 第三).
    _, pm, _ = scored([{"bit_in_force_year": y} for y in (1990.0, 2020.0)] + [{"fta_with_china": False}], cs)
    p = points(pm, "rule_connectivity")
    assert p[0] == p[1] == 40 and p[2] == 0


def test_soft_law_only_scores_below_hard_law(cs):
    rows = [
        {"bri_cooperation_document": True, "fta_with_china": False, "aeo_mutual_recognition": False},
        {"bri_cooperation_document": True, "fta_with_china": True, "aeo_mutual_recognition": False},
        {"bri_cooperation_document": True, "fta_with_china": True, "aeo_mutual_recognition": True},
    ]
    _, pm, _ = scored(rows, cs)
    p = points(pm, "rule_connectivity")
    assert p[0] < p[1] < p[2]


def test_relationship_fit_reads_public_facts_and_the_track(cs):
    deep = {"bri_cooperation_document": True, "partnership_level": "comprehensive_strategic"}
    ordinary = {"bri_cooperation_document": True}
    shallow = {"bri_cooperation_document": False}
    flagship = {"total_investment_usd_m": 900.0, "in_cooperation_plan": True}
    small = {"total_investment_usd_m": 5.0, "sector": "education"}
    frame, pm, _ = scored(
        [{**flagship, **deep}, {**flagship, **ordinary}, {**flagship, **shallow}, {**small, **shallow}], cs
    )
    assert list(frame["track"]) == ["flagship", "flagship", "flagship", "small_and_beautiful"]
    p = points(pm, "relationship_fit")
    assert p[0] > p[1] > p[2] and p[3] == 100
    # favourability and the WGI are not read here (each is scored once, in its own criterion)
    fit = next(c for _, c in cs.criteria if c.id == "relationship_fit")
    assert not {"public_favourability", "political_stability"} & fit.scorer.fields()


def test_small_and_beautiful_criteria(cs):
    rec = {
        "total_investment_usd_m": 2.0,
        "sector": "education",
        "direct_beneficiaries": 10000.0,
        "construction_months": 10.0,
        "community_ownership": True,
    }
    frame, pm, _ = scored([rec], cs)
    assert frame["track"].iloc[0] == "small_and_beautiful"
    for cid in ("delivery_speed", "community_ownership"):
        assert points(pm, cid)[0] > 0
    assert np.isnan(points(pm, "livelihood_components")[0])  # flagship-only criterion: not applicable


def test_classifiers(cs):
    frame, _, _ = scored(
        [
            {**COAL, "status": "operating"},
            {"project_name": "Solar park", "sector": "energy", "energy_source": "solar", "env_category": "B"},
            {"project_name": "Copper mine", "sector": "mining"},
            {
                "project_name": "Luban Workshop",
                "sector": "education",
                "heart_connectivity": 3.0,
                "trainees": 500.0,
            },
        ],
        cs,
    )
    # v2: green only on positive evidence and no yellow trigger — EP category B is yellow by default (our own
    # mapping), and a workshop with no category and no green feature is not rated.
    assert list(frame["traffic_light"]) == ["red", "yellow", "yellow", "not_rated"]
    assert list(frame["field_type"]) == ["traditional", "traditional_upgraded", "traditional", "other"]
    assert "people" in frame["five_connectivities"].iloc[3].split(";")
    assert "facilities" in frame["five_connectivities"].iloc[1].split(";")


def test_traffic_light_green_needs_positive_evidence_and_red_needs_no_coal_transition(cs):
    frame, _, _ = scored(
        [
            {"project_name": "Solar park", "sector": "energy", "energy_source": "solar", "env_category": "C"},
            {"project_name": "Rural school", "sector": "education", "env_category": "C"},
            {
                "project_name": "Textile dyeing park",
                "sector": "industrial_park",
                "meets_host_standards": False,
            },
            {
                "project_name": "Textile dyeing park",
                "sector": "industrial_park",
                "meets_host_standards": True,
            },
            {**COAL, "status": "operating", "financing_purpose": "transition"},
        ],
        cs,
    )
    assert list(frame["traffic_light"]) == ["green", "green", "red", "yellow", "yellow"]


def test_positive_list_counts_and_bonus(cs):
    frame, pm, _ = scored(
        [{"project_name": "Rural road"}, {"project_name": "Digital port logistics platform"}], cs
    )
    assert frame["positive_list_count"].iloc[1] > frame["positive_list_count"].iloc[0] >= 1
    p = points(pm, "positive_list_bonus")
    assert p[1] > p[0] > 0


# --------------------------------------------------------------------------- sources and reference page


def test_every_rule_cites_a_known_source(cs):
    def ok(key: str) -> bool:
        if key in PAPER_KEYS:
            return True
        src = cs.sources.get(key)
        return src is not None and src.kind in {"framework", "policy", "own_choice"}

    items = [
        *cs.gates,
        *cs.flags,
        *cs.positive_list,
        *cs.classifiers,
        *[c for _, c in cs.criteria],
        *cs.indices,
    ]
    bad = [item.id for item in items if not ok(item.source)]
    assert not bad
    for key, src in cs.sources.items():
        assert key in PAPER_KEYS or src.kind in {"framework", "policy", "own_choice"}, key
        if src.kind in {"framework", "policy"}:
            assert src.year is not None and str(src.year) in src.cite, key


def test_paper_criteria_name_a_section(cs):
    for _, c in cs.criteria:
        if c.source in PAPER_KEYS:
            assert c.section or cs.sources[c.source].section, c.id
        assert c.why is not None, c.id


def test_own_thresholds_say_so(cs):
    for t in cs.tracks[:-1]:
        assert t.why is not None and "own" in t.why.en.lower()


def test_reasons_are_bilingual(cs):
    for item in [*cs.gates, *cs.flags]:
        assert re.search(r"[\u4e00-\u9fff]", item.reason.zh) and re.search(r"[A-Za-z]", item.reason.en), (
            item.id
        )


def test_criteria_docs_have_not_drifted():
    assert render_criteria_markdown(load_criteria()) == (ROOT / "docs" / "criteria.md").read_text(
        encoding="utf-8"
    )


def test_criteria_docs_list_every_rule(cs):
    page = render_criteria_markdown(cs)
    for item in [*cs.gates, *cs.flags, *cs.positive_list, *cs.classifiers, *[c for _, c in cs.criteria]]:
        assert f"`{item.id}`" in page
    for key in cs.sources:
        assert f"`{key}`" in page


def test_thousands_of_identical_names_stay_linear(cs):
    from screening.stages.duplicates import MAX_IDENTICAL_PAIRED

    n = MAX_IDENTICAL_PAIRED * 8
    frame = make_frame([{"project_name": "China Eximbank loan", "country": "ZMB"} for _ in range(n)], cs)
    dup = duplicate_flags(frame, cs)
    # every record flagged, with at most two partners each (a chain), not n - 1
    assert len(dup) == n
    assert dup["partners"].str.count(",").max() <= 1
