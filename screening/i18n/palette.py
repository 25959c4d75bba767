"""The one colour palette, shared by the app's charts (:mod:`screening.present.charts`) and the workbook's
cell fills (:mod:`screening.io.export`); it imports nothing, so the workbook writer never loads the app layer.

The colours are the app's (saturated, told apart on a white chart). A workbook cell cannot carry a
saturated fill behind dark text, so the writer uses :func:`fill` (a light tint of the same colour) as the
background and :func:`ink` (a darker shade of it) as the text: a tier reads as the same colour in both.
Colours are ``#rrggbb``; :func:`argb` gives openpyxl's ``RRGGBB``.
"""

from __future__ import annotations

TIER_ORDER: tuple[str, ...] = ("priority", "recommended", "conditional", "deferred", "insufficient_data")


TIER: dict[str, str] = {
    "priority": "#1a7f37",
    "recommended": "#4c9be8",
    "conditional": "#e3a008",
    "deferred": "#d1495b",
    "insufficient_data": "#9aa0a6",
}


LIGHT: dict[str, str] = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}  # traffic-light values


NAVY = "#1F4E78"  # headers (workbook) and medians / lines (charts)


SLATE = "#8a9bb0"  # box-plot whiskers and outlines


MIST = "#dfe6ef"  # box-plot boxes


BAR = "#4c78a8"  # neutral bars


MUTED = "#b8c0c8"  # not chosen


INK = "#333333"  # outlines and labels on charts


BLACK = "#111111"  # the one mark that must stand out (a current rank)


GRID = "#666666"  # reference lines


WHITE = "#FFFFFF"  # text on the workbook's navy header cells


NOTE = "#595959"  # the workbook's italic notes


SCORE_BAR = "#5B9BD5"  # the workbook's data bar on the total score


DIMENSION_BAR = "#A9D08E"  # the workbook's data bars on dimension scores


FLAG_FILL = "#FFF2CC"  # a workbook row with a review flag


ALERT = "#C00000"  # a workbook value below its line (completeness under 50 %)


STABLE = TIER["priority"]  # robustness verdicts


SENSITIVE = TIER["conditional"]


HIGHLIGHT = TIER["deferred"]  # the one line to look at (a median tick, a cut, a frontier)


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(255.0, max(0.0, c))):02X}" for c in rgb)


def fill(colour: str, strength: float = 0.25) -> str:
    """A light tint of ``colour`` (``strength`` of the colour over white): a cell background."""
    return _hex(tuple(255 - (255 - c) * strength for c in _rgb(colour)))  # type: ignore[arg-type]


def ink(colour: str, depth: float = 0.6) -> str:
    """A darker shade of ``colour`` (``depth`` of its brightness): text on :func:`fill`."""
    return _hex(tuple(c * depth for c in _rgb(colour)))  # type: ignore[arg-type]


def argb(colour: str) -> str:
    """``#rrggbb`` → ``RRGGBB`` (openpyxl's colour strings)."""
    return colour.lstrip("#").upper()
