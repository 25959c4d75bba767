from __future__ import annotations

from openpyxl import Workbook

from screening.io.formulas import uncached_formulas


def test_formulas_without_cached_values_are_found(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(["project_id", "total_investment_usd_m"])
    ws.append(["A", "=10*2"])  # openpyxl stores the formula and no result
    ws.append(["B", 30])
    wb.create_sheet("other").append(["=1+1"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    data = path.read_bytes()
    assert uncached_formulas(data, "projects") == ["B2"]
    assert uncached_formulas(data, "other") == ["A1"]
    assert uncached_formulas(data, "missing") == []


def test_cached_values_are_fine(tmp_path):
    # A hand-made sheet part with a formula and its cached value, as Excel saves it.
    import zipfile

    wb = Workbook()
    wb.active.title = "projects"
    wb.active.append(["x"])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    out = tmp_path / "c2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"</sheetData>", b'<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row></sheetData>'
                )
            dst.writestr(info, body)
    assert uncached_formulas(out.read_bytes(), "projects") == []
