"""The shipped mappings on files in their layouts: the AidData extract, the full GCDF 3.0 layout (real rows, a
few fields cut, tests/fixtures/README.md) and the CGIT layout (invented rows); and the format's docs."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from conftest import AIDDATA, ROOT

from screening import pipeline
from screening.io.mapping import ColumnRule, Mapping, builtin_mappings, load_mapping
from screening.io.read import read_input
from screening.stages.validate import validate

FIXTURES = ROOT / "tests" / "fixtures"
GCDF_FULL = FIXTURES / "aiddata_gcdf3_full_sample.csv"
CGIT = FIXTURES / "cgit_layout_invented.csv"


def data_rows(path: Path, encoding: str = "utf-8", skip: int = 0) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))[skip + 1 :]


def test_the_extract_through_aiddata_gcdf3_accounts_for_all_961_rows():
    counts = pipeline.run(AIDDATA, mapping=load_mapping("aiddata-gcdf3")).counts()
    assert counts["records"] == 961 == len(data_rows(AIDDATA))
    assert counts["ranked"] + counts["excluded"] + counts["invalid"] == 961
    assert counts["ranked"] > 900


def test_full_gcdf3_layout_has_126_columns_and_reads_through_its_mapping():
    with GCDF_FULL.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert len(header) == 126 and {"Interest Rate", "Maturity", "Grace Period", "Collateral"} <= set(header)
    v = validate(read_input(GCDF_FULL, mapping=load_mapping("aiddata-gcdf3-full")))
    r = v.records.set_index("project_id")
    assert len(r) == len(data_rows(GCDF_FULL))
    assert r.loc["88899", "country"] == "BRA" and r.loc["88899", "sector"] == "manufacturing"
    assert r.loc["88899", "total_investment_usd_m"] == 54.4924873939338  # constant 2021 USD → USD million
    assert r.loc["88899", "start_year"] == 2016
    # First implementing agency "Other Private Sector" (a second one's type never decides).
    assert r.loc["88899", "enterprise_type"] == "private"
    assert r.loc["89653", "status"] == "under_construction"
    # the loan terms reach the canonical columns inference reads; Flow Class is carried, not read as concessional
    assert r.loc["88899", "maturity_years"] == 14 and r.loc["96203", "flow_class"] == "OOF-like"
    assert r.loc["96203", "collateralised"] == True  # noqa: E712
    assert (r["amount_basis"] == "financing_committed").all()
    assert not v.valid[r.index.get_loc("96082")]  # a donation of unknown value: no amount, invalid
    extras = set(v.extra_columns)
    assert {
        "Commitment Year",
        "AidData Parent ID",
        "Grant Element (IMF)",
    } <= extras


def test_full_gcdf3_status_pipeline_words_by_prefix(tmp_path):
    with GCDF_FULL.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    status = rows[0].index("Status")
    rows[1][status], rows[3][status] = "Pipeline: Pledge", "Pipeline: Commitment"
    path = tmp_path / "gcdf.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    got = read_input(path, mapping=load_mapping("aiddata-gcdf3-full")).projects.frame["status"].tolist()
    assert got[0] == got[2] == "planned"


def test_cgit_scores_with_no_edit_of_the_file_every_row_accounted(tmp_path):
    out = tmp_path / "cgit.xlsx"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "screening.cli",
            "score",
            str(CGIT),
            "--mapping",
            "aei-cgit",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr
    rows = data_rows(CGIT, encoding="cp1252", skip=4)
    assert f"{len(rows)} records" in p.stdout
    result = pipeline.run(CGIT, mapping=load_mapping("aei-cgit"))
    c = result.counts()
    assert c["records"] == len(rows) and c["ranked"] + c["excluded"] + c["invalid"] == len(rows)
    assert c["ranked"] >= 5


def test_cgit_ids_come_from_content_and_names_from_columns():
    v = validate(read_input(CGIT, mapping=load_mapping("aei-cgit")))
    rec = v.records
    assert rec["project_id"].str.startswith("CGIT-").all()
    assert rec.loc[0, "project_name"] == (
        "Example Power Construction (invented) – Électricité Exemple (invented) – Hydro – Laos"
    )  # Windows-1252 read
    assert rec.loc[0, "total_investment_usd_m"] == 1740.0  # " $1,740 " in USD million
    assert rec.loc[1, "total_investment_usd_m"] == 500.0  # " $<tab>500 "
    assert rec.loc[0, "energy_source"] == "hydro" and rec.loc[6, "sector"] == "oil_gas"
    assert rec.loc[2, "sector"] == "mining" and rec.loc[2, "financing_purpose"] == "new_build"
    # The last row repeats the second in every column: one id, both reported; "$n/a" is no amount.
    assert rec.loc[1, "project_id"] == rec.loc[8, "project_id"]
    assert [i for i, ok in enumerate(v.valid) if not ok] == [1, 7, 8]
    assert "BRI" in v.extra_columns  # country-level: carried, never put on a project column


def test_cgit_ids_do_not_change_when_the_file_is_re_sorted(tmp_path):
    raw = CGIT.read_bytes().decode("cp1252").splitlines(keepends=True)
    resorted = tmp_path / "resorted.csv"
    resorted.write_bytes(("".join(raw[:5] + raw[5:][::-1])).encode("cp1252"))
    m = load_mapping("aei-cgit")
    a = read_input(CGIT, mapping=m).projects.frame
    b = read_input(resorted, mapping=m).projects.frame
    assert dict(zip(a["project_name"], a["project_id"], strict=False)) == dict(
        zip(b["project_name"], b["project_id"], strict=False)
    )


def test_every_shipped_mapping_is_valid_and_documented():
    doc = (ROOT / "docs" / "mappings.md").read_text(encoding="utf-8")
    for name in builtin_mappings():
        assert isinstance(load_mapping(name), Mapping)
        assert f"`{name}`" in doc
    keys = [f.alias or k for k, f in ColumnRule.model_fields.items()] + list(Mapping.model_fields)
    missing = [k for k in keys if f"`{k}`" not in doc]
    assert not missing, f"docs/mappings.md does not explain: {missing}"


def test_the_apps_header_table_keeps_joins_built_ids_and_shared_sources():
    from screening import present

    m = load_mapping("aei-cgit")
    inp = read_input(CGIT, mapping=m)
    table = present.header_table(inp, m)
    assert "project_id" not in set(table["canonical"])  # built from content, no header to show
    again = present.mapping_from_table(table, m)
    assert again.columns["project_id"] == m.columns["project_id"]
    assert again.columns["project_name"] == m.columns["project_name"]
    # "Subsector" feeds both subsector and energy_source: both survive an edit round trip.
    assert again.columns["subsector"].from_ == again.columns["energy_source"].from_ == "Subsector"
    assert again.columns["energy_source"] == m.columns["energy_source"]
    a = pipeline.run(CGIT, mapping=m).counts()
    assert pipeline.run(CGIT, mapping=again).counts() == a
