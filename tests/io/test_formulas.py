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


def _sheet_with(tmp_path, cells: bytes):
    import zipfile

    wb = Workbook()
    wb.active.title = "projects"
    wb.active.append(["x"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    out = tmp_path / "s2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b'<row r="2">' + cells + b"</row></sheetData>")
            dst.writestr(info, body)
    return out.read_bytes()


def test_a_self_closed_cell_does_not_borrow_the_next_cells_formula(tmp_path):
    data = _sheet_with(tmp_path, b'<c r="A2" s="1"/><c r="B2"><f>1+1</f></c>')
    assert uncached_formulas(data, "projects") == ["B2"]


def test_the_sheet_is_read_in_pieces_and_no_cell_is_split(tmp_path, monkeypatch):
    """Pieces of a few bytes cut the XML everywhere: every formula cell is still found, once, in order."""
    import screening.io.formulas as formulas

    cells = b"".join(
        (b'<c r="A%d"><f>%d+1</f></c>' % (i, i))
        if i % 3 == 0
        else (b'<c r="A%d" t="inlineStr"><is><t>long text %d</t></is></c>' % (i, i))
        for i in range(2, 60)
    )
    data = _sheet_with(tmp_path, cells)
    whole = uncached_formulas(data, "projects")
    assert whole == [f"A{i}" for i in range(2, 60) if i % 3 == 0][: formulas.MAX_REPORTED]
    for size in (7, 13, 64, 101):
        monkeypatch.setattr(formulas, "CHUNK_BYTES", size)
        assert uncached_formulas(data, "projects") == whole, size
