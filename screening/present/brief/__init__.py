"""The one-page committee brief of a project or of a portfolio, in Chinese or English (issue 18 item 3,
docs/brief.md): facts from the run (:mod:`.facts`), HTML from Jinja2 templates (:mod:`.render`), PDF through
WeasyPrint (:mod:`.pdf`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from screening.model import Result
from screening.present.brief.facts import (
    BRIEF_DRAWS,
    BriefError,
    PortfolioBrief,
    ProjectBrief,
    portfolio_facts,
    project_facts,
    rank_intervals,
    short_citation,
)
from screening.present.brief.pdf import html_to_pdf
from screening.present.brief.render import render_portfolio, render_project

__all__ = [
    "BRIEF_DRAWS",
    "BriefError",
    "PortfolioBrief",
    "ProjectBrief",
    "html_to_pdf",
    "portfolio_brief_html",
    "portfolio_brief_pdf",
    "portfolio_facts",
    "project_brief_html",
    "project_brief_pdf",
    "project_facts",
    "rank_intervals",
    "short_citation",
]


def project_brief_html(
    result: Result,
    project_id: str,
    lang: str,
    *,
    intervals: pd.DataFrame | None = None,
    seed: int = 0,
) -> str:
    """One project's brief as HTML. ``intervals``: :func:`rank_intervals` of the run, to reuse across
    briefs (computed with ``seed`` when not given). Raises :class:`BriefError` for an unknown id."""
    return render_project(project_facts(result, project_id, lang, intervals=intervals, seed=seed))


def project_brief_pdf(
    result: Result,
    project_id: str,
    lang: str,
    *,
    intervals: pd.DataFrame | None = None,
    seed: int = 0,
) -> bytes:
    """One project's brief as a one-page A4 PDF."""
    return html_to_pdf(project_brief_html(result, project_id, lang, intervals=intervals, seed=seed))


def portfolio_brief_html(result: Result, project_ids: Sequence[str], lang: str, top_n: int = 10) -> str:
    """A portfolio's brief as HTML: totals, track mix, the top ``top_n`` and the rest summarised."""
    return render_portfolio(portfolio_facts(result, project_ids, lang, top_n))


def portfolio_brief_pdf(result: Result, project_ids: Sequence[str], lang: str, top_n: int = 10) -> bytes:
    """A portfolio's brief as a one-page A4 PDF."""
    return html_to_pdf(portfolio_brief_html(result, project_ids, lang, top_n))
