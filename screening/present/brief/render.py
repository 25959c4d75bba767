"""HTML of a committee brief: the facts of :mod:`screening.present.brief.facts` laid out by Jinja2 templates
kept as package data (``templates/``). Autoescaped: the record's text is text, never markup. The contribution
chart is drawn in the HTML itself (CSS bars), so no browser or script is needed and two renders are equal."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from screening.present.brief.facts import PortfolioBrief, ProjectBrief


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("screening.present.brief", "templates"),
        autoescape=select_autoescape(["html", "css"], default=True),
        undefined=StrictUndefined,  # a missing fact is an error, never the word "None" on the page
        trim_blocks=True,
        lstrip_blocks=True,
    )


DENSITIES = ("", "compact", "tight")  # the layouts tried in turn until the brief fits one A4 page


def render_project(brief: ProjectBrief, density: str = "") -> str:
    """One project's brief as an HTML page; ``density`` one of :data:`DENSITIES`."""
    return _env().get_template("project.html").render(b=brief, css=_css(), density=_density(density))


def render_portfolio(brief: PortfolioBrief, density: str = "") -> str:
    """A portfolio's brief as an HTML page; ``density`` one of :data:`DENSITIES`."""
    return _env().get_template("portfolio.html").render(b=brief, css=_css(), density=_density(density))


def _density(density: str) -> str:
    if density not in DENSITIES:
        raise ValueError(f"density must be one of {DENSITIES}")
    return density


@cache
def _css() -> str:
    loader = _env().loader
    assert loader is not None
    return loader.get_source(_env(), "brief.css")[0]
