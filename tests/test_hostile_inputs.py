"""Hostile and odd inputs (issue 7): a one-line message in the user's language, never a traceback or a hang."""

from __future__ import annotations

import datetime as dt
import io
import struct
import subprocess
import sys
import zipfile

import pytest
from conftest import BASE_RECORD, write_xlsx
from openpyxl import Workbook

from screening.io.read import read_input
from screening.model import InputError
from screening.pipeline import run

REQ = list(BASE_RECORD)


def _declare_huge(data: bytes, size: int = 5_000_000_000 % (1 << 32)) -> bytes:
    """Rewrite every central-directory entry to declare ``size`` uncompressed bytes (a bomb's signature)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        out[pos + 24 : pos + 28] = struct.pack("<I", size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def _workbook_bytes(tmp_path) -> bytes:
    return write_xlsx(tmp_path / "ok.xlsx", REQ, [list(BASE_RECORD.values())]).read_bytes()


def test_declared_decompression_bomb_refused_before_parsing(tmp_path):
    bomb = _declare_huge(_workbook_bytes(tmp_path))
    with pytest.raises(InputError) as err:
        read_input(bomb, name="bomb.xlsx")
    assert "decompression bomb" in err.value.en and "压缩炸弹" in err.value.zh


def test_billion_laughs_refused(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}'.encode()
            + b"&lol;" * 9
            + b'">'
            for i in range(1, 10)
        )
        + b"]><worksheet>&lol9;</worksheet>"
    )
    src = zipfile.ZipFile(io.BytesIO(_workbook_bytes(tmp_path)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            zf.writestr(info, laughs if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    with pytest.raises(InputError, match="DTD or entities"):
        read_input(buf.getvalue(), name="laughs.xlsx")


def test_encrypted_or_old_xls_says_what_to_do():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(InputError) as err:
        read_input(ole, name="secret.xlsx")
    assert "password" in err.value.en and "save it as .xlsx" in err.value.en and "另存为" in err.value.zh


def test_duplicate_and_blank_headers_are_kept_and_reported(tmp_path):
    path = write_xlsx(
        tmp_path / "h.xlsx", [*REQ, "sector", "", "note"], [[*BASE_RECORD.values(), "mining", "x", "y"]]
    )
    result = run(path)
    assert result.counts()["ranked"] == 1
    messages = " ".join(result.issues["message_en"])
    assert "repeats 'sector'" in messages and "has no header" in messages
    assert result.records["sector"].iloc[0] == "energy"  # the first one is used


def test_merged_header_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Project register 项目登记", None, None, None, None])
    ws.merge_cells("A1:E1")
    ws.append(REQ)
    ws.append(list(BASE_RECORD.values()))
    ws.append(["P2", "Bridge", "Chad", "transport", None])
    ws.merge_cells("E3:E4")  # a merged data cell: the second reads blank
    path = tmp_path / "m.xlsx"
    wb.save(path)
    result = run(path)
    assert result.counts() == {"records": 2, "ranked": 1, "excluded": 0, "invalid": 1}
    assert result.input.projects.header_row == 2


def test_formulas_in_data_cells_use_cached_values_and_say_when_there_are_none(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(REQ)
    ws.append(["F1", "x", "Kenya", "energy", "=20*2"])  # openpyxl saves no cached value
    path = tmp_path / "f.xlsx"
    wb.save(path)
    result = run(path)
    issue = result.issues[result.issues["project_id"] == "F1"]
    assert result.counts()["invalid"] == 1
    assert any("formula" in m.lower() and "E2" in m for m in result.issues["message_en"]), issue


def test_dates_and_years_in_mixed_formats(tmp_path):
    rows = [
        ["D1", "a", "Kenya", "energy", 10, dt.datetime(2019, 5, 1)],
        ["D2", "b", "Kenya", "energy", 10, "2020年"],
        ["D3", "c", "Kenya", "energy", 10, "2021-03"],
        ["D4", "d", "Kenya", "energy", 10, 2022],
        ["D5", "e", "Kenya", "energy", 10, "soon"],
    ]
    result = run(write_xlsx(tmp_path / "d.xlsx", [*REQ, "start_year"], rows))
    years = result.records.set_index("project_id")["start_year"]
    assert years[["D1", "D2", "D3", "D4"]].tolist() == [2019, 2020, 2021, 2022]
    assert result.counts()["ranked"] == 5  # a bad optional cell never invalidates


def test_very_long_text_survives_to_the_workbook(tmp_path):
    from screening.io.export import workbook_bytes

    path = tmp_path / "long.csv"
    path.write_text(
        ",".join([*REQ, "description"]) + "\nL1,x,Kenya,energy,10," + "长" * 100_000 + "\n", encoding="utf-8"
    )
    data = workbook_bytes(run(path))
    assert len(data) > 1000


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_nothing_readable_exits_1_without_traceback(tmp_path, lang):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_declare_huge(_workbook_bytes(tmp_path)))
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "screening.cli",
            "score",
            str(bomb),
            "--out",
            str(tmp_path / "o.xlsx"),
            "--lang",
            lang,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert ("压缩炸弹" if lang == "zh" else "decompression bomb") in p.stderr
