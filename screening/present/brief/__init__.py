"""The one-page committee brief of a project or of a portfolio, in Chinese or English (issue 18 item 3,
docs/brief.md): facts from the run (:mod:`.facts`), HTML from Jinja2 templates (:mod:`.render`), PDF through
WeasyPrint (:mod:`.pdf`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from screening.model import Result
from screening.present.brief.facts import (
    BRIEF_DRAWS,
    BriefError,
    PortfolioBrief,
    ProjectBrief,
    brief_rationale,
    portfolio_facts,
    project_facts,
    rank_intervals,
    reference_entry,
)
from screening.present.brief.pdf import html_to_pdf, one_page_pdf
from screening.present.brief.render import DENSITIES, render_portfolio, render_project

__all__ = [
    "BRIEF_DRAWS",
    "DENSITIES",
    "BriefError",
    "PortfolioBrief",
    "ProjectBrief",
    "brief_rationale",
    "html_to_pdf",
    "brief_file_stem",
    "one_page_pdf",
    "portfolio_brief_html",
    "portfolio_brief_pdf",
    "portfolio_facts",
    "project_brief_html",
    "project_brief_pdf",
    "project_facts",
    "rank_intervals",
    "reference_entry",
]


def project_brief_html(
    result: Result,
    project_id: str,
    lang: str,
    *,
    intervals: pd.DataFrame | None = None,
    seed: int = 0,
    rationale: pd.DataFrame | None = None,
) -> str:
    """One project's brief as HTML. ``intervals`` (:func:`rank_intervals`) and ``rationale``
    (:func:`brief_rationale`, in ``lang``) of the run may be passed to reuse them across briefs (worked out
    here when not given; the interval with ``seed``). Raises :class:`BriefError` for an unknown id."""
    facts = project_facts(result, project_id, lang, intervals=intervals, seed=seed, rationale=rationale)
    return render_project(facts)


# The PDF twins lay the page out at each of DENSITIES in turn and keep the first that fits one A4 page; the
# HTML twins return the page at the first density (a screen has no page to fit).


def project_brief_pdf(
    result: Result,
    project_id: str,
    lang: str,
    *,
    intervals: pd.DataFrame | None = None,
    seed: int = 0,
    rationale: pd.DataFrame | None = None,
) -> bytes:
    """One project's brief as a one-page A4 PDF (options as :func:`project_brief_html`)."""
    facts = project_facts(result, project_id, lang, intervals=intervals, seed=seed, rationale=rationale)
    return one_page_pdf(lambda density: render_project(facts, density), DENSITIES)


def portfolio_brief_html(result: Result, project_ids: Sequence[str], lang: str, top_n: int = 10) -> str:
    """A portfolio's brief as HTML: totals, track mix, the top ``top_n`` and the rest summarised."""
    return render_portfolio(portfolio_facts(result, project_ids, lang, top_n))


def portfolio_brief_pdf(result: Result, project_ids: Sequence[str], lang: str, top_n: int = 10) -> bytes:
    """A portfolio's brief as a one-page A4 PDF."""
    facts = portfolio_facts(result, project_ids, lang, top_n)
    return one_page_pdf(lambda density: render_portfolio(facts, density), DENSITIES)


def brief_file_stem(project_id: str) -> str:
    """A safe file-name stem for a project's brief: the id with anything but letters, digits, '-' and '.'
    replaced (no path separators, no leading dot), at most 80 characters."""
    return re.sub(r"[^\w.-]", "_", project_id).lstrip(".")[:80] or "project"
