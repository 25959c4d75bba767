"""Text starting with ``=`` is stored as text in every sheet of the exported workbook (DESIGN.md contract 6).

openpyxl turns any string that starts with ``=`` into a formula unless the cell's ``data_type`` is ``"s"``.
The input file's name (``=cmd.csv``), criteria texts (title, dimension labels, ids) and record values
(``project_name``, an extra input column and its header) all reach the workbook; none may become a formula, and the text is kept exactly (no added
apostrophe). Checked on the Summary and Audit sheets (written cell by cell) and on the table sheets
(Ranking, a track view, Excluded, Criteria), through both table body writers: the raw row stream
(``screening.export.FAST_ROWS = True``) and openpyxl's own cells (``False``), and under both of openpyxl's
XML writers (et_xmlfile, and lxml when installed). Control characters are removed and counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from conftest import rec, write_csv

import screening.export as export
from screening.criteria import load_criteria, load_criteria_data
from screening.export import workbook_bytes, write_workbook
from screening.pipeline import run

NAME = "=cmd.csv"
TITLE = "=HYPERLINK(\"http://evil.example\",\"criteria\")"
DIM_LABEL = "=1+2 dimension"
GATE_LABEL = "=SUM(A1:A9) gambling"
PROJECT = '=HYPERLINK("http://example.com","click")'
CONTROL = "bell\x07and\x1bescape"
EXTRA = "=extra column"          # an input column the tool does not know: carried under its own header


def _criteria():
    """The default criteria set with ``=`` texts in its title, a dimension label and a gate label."""
    data = load_criteria().model_dump(by_alias=True, exclude_none=True)
    data["title"] = {"en": TITLE, "zh": TITLE}
    data["dimensions"][0]["label"] = {"en": DIM_LABEL, "zh": DIM_LABEL}
    data["gates"][0]["label"] = {"en": GATE_LABEL, "zh": GATE_LABEL}
    return load_criteria_data(data, "<formula test>")


def make_result(folder: Path):
    path = write_csv(folder / "in.csv", [
        rec("F1", project_name=PROJECT, description=CONTROL, **{EXTRA: "=extra()"}),
        rec("F2", project_name="=2*3", lead_enterprise="=A1"),
        rec("X1", project_name="=casino() Grand casino resort", sector="tourism"),   # excluded
        rec("F3", project_name="Plain name"),
    ])
    return run(path.read_bytes(), name=NAME, criteria=_criteria())


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return make_result(tmp_path_factory.mktemp("f"))


# openpyxl streams a sheet through et_xmlfile, or through lxml when lxml is installed; the raw row stream
# (FAST_ROWS) only writes into et_xmlfile's stream and falls back to openpyxl cells under lxml. So that the
# raw stream is tested whatever is installed, one variant exports in a child process with openpyxl's lxml
# use switched off (OPENPYXL_LXML=False), and checks that the raw stream really wrote the bodies.
CHILD = """
import sys
from pathlib import Path
sys.path[:0] = {path!r}
import openpyxl.xml
assert not openpyxl.xml.LXML
import screening.export as export
calls = []
real = export._Block.write
def write(self, xf, first):
    calls.append(callable(getattr(xf, "_file", None)))
    return real(self, xf, first)
export._Block.write = write
export.FAST_ROWS = True
import test_item6_export_formula_text as t
result = t.make_result(Path({folder!r}))
for lang in ("en", "zh"):
    Path({folder!r}, lang + ".xlsx").write_bytes(export.workbook_bytes(result, lang))
