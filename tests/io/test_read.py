from __future__ import annotations

import io
import zipfile

import pytest
from conftest import BASE_RECORD, write_xlsx

from screening.io.read import read_input
from screening.model import InputError

REQ = ["project_id", "project_name", "country", "sector", "total_investment_usd_m"]


def test_header_found_under_title_rows_and_row_numbers_are_true(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        REQ,
        [["A1", "x", "Kenya", "energy", 10], ["A2", "y", "Chad", "water", 5]],
        title_rows=3,
    )
    inp = read_input(path)
    assert inp.projects.header_row == 4
    assert list(inp.projects.source_rows) == [5, 6]


def test_project_sheet_found_by_headers_not_position(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "notes"
    wb.active.append(["This workbook lists projects"])
    ws = wb.create_sheet("data")
    ws.append(REQ)
    ws.append(["A1", "x", "Kenya", "energy", 10])
    wb.save(tmp_path / "t.xlsx")
    assert read_input(tmp_path / "t.xlsx").projects.sheet == "data"


def test_chinese_headers_and_case_space_insensitive_matching(tmp_path):
    headers = ["项目编号", "项目名称", "国家", "行业", "总投资（百万美元）", " Energy  Source ", "备注"]
    path = write_xlsx(
        tmp_path / "zh.xlsx", headers, [["Z1", "鲁班工坊", "泰国", "教育培训", "1,200", "solar", "n"]]
    )
    inp = read_input(path)
    cols = list(inp.projects.frame.columns)
    assert cols[:6] == [*REQ, "energy_source"]
    assert "备注" in cols  # unknown columns are kept


def test_missing_required_column_names_it_and_its_aliases(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", REQ[:4], [["A1", "x", "Kenya", "energy"]])
    with pytest.raises(InputError) as err:
        read_input(path)
    assert "total_investment_usd_m" in err.value.en and "总投资（百万美元）" in err.value.en
    assert "总投资" in err.value.zh


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "cp1252"])
def test_csv_encodings_detected(tmp_path, encoding):
    name = "Café São Tomé" if encoding == "cp1252" else "鲁班工坊 Luban"
    header = "项目编号,项目名称,国家,行业,总投资（百万美元）" if encoding != "cp1252" else ",".join(REQ)
    text = f"{header}\nC1,{name},Kenya,education,12\n"
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode(encoding))
    inp = read_input(path)
    assert inp.projects.frame["project_name"].iloc[0] == name
    assert list(inp.projects.source_rows) == [2]


def test_countries_sheet_is_found_and_kept_separate(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        REQ,
        [["A1", "x", "Kenya", "energy", 10]],
        countries=(["country", "debt_distress_risk", "fta_with_china"], [["Kenya", "high", "no"]]),
    )
    inp = read_input(path)
    assert inp.countries is not None and inp.countries.sheet == "countries"


@pytest.mark.parametrize(
    ("payload", "name", "fragment"),
    [
        (b"", "empty.xlsx", "empty"),
        (b"\x00\x01\x02 random bytes", "r.xlsx", "not a workbook"),
        (b"just some text", "t.xlsx", "not a workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
    ],
)
def test_unreadable_files_get_one_line_messages(tmp_path, payload, name, fragment):
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(InputError) as err:
        read_input(path)
    assert fragment in err.value.en
    assert "\n" not in err.value.en and err.value.zh


def test_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_input(buf.getvalue(), name="x.xlsx")


def test_workbook_declaring_entities_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", REQ, [list(BASE_RECORD.values())])
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>' + data
            zf.writestr(info, data)
    with pytest.raises(InputError, match="DTD or entities"):
        read_input(out.getvalue(), name="bomb.xlsx")


def test_decompression_bomb_refused_before_parsing(tmp_path):
    from screening.limits import override

    path = write_xlsx(tmp_path / "t.xlsx", REQ, [list(BASE_RECORD.values())] * 50)
    with override(MAX_UNCOMPRESSED_BYTES=1000), pytest.raises(InputError, match="decompression bomb"):
        read_input(path)  # the real limit is 1 GB


def test_no_project_sheet(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", ["a", "b"], [[1, 2]])
    with pytest.raises(InputError, match="No project sheet"):
        read_input(path)
