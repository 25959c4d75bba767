"""Project groups (issue 14, item 2): records of one project recognised by their links or their titles,
joined by union-find, never flagged as duplicates of each other, and never read by a score."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from conftest import AIDDATA

from screening.criteria.models import DuplicateCheck
from screening.pipeline import run
from screening.stages.duplicates import duplicate_pairs
from screening.stages.groups import group_columns, id_list, linked_ids, title_key


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        (
            "China Eximbank provides $66.783 million buyer’s credit loan for Section A4 of the Colombo-Katunayake "
            "Expressway (CKE) Project (Linked to Project ID#71664, #71667, and #71670)",
            ["71664", "71667", "71670"],
        ),
        ("Road (Linked to Project ID#53100, and ID#56791)", ["53100", "56791"]),
        ("Road (Linked to Project ID #9, #10)", ["9", "10"]),
        ("Road (Linked to Project ID#9, 10, and 11)", ["9", "10", "11"]),
        ("Road (Linked to Project ID#9 & #10)", ["9", "10"]),
        ("Road (Linked to Project ID#9, #10, and#11)", ["9", "10", "11"]),
        ("Road (linked to #32113, #32195)", ["32113", "32195"]),
        ("Road (Linked to Projects #5, #6).", ["5", "6"]),
        ("Road (Linked to Project ID9, #10)", ["9", "10"]),
        ("Road (Linked to {Project ID#7)", ["7"]),
        ("Road (Linked to Project ID#9) (CDB V)", ["9"]),
        ("Road (Linked to Project ID#9 and #10) [BRI]", ["9", "10"]),
        # prose that says "linked to" names no id
        ("A port linked to the construction of 3 roads", []),
        ("Plain title", []),
        (None, []),
    ],
)
def test_linked_ids_read_aiddata_wording(text, ids) -> None:  # noqa: ANN001
    assert linked_ids(text) == ids


def test_a_linked_project_id_cell_may_hold_several_ids() -> None:
    assert id_list("#71664, #71667 and 71670") == ["71664", "71667", "71670"]
    assert id_list("P-001; P-002") == ["P-001", "P-002"]
    assert id_list(71664.0) == ["71664"]
    assert id_list(None) == [] and id_list(float("nan")) == []


def test_titles_minus_tranche_words_and_amounts_are_equal() -> None:
    same = [
        (
            "Phase II of Dehkanabad Potash Fertilizer Plant Project",
            "Dehkanabad Potash Fertilizer Plant Project",
        ),
        ("Lamu deep-water port Phase I", "Lamu deep-water port Phase II"),
        ("Second phase of the Lomé bypass", "Lomé bypass, phase 3"),
        (
            "China Eximbank provides $70.042 million buyer’s credit loan for Section A1 of the Colombo-Katunayake "
            "Expressway (CKE) Project (Linked to Project ID#71667)",
            "China Eximbank provides $66.783 million buyer’s credit loan for Section A4 of the Colombo-Katunayake "
            "Expressway (CKE) Project (Linked to Project ID#71664, #71667, and #71670)",
        ),
        (
            "Bank of China loan (Tranche A) for Kozjak Hydropower Plant",
            "Bank of China loan (Tranche B) for Kozjak Hydropower Plant",
        ),
        ("Lot 1 of Neshe Dam", "Lot 2 of Neshe Dam"),
        ("RMB 1.5 billion loan for Abidjan water", "RMB 605.5 million loan for Abidjan water"),
        ("瓜达尔港一期工程", "瓜达尔港二期"),
        ("铁路第三标段", "铁路第1标段"),
    ]
    for a, b in same:
        assert title_key(a) == title_key(b) != "", (a, b)
    different = [
        ("Nam Ngum 1 Hydropower", "Nam Ngum 2 Hydropower"),  # a number that is not next to a tranche word
        ("2x660 MW coal plant", "2x350 MW coal plant"),
        ("Omo Kuraz 2 Sugar Factory", "Omo Kuraz 3 Sugar Factory"),
        ("工期项目", "项目"),  # 期 after no numeral is not a tranche word
    ]
    for a, b in different:
        assert title_key(a) != title_key(b), (a, b)


def _frame(rows: list[tuple[str, str, str, float, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["project_id", "project_name", "country", "total_investment_usd_m", "linked_project_id"]
    )


def test_groups_are_the_connected_components_of_the_links() -> None:
    frame = _frame(
        [
            ("30", "Road A (Linked to Project ID#20)", "KEN", 10.0, None),
            ("20", "Road B", "KEN", 5.0, None),
            ("10", "Bridge", "KEN", 1.0, "20"),  # via the cell: 10–20–30 is one chain
            ("40", "Dam (Linked to Project ID#99)", "KEN", 2.0, None),  # 99 is not in the file …
            ("41", "Canal", "KEN", 3.0, "#99"),  # … but names the same project as 40
            ("50", "School", "KEN", 7.0, None),
        ]
    )
    g = group_columns(frame)
    assert g["project_group"].fillna("").tolist() == ["10", "10", "10", "40", "40", ""]
    assert g["project_group_size"].tolist() == [3, 3, 3, 2, 2, 1]
    assert g["project_group_total_usd_m"].tolist() == [16.0, 16.0, 16.0, 5.0, 5.0, 7.0]
    # the order of the rows changes nothing
    shuffled = group_columns(frame.iloc[::-1].reset_index(drop=True))
    assert shuffled["project_group"].fillna("").tolist() == g["project_group"].fillna("").tolist()[::-1]


def test_titles_group_within_a_country_and_identical_titles_stay_apart() -> None:
    frame = _frame(
        [
            ("A1", "Port Phase I", "KEN", 1.0, None),
            ("A2", "Port Phase II", "KEN", 2.0, None),
            ("B1", "Port Phase III", "TZA", 4.0, None),  # another country: another project
            ("C1", "Clinic", "KEN", 1.0, None),  # the same title twice: one project entered twice?
            ("C2", "Clinic", "KEN", 1.0, None),  # left to the duplicate check, not grouped
        ]
    )
    g = group_columns(frame)
    assert g["project_group"].fillna("").tolist() == ["A1", "A1", "", "", ""]


def test_no_duplicate_flag_between_members_of_one_group() -> None:
    frame = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "country": ["KEN"] * 3,
            "sector": ["transport"] * 3,
            "subsector": ["port"] * 3,
            "project_name": ["Lamu port Phase I", "Lamu port Phase II", "Lamu port Phase 2"],
            "lead_enterprise": ["A", "B", "C"],
        }
    )
    phases = DuplicateCheck(same=["country", "sector"], similar=["project_name"], threshold=0.5)
    herd = DuplicateCheck(same=["country", "sector", "subsector"], different=["lead_enterprise"], min_group=3)
    assert duplicate_pairs(frame, phases) == [(0, 1), (0, 2), (1, 2)]  # without groups: all pairs
    assert len(duplicate_pairs(frame, herd)) == 3
    grouped = frame.assign(project_group=["P1", "P1", None])  # P3 is not in the group
    assert duplicate_pairs(grouped, phases) == [(0, 2), (1, 2)]
    assert duplicate_pairs(grouped, herd) == [(0, 2), (1, 2)]


CSV_HEAD = (
    "project_id,project_name,country,sector,total_investment_usd_m,direct_beneficiaries,linked_project_id\n"
)


def _run(rows: str):  # noqa: ANN202
    return run(io.BytesIO((CSV_HEAD + rows).encode()).getvalue(), name="groups.csv")


def test_adding_a_tranche_changes_no_other_members_score() -> None:
    base = (
        "P1,Lamu port Phase I,Kenya,transport,300,5000,\nP2,Lamu port Phase II,Kenya,transport,200,80000,\n"
    )
    before = _run(base)
    after = _run(base + "P3,Lamu port Phase III,Kenya,transport,900,1000,P1\n")
    a = before.ranked.set_index("project_id")
    b = after.ranked.set_index("project_id")
    assert a.loc["P1", "project_group_size"] == 2 and b.loc["P1", "project_group_size"] == 3
    assert b.loc["P1", "project_group_total_usd_m"] == 1400
    for pid in ("P1", "P2"):
        for col in ("score", "tier", "track", "completeness"):
            assert a.loc[pid, col] == b.loc[pid, col], (pid, col)
    np.testing.assert_array_equal(
        before.pm.points[list(before.pm.project_ids).index("P2")],
        after.pm.points[list(after.pm.project_ids).index("P2")],
    )


def test_the_ranking_frame_and_the_records_carry_the_group() -> None:
    from screening.report import ranking_frame

    res = _run(
        "P1,Port Phase I,Kenya,transport,300,,\nP2,Port Phase II,Kenya,transport,200,,\nP3,Clinic,Kenya,health,2,,\n"
    )
    frame = ranking_frame(res).set_index("project_id")
    assert frame.loc["P2", "project_group"] == "P1" and frame.loc["P2", "project_group_total_usd_m"] == 500
    assert pd.isna(frame.loc["P3", "project_group"]) and frame.loc["P3", "project_group_size"] == 1
    rec = res.records.set_index("project_id")
    assert rec.loc["P1", "project_group"] == "P1"


@pytest.mark.skipif(not AIDDATA.exists(), reason="AidData extract not present")
def test_every_link_in_the_aiddata_extract_joins_its_records() -> None:
    from screening.io.mapping import load_mapping

    res = run(AIDDATA, mapping=load_mapping("aiddata-gcdf3"))
    rec = res.records[res.records["outcome"] != "invalid"].set_index("project_id")
    group = rec["project_group"]
    joined = 0
    for pid, title in rec["project_name"].items():
        for other in linked_ids(title):
            if other in rec.index and other != pid:
                assert group[pid] == group[other] and isinstance(group[pid], str), (pid, other)
                joined += 1
    assert joined > 300  # the extract links hundreds of its own records
    # no duplicate flag between two members of one group
    dup = res.hits[res.hits["id"].isin(["phases_of_one_project", "herd_investment"])]
    for pid, partners in zip(dup["project_id"], dup["partners"], strict=True):
        for other in str(partners).split(", "):
            g = group.get(pid)
            assert not (isinstance(g, str) and g == group.get(other)), (pid, other)