print(sum(calls), all(calls))
"""


def _export_in_child(folder: Path) -> dict[str, bytes]:
    code = CHILD.format(path=[str(Path(__file__).parent), *sys.path], folder=str(folder))
    env = {**os.environ, "OPENPYXL_LXML": "False"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    blocks, raw = proc.stdout.split()
    assert int(blocks) > 0 and raw == "True", "the raw row stream did not write the table bodies"
    return {lang: (folder / f"{lang}.xlsx").read_bytes() for lang in ("en", "zh")}


def _formula_cells(wb: openpyxl.Workbook, title: str) -> list[str]:
    return [f"{c.coordinate}={c.value!r}" for row in wb[title].iter_rows() for c in row if c.data_type == "f"]


def _texts(wb: openpyxl.Workbook, title: str) -> set[str]:
    return {c.value for row in wb[title].iter_rows() for c in row if isinstance(c.value, str)}


def _no_formula_xml(data: bytes) -> None:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = zf.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name


@pytest.fixture(params=["fast_rows", "openpyxl_cells", "fast_rows_et_xmlfile"])
def exported(request, result, monkeypatch, tmp_path):
    """The workbook (bytes, and loaded with openpyxl) written by each table body writer, in each language."""
    if request.param == "fast_rows_et_xmlfile":
        if not openpyxl.xml.LXML:
            pytest.skip("openpyxl uses et_xmlfile here already: the fast_rows variant is the raw row stream")
        data = _export_in_child(tmp_path)
        return {lang: (b, openpyxl.load_workbook(BytesIO(b))) for lang, b in data.items()}
    monkeypatch.setattr(export, "FAST_ROWS", request.param == "fast_rows")
    out = {}
    for lang in ("en", "zh"):
        b = workbook_bytes(result, lang)
        out[lang] = (b, openpyxl.load_workbook(BytesIO(b)))
    return out


def test_result_carries_the_formula_like_texts(result):
    assert result.input.name == NAME
    assert result.criteria.title.en == TITLE
    assert set(result.excluded["project_id"]) == {"X1"}
    assert PROJECT in set(result.ranked["project_name"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_and_audit_store_equals_text_as_text(exported, lang):
    _, wb = exported[lang]
    summary, audit = wb.sheetnames[0], wb.sheetnames[-1]
    assert (summary, audit) == (("Summary", "Audit") if lang == "en" else ("概要", "审计信息"))
    for title in (summary, audit):
        assert _formula_cells(wb, title) == [], title
    audit_rows = {r[0]: r[1] for r in wb[audit].iter_rows(values_only=True) if r and len(r) > 1 and r[0]}
    assert audit_rows["input_file"] == NAME                       # kept exactly, no apostrophe
    summary_texts = _texts(wb, summary)
    assert DIM_LABEL in summary_texts
    assert any(t.startswith(TITLE) for t in summary_texts)       # "<title> — <id> <version>" and the made line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_sheets_store_equals_text_as_text(exported, lang):
    data, wb = exported[lang]
    for title in wb.sheetnames:
        assert _formula_cells(wb, title) == [], title
    ranking = wb.sheetnames[1]
    texts = _texts(wb, ranking)
    assert {PROJECT, "=2*3", "=A1", EXTRA, "=extra()"} <= texts
    header = [c.value for c in wb[ranking][1]]
    name_col = header.index("project_name" if lang == "en" else "项目名称") + 1
    cell = next(c for c in wb[ranking].iter_rows(min_row=2, min_col=name_col, max_col=name_col) if c[0].value == PROJECT)
    assert cell[0].data_type == "s"
    # The track view (a second table written by the same body writer) and the Excluded sheet.
    track_sheet = result_track_title(wb, lang)
    assert PROJECT in _texts(wb, track_sheet)
    excluded = wb.sheetnames[wb.sheetnames.index("Excluded" if lang == "en" else "排除项目")]
    assert "=casino() Grand casino resort" in _texts(wb, excluded)
    criteria_sheet = "Criteria" if lang == "en" else "评价标准"
    assert {DIM_LABEL, GATE_LABEL} <= _texts(wb, criteria_sheet)
    _no_formula_xml(data)


def result_track_title(wb: openpyxl.Workbook, lang: str) -> str:
    label = next(t.label.get(lang) for t in load_criteria().tracks if t.id == "standard")
    return next(t for t in wb.sheetnames if t == label[:31].strip())


@pytest.mark.parametrize("fast", [True, False], ids=["fast_rows", "openpyxl_cells"])
def test_control_characters_removed_in_tables_and_counted(result, monkeypatch, tmp_path, fast):
    monkeypatch.setattr(export, "FAST_ROWS", fast)
    out = tmp_path / "c.xlsx"
    stats = write_workbook(result, out, "en")
    wb = openpyxl.load_workbook(out)
    header = [c.value for c in wb["Ranking"][1]]
    rows = {r[0]: r for r in wb["Ranking"].iter_rows(min_row=2, values_only=True)}
    assert rows["F1"][header.index("description")] == "bellandescape"
    assert stats["control_characters_removed"] >= 2
    audit = {r[0]: r[1] for r in wb["Audit"].iter_rows(values_only=True) if r and len(r) > 1 and r[0]}
    assert audit["control_characters_removed"] == stats["control_characters_removed"]
