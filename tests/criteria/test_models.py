from __future__ import annotations

import textwrap

import pytest

from screening.criteria.loader import load_criteria, load_criteria_bytes
from screening.criteria.models import CriteriaError

MINI = textwrap.dedent("""
    id: mini
    version: "1"
    title: {zh: 测试, en: Test}
    sources: {p: {cite: paper}}
    tracks: [{id: standard, label: {zh: 常规, en: Standard}}]
    dimensions:
      - id: d
        label: {zh: 维度, en: Dim}
        weight: 1
        criteria:
          - id: c
            label: {zh: 指标, en: Crit}
            scorer: {kind: linear, field: local_jobs, anchors: [[0, 0], [100, 100]]}
            source: p
    tiers: [{id: deferred, min_score: 0, label: {zh: 暂缓, en: Deferred}}]
""")


def load(text: str):
    return load_criteria_bytes(text.encode(), "test.yaml")


def test_mini_loads():
    cs = load(MINI)
    assert cs.id == "mini" and [c.id for _, c in cs.criteria] == ["c"]


def test_default_criteria_load():
    cs = load_criteria()
    assert cs.dimensions and cs.gates and cs.flags


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("weight: 1", "weight: 1\n    colour: red"), "dimensions.0.colour: unknown key"),
        (("field: local_jobs", "field: local_jobz"), "unknown column 'local_jobz'"),
        (("source: p", "source: nowhere"), "unknown source 'nowhere'"),
        (("weight: 1", "weight: -3"), "dimensions.0.weight"),
        (("[[0, 0], [100, 100]]", "[[100, 0], [0, 100]]"), "anchor x values must increase"),
        (("kind: linear", "kind: eval"), "dimensions.0.criteria.0.scorer"),
    ],
)
def test_errors_name_file_path_and_fix(change, expected):
    old, new = change
    with pytest.raises(CriteriaError) as err:
        load(MINI.replace(old, new, 1))
    assert "test.yaml" in str(err.value)
    assert expected in str(err.value)


def test_unknown_rule_kind_is_rejected():
    text = MINI.replace(
        "tracks: [{id: standard,",
        "tracks: [{id: flagship, label: {zh: 旗舰, en: F}, when: {python: '1'}}, {id: standard,",
    )
    with pytest.raises(CriteriaError, match="not a known rule"):
        load(text)


def test_yaml_is_safe_loaded():
    with pytest.raises(CriteriaError, match="not valid YAML"):
        load("!!python/object/apply:os.system ['echo hacked']")


def test_with_weights_revalidates():
    cs = load(MINI)
    assert cs.with_weights({"d": 5}).dimensions[0].weight == 5
    with pytest.raises(CriteriaError):
        cs.with_weights({"d": -1})


ROLES = textwrap.dedent("""
    classifiers:
      - {id: light, label: {zh: 灯, en: Light}, cases: [], default: green, source: p, role: traffic_light}
      - {id: other, label: {zh: 其他, en: Other}, cases: [], default: x, source: p}
    indices:
      - {id: se, label: {zh: 社, en: SE}, criteria: {c: 1}, source: p, role: ipf_social_environmental}
      - {id: fe, label: {zh: 财, en: FE}, criteria: {c: 1}, source: p, role: ipf_financial_economic}
    flags:
      - id: twins
        label: {zh: 重复, en: Twins}
        duplicates: {same: [country], similar: [project_name]}
        reason: {zh: 重复, en: Twins}
        source: p
        role: duplicates
""")


def test_roles_name_what_the_code_needs_whatever_the_ids():
    from screening.criteria.models import ClassifierRole, FlagRole, IndexRole

    cs = load(MINI + ROLES)
    assert cs.classifier_by_role(ClassifierRole.TRAFFIC_LIGHT).id == "light"
    assert cs.index_by_role(IndexRole.IPF_SOCIAL_ENVIRONMENTAL).id == "se"
    assert cs.index_by_role(IndexRole.IPF_FINANCIAL_ECONOMIC).id == "fe"
    assert cs.flag_by_role(FlagRole.DUPLICATES).id == "twins"
    assert cs.output_columns() == ["light", "other", "se", "fe"]
    assert load(MINI).classifier_by_role(ClassifierRole.TRAFFIC_LIGHT) is None  # roles are optional
    again = cs.with_weights({"d": 2})  # dumps and reloads the roles
    assert again.classifier_by_role(ClassifierRole.TRAFFIC_LIGHT).id == "light"
    default = load_criteria()
    assert default.classifier_by_role(ClassifierRole.TRAFFIC_LIGHT) is not None
    assert default.index_by_role(IndexRole.IPF_FINANCIAL_ECONOMIC) is not None
    assert default.flag_by_role(FlagRole.DUPLICATES) is not None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("default: x, source: p}", "default: x, source: p, role: traffic_light}"),
            "classifiers.1.role: role 'traffic_light' is already given to classifiers.0 ('light'); a role may be used once",
        ),
        (
            ("role: ipf_financial_economic", "role: ipf_social_environmental"),
            "indices.1.role: role 'ipf_social_environmental' is already given to indices.0 ('se')",
        ),
        (("role: traffic_light", "role: duplicates"), "classifiers.0.role"),  # a flag's role on a classifier
        (("role: ipf_social_environmental", "role: traffic_light"), "indices.0.role"),
    ],
)
def test_a_role_is_used_once_and_only_where_it_belongs(change, expected):
    with pytest.raises(CriteriaError) as err:
        load(MINI + ROLES.replace(*change))
    assert expected in str(err.value)


