"""Formula cells without a cached value: python-calamine reads them as empty, so say so.

A workbook written by a program that never calculated it (or saved with calculation off) holds formulas and
no results. The reader cannot evaluate formulas, so such a cell reads blank; this module finds them so that
the user is told which cells to recalculate (open in Excel, save) rather than seeing unexplained blanks.
"""

from __future__ import annotations

import io
import re
import zipfile
from posixpath import join, normpath

from defusedxml import ElementTree

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


# A cell with a formula and either no <v> or an empty one.
_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+[0-9]+)"[^>]*>(.*?)</c>', re.S)


MAX_REPORTED = 50


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part path inside the archive."""
    wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for sheet in wb.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        target = targets.get(rid)
        if target:
            out[sheet.get("name", "")] = (
                normpath(target.lstrip("/")) if target.startswith("/") else normpath(join("xl", target))
            )
    return out


def uncached_formulas(data: bytes, sheet: str) -> list[str]:
    """Cell references (e.g. ``B7``) in ``sheet`` holding a formula without a cached value."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            part = _sheet_parts(zf).get(sheet)
            if part is None:
                return []
            xml = zf.read(part)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return []
    if b"<f" not in xml:
        return []
    found = []
    for ref, body in _CELL.findall(xml):
        if b"<f" in body and (b"<v" not in body or re.search(rb"<v\s*/>|<v>\s*</v>", body)):
            found.append(ref.decode())
            if len(found) >= MAX_REPORTED:
                break
    return found
