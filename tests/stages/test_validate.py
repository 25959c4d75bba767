from __future__ import annotations

import numpy as np
from conftest import BASE_RECORD

from screening.io.read import read_input
from screening.stages.validate import validate


def _validate(xlsx, records, **kw):
    return validate(read_input(xlsx(records, **kw)))


def rec(**over):
    return {**BASE_RECORD, **over}


def test_invalid_only_for_contract_reasons(xlsx):
    v = _validate(
        xlsx,
        [
            rec(project_id="OK1"),
            rec(project_id=None),  # blank id
            rec(project_id="D"),
            rec(project_id="D"),  # shared id: both invalid
            rec(project_id="M1", country=None),  # required missing
            rec(project_id="M2", total_investment_usd_m="abc"),
            rec(project_id="M3", total_investment_usd_m=-5),
            rec(project_id="U1", country="Atlantis"),
            rec(project_id="OPT", private_capital_share="140%", esia_completed="maybe", sector="widgets"),
        ],
    )
    ids = v.records["project_id"].tolist()
    valid = dict(zip(ids, v.valid, strict=False))
    assert valid["OK1"] and valid["OPT"]
    assert not any(valid[k] for k in ("M1", "M2", "M3", "U1"))
    assert v.valid.tolist().count(False) == 7
    opt = v.records[v.records["project_id"] == "OPT"].iloc[0]
    assert (
        np.isnan(opt["private_capital_share"]) and opt["esia_completed"] is None and opt["sector"] == "other"
    )
    data_issues = v.issues[(v.issues["project_id"] == "OPT") & (v.issues["severity"] == "data")]
    assert set(data_issues["column"]) == {"private_capital_share", "esia_completed", "sector"}


def test_problems_name_sheet_row_column_value_and_message(xlsx):
    v = _validate(
        xlsx, [rec(project_id="A"), rec(project_id="B", total_investment_usd_m="abc")], title_rows=2
    )
    issue = v.issues[v.issues["project_id"] == "B"].iloc[0]
    assert issue["source_sheet"] == "projects"
    assert issue["source_row"] == 5  # two title rows, header on row 3, B is the second record
    assert issue["column"] == "total_investment_usd_m" and issue["value"] == "abc"
    assert "not a number" in issue["message_en"] and "不是数字" in issue["message_zh"]


def test_coercions_applied(xlsx):
    v = _validate(
        xlsx,
        [
            rec(
                total_investment_usd_m="1.2亿",
                local_employment_share="45%",
                country="越南",
                livelihood_focus="是",
                hard_connectivity="strong",
                firr_pct="８%",
            )
        ],
    )
    r = v.records.iloc[0]
    assert r["total_investment_usd_m"] == 120.0 and r["local_employment_share"] == 0.45
    assert r["country"] == "VNM" and r["livelihood_focus"] is True and r["hard_connectivity"] == 3.0
    assert r["firr_pct"] == 8.0


def test_country_sheet_joined_and_blank_debt_rating_is_not_rated(xlsx):
    v = _validate(
        xlsx,
        [
            rec(project_id="A", country="Kenya"),
            rec(project_id="B", country="Laos"),
            rec(project_id="C", country="Chad"),
        ],
        countries=(
            ["country", "debt_distress_risk", "bit_in_force_year"],
            [["KEN", "high", 2001], ["老挝", None, 1993]],
        ),
    )
    r = v.records.set_index("project_id")
    assert r.loc["A", "debt_distress_risk"] == "high" and r.loc["A", "bit_in_force_year"] == 2001
    assert r.loc["B", "debt_distress_risk"] == "not_rated"
    assert r.loc["C", "debt_distress_risk"] is None  # no country row: not assessed


def test_unknown_columns_carried(xlsx):
    v = _validate(xlsx, [rec(internal_ref="X-9")])
    assert "internal_ref" in v.extra_columns and v.records["internal_ref"].iloc[0] == "X-9"


def test_messages_come_from_the_catalogue_in_both_languages(xlsx):
    from screening.i18n import Text, text

    v = _validate(
        xlsx,
        [
            rec(project_id="A"),
            rec(project_id="A"),
            rec(project_id="B", country=None),
            rec(project_id="C", total_investment_usd_m=-5),
        ],
    )
    by = {(r.project_id, r.column): (r.message_en, r.message_zh) for r in v.issues.itertuples()}
    shared = set(zip(v.issues["message_en"], v.issues["message_zh"], strict=True))
    assert ("project_id is shared with row(s) 3", "项目编号与第 3 行重复") in shared
    assert ("project_id is shared with row(s) 2", "项目编号与第 2 行重复") in shared
    assert by[("B", "country")] == (
        text("val_required_blank", column=Text(zh="国家", en="country")).en,
        "必填字段“国家”为空",
    )
    assert by[("C", "total_investment_usd_m")] == ("below the minimum 0", "低于下限 0")
    assert not any("|" in m for m in v.issues["message_en"].tolist() + v.issues["message_zh"].tolist())


def test_a_criteria_sets_output_columns_are_never_input(xlsx):
    from screening.criteria.loader import load_criteria

    cs = load_criteria()
    records = [rec(project_id="A", **{cs.output_columns()[0]: "green", "my_column": 1})]
    plain = _validate(xlsx, records)
    assert "my_column" in plain.input_columns
    told = validate(read_input(xlsx(records)), cs)
    assert cs.output_columns()[0] not in told.input_columns and "my_column" in told.input_columns
