"""The canonical input columns, their code lists and their Chinese/English names.

This module is the single table behind header matching (io.sheets), coercion and checks (stages.validate),
the input template and the workbook headers (io.export). Canonical names are fixed by DESIGN.md ("Input columns
the template and the CLI recognise"): do not rename them, users' templates rely on them.

Length: about 880 lines, nearly all of it the column and code-list tables (one entry a few lines once
formatted); the functions are short. Split, the tables would only be harder to read side by side.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from screening.i18n import Text

Kind = Literal[
    "id", "text", "code", "money", "number", "count", "share", "pct", "year", "bool", "level", "country"
]


@dataclass(frozen=True)
class Code:
    """One value of a code list: the code, its Chinese and English labels and accepted aliases."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    @property
    def text(self) -> Text:
        return Text(zh=self.zh, en=self.en)


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: tuple[Code, ...]
    fallback: str | None = None  # an unknown word maps here (with a data issue) instead of to missing

    def lookup(self) -> dict[str, str]:
        """Normalised alias → code, covering the code itself and both labels."""
        table: dict[str, str] = {}
        for c in self.codes:
            for word in (c.code, c.zh, c.en, *c.aliases):
                table[norm_key(word)] = c.code
        return table

    @property
    def values(self) -> list[str]:
        return [c.code for c in self.codes]

    def label(self, code: str, lang: str) -> str:
        for c in self.codes:
            if c.code == code:
                return c.text.get(lang)
        return code


@dataclass(frozen=True)
class Column:
    """A canonical column: name in code, kind, labels, header aliases and (for codes) its code list."""

    name: str
    kind: Kind
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    codes: str | None = None
    note_zh: str = ""
    note_en: str = ""
    table: Literal["projects", "countries"] = "projects"
    minimum: float | None = None
    maximum: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> Text:
        """The column's label in both languages."""
        return Text(zh=self.zh, en=self.en)


