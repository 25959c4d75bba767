"""Write the bundled sample data of the screening tool (ILLUSTRATIVE DATA — not real projects).

Run from the repository root::

    python sample_projects/make_samples.py

It writes, next to this script:

* ``sample_projects.xlsx``    — illustrative projects (English headers, sheets ``projects`` and ``countries``);
* ``sample_projects_zh.xlsx`` — the same projects with Chinese headers, Chinese code labels and sheets 项目/国家;
* ``problem_projects.xlsx``   — rows with deliberate data problems, each described in a ``demo_note`` column;
* ``problem_projects.csv``    — some of those rows as a GBK-encoded CSV with Chinese headers;
* ``README.md``               — what each file is and which scenario every sample project exercises.

The script is deterministic: no random numbers and no dates from the clock, and the workbooks' document
properties are pinned, so the same script writes the same data every time. Headers come from
``screening/columns.py`` (``PROJECT_COLUMNS``, ``COUNTRY_COLUMNS``); code values from ``CODE_LISTS``.

The projects are invented for demonstrations and tests. Some names echo projects mentioned in the source
papers (a Luban Workshop, a port with schools and clinics like Gwadar, a Jakarta–Bandung-like railway, Juncao
projects); the figures are made up and describe no real project.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402

from screening.vocab.columns import CODE_LISTS, COUNTRY_COLUMNS, PROJECT_COLUMNS  # noqa: E402

FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)  # pinned document timestamps (never the clock)

TITLE_EN = "示例数据 / ILLUSTRATIVE DATA — not real projects"
NOTE_EN = (
    "Invented records for demonstrating and testing the screening tool. Names may echo projects mentioned in "
    "the source papers; all figures are made up. Money in USD million."
)
TITLE_ZH = "示例数据（虚构，非真实项目）/ ILLUSTRATIVE DATA — not real projects"
NOTE_ZH = "用于演示和测试筛选工具的虚构记录。部分名称借用文献中提到的项目类型，所有数字均为虚构。金额单位：百万美元。"

# --------------------------------------------------------------------------------------------------
# Countries (一国一策). Values are illustrative, chosen to cover the states the criteria distinguish:
# debt rating blank (→ not rated), low, moderate, high, in_distress; 1990s and recent BITs; FTA, AEO yes/no.
# --------------------------------------------------------------------------------------------------
# name_en, name_zh, iso3, bri_doc, fta, bit_year, aeo, debt, political_stability, public_favourability
COUNTRIES: list[tuple] = [
    ("Pakistan", "巴基斯坦", "PAK", True, True, 1990, True, None, -1.9, 0.85),
    ("Thailand", "泰国", "THA", True, True, 1985, True, None, -0.4, 0.72),
    ("Indonesia", "印度尼西亚", "IDN", True, True, 1995, False, None, -0.5, 0.55),
    ("Kenya", "肯尼亚", "KEN", True, False, None, False, "high", -1.0, 0.68),
    ("Ethiopia", "埃塞俄比亚", "ETH", True, False, 2000, False, "high", -1.7, 0.70),
    ("Lao PDR", "老挝", "LAO", True, True, 1993, True, "high", 0.3, 0.78),
    ("Zambia", "赞比亚", "ZMB", True, False, None, False, "in_distress", 0.1, 0.60),
    ("Cambodia", "柬埔寨", "KHM", True, True, 2000, True, "moderate", 0.0, 0.80),
    ("Serbia", "塞尔维亚", "SRB", True, True, 1996, False, None, 0.0, 0.83),
    ("Hungary", "匈牙利", "HUN", True, False, 1993, True, None, 0.7, 0.52),
    ("Egypt", "埃及", "EGY", True, False, 1996, False, None, -1.0, 0.62),
    ("Kazakhstan", "哈萨克斯坦", "KAZ", True, False, 1994, True, None, -0.3, 0.58),
    ("Uzbekistan", "乌兹别克斯坦", "UZB", True, False, 2011, False, "moderate", -0.3, 0.66),
    ("Sri Lanka", "斯里兰卡", "LKA", True, False, 1987, False, None, -0.3, 0.57),
    ("Bangladesh", "孟加拉国", "BGD", True, False, 1997, False, "low", -0.9, 0.61),
    ("Ghana", "加纳", "GHA", True, False, 1990, False, "high", 0.0, 0.50),
    ("Malaysia", "马来西亚", "MYS", True, True, 1990, True, None, 0.2, 0.64),
    ("Viet Nam", "越南", "VNM", True, True, 1993, False, None, 0.0, 0.40),
    ("Georgia", "格鲁吉亚", "GEO", True, True, 1995, True, None, -0.2, 0.59),
    ("Nepal", "尼泊尔", "NPL", True, False, None, False, "low", -0.4, 0.74),
    ("Mongolia", "蒙古国", "MNG", True, False, 1993, True, "moderate", 0.7, 0.35),
    ("Rwanda", "卢旺达", "RWA", True, False, 2021, False, "moderate", 0.1, 0.73),
    ("Djibouti", "吉布提", "DJI", True, False, 2003, False, "high", -0.6, 0.77),
    ("Türkiye", "土耳其", "TUR", True, False, 2020, True, None, -1.1, 0.30),
    ("Greece", "希腊", "GRC", True, False, 1993, True, None, 0.2, 0.45),  # BRI cooperation document 2018
]

# Relationship depth (criteria v2), public facts only; None where we are not sure (never guessed).
# partnership_level: the designation in the two governments' joint statements.
PARTNERSHIP: dict[str, str] = {
    "PAK": "highest",  # all-weather strategic cooperative partnership (2015)
    "THA": "comprehensive_strategic",  # comprehensive strategic cooperative partnership (2012)
    "IDN": "comprehensive_strategic",  # comprehensive strategic partnership (2013)
    "KEN": "comprehensive_strategic",  # comprehensive strategic cooperative partnership (2017)
    "ETH": "highest",  # all-weather strategic partnership (2023)
    "LAO": "comprehensive_strategic",  # comprehensive strategic cooperative partnership (2009)
    "ZMB": "comprehensive_strategic",  # comprehensive strategic cooperative partnership (2023)
    "KHM": "comprehensive_strategic",  # comprehensive strategic cooperative partnership (2010)
    "SRB": "comprehensive_strategic",  # comprehensive strategic partnership (2016)
    "HUN": "highest",  # all-weather comprehensive strategic partnership for the new era (2024)
    "EGY": "comprehensive_strategic",  # comprehensive strategic partnership (2014)
    "KAZ": "comprehensive_strategic",  # permanent comprehensive strategic partnership (2019)
    "UZB": "comprehensive_strategic",  # comprehensive strategic partnership (2016)
    "LKA": "strategic",  # strategic cooperative partnership (2013)
    "BGD": "strategic",  # strategic partnership of cooperation (2016)
    "MYS": "comprehensive_strategic",  # comprehensive strategic partnership (2013)
    "VNM": "comprehensive_strategic",  # comprehensive strategic cooperative partnership (2008)
    "GEO": "strategic",  # strategic partnership (2023)
    "NPL": "strategic",  # strategic partnership of cooperation (2019)
    "MNG": "comprehensive_strategic",  # comprehensive strategic partnership (2014)
    "DJI": "strategic",  # strategic partnership (2017)
    "TUR": "strategic",  # strategic cooperative relationship (2010)
    "GRC": "comprehensive_strategic",  # comprehensive strategic partnership (2006)
}
# A bilateral community-of-shared-future statement or action plan: (year, source).
SHARED_FUTURE: dict[str, tuple[int, str]] = {
    "LAO": (2019, "中老命运共同体行动计划 (2019-04)"),
    "KHM": (2019, "构建中柬命运共同体行动计划 (2019-04)"),
    "THA": (2022, "中泰命运共同体联合声明 (2022-11)"),
    "VNM": (2023, "中越具有战略意义的命运共同体联合声明 (2023-12)"),
    "SRB": (2024, "中塞新时代命运共同体联合声明 (2024-05)"),
}
ZH_BY_ISO3 = {c[2]: c[1] for c in COUNTRIES}
EN_BY_ISO3 = {c[2]: c[0] for c in COUNTRIES}

# --------------------------------------------------------------------------------------------------
# Projects. A record is the defaults below updated by its own overrides. `country` is written as given
# (a mix of English names, Chinese names and ISO3 codes). Text-typed numbers ("1,200", "45%", "1.2亿",
# full-width "３５") are given literally where a project carries them.
# --------------------------------------------------------------------------------------------------
DEFAULTS: dict[str, object] = {
    "subsector": None,
    "description": None,
    "location": None,
    "status": "planned",
    "start_year": 2025,
    "construction_months": 24,
    "energy_source": "none",
    "lead_enterprise": None,
    "enterprise_type": "soe",
    "financing_model": "commercial_loan",
    "private_capital_share": 0.2,
    "firr_pct": 8.0,
    "eirr_pct": 12.0,
    "direct_beneficiaries": 50_000,
    "local_jobs": 600,
    "local_employment_share": 0.7,
    "trainees": 200,
    "households_resettled": 0,
    "env_category": "B",
    "esia_completed": True,
    "protected_area_overlap": False,
    "annual_emissions_tco2e": 4_000,
    "community_consultation": True,
    "grievance_mechanism": True,
    "open_procurement": True,
    "compliance_program": True,
    "hard_connectivity": 2,
    "soft_connectivity": 1,
    "heart_connectivity": 1,
    "livelihood_focus": False,
    "in_cooperation_plan": True,
    "corridor": None,
    "host_strategy_alignment": True,
    "phased_delivery": True,
    "monitoring_plan": True,
    "standards_applied": "chinese",
    "security_risk": "low",
    "community_ownership": False,
    "livelihood_components": False,
    "meets_host_standards": True,
    "resettlement_plan": None,
    "disclosure": True,
    "local_value_added_share": 0.3,
    "supply_chain_contribution": False,
    "dispute_resolution_clause": True,
    "external_interference_risk": "low",
    # criteria v2 columns
    "financing_purpose": None,
    "concessional": None,
    "grant_element_pct": None,
    "sovereign_guarantee": None,
    "flagship_designation": False,
    "legal_under_host_law": True,
    "labour_standards": True,
    "pollution_prevention_plan": True,
    "community_health_safety": True,
    "security_forces_safeguards": None,
    "indigenous_peoples_affected": False,
    "fpic_obtained": None,
    "cultural_heritage_affected": False,
    "cultural_heritage_plan": None,
    "climate_risk_assessment": True,
    "forest_certified": None,
}

# Small-and-beautiful livelihood profile: small, quick, many beneficiaries, community involvement.
SMALL = dict(
    status="planned",
    construction_months=9,
    livelihood_focus=True,
    community_ownership=True,
    env_category="C",
    annual_emissions_tco2e=50,
    hard_connectivity=0,
    soft_connectivity=2,
    heart_connectivity=3,
    local_employment_share=0.9,
    firr_pct=None,
    eirr_pct=15.0,
    private_capital_share=0.0,
    financing_model="grant",
    standards_applied="host",
)

# Every project: id, scenario (for README), required five, overrides.
PROJECTS: list[dict] = []


def add(
    pid: str,
    scenario: str,
    name: str,
    country: str,
    sector: str,
    investment: object,
    _base: dict | None = None,
    **kw: object,
) -> None:
    """Record one project: its base profile (if any) updated by its own overrides."""
    PROJECTS.append(
        dict(
            project_id=pid,
            _scenario=scenario,
            project_name=name,
            country=country,
            sector=sector,
            total_investment_usd_m=investment,
            **{**(_base or {}), **kw},
        )
    )


# — Small and beautiful (小而美) —
add(
    "BR-001",
    "Small-and-beautiful: Luban Workshop (no hard component, strong soft/heart; Thai country name)",
    "鲁班工坊（泰国大城）职业技术培训中心",
    "泰国",
    "education",
    6,
    _base=SMALL,
    subsector="vocational_training",
    location="Ayutthaya",
    status="operating",
    start_year=2016,
    description="Vocational training workshop with a Thai college: rail and automation courses, Chinese standards curricula",
    lead_enterprise="Tianjin Bohai Vocational College",
    direct_beneficiaries=12_000,
    local_jobs=40,
    trainees=3_000,
    standards_applied="mixed",
    soft_connectivity=3,
)
add(
    "BR-002",
    "Small-and-beautiful: Juncao (菌草) livelihood project, grant, in-distress host (debt flag)",
    "菌草技术减贫示范项目（赞比亚）",
    "ZMB",
    "agriculture",
    3.5,
    _base=SMALL,
    subsector="juncao",
    location="Lusaka Province",
    direct_beneficiaries=20_000,
    trainees=2_500,
    local_jobs=300,
    description="菌草种植与食用菌生产培训，带动小农增收",
    lead_enterprise="Fujian Agriculture and Forestry University",
)
add(
    "BR-003",
    "Small-and-beautiful: Juncao demonstration base (English name, ISO3 country)",
    "Juncao Technology Demonstration Base",
    "RWA",
    "agriculture",
    2.8,
    _base={**SMALL, "financing_model": "aid_plus_commercial"},
    subsector="juncao",
    location="Huye District",
    direct_beneficiaries=15_000,
    trainees=1_800,
    local_jobs=220,
    status="completed",
    start_year=2020,
)
add(
    "BR-004",
    "Small-and-beautiful: agricultural technology demonstration centre; full-width digits '３５' months",
    "中国援助农业技术示范中心（老挝）",
    "老挝",
    "agriculture",
    9,
    _base={**SMALL, "construction_months": "３５"},
    subsector="demonstration_centre",
    location="Vientiane",
    direct_beneficiaries="1,200",
    trainees=900,
    local_jobs=60,
    hard_connectivity=1,
)
add(
    "BR-005",
    "Small-and-beautiful: hospital, aid plus commercial loan, many beneficiaries",
    "China–Cambodia Friendship Hospital (illustrative)",
    "Cambodia",
    "health",
    45,
    _base={**SMALL, "financing_model": "aid_plus_commercial"},
    subsector="hospital",
    location="Phnom Penh",
    direct_beneficiaries=250_000,
    local_jobs=450,
    trainees=300,
    construction_months=18,
    env_category="B",
    standards_applied="international",
    hard_connectivity=1,
)
add(
    "BR-006",
    "Small-and-beautiful: village solar water pumps (water sector, solar), high-debt host",
    "Village Solar Water Pumps Programme",
    "Ethiopia",
    "water",
    5,
    _base=SMALL,
    subsector="rural_water",
    energy_source="solar",
    location="Oromia",
    direct_beneficiaries=60_000,
    local_jobs=80,
    trainees=400,
    hard_connectivity=1,
)
add(
    "BR-007",
    "Small-and-beautiful: rural schools (education), yes/no written 是/否",
    "乡村小学援建项目",
    "尼泊尔",
    "education",
    2,
    _base=SMALL,
    subsector="primary_school",
    location="Gorkha",
    direct_beneficiaries=8_000,
    local_jobs=35,
    trainees=120,
    esia_completed="是",
    community_consultation="是",
    grievance_mechanism="否",
    open_procurement="是",
)
add(
    "BR-008",
    "Small-and-beautiful: mangrove restoration (environment sector, international standards)",
    "Mangrove Restoration and Coastal Protection",
    "Vietnam",
    "environment",
    12,
    _base={**SMALL, "financing_model": "grant", "standards_applied": "international"},
    subsector="ecosystem_restoration",
    location="Ca Mau",
    direct_beneficiaries=40_000,
    local_jobs=150,
    trainees=200,
    annual_emissions_tco2e=0,
)
add(
    "BR-009",
    "Small-and-beautiful: smallholder microfinance (finance sector), low-debt host",
    "Smallholder Microfinance Credit Line",
    "BGD",
    "finance",
    20,
    _base={**SMALL, "financing_model": "commercial_loan", "firr_pct": 6.5},
    subsector="microfinance",
    location="Rangpur",
    direct_beneficiaries=90_000,
    local_jobs=120,
    trainees=600,
    heart_connectivity=2,
)
# — Flagships (重大标志性工程) —
add(
    "BR-010",
    "Flagship with livelihood components: port with schools and clinics (Gwadar-like), '1,200' as text, high security risk, in-force 1990 BIT",
    "瓜达尔式深水港二期（含学校与诊所）",
    "Pakistan",
    "transport",
    "1,200",
    subsector="port",
    location="Gwadar, Balochistan",
    status="under_construction",
    start_year=2022,
    construction_months=60,
    financing_model="sovereign_loan",
    corridor="China–Pakistan Economic Corridor (CPEC)",
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=2,
    livelihood_components=True,
    description="Deep-water berths and free zone, with a vocational school, a primary school and a clinic for the town",
    direct_beneficiaries=180_000,
    local_jobs=3_500,
    trainees=1_200,
    env_category="A",
    security_risk="high",
    external_interference_risk="high",
    lead_enterprise="China Overseas Port Holding (illustrative)",
    households_resettled=120,
    resettlement_plan=True,
    annual_emissions_tco2e=60_000,
)
add(
    "BR-011",
    "Flagship without livelihood components: Jakarta–Bandung-like high-speed railway, equity + syndicated loan, '7,300' as text",
    "雅万式高速铁路延伸段（示例）",
    "印度尼西亚",
    "transport",
    "7,300",
    subsector="high_speed_rail",
    location="West Java",
    status="under_construction",
    start_year=2023,
    construction_months=48,
    financing_model="equity_plus_syndicated",
    private_capital_share="40%",
    corridor="Jakarta–Bandung corridor",
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=1,
    livelihood_components=False,
    direct_beneficiaries=2_000_000,
    local_jobs=12_000,
    trainees=2_000,
    env_category="A",
    households_resettled=900,
    resettlement_plan=True,
    firr_pct=4.5,
    eirr_pct=9.0,
    lead_enterprise="KCIC-like joint venture",
    enterprise_type="joint_venture",
    annual_emissions_tco2e=45_000,
    standards_applied="chinese",
    security_risk="medium",
)
add(
    "BR-012",
    "Flagship with livelihood components: standard-gauge railway (Mombasa–Nairobi-like), sovereign loan, high-debt host",
    "蒙内式标轨铁路货运支线",
    "KEN",
    "transport",
    3_800,
    subsector="railway",
    location="Mombasa–Nairobi",
    status="operating",
    start_year=2014,
    construction_months=42,
    financing_model="sovereign_loan",
    corridor="Northern Corridor",
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=2,
    livelihood_components=True,
    direct_beneficiaries=1_500_000,
    local_jobs=25_000,
    local_employment_share=0.9,
    trainees=5_000,
    env_category="A",
    households_resettled=1_400,
    resettlement_plan=True,
    protected_area_overlap=True,
    firr_pct=2.0,
    eirr_pct=10.0,
    annual_emissions_tco2e=80_000,
    description="Freight branch line crossing a national-park corridor on a viaduct with wildlife passages",
)
add(
    "BR-013",
    "Flagship without livelihood components: solar park (energy/solar), commercial loan, private developer",
    "Quaid-e-Azam-style Solar Park Phase II",
    "PAK",
    "energy",
    600,
    subsector="solar_farm",
    energy_source="solar",
    location="Bahawalpur, Punjab",
    status="planned",
    corridor="CPEC energy projects",
    hard_connectivity=3,
    soft_connectivity=1,
    heart_connectivity=1,
    livelihood_components=False,
    firr_pct=9.5,
    eirr_pct=14.0,
    annual_emissions_tco2e=0,
    private_capital_share=0.3,
    enterprise_type="private",
    lead_enterprise="Zonergy-like solar developer",
    direct_beneficiaries=900_000,
)
add(
    "BR-014",
    "Flagship nuclear unit (energy_source nuclear), international standards",
    "Hualong One-style Nuclear Unit (illustrative)",
    "巴基斯坦",
    "energy",
    4_800,
    subsector="nuclear_power",
    energy_source="nuclear",
    location="Karachi coast",
    status="completed",
    start_year=2015,
    construction_months=72,
    financing_model="sovereign_loan",
    standards_applied="international",
    env_category="A",
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=1,
    livelihood_components=False,
    direct_beneficiaries=3_000_000,
    local_jobs=2_000,
    annual_emissions_tco2e=2_000,
)
add(
    "BR-015",
    "Flagship oil_gas pipeline, Chinese standards, moderate-debt host with recent (2011) BIT",
    "中亚天然气管道D线式支线（示例）",
    "Uzbekistan",
    "oil_gas",
    1_500,
    subsector="gas_pipeline",
    energy_source="gas",
    location="Bukhara–Border",
    corridor="China–Central Asia–West Asia corridor",
    status="planned",
    hard_connectivity=3,
    soft_connectivity=1,
    heart_connectivity=0,
    annual_emissions_tco2e=250_000,
    env_category="A",
    households_resettled=60,
    resettlement_plan=True,
    supply_chain_contribution=True,
)
add(
    "BR-016",
    "Flagship railway section financed by bond (Budapest–Belgrade-like), EU member, 1990s BIT",
    "Budapest–Belgrade-like Railway, Hungarian Section",
    "HUN",
    "transport",
    2_100,
    subsector="railway",
    location="Budapest–Kelebia",
    status="under_construction",
    start_year=2020,
    construction_months=54,
    financing_model="bond",
    standards_applied="international",
    hard_connectivity=3,
    soft_connectivity=3,
    heart_connectivity=1,
    livelihood_components=False,
    corridor="China–Europe Land-Sea Express",
    security_risk="low",
    open_procurement=True,
    direct_beneficiaries=1_200_000,
)
# — Negative list: gates (excluded) —
add(
    "BR-017",
    "Gate: casino resort under tourism (sector tourism, subsector casino) → excluded",
    "Golden Sands Casino Resort",
    "Cambodia",
    "tourism",
    350,
    subsector="casino",
    location="Sihanoukville",
    description="Integrated casino resort with hotel towers and gaming floor",
    enterprise_type="private",
    financing_model="equity",
    private_capital_share=1.0,
    hard_connectivity=0,
    soft_connectivity=0,
    heart_connectivity=0,
    in_cooperation_plan=False,
)
add(
    "BR-018",
    "Gate: planned coal-fired power plant → excluded (no new overseas coal power)",
    "2×660 MW Coal-fired Power Plant (planned)",
    "Bangladesh",
    "energy",
    1_800,
    subsector="coal_power",
    energy_source="coal",
    location="Patuakhali",
    status="planned",
    annual_emissions_tco2e=7_500_000,
    env_category="A",
    hard_connectivity=2,
)
add(
    "BR-019",
    "Gate: weapons (small-arms ammunition factory) → excluded",
    "Small Arms Ammunition Factory (illustrative)",
    "Egypt",
    "manufacturing",
    150,
    subsector="weapons_ammunition",
    description="Production of small-arms ammunition and military rifles",
)
add(
    "BR-020",
    "Gate: tobacco (cigarette factory) → excluded",
    "卷烟厂扩建项目",
    "LAO",
    "manufacturing",
    80,
    subsector="tobacco",
    description="卷烟生产线扩建",
    enterprise_type="joint_venture",
)
add(
    "BR-021",
    "Gate: unbonded asbestos fibre mill → excluded",
    "Chrysotile Asbestos Fibre Mill",
    "Kazakhstan",
    "mining",
    210,
    subsector="asbestos",
    description="Mining and milling of unbonded chrysotile asbestos fibre for export",
    env_category="A",
    annual_emissions_tco2e=90_000,
)
# — Coal by status (review flags, not exclusions) —
add(
    "BR-022",
    "Flag: coal power under construction → 'proceed prudently'",
    "燃煤电站三期（在建）",
    "IDN",
    "energy",
    900,
    subsector="coal_power",
    energy_source="coal",
    location="Banten",
    status="under_construction",
    start_year=2021,
    annual_emissions_tco2e=4_000_000,
    env_category="A",
    security_risk="medium",
)
add(
    "BR-023",
    "Flag: operating coal power station → 'existing coal asset'",
    "Port Qasim-style Coal Power Station",
    "Pakistan",
    "energy",
    2_000,
    subsector="coal_power",
    energy_source="coal",
    location="Port Qasim, Karachi",
    status="operating",
    start_year=2015,
    annual_emissions_tco2e=9_000_000,
    env_category="A",
    corridor="CPEC energy projects",
)
add(
    "BR-024",
    "Flag: completed coal power unit → 'existing coal asset'",
    "Kostolac-style Thermal Unit B3",
    "塞尔维亚",
    "energy",
    715,
    subsector="coal_power",
    energy_source="coal",
    location="Kostolac",
    status="completed",
    start_year=2017,
    annual_emissions_tco2e=2_500_000,
    env_category="A",
    standards_applied="mixed",
)
add(
    "BR-025",
    "Flag: coal power with blank status → 'status needed'",
    "Coal Power Unit Extension (status unknown)",
    "Viet Nam",
    "energy",
    1_100,
    subsector="coal_power",
    energy_source="coal",
    location="Quang Ninh",
    status=None,
    annual_emissions_tco2e=5_000_000,
    env_category="A",
)
add(
    "BR-026",
    "Not excluded: coal-to-solar conversion (energy_source solar) — near miss of the coal gate",
    "Coal-to-Solar Conversion, Ekibastuz-like Site (煤改光伏)",
    "KAZ",
    "energy",
    140,
    subsector="coal_to_solar",
    energy_source="solar",
    location="Pavlodar Region",
    status="planned",
    description="Replaces a retired coal unit with 120 MW of solar PV and battery storage on the ash-yard site",
    annual_emissions_tco2e=0,
    hard_connectivity=2,
    soft_connectivity=2,
    heart_connectivity=1,
)
add(
    "BR-027",
    "Flag only: ambiguous text 'Logging' in lead_enterprise (China National Logging Corporation)",
    "Seedling Nursery and Reforestation Training Centre",
    "Ghana",
    "agriculture",
    18,
    subsector="forestry_nursery",
    lead_enterprise="China National Logging Corporation",
    livelihood_focus=True,
    description="Tree seedling nursery, agroforestry training and reforestation of degraded land",
    direct_beneficiaries=15_000,
    trainees=700,
)
# — Sensitive / restricted fields (flags) —
add(
    "BR-028",
    "Flag: real estate (sensitive field), Forest City-like residential complex",
    "森林城市式滨海住宅综合体（示例）",
    "马来西亚",
    "real_estate",
    1.2e3,
    subsector="residential",
    location="Johor",
    enterprise_type="private",
    financing_model="equity",
    private_capital_share="100%",
    hard_connectivity=1,
    soft_connectivity=0,
    heart_connectivity=0,
    households_resettled=0,
    env_category="A",
    protected_area_overlap=True,
)
add(
    "BR-029",
    "Flag: hotel (sensitive field), tourism sector, 'Y/N' yes-no cells",
    "Five-star Business Hotel, Tashkent",
    "UZB",
    "tourism",
    95,
    subsector="hotel",
    enterprise_type="private",
    financing_model="equity",
    private_capital_share=0.8,
    esia_completed="Y",
    community_consultation="N",
    grievance_mechanism="N",
    open_procurement="Y",
    hard_connectivity=0,
    soft_connectivity=0,
    heart_connectivity=1,
)
add(
    "BR-030",
    "Flag: equity platform without an underlying project (finance)",
    "Overseas Equity Investment Platform (no underlying project)",
    "Hungary",
    "finance",
    200,
    subsector="equity_platform",
    financing_model="equity",
    enterprise_type="private",
    private_capital_share=0.9,
    hard_connectivity=0,
    soft_connectivity=0,
    heart_connectivity=0,
    direct_beneficiaries=None,
    local_jobs=15,
)
add(
    "BR-031",
    "Flag: cinema / entertainment (culture_media sector)",
    "Cinema Multiplex Chain",
    "Türkiye",
    "culture_media",
    60,
    subsector="cinema",
    enterprise_type="private",
    financing_model="equity",
    hard_connectivity=0,
    soft_connectivity=0,
    heart_connectivity=1,
)
add(
    "BR-032",
    "Flag: news media (culture_media sector); also external-interference risk high",
    "新闻传媒频道合作项目",
    "Georgia",
    "culture_media",
    25,
    subsector="news_media",
    heart_connectivity=2,
    soft_connectivity=1,
    hard_connectivity=0,
    external_interference_risk="high",
)
add(
    "BR-033",
    "Flag: sports club acquisition (sector 'other')",
    "Football Club Acquisition",
    "Greece",
    "other",
    120,
    subsector="sports_club",
    enterprise_type="private",
    financing_model="equity",
    private_capital_share=1.0,
    hard_connectivity=0,
    soft_connectivity=0,
    heart_connectivity=1,
)
add(
    "BR-034",
    "Flag: cross-border water resources (water sector)",
    "Cross-border River Water Transfer Canal",
    "Kazakhstan",
    "water",
    480,
    subsector="transboundary_water",
    location="Ili River basin",
    env_category="A",
    households_resettled=300,
    resettlement_plan=True,
    hard_connectivity=2,
)
# — ESG flags —
add(
    "BR-035",
    "Flag: category A without ESIA (hydropower, hydro energy source)",
    "Upper Tributary Hydropower Station",
    "Laos",
    "energy",
    420,
    subsector="hydropower",
    energy_source="hydro",
    location="Phongsaly",
    env_category="A",
    esia_completed=False,
    households_resettled=0,
    annual_emissions_tco2e=20_000,
    hard_connectivity=2,
)
add(
    "BR-036",
    "Flag: resettlement without a plan (850 households, no plan)",
    "Urban Ring Road with Interchanges",
    "ETH",
    "transport",
    260,
    subsector="urban_road",
    location="Addis Ababa",
    households_resettled=850,
    resettlement_plan=False,
    env_category="B",
    hard_connectivity=3,
    soft_connectivity=1,
    heart_connectivity=0,
    financing_model="ppp",
    private_capital_share=0.35,
)
add(
    "BR-037",
    "Flag: protected-area overlap (copper mine next to a national park)",
    "Copper Mine Expansion near National Park",
    "赞比亚",
    "mining",
    330,
    subsector="copper",
    location="Lower Zambezi",
    env_category="A",
    protected_area_overlap="Y",
    annual_emissions_tco2e=150_000,
    supply_chain_contribution=True,
    enterprise_type="soe",
)
add(
    "BR-038",
    "Flag: below host standards (cement plant, meets_host_standards no)",
    "Cement Plant Expansion",
    "Ethiopia",
    "manufacturing",
    140,
    subsector="cement",
    location="Dire Dawa",
    meets_host_standards=False,
    annual_emissions_tco2e=650_000,
    env_category="A",
    standards_applied="chinese",
)
add(
    "BR-039",
    "Flag: below host standards, no standards applied (textile dyeing park)",
    "Textile Dyeing Industrial Park",
    "Bangladesh",
    "industrial_park",
    75,
    subsector="textile_dyeing",
    location="Gazipur",
    meets_host_standards="否",
    standards_applied="none",
    env_category="B",
    open_procurement=False,
    compliance_program=False,
    disclosure=False,
)
# — Duplicate construction (一窝蜂): two near-identical projects, same country and sector —
add(
    "BR-040",
    "Flag: duplicate construction (pair with BR-041: same country, sector and location)",
    "Hambantota-style Industrial Park Phase I",
    "Sri Lanka",
    "industrial_park",
    300,
    subsector="industrial_park",
    location="Hambantota, Southern Province",
    financing_model="equity_plus_syndicated",
    private_capital_share=0.5,
    hard_connectivity=2,
    soft_connectivity=2,
    heart_connectivity=1,
)
add(
    "BR-041",
    "Flag: duplicate construction (pair with BR-040)",
    "Hambantota Style Industrial Park (Phase II)",
    "LKA",
    "industrial_park",
    280,
    subsector="industrial_park",
    location="Hambantota, Southern Province",
    financing_model="equity",
    private_capital_share=0.6,
    hard_connectivity=2,
    soft_connectivity=1,
    heart_connectivity=1,
    enterprise_type="joint_venture",
)
# — Three coordinations: hard-only (3,0,0) vs balanced (2,2,2), otherwise identical —
_PAIR = dict(
    location=None,
    status="planned",
    financing_model="sovereign_loan",
    construction_months=30,
    direct_beneficiaries=200_000,
    local_jobs=900,
    trainees=150,
    subsector="road",
)
add(
    "BR-042",
    "Connectivity pair A: hard-only (3,0,0); compare with BR-043 (2,2,2), all else equal",
    "Mekong Bridge Approach Road",
    "Lao PDR",
    "transport",
    90,
    _base={**_PAIR, "location": "Pakse"},
    hard_connectivity=3,
    soft_connectivity=0,
    heart_connectivity=0,
)
add(
    "BR-043",
    "Connectivity pair A: balanced (2,2,2); compare with BR-042",
    "Northern Provinces Feeder Highway",
    "Lao PDR",
    "transport",
    90,
    _base={**_PAIR, "location": "Oudomxay"},
    hard_connectivity=2,
    soft_connectivity=2,
    heart_connectivity=2,
)
_PAIR2 = dict(
    status="planned",
    financing_model="ppp",
    private_capital_share=0.45,
    construction_months=20,
    direct_beneficiaries=60_000,
    local_jobs=400,
    trainees=100,
    subsector="dry_port",
)
add(
    "BR-044",
    "Connectivity pair B: hard-only (3,0,0), trade_logistics, PPP with '45%' share",
    "Khorgos-style Dry Port Container Yard",
    "Kazakhstan",
    "trade_logistics",
    70,
    _base={**_PAIR2, "location": "Khorgos", "private_capital_share": "45%"},
    hard_connectivity=3,
    soft_connectivity=0,
    heart_connectivity=0,
)
add(
    "BR-045",
    "Connectivity pair B: balanced (2,2,2), trade_logistics; compare with BR-044",
    "Single-Window Customs and Logistics Training Centre",
    "Kazakhstan",
    "trade_logistics",
    70,
    _base={**_PAIR2, "location": "Almaty", "private_capital_share": 0.45},
    hard_connectivity=2,
    soft_connectivity=2,
    heart_connectivity=2,
)
# — Digital, emerging fields —
add(
    "BR-046",
    "Digital: cross-border fibre backbone, money written '1.2亿' (= USD 120 m), PPP",
    "跨境光缆骨干网（示例）",
    "Mongolia",
    "digital",
    "1.2亿",
    subsector="fibre_optic",
    location="Ulaanbaatar–Erenhot",
    financing_model="ppp",
    private_capital_share=0.5,
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=1,
    corridor="China–Mongolia–Russia corridor",
    env_category="C",
    annual_emissions_tco2e=300,
    supply_chain_contribution=True,
    status="under_construction",
    start_year=2024,
    standards_applied="mixed",
)
add(
    "BR-047",
    "Digital: smart customs platform (Digital Silk Road), equity, operating",
    "数字丝路智慧海关平台",
    "UZB",
    "digital",
    25,
    subsector="e_government",
    financing_model="equity",
    enterprise_type="private",
    private_capital_share=0.7,
    status="operating",
    start_year=2022,
    hard_connectivity=1,
    soft_connectivity=3,
    heart_connectivity=1,
    env_category="C",
    annual_emissions_tco2e=100,
)
# — Other energy sources and projects for code-list coverage —
add(
    "BR-048",
    "Energy: wind farm financed by a green bond; mixed standards",
    "Green-bond Financed Wind Farm",
    "Serbia",
    "energy",
    150,
    subsector="wind_farm",
    energy_source="wind",
    location="Banat",
    financing_model="bond",
    standards_applied="mixed",
    env_category="B",
    annual_emissions_tco2e=0,
    hard_connectivity=2,
    soft_connectivity=1,
    heart_connectivity=1,
    enterprise_type="foreign",
)
add(
    "BR-049",
    "Energy: geothermal plant (Olkaria-like), high-debt host",
    "Olkaria-style Geothermal Plant Unit 6",
    "肯尼亚",
    "energy",
    250,
    subsector="geothermal",
    energy_source="geothermal",
    location="Naivasha",
    protected_area_overlap=True,
    env_category="A",
    esia_completed=True,
    annual_emissions_tco2e=30_000,
    hard_connectivity=2,
)
add(
    "BR-050",
    "Energy: rice-husk biomass plant, small, livelihood focus",
    "Rice-husk Biomass Power Plant",
    "KHM",
    "energy",
    28,
    subsector="biomass_power",
    energy_source="biomass",
    livelihood_focus=True,
    direct_beneficiaries=70_000,
    env_category="B",
    annual_emissions_tco2e=8_000,
    construction_months=14,
    community_ownership=True,
)
add(
    "BR-051",
    "Energy: gas combined-cycle plant (gas), commercial loan",
    "Combined-cycle Gas Power Plant",
    "孟加拉国",
    "energy",
    520,
    subsector="gas_power",
    energy_source="gas",
    location="Khulna",
    env_category="A",
    annual_emissions_tco2e=1_200_000,
    hard_connectivity=2,
)
add(
    "BR-052",
    "Energy: diesel power barge (oil), cancelled status",
    "Diesel Power Barge (cancelled)",
    "Ghana",
    "energy",
    110,
    subsector="oil_power",
    energy_source="oil",
    status="cancelled",
    annual_emissions_tco2e=300_000,
    env_category="B",
)
add(
    "BR-053",
    "Water: desalination plant, high-debt host with a recent BIT",
    "Seawater Desalination Plant",
    "Djibouti",
    "water",
    65,
    subsector="desalination",
    location="Djibouti City",
    financing_model="aid_plus_commercial",
    livelihood_focus=True,
    direct_beneficiaries=300_000,
    energy_source="solar",
    env_category="B",
)
add(
    "BR-054",
    "Trade logistics: China–Europe rail hub, medium security risk",
    "China–Europe Railway Express Logistics Hub",
    "Georgia",
    "trade_logistics",
    160,
    subsector="rail_hub",
    location="Tbilisi",
    corridor="Middle Corridor",
    security_risk="medium",
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=1,
    supply_chain_contribution=True,
)
add(
    "BR-055",
    "Industrial park: Suez-style economic and trade cooperation zone, PPP",
    "泰达式经贸合作区（示例）",
    "埃及",
    "industrial_park",
    230,
    subsector="cooperation_zone",
    location="Ain Sokhna",
    financing_model="ppp",
    private_capital_share=0.55,
    supply_chain_contribution=True,
    local_jobs=8_000,
    hard_connectivity=2,
    soft_connectivity=2,
    heart_connectivity=1,
)
add(
    "BR-056",
    "Culture: cultural centre (culture_media, not media), strong heart connectivity",
    "China–Serbia Cultural Centre",
    "SRB",
    "culture_media",
    15,
    subsector="cultural_centre",
    financing_model="grant",
    livelihood_focus=False,
    hard_connectivity=0,
    soft_connectivity=1,
    heart_connectivity=3,
    env_category="C",
    annual_emissions_tco2e=50,
)
# — Thin records (mostly blank optional fields → tier insufficient_data) —
add(
    "BR-057",
    "Thin record: only the required fields (expect tier insufficient_data)",
    "Rural Water Supply Scheme",
    "Nepal",
    "water",
    4,
    _thin=True,
)
add(
    "BR-058",
    "Thin record: required fields plus status (expect tier insufficient_data)",
    "省级公路修复工程",
    "蒙古国",
    "transport",
    30,
    _thin=True,
    status="planned",
)
add(
    "BR-059",
    "Thin record: required fields plus subsector, in a country absent from the countries sheet",
    "Regional Logistics Warehouse",
    "Tajikistan",
    "trade_logistics",
    60,
    _thin=True,
    subsector="warehouse",
)
# — A high-quality standard project, cancelled, and a foreign enterprise, for coverage —
add(
    "BR-060",
    "Well-documented standard project: metro line, PPP, international standards (benchmark)",
    "Urban Metro Line 2 (illustrative)",
    "Thailand",
    "transport",
    450,
    subsector="metro",
    location="Bangkok",
    financing_model="ppp",
    private_capital_share=0.4,
    standards_applied="international",
    hard_connectivity=3,
    soft_connectivity=2,
    heart_connectivity=2,
    livelihood_components=True,
    direct_beneficiaries=600_000,
    local_jobs=4_000,
    trainees=800,
    households_resettled=40,
    resettlement_plan=True,
    firr_pct=7.0,
    eirr_pct=15.0,
    local_value_added_share=0.45,
)
add(
    "BR-061",
    "Cancelled airport expansion; foreign enterprise; host standards applied",
    "Regional Airport Expansion (cancelled)",
    "GHA",
    "transport",
    190,
    subsector="airport",
    status="cancelled",
    enterprise_type="foreign",
    standards_applied="host",
    hard_connectivity=3,
    soft_connectivity=0,
    heart_connectivity=0,
)

THIN_KEEP = {"project_id", "project_name", "country", "sector", "total_investment_usd_m"}


# Criteria v2 (issue 12): facts the new verdict rules read, added to the v1 scenarios (see the README table).
V2_FACTS: dict[str, dict[str, object]] = {
    "BR-001": {"financing_purpose": "expansion"},  # operating workshop: new courses and a second building
    "BR-010": {"flagship_designation": True, "livelihood_components": True, "sovereign_guarantee": True},
    "BR-011": {"flagship_designation": True, "corridor": "Jakarta–Bandung corridor"},
    "BR-012": {"status": "planned", "concessional": False, "grant_element_pct": 12},
    "BR-013": {"corridor": "China–Pakistan Economic Corridor"},
    "BR-016": {"flagship_designation": True, "corridor": "China–Europe Land-Sea Express"},
    "BR-043": {"concessional": True, "grant_element_pct": 38},
    "BR-046": {"corridor": "Digital Silk Road backbone", "livelihood_components": True},
    "BR-060": {"corridor": "none"},
}


def project_records() -> list[dict]:
    """Full records (canonical column → value), defaults applied; `_scenario` kept for the README."""
    out = []
    for p in PROJECTS:
        p = {**p, **V2_FACTS.get(str(p["project_id"]), {})}
        if p.get("_thin"):
            rec = {k: v for k, v in p.items() if k in THIN_KEEP or not k.startswith("_")}
            rec.pop("_thin", None)
        else:
            rec = {**DEFAULTS, **{k: v for k, v in p.items() if not k.startswith("_")}}
        rec["_scenario"] = p["_scenario"]
        out.append(rec)
    return out


# --------------------------------------------------------------------------------------------------
# Writing helpers
# --------------------------------------------------------------------------------------------------
BOOL_STYLES_EN = [("yes", "no"), ("Y", "N"), ("是", "否"), (True, False)]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell_value(col, value: object, row_no: int, lang: str) -> object:
    """How a value is written: bools in varied spellings, codes as codes (en) or Chinese labels (zh)."""
    if value is None:
        return None
    if col.kind == "bool" and isinstance(value, bool):
        if lang == "zh":
            return "是" if value else "否"
        yes, no = BOOL_STYLES_EN[row_no % len(BOOL_STYLES_EN)]
        return yes if value else no
    if lang == "zh" and col.kind == "code" and col.codes and isinstance(value, str):
        return CODE_LISTS[col.codes].label(value, "zh")
    if lang == "zh" and col.kind == "level" and isinstance(value, int):
        return CODE_LISTS["level"].label(str(value), "zh")
    if lang == "zh" and col.kind == "country" and isinstance(value, str):
        iso = _iso3_of(value)
        return ZH_BY_ISO3.get(iso, value) if iso else value
    return value


def _iso3_of(text: str) -> str | None:
    for en, zh, iso, *_ in COUNTRIES:
        if text in (en, zh, iso):
            return iso
    aliases = {"Vietnam": "VNM", "Laos": "LAO", "Lao PDR": "LAO"}
    return aliases.get(text)


def _write_text_safe(ws, row: int, col: int, value: object) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        cell.value = value
        cell.data_type = "s"  # keep as text, never a formula


def _header(ws, row: int, names: list[str]) -> None:
    for j, name in enumerate(names, start=1):
        c = ws.cell(row=row, column=j, value=name)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=row + 1, column=3)


def _pin(wb: Workbook) -> None:
    wb.properties.creator = "sample_projects/make_samples.py"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = "sample_projects/make_samples.py"


def _save(wb: Workbook, path: Path) -> None:
    """Save with pinned timestamps so that the same script writes the same bytes every run.

    openpyxl stamps ``dcterms:modified`` and every zip entry with the clock; both are rewritten here.
    """
    import re
    import zipfile

    _pin(wb)
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zin,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def _widths(ws, ncols: int, first: int = 28, other: int = 16) -> None:
    from openpyxl.utils import get_column_letter

    for j in range(1, ncols + 1):
        ws.column_dimensions[get_column_letter(j)].width = first if j == 2 else other


def write_sample(path: Path, lang: str) -> None:
    records = project_records()
    pcols = list(PROJECT_COLUMNS)
    ccols = list(COUNTRY_COLUMNS)
    wb = Workbook()
    ws = wb.active
    ws.title = "项目" if lang == "zh" else "projects"
    ws.cell(row=1, column=1, value=TITLE_ZH if lang == "zh" else TITLE_EN).font = Font(
        bold=True, size=14, color="C00000"
    )
    ws.cell(row=2, column=1, value=NOTE_ZH if lang == "zh" else NOTE_EN).font = Font(italic=True)
    header_row = 3
    _header(ws, header_row, [c.zh if lang == "zh" else c.name for c in pcols])
    for i, rec in enumerate(records):
        r = header_row + 1 + i
        for j, col in enumerate(pcols, start=1):
            _write_text_safe(ws, r, j, _cell_value(col, rec.get(col.name), i, lang))
    _widths(ws, len(pcols))
    ws.auto_filter.ref = (
        f"A{header_row}:{ws.cell(row=header_row, column=len(pcols)).column_letter}{header_row + len(records)}"
    )

    wc = wb.create_sheet("国家" if lang == "zh" else "countries")
    cheader = (["国家"] if lang == "zh" else ["country"]) + [c.zh if lang == "zh" else c.name for c in ccols]
    _header(wc, 1, cheader)
    wc.freeze_panes = "B2"
    for i, (en, zh, _iso, doc, fta, bit, aeo, debt, stab, fav) in enumerate(COUNTRIES):
        values = {
            "bri_cooperation_document": doc,
            "fta_with_china": fta,
            "bit_in_force_year": bit,
            "aeo_mutual_recognition": aeo,
            "debt_distress_risk": debt,
            "political_stability": stab,
            "public_favourability": fav,
            "partnership_level": PARTNERSHIP.get(_iso),
            "shared_future_document_year": SHARED_FUTURE.get(_iso, (None, None))[0],
            "shared_future_document_source": SHARED_FUTURE.get(_iso, (None, None))[1],
            "sensitive_country": False,
        }
        wc.cell(row=i + 2, column=1, value=zh if lang == "zh" else en)
        for j, col in enumerate(ccols, start=2):
            wc.cell(row=i + 2, column=j, value=_cell_value(col, values[col.name], i, lang))
    _widths(wc, len(cheader), first=16)
    _save(wb, path)


# --------------------------------------------------------------------------------------------------
# Problem file: every row carries a deliberate problem (or none), described in `demo_note`.
# --------------------------------------------------------------------------------------------------
_CLEAN = dict(
    status="planned",
    start_year=2024,
    financing_model="grant",
    livelihood_focus="yes",
    direct_beneficiaries=5_000,
    private_capital_share=0.1,
    esia_completed="yes",
    hard_connectivity=1,
    soft_connectivity=2,
    heart_connectivity=2,
)

PROBLEMS: list[tuple[dict, str]] = [
    (
        dict(
            project_id=None,
            project_name="Village Clinic",
            country="Kenya",
            sector="health",
            total_investment_usd_m=3,
        ),
        "project_id blank → invalid",
    ),
    (
        dict(
            project_id="PX-002",
            project_name="Water Tower A",
            country="Ethiopia",
            sector="water",
            total_investment_usd_m=4,
        ),
        "project_id PX-002 shared with the next row → both invalid",
    ),
    (
        dict(
            project_id="PX-002",
            project_name="Water Tower B",
            country="Ethiopia",
            sector="water",
            total_investment_usd_m=5,
        ),
        "project_id PX-002 shared with the previous row → both invalid",
    ),
    (
        dict(
            project_id="PX-004",
            project_name="Rural Road",
            country=None,
            sector="transport",
            total_investment_usd_m=12,
        ),
        "country blank (required) → invalid",
    ),
    (
        dict(
            project_id="PX-005",
            project_name="Lost City Harbour",
            country="Atlantis",
            sector="transport",
            total_investment_usd_m=80,
        ),
        "country 'Atlantis' unknown → invalid",
    ),
    (
        dict(
            project_id="PX-006",
            project_name="Solar Mini-grid",
            country="Nepal",
            sector="energy",
            total_investment_usd_m="abc",
            energy_source="solar",
        ),
        "total_investment_usd_m 'abc' unreadable → invalid",
    ),
    (
        dict(
            project_id="PX-007",
            project_name="Grain Silo",
            country="Zambia",
            sector="agriculture",
            total_investment_usd_m=-50,
        ),
        "total_investment_usd_m negative → invalid",
    ),
    (
        dict(
            project_id="PX-008",
            project_name="Teacher Training College",
            country="Cambodia",
            sector="education",
            total_investment_usd_m=None,
        ),
        "total_investment_usd_m blank → invalid",
    ),
    (
        dict(
            project_id="PX-009",
            project_name="Widget Assembly Plant",
            country="Viet Nam",
            sector="widgets",
            total_investment_usd_m=30,
        ),
        "sector 'widgets' unknown → mapped to 'other' with a data issue; record goes on",
    ),
    (
        dict(
            project_id="PX-010",
            project_name="Logistics Park",
            country="Georgia",
            sector="trade_logistics",
            total_investment_usd_m=40,
            private_capital_share="140%",
        ),
        "private_capital_share '140%' out of 0–1 → treated as missing, data issue; record goes on",
    ),
    (
        dict(
            project_id="PX-011",
            project_name="Fish Farm Cooperative",
            country="Bangladesh",
            sector="agriculture",
            total_investment_usd_m=6,
            esia_completed="maybe",
        ),
        "esia_completed 'maybe' not a yes/no → treated as missing, data issue; record goes on",
    ),
    (
        dict(
            project_id="PX-012",
            project_name="Border Bridge",
            country="Laos",
            sector="transport",
            total_investment_usd_m=55,
            hard_connectivity=7,
        ),
        "hard_connectivity 7 outside 0–3 → treated as missing, data issue; record goes on",
    ),
    (
        dict(
            project_id="PX-013",
            project_name='=HYPERLINK("http://example.com","click")',
            country="Thailand",
            sector="education",
            total_investment_usd_m=2,
        ),
        "project_name is a formula-like string → must come out as text, never a formula",
    ),
    (
        dict(
            project_id="PX-014",
            project_name="+Plus Health Post",
            country="Rwanda",
            sector="health",
            total_investment_usd_m=1.5,
        ),
        "project_name starts with '+' → must stay text",
    ),
    (
        dict(
            project_id="PX-015",
            project_name="-Minus Irrigation Canal",
            country="Egypt",
            sector="water",
            total_investment_usd_m=14,
        ),
        "project_name starts with '-' → must stay text",
    ),
    (
        dict(
            project_id="PX-016",
            project_name="@Home Digital Centre",
            country="Serbia",
            sector="digital",
            total_investment_usd_m=7,
        ),
        "project_name starts with '@' → must stay text",
    ),
    (
        dict(
            project_id="PX-017",
            project_name="社区卫生站",
            country="柬埔寨",
            sector="卫生",
            total_investment_usd_m="3000万",
            start_year="二〇二〇",
        ),
        "start_year '二〇二〇' (Chinese numerals): read as 2020 or a data issue; '3000万' = USD 30 m",
    ),
    (
        dict(
            project_id="PX-018",
            project_name="Seed Bank",
            country="PAK",
            sector="agriculture",
            total_investment_usd_m="２",
            start_year="2020年",
        ),
        "start_year '2020年' and full-width '２' → 2020 and 2",
    ),
    (
        dict(
            project_id="PX-019",
            project_name="Luban Workshop (clean row)",
            country="Egypt",
            sector="education",
            total_investment_usd_m=5,
            **_CLEAN,
        ),
        "clean row",
    ),
    (
        dict(
            project_id="PX-020",
            project_name="菌草示范基地（无问题）",
            country="斐济",
            sector="农业",
            total_investment_usd_m="1,800万",
            **_CLEAN,
        ),
        "clean row (Chinese sector word, '1,800万' = USD 18 m)",
    ),
    (
        dict(
            project_id="PX-021",
            project_name="Solar Street Lights (clean row)",
            country="KEN",
            sector="energy",
            total_investment_usd_m=2.5,
            energy_source="solar",
            **_CLEAN,
        ),
        "clean row",
    ),
]

PROBLEM_COLUMNS = [
    "project_id",
    "project_name",
    "country",
    "sector",
    "total_investment_usd_m",
    "subsector",
    "status",
    "start_year",
    "energy_source",
    "financing_model",
    "private_capital_share",
    "direct_beneficiaries",
    "livelihood_focus",
    "esia_completed",
    "hard_connectivity",
    "soft_connectivity",
    "heart_connectivity",
]


def write_problems_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.cell(
        row=1, column=1, value="示例数据 / ILLUSTRATIVE DATA — rows with deliberate data problems"
    ).font = Font(bold=True)
    header = PROBLEM_COLUMNS + ["demo_note"]
    _header(ws, 2, header)
    for i, (rec, note) in enumerate(PROBLEMS):
        for j, name in enumerate(header, start=1):
            _write_text_safe(ws, 3 + i, j, note if name == "demo_note" else rec.get(name))
    _widths(ws, len(header))
    ws.column_dimensions[ws.cell(row=2, column=len(header)).column_letter].width = 70
    _save(wb, path)


CSV_ROWS = (
    "PX-002",
    "PX-005",
    "PX-006",
    "PX-009",
    "PX-013",
    "PX-017",
    "PX-018",
    "PX-019",
    "PX-020",
    "PX-021",
)


def write_problems_csv(path: Path) -> None:
    from screening.vocab.columns import COLUMN_BY_NAME

    header = [COLUMN_BY_NAME[c].zh for c in PROBLEM_COLUMNS] + ["演示说明"]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for rec, note in PROBLEMS:
        if rec["project_id"] not in CSV_ROWS:
            continue
        row = []
        for c in PROBLEM_COLUMNS:
            v = rec.get(c)
            row.append("" if v is None else v)
        w.writerow(row + [note])
    path.write_bytes(buf.getvalue().encode("gbk"))


# --------------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------------
def write_readme(path: Path) -> None:
    lines = [
        "# Sample data (示例数据)",
        "",
        "**ILLUSTRATIVE DATA — not real projects.** Every record here is invented for demonstrating and testing the",
        "screening tool. Some names echo projects or project types mentioned in the source papers (a Luban Workshop,",
        "a port with schools and clinics like Gwadar, a Jakarta–Bandung-like railway, Juncao projects, agricultural",
        "demonstration centres); the figures are made up and describe no real project, company or country position.",
        "Country figures (debt-distress rating, treaty years, stability, favourability) are illustrative too.",
        "",
        "## Files",
        "",
        "| file | what it is |",
        "|---|---|",
        f"| `sample_projects.xlsx` | {len(PROJECTS)} illustrative projects (sheet `projects`, two title rows above the canonical English headers) and a `countries` sheet of {len(COUNTRIES)} countries (一国一策). Countries are written as English names, Chinese names and ISO3 codes; some numbers are text the way people type them (`1,200`, `45%`, `1.2亿` = USD 120 m, full-width `３５`), yes/no as yes/no, Y/N, 是/否 and Excel booleans. |",
        "| `sample_projects_zh.xlsx` | The same projects with Chinese headers (each column's `zh` label), Chinese code labels and level words, Chinese country names, sheets `项目` and `国家`. It should give the same outcomes as the English file. |",
        f"| `problem_projects.xlsx` | {len(PROBLEMS)} rows with deliberate data problems (blank or duplicated id, blank or unknown country, unreadable, negative or blank investment, unknown sector, out-of-range share, bad yes/no, level 7, formula-like names, Chinese-numeral years) plus clean rows; each row's problem is described in the extra `demo_note` column. |",
        f"| `problem_projects.csv` | {len(CSV_ROWS)} of those rows as CSV **encoded in GBK** with Chinese headers, to test encoding detection. |",
        "| `make_samples.py` | The deterministic script that writes all of the above (and this README). |",
        "",
        "Regenerate from the repository root:",
        "",
        "```",
        "python sample_projects/make_samples.py",
        "```",
        "",
        "The script uses no random numbers and no dates from the clock, so it writes the same data every time.",
        "Column headers and code values come from `screening/columns.py`.",
        "",
        "## Scenarios in `sample_projects.xlsx`",
        "",
        "Gate and flag outcomes below are what the records are built to exercise; the criteria set decides.",
        "",
        "| project_id | project_name | scenario |",
        "|---|---|---|",
    ]
    for p in PROJECTS:
        name = str(p["project_name"]).replace("|", "\\|")
        lines.append(f"| {p['project_id']} | {name} | {p['_scenario'].replace('|', '/')} |")
    lines += [
        "",
        "## Rows in `problem_projects.xlsx`",
        "",
        "| row | project_id | problem (`demo_note`) |",
        "|---|---|---|",
    ]
    for i, (rec, note) in enumerate(PROBLEMS):
        pid = rec["project_id"] or "(blank)"
        lines.append(f"| {3 + i} | {pid} | {note.replace('|', '/')} |")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    ids = [p["project_id"] for p in PROJECTS]
    assert len(ids) == len(set(ids)), "sample project ids must be unique"
    write_sample(HERE / "sample_projects.xlsx", "en")
    write_sample(HERE / "sample_projects_zh.xlsx", "zh")
    write_problems_xlsx(HERE / "problem_projects.xlsx")
    write_problems_csv(HERE / "problem_projects.csv")
    write_readme(HERE / "README.md")
    print(
        f"wrote {len(PROJECTS)} sample projects, {len(COUNTRIES)} countries, {len(PROBLEMS)} problem rows to {HERE}"
    )


if __name__ == "__main__":
    main()
