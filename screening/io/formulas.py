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

# A cell (never a self-closed one, which holds nothing) and its body; a formula cell has <f> in its body.
_CELL = re.compile(rb'<c\b[^>/]*\br="([A-Z]+[0-9]+)"[^>/]*>(.*?)</c>', re.S)
_EMPTY_V = re.compile(rb"<v\s*/>|<v>\s*</v>")

MAX_REPORTED = 50
CHUNK_BYTES = (
    1 << 22
)  # why: the sheet's XML is read in pieces of 4 MiB, never whole (100k rows ≈ 0.8 GB of XML)


def uncached_formulas(data: bytes, sheet: str) -> list[str]:
    """Cell references (e.g. ``B7``) in ``sheet`` holding a formula without a cached value (at most
    ``MAX_REPORTED``). The sheet's XML is streamed from the zip in pieces, each cut before the last cell that
    starts in it, so no cell is split and the memory needed is one piece, whatever the sheet's size."""
    found: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            part = sheet_parts(zf).get(sheet)
            if part is None:
                return []
            with zf.open(part) as fh:
                carry = b""
                while len(found) < MAX_REPORTED:
                    piece = fh.read(CHUNK_BYTES)
                    buf = carry + piece
                    cut = len(buf) if not piece else max(buf.rfind(b"<c ", 1), buf.rfind(b"<c>", 1), 0)
                    whole, carry = buf[:cut], buf[cut:]
                    if b"<f" in whole:
                        found.extend(_uncached(whole))
                    if not piece:
                        break
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, EOFError):
        return found[:MAX_REPORTED]
    return found[:MAX_REPORTED]


def _uncached(xml: bytes) -> list[str]:
    return [
        ref.decode()
        for ref, body in _CELL.findall(xml)
        if b"<f" in body and (b"<v" not in body or _EMPTY_V.search(body))
    ]
