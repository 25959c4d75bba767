"""Robustness and portfolio results shaped as workbook sheets (used by the CLI and the app alike).

The analyses live in :mod:`screening.sensitivity`, :mod:`screening.portfolio` and :mod:`screening.compare`;
this module only turns their results into the extra sheets ``Portfolio``, ``Sensitivity`` and
``Comparison`` that :func:`screening.export.write_workbook` appends.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from screening.analysis.compare import Comparison
from screening.analysis.portfolio import Portfolio
from screening.analysis.sensitivity import Smaa

__all__ = ["ExtraSheet", "comparison_sheet", "portfolio_sheet", "sensitivity_sheet"]


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet appended to the ranked workbook: names in both languages and its table."""

    en: str
    zh: str
    frame: pd.DataFrame

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _stack(table: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """The table, a blank row, then ``item``/``value`` notes in the first two columns."""
    cols = list(table.columns)
    if len(cols) < 2:
        cols = [*cols, "value"][:2]
    blank = pd.DataFrame([[None] * len(cols)], columns=cols)
    tail = pd.DataFrame(
        [[i, v, *([None] * (len(cols) - 2))] for i, v in notes.itertuples(index=False)], columns=cols
    )
    parts = [p for p in (table, blank, tail) if len(p)]
    return pd.concat(parts, ignore_index=True).astype(object)


def portfolio_sheet(portfolio: Portfolio) -> ExtraSheet:
    """Chosen projects (project_id, cost, score, running totals …), then constraints, solver status and gap."""
    return ExtraSheet("Portfolio", "投资组合", _stack(portfolio.chosen, portfolio.constraints_frame()))


def sensitivity_sheet(smaa: Smaa) -> ExtraSheet:
    """Every ranked project: rank interval (5th–95th percentile), P(top k), stable/sensitive; then the settings."""
    meta = pd.DataFrame(list(smaa.meta().items()), columns=["item", "value"])
    return ExtraSheet("Sensitivity", "敏感性分析", _stack(smaa.table, meta))


def comparison_sheet(comparison: Comparison) -> ExtraSheet:
    """Rank, score and tier under both scenarios, with movements in and out of the top k; then the counts."""
    return ExtraSheet("Comparison", "情景比较", _stack(comparison.table, comparison.summary_frame()))