def norm_key(text: object) -> str:
    """Case-, width- and space-insensitive key for matching headers and code words."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = s.replace("（", "(").replace("）", ")")
    return re.sub(r"[\s_\-]+", "", s)


def _codes(
    name: str, rows: list[tuple[str, str, str, tuple[str, ...]]], fallback: str | None = None
) -> CodeList:
    return CodeList(name, tuple(Code(c, zh, en, al) for c, zh, en, al in rows), fallback)


CODE_LISTS: dict[str, CodeList] = {
    cl.name: cl
    for cl in [
        _codes(
            "sector",
            [
                (
                    "transport",
                    "交通运输",
                    "Transport",
                    ("transportation", "transport and storage", "交通", "运输"),
                ),
                ("energy", "能源电力", "Energy", ("power", "electricity", "能源", "电力")),
                ("mining", "矿业", "Mining", ("mines", "采矿", "矿产")),
                ("oil_gas", "油气", "Oil and gas", ("oil & gas", "oil and gas", "石油天然气", "油气开采")),
                ("manufacturing", "制造业", "Manufacturing", ("industry", "制造", "工业")),
                (
                    "digital",
                    "数字与通信",
                    "Digital and ICT",
                    ("ict", "telecom", "communications", "数字", "通信", "信息通信"),
                ),
                ("water", "水务", "Water", ("water supply", "water supply and sanitation", "供水", "水利")),
                ("agriculture", "农业", "Agriculture", ("agri", "farming", "农林牧渔", "农业合作")),
                ("health", "卫生健康", "Health", ("healthcare", "医疗", "卫生", "健康")),
                ("education", "教育培训", "Education and training", ("training", "教育", "培训")),
                (
                    "industrial_park",
                    "产业园区",
                    "Industrial park",
                    ("economic zone", "sez", "园区", "经贸合作区"),
                ),
                (
                    "trade_logistics",
                    "商贸物流",
                    "Trade and logistics",
                    ("logistics", "trade", "物流", "商贸"),
                ),
                ("finance", "金融", "Finance", ("financial services", "banking", "金融服务")),
                ("real_estate", "房地产", "Real estate", ("property", "地产")),
                ("tourism", "旅游", "Tourism", ("hospitality", "旅游业")),
                ("culture_media", "文化传媒", "Culture and media", ("media", "culture", "文化", "传媒")),
                ("environment", "生态环保", "Environment", ("environmental protection", "环保", "生态")),
                ("other", "其他", "Other", ("others", "其它")),
            ],
            fallback="other",
        ),
        _codes(
            "status",
            [
                ("planned", "规划中", "Planned", ("pipeline", "proposed", "规划", "拟建", "计划", "筹备")),
                (
                    "under_construction",
                    "在建",
                    "Under construction",
                    ("construction", "implementation", "建设中", "实施中"),
                ),
                ("operating", "运营中", "Operating", ("in operation", "operational", "运营", "投产")),
                ("completed", "已完工", "Completed", ("complete", "completion", "done", "竣工", "完工")),
                ("cancelled", "已取消", "Cancelled", ("canceled", "取消", "终止")),
                ("suspended", "已暂停", "Suspended", ("on hold", "暂停", "搁置", "中止")),
            ],
        ),
        _codes(
            "financing_purpose",
            [
                ("new_build", "新建", "New build", ("new", "greenfield", "新建项目")),
                ("expansion", "扩建", "Expansion", ("extension", "new unit", "扩建项目", "新增机组")),
                ("refinancing", "再融资", "Refinancing", ("refinance", "债务置换")),
                ("acquisition", "收购", "Acquisition", ("purchase", "并购", "收购股权")),
                (
                    "retrofit",
                    "技术改造",
                    "Retrofit or upgrade",
                    ("upgrade", "rehabilitation", "提效改造", "改造"),
                ),
                (
                    "transition",
                    "清洁转型（CCUS、燃料转换、提前退役）",
                    "Clean transition (CCUS, fuel switch, early retirement)",
                    ("ccus", "conversion", "early retirement", "燃料转换", "提前退役", "转型"),
                ),
            ],
        ),
        _codes(
            "amount_basis",
            [
                (
                    "project_cost",
                    "项目总投资",
                    "Project cost",
                    ("total project cost", "total cost", "总投资", "项目总成本"),
                ),
                (
                    "financing_committed",
                    "承诺融资额",
                    "Financing committed",
                    ("financing", "loan amount", "commitment", "融资额", "贷款额", "承诺额"),
                ),
            ],
        ),
        _codes(
            "partnership_level",
            [
                ("none", "未建立伙伴关系", "No partnership designation", ("无",)),
                (
                    "partnership",
                    "合作伙伴关系",
                    "Partnership",
                    ("cooperative partnership", "友好合作伙伴关系", "合作伙伴"),
                ),
                ("strategic", "战略伙伴关系", "Strategic partnership", ("战略合作伙伴关系", "战略伙伴")),
                (
                    "comprehensive_strategic",
                    "全面战略伙伴关系",
                    "Comprehensive strategic partnership",
                    (
                        "全面战略合作伙伴关系",
                        "comprehensive strategic cooperative partnership",
                        "全面战略伙伴",
                    ),
                ),
                (
                    "highest",
                    "全天候或新时代全面战略协作伙伴关系",
                    "All-weather or comprehensive strategic coordination partnership",
                    ("all-weather", "全天候战略合作伙伴关系", "全面战略协作伙伴关系"),
                ),
            ],
        ),
        _codes(
            "energy_source",
            [
                ("coal", "煤电", "Coal", ("煤", "燃煤", "coal-fired")),
                ("oil", "燃油", "Oil", ("diesel", "石油", "柴油")),
                ("gas", "天然气", "Gas", ("natural gas", "lng", "燃气")),
                ("hydro", "水电", "Hydro", ("hydropower", "水力")),
                ("solar", "太阳能", "Solar", ("pv", "光伏")),
                ("wind", "风电", "Wind", ("风能",)),
                ("nuclear", "核电", "Nuclear", ("核能",)),
                ("biomass", "生物质", "Biomass", ("生物质能",)),
                ("geothermal", "地热", "Geothermal", ("地热能",)),
                ("none", "不适用", "Not applicable", ("n/a", "na", "无", "none")),
            ],
        ),
        _codes(
            "enterprise_type",
            [
                ("soe", "国有企业", "State-owned enterprise", ("state-owned", "国企", "央企")),
                ("private", "民营企业", "Private enterprise", ("private company", "民企", "私营")),
                ("joint_venture", "合资企业", "Joint venture", ("jv", "合资")),
                ("foreign", "外资企业", "Foreign enterprise", ("外资", "外国企业")),
            ],
        ),
        _codes(
            "financing_model",
            [
                ("sovereign_loan", "主权贷款", "Sovereign loan", ("government loan", "优惠贷款", "政府贷款")),
                ("commercial_loan", "商业贷款", "Commercial loan", ("商贷", "buyer's credit")),
                (
                    "aid_plus_commercial",
                    "援助+商贷",
                    "Aid plus commercial loan",
                    ("援助加商贷", "aid+commercial"),
                ),
                (
                    "equity_plus_syndicated",
                    "股权投资+银团贷款",
                    "Equity plus syndicated loan",
                    ("股权+银团", "equity+syndicated"),
                ),
                (
                    "ppp",
                    "公私合营(PPP)",
                    "Public-private partnership (PPP)",
                    ("公私合营", "public-private partnership"),
                ),
                ("equity", "股权投资", "Equity", ("股权",)),
                ("grant", "无偿援助", "Grant", ("援助", "赠款", "aid")),
                ("bond", "债券", "Bond", ("债券融资",)),
            ],
        ),
        _codes(
            "env_category",
            [
                ("A", "A类(重大影响)", "A (significant impacts)", ("category a", "a类")),
                ("B", "B类(有限影响)", "B (limited impacts)", ("category b", "b类")),
                ("C", "C类(轻微或无影响)", "C (minimal impacts)", ("category c", "c类")),
            ],
        ),
        _codes(
            "standards_applied",
            [
                ("international", "国际标准", "International standards", ("国际",)),
                ("chinese", "中国标准", "Chinese standards", ("中国", "china")),
                ("host", "东道国标准", "Host-country standards", ("东道国", "local")),
                ("mixed", "混合标准", "Mixed standards", ("混合",)),
                ("none", "无", "No standard applied", ("未采用", "none")),
            ],
        ),
        _codes(
            "security_risk",
            [
                ("low", "低", "Low", ("低风险",)),
                ("medium", "中", "Medium", ("moderate", "中等", "中风险")),
                ("high", "高", "High", ("高风险",)),
            ],
        ),
        _codes(
            "debt_distress_risk",
            [
                ("low", "低风险", "Low", ("低",)),
                ("moderate", "中等风险", "Moderate", ("medium", "中", "中等")),
                ("high", "高风险", "High", ("高",)),
                (
                    "in_distress",
                    "已陷入债务困境",
                    "In debt distress",
                    ("in distress", "distress", "债务困境", "困境"),
                ),
                ("not_rated", "未评级", "Not rated", ("n/a", "none", "未评", "无评级")),
            ],
        ),
        _codes(
            "track",
            [
                ("flagship", "重大标志性工程", "Flagship project", ("标志性工程", "flagship project")),
                (
                    "small_and_beautiful",
                    "“小而美”民生项目",
                    "Small-and-beautiful livelihood project",
                    ("小而美", "small and beautiful"),
                ),
                ("standard", "常规项目", "Standard project", ("常规",)),
            ],
        ),
        _codes(
            "tier",
            [
                ("priority", "优先推荐", "Priority", ()),
                ("recommended", "推荐", "Recommended", ()),
                ("conditional", "有条件推荐", "Conditional", ()),
                ("deferred", "暂缓", "Deferred", ()),
                ("insufficient_data", "资料不足", "Insufficient data", ("insufficient",)),
            ],
        ),
        _codes(
            "level",
            [
                ("0", "无", "Absent", ("none", "no")),
                ("1", "有限", "Limited", ("limited", "low", "弱", "少量")),
                ("2", "较多", "Substantial", ("substantial", "medium", "moderate", "中")),
                ("3", "很强", "Strong", ("strong", "high", "强")),
            ],
        ),
    ]
}


_YN = "是/否、Y/N、yes/no、true/false、1/0"


_YN_EN = "yes/no, Y/N, 是/否, true/false, 1/0"


COLUMNS: tuple[Column, ...] = (
    # Required five (DESIGN.md contract 1).
    Column(
        "project_id",
        "id",
        "项目编号",
        "Project ID",
        ("项目id", "编号", "id", "project code", "项目代码"),
        True,
        note_zh="唯一编号，不可重复",
        note_en="Unique identifier; must not repeat",
    ),
    Column("project_name", "text", "项目名称", "Project name", ("名称", "name", "project", "项目"), True),
    Column(
        "country",
        "country",
        "国家",
        "Country",
        ("东道国", "所在国", "host country", "recipient", "国别"),
        True,
        note_zh="国家名称或ISO三位代码",
        note_en="Country name or ISO alpha-3 code",
    ),
    Column(
        "sector", "code", "行业", "Sector", ("所属行业", "领域", "行业领域", "industry"), True, codes="sector"
    ),
    Column(
        "total_investment_usd_m",
        "money",
        "总投资（百万美元）",
        "Total investment (USD million)",
        (
            "总投资",
            "投资额",
            "总投资(百万美元)",
            "investment",
            "total investment",
            "investment usd m",
            "总投资额（百万美元）",
            "total investment usd m",
        ),
        True,
        minimum=0,
        note_zh="单位：百万美元；可写“1.2亿”“3000万”",
        note_en="USD million; '1.2 billion' or '300 million' accepted",
    ),
    Column(
        "linked_project_id",
        "text",
        "关联项目编号",
        "Linked project IDs",
        ("关联项目", "linked project", "linked to project id", "linked projects"),
        note_zh="同一项目其他记录（分期、分批、标段、联合融资）的编号，可填多个，用逗号、分号或空格分隔；据此把同一项目的记录归为一个项目组，只用于展示和投资组合，不影响评分",
        note_en="IDs of the other records of the same project (phases, tranches, sections, co-financing), several allowed, separated by commas, semicolons or spaces; records linked so form one project group, shown and used by the portfolio, never scored",
    ),
    Column(
        "amount_basis",
        "code",
        "金额口径",
        "Amount basis",
        ("金额性质", "amount type", "basis of amount"),
        codes="amount_basis",
        note_zh="总投资一列是项目总投资（project_cost）还是承诺融资额（financing_committed，如一笔贷款）",
        note_en="Whether total investment is the project cost (project_cost) or the financing committed (financing_committed, e.g. one loan)",
    ),
    Column(
        "project_cost_usd_m",
        "money",
        "项目总投资（百万美元）",
        "Project cost (USD million)",
        ("项目总投资", "项目总成本", "project cost", "total project cost"),
        minimum=0,
        note_zh="已知时用于规模判断（标志性工程和“小而美”的规模线）；总投资一列只是融资额时尤应填写",
        note_en="When known, drives the size tests (the flagship and small-and-beautiful lines); worth giving when total investment is only a financing amount",
    ),
    # Recognised optional columns.
    Column("subsector", "text", "子行业", "Subsector", ("细分行业", "sub-sector", "sub sector")),
    Column("description", "text", "项目描述", "Description", ("描述", "项目简介", "简介", "项目内容")),
    Column("location", "text", "项目地点", "Location", ("地点", "所在地", "site")),
    Column("status", "code", "项目状态", "Status", ("状态", "进展", "project status"), codes="status"),
    Column(
        "start_year",
        "year",
        "开工年份",
        "Start year",
        ("开工年", "起始年份", "year", "年份"),
        minimum=1950,
        maximum=2100,
    ),
    Column(
        "construction_months",
        "count",
        "建设周期（月）",
        "Construction months",
        ("建设周期", "工期（月）", "工期", "months to benefit", "建设期（月）"),
        minimum=0,
    ),
    Column(
        "energy_source",
        "code",
        "能源类型",
        "Energy source",
        ("能源", "电源类型", "fuel"),
        codes="energy_source",
    ),
    Column(
        "lead_enterprise",
        "text",
        "牵头企业",
        "Lead enterprise",
        ("承建企业", "实施企业", "企业", "contractor"),
    ),
    Column("enterprise_type", "code", "企业类型", "Enterprise type", ("企业性质",), codes="enterprise_type"),
    Column(
        "financing_model",
        "code",
        "融资模式",
        "Financing model",
        ("融资方式", "financing"),
        codes="financing_model",
    ),
    Column(
        "private_capital_share",
        "share",
        "社会资本占比",
        "Private capital share",
        ("民间资本占比", "私人资本占比"),
        minimum=0,
        maximum=1,
        note_zh="0–1，可写“45%”",
        note_en="0–1; '45%' accepted",
    ),
    Column(
        "firr_pct",
        "pct",
        "财务内部收益率（%）",
        "FIRR (%)",
        ("财务内部收益率", "firr"),
        minimum=-100,
        maximum=100,
    ),
    Column(
        "eirr_pct",
        "pct",
        "经济内部收益率（%）",
        "EIRR (%)",
        ("经济内部收益率", "eirr"),
        minimum=-100,
        maximum=100,
    ),
    Column(
        "direct_beneficiaries",
        "count",
        "直接受益人数",
        "Direct beneficiaries",
        ("受益人数", "受益人口", "beneficiaries"),
        minimum=0,
    ),
    Column(
        "local_jobs",
        "count",
        "当地就业岗位",
        "Local jobs",
        ("本地就业", "当地就业", "jobs", "就业岗位"),
        minimum=0,
    ),
    Column(
        "local_employment_share",
        "share",
        "本地员工占比",
        "Local employment share",
        ("本地化用工比例", "本地员工比例"),
        minimum=0,
        maximum=1,
    ),
    Column("trainees", "count", "培训人数", "Trainees", ("培训人次", "受训人数"), minimum=0),
    Column(
        "households_resettled",
        "count",
        "移民安置户数",
        "Households resettled",
        ("安置户数", "搬迁户数", "resettlement"),
        minimum=0,
    ),
    Column(
        "env_category",
        "code",
        "环境类别",
        "Environmental category",
        ("环境与社会风险类别", "赤道原则类别", "esg category", "category"),
        codes="env_category",
        note_zh="赤道原则/IFC A、B、C类",
        note_en="Equator Principles / IFC category A, B or C",
    ),
    Column(
        "esia_completed",
        "bool",
        "已完成环境社会影响评价",
        "ESIA completed",
        ("环评", "环境影响评价", "esia"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "protected_area_overlap",
        "bool",
        "涉及保护区",
        "Protected area overlap",
        ("保护区重叠", "涉及自然保护区", "protected area"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "transboundary_basin",
        "text",
        "所在国际流域",
        "International river basin",
        ("跨境流域", "国际流域", "international basin"),
    ),
    Column(
        "annual_emissions_tco2e",
        "number",
        "年排放量（吨二氧化碳当量）",
        "Annual emissions (tCO2e)",
        ("年碳排放", "碳排放", "emissions"),
        minimum=0,
    ),
    Column(
        "community_consultation",
        "bool",
        "社区协商",
        "Community consultation",
        ("社区咨询", "公众参与"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "grievance_mechanism",
        "bool",
        "申诉机制",
        "Grievance mechanism",
        ("投诉机制",),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "open_procurement",
        "bool",
        "公开招标采购",
        "Open procurement",
        ("公开采购", "公开招标", "competitive procurement"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "compliance_program",
        "bool",
        "合规管理体系",
        "Compliance programme",
        ("合规体系", "合规计划", "compliance programme"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "hard_connectivity",
        "level",
        "硬联通",
        "Hard connectivity",
        ("硬联通程度",),
        codes="level",
        minimum=0,
        maximum=3,
        note_zh="0–3：无、有限、较多、很强",
        note_en="0–3: none, limited, substantial, strong",
    ),
    Column(
        "soft_connectivity",
        "level",
        "软联通",
        "Soft connectivity",
        ("软联通程度",),
        codes="level",
        minimum=0,
        maximum=3,
        note_zh="0–3：无、有限、较多、很强",
        note_en="0–3: none, limited, substantial, strong",
    ),
    Column(
        "heart_connectivity",
        "level",
        "心联通",
        "Heart connectivity",
        ("心联通程度",),
        codes="level",
        minimum=0,
        maximum=3,
        note_zh="0–3：无、有限、较多、很强",
        note_en="0–3: none, limited, substantial, strong",
    ),
    Column(
        "livelihood_focus",
        "bool",
        "民生导向",
        "Livelihood focus",
        ("民生项目", "惠民生"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "in_cooperation_plan",
        "bool",
        "纳入合作规划",
        "In cooperation plan",
        ("合作规划", "列入合作规划"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column("corridor", "text", "经济走廊/节点", "Corridor or node", ("经济走廊", "走廊", "通道")),
    Column(
        "host_strategy_alignment",
        "bool",
        "对接东道国发展战略",
        "Host strategy alignment",
        ("战略对接", "东道国战略对接"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "phased_delivery",
        "bool",
        "分期实施",
        "Phased delivery",
        ("分期建设", "分阶段实施"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "monitoring_plan",
        "bool",
        "监测评估计划",
        "Monitoring plan",
        ("监测计划", "动态监测"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "standards_applied",
        "code",
        "采用标准",
        "Standards applied",
        ("技术标准", "标准"),
        codes="standards_applied",
    ),
    Column(
        "security_risk",
        "code",
        "安全风险",
        "Security risk",
        ("安全风险等级", "security"),
        codes="security_risk",
    ),
    # Added by this tool (DESIGN.md allows new columns; the criteria of issue "default criteria set" read them).
    Column(
        "community_ownership",
        "bool",
        "社区参与和共有",
        "Community ownership",
        ("社区共有", "社区参与", "community participation"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "livelihood_components",
        "bool",
        "配套民生设施",
        "Livelihood components",
        ("配套民生项目", "民生配套", "schools and clinics"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "meets_host_standards",
        "bool",
        "符合东道国标准",
        "Meets host standards",
        ("符合东道国技术环境标准", "host standards met"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "resettlement_plan",
        "bool",
        "移民安置计划",
        "Resettlement plan",
        ("安置计划", "rap"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "disclosure",
        "bool",
        "信息公开",
        "Public disclosure",
        ("信息披露", "公开披露"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "local_value_added_share",
        "share",
        "本地增加值占比",
        "Local value-added share",
        ("本地采购占比", "local content share", "本地化率"),
        minimum=0,
        maximum=1,
    ),
    Column(
        "supply_chain_contribution",
        "bool",
        "增强产业链供应链韧性",
        "Supply-chain contribution",
        ("供应链合作", "产业链供应链", "supply chain"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "dispute_resolution_clause",
        "bool",
        "调解+仲裁争端解决条款",
        "Mediation-plus-arbitration clause",
        ("争端解决条款", "调解加仲裁", "dispute resolution"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "external_interference_risk",
        "code",
        "域外干扰风险",
        "External interference risk",
        ("地缘政治风险", "geopolitical risk"),
        codes="security_risk",
    ),
    Column(
        "financing_purpose",
        "code",
        "融资用途",
        "Financing purpose",
        ("融资目的", "purpose"),
        codes="financing_purpose",
        note_zh="已建成或运营中的项目须说明为何仍要决策：扩建、再融资、收购、技术改造或清洁转型",
        note_en="For a completed or operating project, what is being decided: expansion, refinancing, acquisition, retrofit or clean transition",
    ),
    Column(
        "concessional",
        "bool",
        "优惠性质（赠与成分≥35%）",
        "Concessional (grant element ≥ 35 %)",
        ("优惠贷款性质", "concessional loan"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "grant_element_pct",
        "pct",
        "赠与成分（%）",
        "Grant element (%)",
        ("赠与成分", "grant element"),
        minimum=0,
        maximum=100,
    ),
    Column(
        "sovereign_guarantee",
        "bool",
        "主权担保",
        "Sovereign guarantee",
        ("政府担保", "主权担保贷款", "government guarantee"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "flagship_designation",
        "bool",
        "列为标志性成果",
        "Flagship designation",
        ("高峰论坛成果", "领导人见证", "forum deliverable", "leader-witnessed"),
        note_zh="列入“一带一路”国际合作高峰论坛成果清单，或由两国领导人见证签约",
        note_en="Listed among the Belt and Road Forum deliverables, or signed in the presence of the two leaders",
    ),
    Column(
        "forest_certified",
        "bool",
        "木材来自可持续经营森林",
        "Wood from sustainably managed forest",
        ("森林认证", "fsc", "pefc", "sustainably managed forest"),
        note_zh="林业或木材项目：有FSC、PEFC等可持续森林经营认证",
        note_en="Forestry or wood projects: FSC, PEFC or similar certification of sustainable forest management",
    ),
    Column(
        "legal_under_host_law",
        "bool",
        "符合东道国法律和国际公约",
        "Legal under host law and conventions",
        ("合法合规", "legal"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "labour_standards",
        "bool",
        "劳工与工作条件（IFC PS2）",
        "Labour and working conditions (IFC PS2)",
        ("劳工标准", "labour standards", "working conditions"),
        note_zh="劳动合同、职业健康安全、工人申诉渠道均已落实",
        note_en="Contracts, occupational health and safety and a workers' grievance channel in place",
    ),
    Column(
        "pollution_prevention_plan",
        "bool",
        "污染防治方案（IFC PS3）",
        "Pollution prevention plan (IFC PS3)",
        ("污染防治", "pollution prevention"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "community_health_safety",
        "bool",
        "社区健康安全方案（IFC PS4）",
        "Community health and safety plan (IFC PS4)",
        ("社区健康与安全", "community health and safety"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "security_forces_safeguards",
        "bool",
        "安保人员行为规范（IFC PS4）",
        "Security-personnel safeguards (IFC PS4)",
        ("安保安排", "security personnel"),
        note_zh="使用安保力量时已评估风险并制定行为守则",
        note_en="Where security forces are used, risks assessed and a code of conduct in place",
    ),
    Column(
        "indigenous_peoples_affected",
        "bool",
        "影响原住民（IFC PS7）",
        "Indigenous Peoples affected (IFC PS7)",
        ("涉及原住民", "indigenous peoples"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "fpic_obtained",
        "bool",
        "已取得自由、事先和知情同意（FPIC）",
        "Free, prior and informed consent obtained (FPIC)",
        ("fpic", "知情同意"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "cultural_heritage_affected",
        "bool",
        "影响文化遗产（IFC PS8）",
        "Cultural heritage affected (IFC PS8)",
        ("涉及文化遗产", "cultural heritage"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "cultural_heritage_plan",
        "bool",
        "文化遗产保护方案",
        "Cultural heritage plan",
        ("文物保护方案", "chance finds procedure"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "climate_risk_assessment",
        "bool",
        "气候变化风险评估（赤道原则第四版）",
        "Climate change risk assessment (EP4)",
        ("气候风险评估", "climate risk assessment"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    # Facts of a financing record that the inference stage reads or fills (issue 14); any layout may give them.
    Column(
        "completion_year",
        "year",
        "完工年份",
        "Completion year",
        ("竣工年份", "completion"),
    ),
    Column(
        "flow_type",
        "text",
        "资金流类型",
        "Flow type",
        ("融资类型", "flow type simplified"),
        note_zh="贷款、赠款、出口信贷等原文",
        note_en="Loan, grant, export credit … as the source writes it",
    ),
    Column(
        "flow_class",
        "text",
        "资金流类别",
        "Flow class",
        ("oda/oof",),
        note_zh="类官方发展援助（ODA-like）或其他官方资金（OOF-like）",
        note_en="ODA-like or OOF-like, as the source writes it",
    ),
    Column(
        "implementing_agency_type",
        "text",
        "实施机构类型",
        "Implementing agency type",
        ("implementing agencies type",),
    ),
    Column(
        "capacity_mw",
        "number",
        "装机容量（兆瓦）",
        "Capacity (MW)",
        ("装机容量", "installed capacity", "capacity"),
        minimum=0,
    ),
    Column(
        "interest_rate_pct",
        "pct",
        "贷款利率（%）",
        "Interest rate (%)",
        ("利率", "interest rate"),
    ),
    Column(
        "maturity_years",
        "number",
        "贷款期限（年）",
        "Maturity (years)",
        ("还款期", "maturity"),
        minimum=0,
    ),
    Column(
        "grace_period_years",
        "number",
        "宽限期（年）",
        "Grace period (years)",
        ("宽限期", "grace period"),
        minimum=0,
    ),
    Column(
        "collateralised",
        "bool",
        "有抵押或担保品",
        "Collateralised",
        ("抵押", "collateral"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "escrow_account",
        "bool",
        "设有共管/托管账户",
        "Escrow account",
        ("共管账户", "escrow"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "credit_insurance",
        "bool",
        "有出口信用保险（如中信保）",
        "Credit insurance (e.g. Sinosure)",
        ("信用保险", "insurance"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "cofinanced",
        "bool",
        "有联合融资",
        "Co-financed",
        ("联合融资", "co-financing", "syndicated"),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "reported_resettlement",
        "bool",
        "有报道的征地移民",
        "Reported resettlement",
        ("报道移民",),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "reported_protests",
        "bool",
        "有报道的抗议",
        "Reported protests",
        ("报道抗议",),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "reported_corruption",
        "bool",
        "有报道的腐败调查",
        "Reported corruption investigation",
        ("报道腐败",),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "reported_security_incident",
        "bool",
        "有报道的安全事件",
        "Reported security incident",
        ("报道安全事件",),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "reported_debt_restructuring",
        "bool",
        "有报道的债务重组",
        "Reported debt restructuring",
        ("报道债务重组",),
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    # Country sheet (一国一策), joined on `country`.
    Column(
        "bri_cooperation_document",
        "bool",
        "签署共建“一带一路”合作文件",
        "BRI cooperation document",
        ("合作文件", "一带一路合作文件", "bri document", "mou"),
        table="countries",
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "fta_with_china",
        "bool",
        "与中国签有自贸协定",
        "FTA with China",
        ("自贸协定", "fta"),
        table="countries",
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "bit_in_force_year",
        "year",
        "双边投资协定生效年份",
        "BIT in force (year)",
        ("投资协定生效年份", "bit year", "bit"),
        table="countries",
        minimum=1950,
        maximum=2100,
    ),
    Column(
        "aeo_mutual_recognition",
        "bool",
        "AEO互认",
        "AEO mutual recognition",
        ("aeo", "aeo互认安排"),
        table="countries",
        note_zh=_YN,
        note_en=_YN_EN,
    ),
    Column(
        "debt_distress_risk",
        "code",
        "债务困境风险",
        "Debt distress risk",
        ("债务风险", "debt risk", "lic-dsf"),
        codes="debt_distress_risk",
        table="countries",
    ),
    Column(
        "political_stability",
        "number",
        "政治稳定性指数",
        "Political stability",
        ("政治稳定", "wgi political stability"),
        table="countries",
        # why: WGI estimates are in standard-normal units, "approximately −2.5 to 2.5"; real estimates go past
        # that (2020: Syria −2.73, Afghanistan −2.73), so the check allows ±3 (our own bound).
        minimum=-3.0,
        maximum=3.0,
        note_zh="世界银行WGI，约−2.5至2.5",
        note_en="World Bank WGI, about −2.5 to 2.5",
    ),
    Column(
        "public_favourability",
        "share",
        "民众好感度",
        "Public favourability",
        ("好感度", "public opinion", "favourability"),
        table="countries",
        minimum=0,
        maximum=1,
    ),
    Column(
        "partnership_level",
        "code",
        "双边伙伴关系定位",
        "Partnership level",
        ("伙伴关系", "partnership"),
        codes="partnership_level",
        table="countries",
        note_zh="两国政府联合声明中的关系定位",
        note_en="The designation in the two governments' joint statements",
    ),
    Column(
        "shared_future_document_year",
        "year",
        "双边命运共同体文件年份",
        "Shared-future document (year)",
        ("命运共同体文件", "community of shared future"),
        table="countries",
        minimum=2000,
        maximum=2100,
        note_zh="两国构建命运共同体的联合声明或行动计划的签署年份；没有则留空",
        note_en="Year of a bilateral community-of-shared-future statement or action plan; blank if none",
    ),
    Column(
        "shared_future_document_source",
        "text",
        "命运共同体文件出处",
        "Shared-future document (source)",
        ("命运共同体文件出处",),
        table="countries",
    ),
    Column(
        "sensitive_country",
        "bool",
        "敏感国家和地区",
        "Sensitive country or region",
        ("敏感国家", "sensitive country"),
        table="countries",
        note_zh="《企业境外投资管理办法》第十三条：未建交、发生战争内乱、国际条约限制投资等",
        note_en="NDRC Order No. 11 (2017) Art. 13: no diplomatic relations, war or civil unrest, treaty-based restrictions",
    ),
    Column(
        "bri_cooperation_document_year",
        "year",
        "共建“一带一路”合作文件签署年份",
        "BRI cooperation document (year)",
        ("合作文件签署年份", "bri document year"),
        table="countries",
        minimum=2013,
        maximum=2100,
        note_zh="所引合作文件的签署年份（此前可能已有文件）",
        note_en="Year of the cooperation document cited (an earlier one may exist)",
    ),
    Column(
        "debt_distress_risk_as_of",
        "text",
        "债务困境风险评级截至日期",
        "Debt distress risk (as of)",
        ("债务风险截至", "debt risk as of"),
        table="countries",
        note_zh="所引IMF低收入国家债务可持续性分析清单的日期",
        note_en="Date of the IMF LIC DSA list the rating is read from",
    ),
    Column(
        "political_stability_year",
        "year",
        "政治稳定性指数年份",
        "Political stability (year)",
        ("政治稳定性年份", "wgi year"),
        table="countries",
        minimum=1996,
        maximum=2100,
        note_zh="世界银行WGI数据年份",
        note_en="Data year of the World Bank WGI estimate",
    ),
    Column(
        "diplomatic_relations_year",
        "year",
        "与中国建交年份",
        "Diplomatic relations with China (year established)",
        ("建交年份", "diplomatic relations year"),
        table="countries",
        minimum=1949,
        maximum=2100,
        note_zh="外交部《中华人民共和国与各国建立外交关系日期简表》所列建交日期的年份",
        note_en="Year of the date in the MFA table of the PRC's diplomatic relations",
    ),
)


COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}


PROJECT_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.table == "projects")


COUNTRY_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.table == "countries")


REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)


# Names the tool itself adds to its output. They are never read back as input data (DESIGN.md "CLI"). The
# columns a criteria set adds (one per classifier and index) are its own: CriteriaSet.output_columns().
RESERVED: tuple[str, ...] = (
    "outcome",
    "rank",
    "rank_in_track",
    "score",
    "tier",
    "track",
    "flags",
    "hurdles",
    "exclusion",
    "completeness",
    "gates",
    "reasons",
    "source_sheet",
    "source_row",
    "problems",
    "reviewer_decision",
    "reviewer_note",
    "positive_list",
    "iso3",
    "project_group",
    "project_group_size",
    "project_group_total_usd_m",
)


def header_lookup(columns: tuple[Column, ...] = COLUMNS) -> dict[str, str]:
    """Normalised header (name, both labels, every alias) → canonical name."""
    table: dict[str, str] = {}
    for c in columns:
        for word in (c.name, c.zh, c.en, *c.aliases):
            table.setdefault(norm_key(word), c.name)
    return table


def label(name: str, lang: str) -> str:
    c = COLUMN_BY_NAME.get(name)
    if c is None:
        return name
    return c.text.get(lang)


def columns_markdown() -> str:
    """The column reference page (docs/columns.md), generated from this table so it never drifts."""
    lines = [
        "# Input columns · 输入列",
        "",
        "Generated from `screening/columns.py` by `screening columns docs`; do not edit by hand.",
        "由 `screening columns docs` 根据 `screening/columns.py` 生成，请勿手工修改。",
        "",
        "Headers match case-, width- and space-insensitively on the canonical name, either label or any alias.",
        "表头匹配不区分大小写、全半角和空格，可用规范名、中英文名称或任一别名。",
        "",
    ]
    for table, title in (
        ("projects", "Project sheet · 项目表"),
        ("countries", "Country sheet · 国家表（一国一策）"),
    ):
        lines += [
            f"## {title}",
            "",
            "| column | 中文 | English | kind | required | aliases | note |",
            "|---|---|---|---|---|---|---|",
        ]
        for c in COLUMNS:
            if c.table != table:
                continue
            kind = f"code ({c.codes})" if c.kind == "code" else c.kind
            note = " / ".join(x for x in (c.note_en, c.note_zh) if x)
            lines.append(
                f"| `{c.name}` | {c.zh} | {c.en} | {kind} | {'yes 必填' if c.required else ''} | "
                f"{', '.join(c.aliases)} | {note} |"
            )
        lines.append("")
    lines += ["## Code lists · 代码表", ""]
    for cl in CODE_LISTS.values():
        lines += [f"### `{cl.name}`", "", "| code | 中文 | English | aliases |", "|---|---|---|---|"]
        lines += [f"| `{c.code}` | {c.zh} | {c.en} | {', '.join(c.aliases)} |" for c in cl.codes]
        if cl.fallback:
            lines.append(
                f"\nAn unknown word reads as `{cl.fallback}` with a data issue. 未知取值按“{cl.fallback}”处理并记为数据问题。"
            )
        lines.append("")
    lines += [
        "## Reserved output columns · 工具保留列",
        "",
        "Never read back as input data: " + ", ".join(f"`{r}`" for r in RESERVED),
        "",
        "Nor is a column of the criteria set's classifiers and indices (e.g. its traffic light and IPF indices).",
        "评价标准中分类标签与指数的列（如红绿灯、IPF指数）同样不作为输入数据读回。",
        "",
    ]
    return "\n".join(lines)
