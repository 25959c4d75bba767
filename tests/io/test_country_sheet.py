"""The shipped country sheet: every value sourced, read like a user's sheet, joined under the user's values."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib

import numpy as np
import openpyxl
import pytest
from conftest import BASE_RECORD, rec

from screening import pipeline
from screening.io.country_sheet import COUNTRY_SHEET_DIR, SOURCE_SUFFIX, load_shipped
from screening.io.export import write_workbook
from screening.io.read import read_input
from screening.stages.validate import validate
from screening.vocab.columns import COLUMN_BY_NAME, COUNTRY_COLUMNS
from screening.vocab.countries import UN_MEMBERS

COUNTRY_NAMES = [c.name for c in COUNTRY_COLUMNS]


def _rows(name: str) -> list[dict[str, str]]:
    with open(COUNTRY_SHEET_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _date_ok(text: str) -> bool:
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            dt.datetime.strptime(text, fmt)
            return True
        except ValueError:
            pass
    return False


def test_loader_reads_the_shipped_sheet():
    shipped = load_shipped()
    frame = shipped.table.frame
    assert len(frame) == len(_rows("countries.csv")) > 100
    assert frame["country"].is_unique and set(frame["country"]) <= set(UN_MEMBERS) - {"CHN"}
    assert set(frame.columns) - {"country"} <= set(COUNTRY_NAMES)
    raw = (
        (COUNTRY_SHEET_DIR / "countries.csv").read_bytes()
        + b"\0"
        + (COUNTRY_SHEET_DIR / "sources.csv").read_bytes()
    )
    assert shipped.sha256 == hashlib.sha256(raw).hexdigest()
    assert shipped.as_of == max(r["as_of"] for r in _rows("sources.csv"))


def test_every_value_has_a_listed_source_with_url_and_date():
    sources = {r["source_id"]: r for r in _rows("sources.csv")}
    assert len(sources) == len(_rows("sources.csv"))  # ids unique
    for s in sources.values():
        assert s["url"].startswith(("http://", "https://")), s["source_id"]
        assert _date_ok(s["as_of"]), s["source_id"]
        assert s["title"] and s["licence"] and s["retrieved_via"], s["source_id"]
    used: set[str] = set()
    for row in _rows("countries.csv"):
        for name in COUNTRY_NAMES:
            if name not in row:
                continue
            value, sid = row[name], row[name + SOURCE_SUFFIX]
            if value:
                assert sid in sources, (row["country"], name, sid)
                used.add(sid)
            else:
                assert not sid, (row["country"], name, "a source id without a value")
    assert used == set(sources)  # no source listed that no value uses


def test_wgi_values_have_their_year_and_the_wgi_licence():
    sources = {r["source_id"]: r for r in _rows("sources.csv")}
    for row in _rows("countries.csv"):
        if row["political_stability"]:
            assert row["political_stability_year"], row["country"]
            assert "CC BY 4.0" in sources[row["political_stability_source"]]["licence"]
        if row["debt_distress_risk"]:
            assert row["debt_distress_risk_as_of"], row["country"]
    readme = (COUNTRY_SHEET_DIR / "README.md").read_text(encoding="utf-8")
    for sid in sources:
        assert f"`{sid}`" in readme, sid


def _all_countries_input():
    iso = list(load_shipped().table.frame["country"])
    body = "project_id,project_name,country,sector,total_investment_usd_m\n" + "".join(
        f"P{i},Road {i},{c},transport,10\n" for i, c in enumerate(iso)
    )
    return iso, read_input(body.encode(), name="projects.csv")


def test_every_shipped_value_reads_cleanly_and_reaches_the_records():
    iso, inp = _all_countries_input()
    val = validate(inp, shipped=load_shipped())
    assert val.issues.empty  # no value of the shipped sheet fails the checks a user's sheet goes through
    rows = {r["country"]: r for r in _rows("countries.csv")}
    records = val.records.set_index("country")
    for c in iso:
        got = records.loc[c]
        want = rows[c]
        if want["political_stability"]:
            assert got["political_stability"] == pytest.approx(float(want["political_stability"]))
        else:
            assert np.isnan(got["political_stability"])
        assert (got["debt_distress_risk"] or "") == want["debt_distress_risk"]
        want_fta = {"yes": True, "no": False, "": None}[want["fta_with_china"]]
        assert got["fta_with_china"] == want_fta
    sources = val.country_sources
    assert set(sources["country"]) <= set(iso)
    assert not sources["source_id"].str.startswith("input:").any()
    assert (sources["as_of"] != "").all() and (sources["url"] != "").all()
    assert val.country_sheet_sha256 == load_shipped().sha256


def test_without_the_shipped_sheet_nothing_is_filled():
    _, inp = _all_countries_input()
    val = validate(inp)
    assert val.records["political_stability"].isna().all()
    assert val.records["debt_distress_risk"].isna().all()
    assert val.country_sources.empty and val.country_sheet_sha256 is None


def _shipped_value(iso: str, name: str) -> str:
    return next(r for r in _rows("countries.csv") if r["country"] == iso)[name]


def test_user_values_win_cell_by_cell(xlsx):
    assert _shipped_value("KEN", "political_stability") and _shipped_value("KEN", "debt_distress_risk")
    assert _shipped_value("BOL", "debt_distress_risk") == ""  # unreadable in the source: not assessed
    path = xlsx(
        [rec("K1", country="Kenya"), rec("B1", country="Bolivia"), rec("E1", country="Ethiopia")],
        countries=(
            ["country", "political_stability", "debt_distress_risk", "fta_with_china"],
            [["Kenya", 0.5, None, None], ["Bolivia", None, None, "yes"]],
        ),
    )
    val = validate(read_input(path), shipped=load_shipped())
    r = val.records.set_index("project_id")
    assert r.at["K1", "political_stability"] == 0.5  # the user's value
    assert r.at["K1", "debt_distress_risk"] == _shipped_value("KEN", "debt_distress_risk")  # shipped fills
    assert r.at["K1", "fta_with_china"] is (_shipped_value("KEN", "fta_with_china") == "yes")
    assert r.at["B1", "fta_with_china"] is True  # the user's value over the shipped "no"
    assert _shipped_value("BOL", "fta_with_china") == "no"
    assert r.at["B1", "debt_distress_risk"] == "not_rated"  # listed by the user, rated by nobody
    assert r.at["E1", "political_stability"] == pytest.approx(
        float(_shipped_value("ETH", "political_stability"))
    )
    src = val.country_sources.set_index(["country", "column"])["source_id"]
    assert src[("KEN", "political_stability")] == "input:countries"
    assert src[("KEN", "debt_distress_risk")] == _shipped_value("KEN", "debt_distress_risk" + SOURCE_SUFFIX)
    assert src[("ETH", "political_stability")] == "wgi-2021"


def test_project_sheet_country_columns_reach_the_country_context(xlsx):
    path = xlsx(
        [
            rec("K1", country="Kenya", bri_cooperation_document="yes", bit_in_force_year=2001),
            rec("K2", country="Kenya", bri_cooperation_document="yes"),
            rec("E1", country="Ethiopia", bri_cooperation_document="yes"),
            rec("E2", country="Ethiopia", bri_cooperation_document="no"),
        ]
    )
    for shipped in (None, load_shipped()):
        val = validate(read_input(path), shipped=shipped)
        r = val.records.set_index("project_id")
        assert (
            r.at["K1", "bri_cooperation_document"] is True and r.at["K2", "bri_cooperation_document"] is True
        )
        assert r.at["K2", "bit_in_force_year"] == 2001  # one project gives it, none disagrees: the country's
        # Ethiopia's projects disagree: not taken (the shipped sheet has no BRI value for Ethiopia either)
        assert _shipped_value("ETH", "bri_cooperation_document") == ""
        assert (
            r.at["E1", "bri_cooperation_document"] is None and r.at["E2", "bri_cooperation_document"] is None
        )
        conflict = val.issues[val.issues["message_en"].str.contains("projects of one country give different")]
        assert len(conflict) == 1 and "ETH" in conflict.iloc[0]["message_en"]
        assert conflict.iloc[0]["column"] == "bri_cooperation_document"
        assert (conflict["severity"] == "data").all()
        src = val.country_sources.set_index(["country", "column"])["source_id"]
        assert src[("KEN", "bri_cooperation_document")] == "input:projects"


def test_a_countries_sheet_value_wins_over_the_project_sheet(xlsx):
    path = xlsx(
        [rec("K1", country="Kenya", political_stability=0.1)],
        countries=(["country", "political_stability"], [["Kenya", -0.3]]),
    )
    val = validate(read_input(path), shipped=load_shipped())
    assert val.records.at[0, "political_stability"] == -0.3


def _audit(result, tmp_path) -> dict[str, object]:
    out = tmp_path / "out.xlsx"
    write_workbook(result, out)
    ws = openpyxl.load_workbook(out, read_only=True)["Audit"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if len(r) > 1 and r[0]}


def test_audit_records_the_country_sheet_version(tmp_path):
    body = ",".join(BASE_RECORD) + "\n" + ",".join(str(v) for v in BASE_RECORD.values()) + "\n"
    on = pipeline.run(body.encode(), name="one.csv")
    audit = _audit(on, tmp_path)
    assert str(audit["country_sheet"]).startswith("shipped")
    assert audit["country_sheet_sha256"] == load_shipped().sha256
    assert audit["country_sheet_as_of"] == load_shipped().as_of
    off = pipeline.run(body.encode(), name="one.csv", country_sheet=False)
    assert _audit(off, tmp_path)["country_sheet"] == "not used"
    assert COLUMN_BY_NAME["political_stability"].table == "countries"
    assert on.records.at[0, "political_stability"] == pytest.approx(
        float(_shipped_value("KEN", "political_stability"))
    )
    assert np.isnan(off.records.at[0, "political_stability"])


def test_cli_turns_the_country_sheet_off(tmp_path):
    import subprocess
    import sys

    src = tmp_path / "one.csv"
    src.write_text(",".join(BASE_RECORD) + "\n" + ",".join(str(v) for v in BASE_RECORD.values()) + "\n")
    said = {}
    for flag in ("--no-country-sheet",):  # the default (on) is checked through pipeline.run above
        out = tmp_path / f"{flag}.xlsx"
        p = subprocess.run(
            [sys.executable, "-m", "screening.cli", "score", str(src), "--out", str(out), flag],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert p.returncode == 0, p.stderr
        ws = openpyxl.load_workbook(out, read_only=True)["Audit"]
        said[flag] = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if len(r) > 1 and r[0]}[
            "country_sheet"
        ]
    assert said["--no-country-sheet"] == "not used"


def test_a_shipped_year_never_dates_a_value_the_user_gave(xlsx):
    assert _shipped_value("PER", "bri_cooperation_document") == "yes"
    assert _shipped_value("PER", "bri_cooperation_document_year") == "2019"
    path = xlsx(
        [rec("P1", country="Peru"), rec("P2", country="Kenya")],
        countries=(["country", "bri_cooperation_document", "political_stability"], [["Peru", "no", 0.2]]),
    )
    val = validate(read_input(path), shipped=load_shipped())
    r = val.records.set_index("project_id")
    assert r.at["P1", "bri_cooperation_document"] is False
    assert np.isnan(r.at["P1", "bri_cooperation_document_year"])  # not the shipped 2019
    assert np.isnan(
        r.at["P1", "political_stability_year"]
    )  # the user's index, of a year the user did not say
    assert r.at["P2", "political_stability_year"] == 2020  # shipped value and its shipped year
