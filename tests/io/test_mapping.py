from __future__ import annotations

import pytest
from conftest import AIDDATA, write_xlsx

from screening.io.mapping import MappingError, load_mapping, mapping_from_headers, mapping_yaml
from screening.io.read import read_input
from screening.stages.validate import validate


def test_aiddata_mapping_converts_units_sectors_and_status():
    v = validate(read_input(AIDDATA, mapping=load_mapping("aiddata-gcdf3")))
    r = v.records.set_index("project_id")
    first = r.loc["71672"]  # Colombo-Katunayake Expressway section A4
    assert first["country"] == "LKA" and first["sector"] == "transport" and first["status"] == "completed"
    assert 60 < first["total_investment_usd_m"] < 120  # constant 2021 USD → USD million
    assert set(r["status"].dropna()) <= {"planned", "under_construction", "completed"}
    assert "Financier Country" in v.extra_columns  # unmapped source columns are carried


def test_user_mapping_file_by_path(tmp_path):
    src = write_xlsx(
        tmp_path / "theirs.xlsx",
        ["Ref", "Title", "Nation", "Field", "Cost (USD)", "Phase"],
        [["R1", "Bridge", "Kenya", "Roads", 25_000_000, "idea"]],
    )
    mp = tmp_path / "m.yaml"
    mp.write_text(
        "id: theirs\ncolumns:\n  project_id: {from: Ref}\n  project_name: {from: Title}\n  country: {from: Nation}\n"
        "  sector: {from: Field, values: {Roads: transport}, default: other}\n"
        "  total_investment_usd_m: {from: Cost (USD), scale: 0.000001}\n"
        "  status: {from: Phase, values: {idea: planned}}\n",
        encoding="utf-8",
    )
    v = validate(read_input(src, mapping=load_mapping(mp)))
    rec = v.records.iloc[0]
    assert v.valid.all()
    assert (rec["project_id"], rec["sector"], rec["total_investment_usd_m"], rec["status"]) == (
        "R1",
        "transport",
        25.0,
        "planned",
    )


def test_bad_mappings_are_explained(tmp_path):
    with pytest.raises(MappingError, match="not found"):
        load_mapping("no-such-mapping")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ncolumns:\n  nonsense_col: {from: A}\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not a standard column"):
        load_mapping(bad)


def test_mapping_from_edited_headers_round_trips_through_yaml(tmp_path):
    m = mapping_from_headers({"Ref": "project_id", "Title": "project_name", "Ignored": ""})
    path = tmp_path / "saved.yaml"
    path.write_text(mapping_yaml(m), encoding="utf-8")
    again = load_mapping(path)
    assert {k: v.from_ for k, v in again.columns.items()} == {"project_id": "Ref", "project_name": "Title"}


def test_xlsm_is_read_like_xlsx(tmp_path):
    src = write_xlsx(
        tmp_path / "macro.xlsx",
        ["project_id", "project_name", "country", "sector", "total_investment_usd_m"],
        [["M1", "x", "Kenya", "energy", 5]],
    )
    xlsm = tmp_path / "macro.xlsm"
    xlsm.write_bytes(src.read_bytes())
    assert read_input(xlsm).projects.frame["project_id"].tolist() == ["M1"]