def test_the_duplicates_role_needs_a_duplicates_check():
    bad = MINI + textwrap.dedent("""
        flags:
          - {id: f, label: {zh: 标, en: F}, when: {field: local_jobs, missing: true}, reason: {zh: 理, en: R},
             source: p, role: duplicates}
    """)
    with pytest.raises(CriteriaError, match="duplicates check"):
        load(bad)


def test_code_finds_criteria_by_role_not_by_id():
    """Criteria ids live in criteria files: the code names roles (criteria/models.py holds their vocabulary)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    ids = re.compile(
        r'"traffic_light"|ipf_social|ipf_financial|duplicate_construction|field_type|five_connectivities'
    )
    files = [*(root / "screening").rglob("*.py"), root / "app.py", *(root / "app_pages").glob("*.py")]
    hits = [
        f"{p.relative_to(root)}:{n}"
        for p in files
        if p.name != "models.py" or p.parent.name != "criteria"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if ids.search(line)
    ]
    assert hits == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_criteria_columns_are_tool_columns_on_re_import(tmp_path, lang):
    """The workbook names a criteria set's columns by the set (id, or Chinese label) and lists them in its
    Audit row ``tool_columns``; loading the workbook again drops them, never reads them as input."""
    from conftest import SAMPLES

    from screening.io.export import write_workbook
    from screening.pipeline import run

    result = run(SAMPLES / "sample_projects.xlsx")
    out = tmp_path / f"ranked_{lang}.xlsx"
    write_workbook(result, out, lang)
    again = run(out)
    cs = result.criteria
    headers = {c.id: c.label.get(lang) if lang == "zh" else c.id for c in [*cs.classifiers, *cs.indices]}
    leaked = [c for c in again.validated.input_columns if c in headers or c in headers.values()]
    assert leaked == [] and again.counts() == result.counts()


# ---- the committee brief's tables: conditions (flag → condition) and the approval path

BRIEF_FLAG = textwrap.dedent("""
    flags:
      - id: f1
        label: {zh: 提示, en: Flag}
        when: {field: local_jobs, lt: 1}
        reason: {zh: 原因, en: Reason}
        source: p
""")


def _with(extra: str) -> str:
    return MINI + BRIEF_FLAG + textwrap.dedent(extra)


CONDITION = """
    conditions:
      - flag: {flag}
        condition: {{zh: 条件, en: Condition}}
        source: {source}
"""


def test_a_condition_names_a_flag_and_a_source_of_the_file():
    cs = load(_with(CONDITION.format(flag="f1", source="p")))
    assert [(c.flag, c.condition.en, c.source) for c in cs.conditions] == [("f1", "Condition", "p")]


def test_a_condition_on_an_unknown_flag_is_refused():
    with pytest.raises(CriteriaError, match=r"conditions\.0\.flag: unknown flag 'nope'"):
        load(_with(CONDITION.format(flag="nope", source="p")))


def test_a_condition_with_an_unknown_source_is_refused():
    with pytest.raises(CriteriaError, match=r"conditions\.0\.source: unknown source 'nowhere'"):
        load(_with(CONDITION.format(flag="f1", source="nowhere")))


def test_a_condition_needs_its_text_in_both_languages():
    with pytest.raises(CriteriaError, match="conditions"):
        load(
            _with(
                CONDITION.format(flag="f1", source="p").replace(
                    "{zh: 条件, en: Condition}", "{en: Condition}"
                )
            )
        )


APPROVAL = """
    approval:
      source: p
      approval_section: Art. 13
      filing_section: Art. 14
      scope_section: Art. 2
      sensitive_flags: [{flag}]
      sensitive_country_field: {country}
      enterprise_field: enterprise_type
      central_or_local_codes: [{code}]
      amount_fields: [total_investment_usd_m]
      threshold_usd_m: 300
"""


def test_the_approval_path_loads_when_every_name_exists():
    cs = load(_with(APPROVAL.format(flag="f1", country="sensitive_country", code="soe")))
    assert cs.approval is not None and cs.approval.threshold_usd_m == 300


@pytest.mark.parametrize(
    ("flag", "country", "code", "message"),
    [
        ("nope", "sensitive_country", "soe", r"approval\.sensitive_flags: unknown flag 'nope'"),
        ("f1", "no_such_column", "soe", r"approval: unknown column 'no_such_column'"),
        (
            "f1",
            "sensitive_country",
            "central",
            r"approval: unknown code 'central' of column 'enterprise_type'",
        ),
    ],
)
def test_the_approval_path_refuses_unknown_names(flag, country, code, message):
    with pytest.raises(CriteriaError, match=message):
        load(_with(APPROVAL.format(flag=flag, country=country, code=code)))


def test_the_default_file_gives_every_sensitive_flag_a_condition_and_a_cited_threshold():
    cs = load_criteria()
    assert cs.approval is not None
    conditioned = {c.flag for c in cs.conditions}
    assert set(cs.approval.sensitive_flags) <= conditioned
    assert cs.sources[cs.approval.source].year == 2017
    flag_ids = {f.id for f in cs.flags}
    assert conditioned <= flag_ids | {g.id for g in cs.gates if g.flag_when is not None}
