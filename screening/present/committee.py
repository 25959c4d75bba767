"""What the committee page shows, without Streamlit: the pairwise scale as a planner reads it, the judgements
a swing or pairwise form gives, and the group view (issue 16 item 2). The maths is
:mod:`screening.criteria.elicitation` and :mod:`screening.analysis.committee`."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from screening.criteria.elicitation import Committee, Judgements
from screening.criteria.models import CriteriaSet
from screening.i18n import t

# The pairwise slider's positions: -9 … -2 (the right-hand item more important), 1 (equal), 2 … 9 (the left).
PAIR_CODES: tuple[int, ...] = (*range(-9, -1), 1, *range(2, 10))


def item_label(criteria: CriteriaSet, item: str, lang: str) -> str:
    """A dimension's or criterion's label in ``lang`` (its id when the set has no such item)."""
    for d in criteria.dimensions:
        if d.id == item:
            return d.label.get(lang)
        for c in d.criteria:
            if c.id == item:
                return c.label.get(lang)
    return item


def scope_items(criteria: CriteriaSet, scope: str | None) -> list[str]:
    """The items of a scope: the dimensions (None), or the criteria of one dimension."""
    if scope is None:
        return [d.id for d in criteria.dimensions]
    return [c.id for d, c in criteria.criteria if d.id == scope]


def scope_title(criteria: CriteriaSet, scope: str | None, lang: str) -> str:
    if scope is None:
        return t("cm_scope_dimensions", lang)
    return t("cm_scope_criteria", lang, dimension=item_label(criteria, scope, lang))


def pair_words(left: str, right: str, code: int, lang: str) -> str:
    """One position of the pairwise slider in words: "equal", or which item is how many times as important."""
    if code == 1:
        return t("cm_app_equal", lang)
    item, times = (left, code) if code > 0 else (right, -code)
    return t("cm_app_more", lang, item=item, v=times)


def pair_value(code: int) -> float:
    """The slider's position as the judgement ``v`` of ``[left, right, v]``."""
    return float(code) if code > 0 else 1.0 / -code


def pairs_of(items: Sequence[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(items, 2))


def swing_judgements(
    items: Sequence[str], ratings: Mapping[str, float], by: str, date: dt.date, note: str | None = None
) -> Judgements:
    """A swing form's judgements: the ranking follows the ratings (highest first; ties in item order)."""
    ranking = sorted(items, key=lambda k: (-float(ratings[k]), list(items).index(k)))
    return Judgements(
        method="swing",
        by=by,
        date=date,
        items=list(items),
        ranking=ranking,
        rating={k: float(ratings[k]) for k in items},
        note=note,
    )


def ahp_judgements(
    items: Sequence[str],
    codes: Mapping[tuple[str, str], int],
    by: str,
    date: dt.date,
    note: str | None = None,
) -> Judgements:
    """A pairwise form's judgements: every pair of items once, from the slider's positions."""
    return Judgements(
        method="ahp",
        by=by,
        date=date,
        items=list(items),
        judgements=[(a, b, pair_value(codes[(a, b)])) for a, b in pairs_of(items)],
        note=note,
    )


@dataclass(frozen=True)
class ScopeView:
    title: str
    rule: str
    table: pd.DataFrame  # item (label), group, lowest, highest, standard deviation, one column per reviewer
    furthest: str | None


def group_view(committee: Committee, criteria: CriteriaSet, lang: str) -> list[ScopeView]:
    """One view per scope: the group weights, their spread and each reviewer's, the rule, the furthest."""
    out = []
    for g in committee.scopes:
        rows = []
        for item in g.items:
            sp = g.spread[item]
            row: dict[str, object] = {
                t("wb_w_item", lang): item_label(criteria, item, lang),
                t("wb_w_group", lang): round(g.group[item], 2),
                t("wb_w_low", lang): round(sp.low, 2),
                t("wb_w_high", lang): round(sp.high, 2),
                t("wb_w_sd", lang): round(sp.sd, 2),
            }
            for r in g.reviewers:
                row[r.by] = round(r.content.weights[item], 2)
            rows.append(row)
        far = g.furthest_text()
        title = scope_title(criteria, g.dimension, lang)
        out.append(
            ScopeView(title, g.rule_text().get(lang), pd.DataFrame(rows), far.get(lang) if far else None)
        )
    return out


def provenance_table(committee: Committee, criteria: CriteriaSet, lang: str) -> pd.DataFrame:
    """Every reviewer's file: scope, reviewer, method, date, CR."""
    rows = []
    for g in committee.scopes:
        for r in g.reviewers:
            p = r.content.provenance
            rows.append(
                {
                    t("wb_w_scope", lang): scope_title(criteria, g.dimension, lang),
                    t("wb_w_by", lang): r.by,
                    t("wb_w_method", lang): p.method,
                    t("wb_w_date", lang): str(p.date),
                    t("wb_w_cr", lang): "—" if p.cr is None else f"{p.cr:.3f}",
                }
            )
    return pd.DataFrame(rows)
