"""One palette: the app's chart colours and the workbook's fills come from screening.i18n.palette."""

from __future__ import annotations

import re

import pytest
from code_scan import ROOT

from screening.i18n import palette
from screening.i18n.palette import LIGHT, TIER, TIER_ORDER, argb, fill, ink

# A colour written in place: "#rrggbb" anywhere, or a bare "RRGGBB" given to a colour argument.
HEX = re.compile(
    r"""["']#[0-9A-Fa-f]{3,6}["']|(?:color|fgColor|bgColor|stroke|fill)\s*=\s*["'][0-9A-Fa-f]{6}["']"""
)


def test_every_tier_and_light_has_a_colour() -> None:
    assert set(TIER) == set(TIER_ORDER)
    assert set(LIGHT) == {"green", "yellow", "red"}


def test_fills_are_light_and_inks_dark_versions_of_the_same_colour() -> None:
    def rgb(c: str) -> tuple[int, ...]:
        return tuple(int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))

    for colour in [*TIER.values(), *LIGHT.values()]:
        base, light, dark = rgb(colour), rgb(fill(colour)), rgb(ink(colour))
        assert sum(light) > sum(base) > sum(dark)
        assert max(range(3), key=lambda i: base[i]) == max(range(3), key=lambda i: dark[i])  # same hue leads
    assert argb("#1F4E78") == "1F4E78"


@pytest.mark.parametrize(
    "module",
    [
        "screening/present/charts.py",
        "screening/present/labels.py",
        "screening/present/filters.py",
        "screening/present/tables.py",
        "screening/io/export.py",
    ],
)
def test_no_colour_literals_outside_the_palette(module: str) -> None:
    source = (ROOT / module).read_text(encoding="utf-8")
    assert HEX.findall(source) == [], module
    assert HEX.findall('color="C00000"') and HEX.findall("stroke='#333'")  # the check can fail


def test_the_app_and_the_workbook_use_the_palette() -> None:
    from screening.criteria.loader import load_criteria
    from screening.io import export
    from screening.present import charts

    scale = charts._tier_scale("en", load_criteria())
    assert scale.range == [TIER[x] for x in TIER_ORDER]
    assert export.TIER_COLOURS == {k: (argb(fill(v)), argb(ink(v))) for k, v in TIER.items()}
    assert export.LIGHT_COLOURS == {k: (argb(fill(v)), argb(ink(v))) for k, v in LIGHT.items()}
    assert export.HEADER_FILL.fgColor.rgb.endswith(argb(palette.NAVY))
