"""Formula cells without a cached value: python-calamine reads them as empty, so say so.

A workbook written by a program that never calculated it (or saved with calculation off) holds formulas and
no results. The reader cannot evaluate formulas, so such a cell reads blank; this module finds them so that
the user is told which cells to recalculate (open in Excel, save) rather than seeing unexplained blanks.
"""

from __future__ import annotations

import io
import re
import zipfile

from screening.io.safety import sheet_parts

# A cell with a formula and either no <v> or an empty one.
_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+[0-9]+)"[^>]*>(.*?)</c>', re.S)


MAX_REPORTED = 50


def uncached_formulas(data: bytes, sheet: str) -> list[str]:
    """Cell references (e.g. ``B7``) in ``sheet`` holding a formula without a cached value."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            part = sheet_parts(zf).get(sheet)
            if part is None:
                return []
            xml = zf.read(part)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, EOFError):
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
