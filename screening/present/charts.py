"""The app's Altair charts, prepared without Streamlit (colours from :mod:`screening.i18n.palette`, the one
palette the workbook uses too; titles from the catalogue)."""

from __future__ import annotations

from typing import Any, cast

import altair as alt
import numpy as np
import pandas as pd

from screening.analysis.contribution import Contribution
from screening.criteria.models import CriteriaSet, IndexRole
from screening.i18n import palette
from screening.model import Result
from screening.present.labels import (
    TIER_ORDER,
    Lang,
    column_title,
    country_label,
    dimension_label,
    t,
    tier_label,
    track_label,
)
from screening.present.tables import _map_unique, smaa_label


def _chart_frame(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "project_id": ranked["project_id"].astype(str).to_numpy(),
            "project_name": (ranked["project_name"] if "project_name" in ranked else ranked["project_id"])
            .astype(str)
            .to_numpy(),
            "score": ranked["score"].astype(float).to_numpy(),
            "tier": _map_unique(ranked["tier"], lambda v: tier_label(v, lang, criteria)),
            "tier_code": ranked["tier"].astype(str).to_numpy(),
            "track": _map_unique(ranked["track"], lambda v: track_label(v, lang, criteria)),
        }
    )
    if "country" in ranked:
        frame["country"] = _map_unique(ranked["country"], lambda v: country_label(v, lang))
    if "total_investment_usd_m" in ranked:
        frame["investment"] = pd.to_numeric(ranked["total_investment_usd_m"], errors="coerce").to_numpy()
    return frame


def _tier_scale(lang: Lang, criteria: CriteriaSet) -> alt.Scale:
    return alt.Scale(
        domain=[tier_label(x, lang, criteria) for x in TIER_ORDER],
        range=[palette.TIER[x] for x in TIER_ORDER],
    )


MAX_MARKS = 5000  # above this many projects, charts draw aggregated marks (a browser stays responsive)


def _box_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Per track: quartiles, median and Tukey whiskers (1.5 × IQR) of the score."""
    rows = []
    for track, g in frame.groupby("track", sort=False):
        s = g["score"].dropna().to_numpy(dtype=float)
        if not len(s):
            continue
        q1, med, q3 = np.percentile(s, [25, 50, 75])
        iqr = q3 - q1
        lo = float(s[s >= q1 - 1.5 * iqr].min())
        hi = float(s[s <= q3 + 1.5 * iqr].max())
        rows.append({"track": track, "q1": q1, "median": med, "q3": q3, "lo": lo, "hi": hi, "n": len(s)})
    return pd.DataFrame(rows, columns=["track", "q1", "median", "q3", "lo", "hi", "n"])


def _layer(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    """``alt.layer`` of charts without facet encodings: always a LayerChart (a FacetChart only for facets)."""
    return cast(alt.LayerChart, alt.layer(*charts))


def score_distribution_chart(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> alt.LayerChart:
    """Score distribution by track: a box per track (quartiles, median, whiskers at 1.5 × IQR) with every
    project as a tick coloured by tier (above :data:`MAX_MARKS` projects, one dot per half point and tier,
    sized by the number of projects). Tracks sit on a numeric axis (a band axis does not stretch in Streamlit)."""
    frame = _chart_frame(ranked, lang, criteria)
    order = [track_label(x.id, lang, criteria) for x in criteria.tracks]
    extra = [x for x in frame["track"].drop_duplicates() if x not in order]
    order += extra
    pos = {name: float(i) for i, name in enumerate(order)}
    frame["pos"] = frame["track"].map(pos).astype(float)
    label_expr = " : ".join(f"datum.value == {i} ? {name!r}" for i, name in enumerate(order)) + " : ''"
    y = alt.Y(
        "pos:Q",
        title=None,
        scale=alt.Scale(domain=[-0.6, len(order) - 0.4], reverse=True),
        axis=alt.Axis(
            values=list(range(len(order))),
            labelExpr=label_expr,
            labelLimit=260,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    scale = alt.Scale(domain=[0, 100])
    stats = _box_stats(frame)
    stats["pos"] = stats["track"].map(pos).astype(float)
    stats["top"], stats["bottom"] = stats["pos"] - 0.28, stats["pos"] + 0.28
    whisker = (
        alt.Chart(stats)
        .mark_rule(color=palette.SLATE)
        .encode(x=alt.X("lo:Q", title=t("score", lang), scale=scale), x2="hi:Q", y=y)
    )
    box = (
        alt.Chart(stats)
        .mark_rect(color=palette.MIST, stroke=palette.SLATE)
        .encode(
            x=alt.X("q1:Q", scale=scale),
            x2="q3:Q",
            y=alt.Y("top:Q"),
            y2="bottom:Q",
            tooltip=[
                alt.Tooltip("track:N", title=t("track", lang)),
                alt.Tooltip("n:Q", title=t("count", lang)),
                alt.Tooltip("median:Q", title=t("median_line", lang), format=".2f"),
            ],
        )
    )
    median = (
        alt.Chart(stats)
        .mark_rule(color=palette.NAVY, strokeWidth=3)
        .encode(x=alt.X("median:Q", scale=scale), y=alt.Y("top:Q"), y2="bottom:Q")
    )
    colour = alt.Color("tier:N", scale=_tier_scale(lang, criteria), title=t("tier", lang))
    if len(frame) <= MAX_MARKS:
        marks = (
            alt.Chart(frame)
            .mark_tick(thickness=2, size=22, opacity=0.85, orient="vertical")
            .encode(
                x=alt.X("score:Q", scale=scale),
                y=y,
                color=colour,
                tooltip=[
                    alt.Tooltip("project_id:N", title=t("id", lang)),
                    alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
                    alt.Tooltip("track:N", title=t("track", lang)),
                    alt.Tooltip("tier:N", title=t("tier", lang)),
                    alt.Tooltip("score:Q", title=t("score", lang), format=".2f"),
                ],
            )
        )
    else:
        binned = (
            frame.assign(score=(frame["score"] * 2).round() / 2)
            .groupby(["track", "pos", "tier", "score"], as_index=False)
            .size()
            .rename(columns={"size": "n"})
        )
        marks = (
            alt.Chart(binned)
            .mark_circle(opacity=0.6)
            .encode(
                x=alt.X("score:Q", scale=scale),
                y=y,
                color=colour,
                size=alt.Size("n:Q", title=t("count", lang), scale=alt.Scale(range=[4, 300])),
                tooltip=[
                    alt.Tooltip("track:N", title=t("track", lang)),
                    alt.Tooltip("tier:N", title=t("tier", lang)),
                    alt.Tooltip("score:Q", title=t("score", lang)),
                    alt.Tooltip("n:Q", title=t("count", lang)),
                ],
            )
        )
    return _layer(whisker, box, median, marks).properties(
        title=t("chart_distribution", lang), height=max(160, 90 * len(order))
    )


def ipf_quadrant_chart(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> alt.LayerChart:
    """World Bank IPF quadrant: social-environmental (x) vs financial-economic (y) index, bubble = investment.

    The axes are the criteria set's indices with those roles. Dashed lines at each axis' median split the
    quadrants. When the criteria set has no financial-economic index the vertical axis shows the total score.
    """
    frame = _chart_frame(ranked, lang, criteria)
    x_idx = criteria.index_by_role(IndexRole.IPF_SOCIAL_ENVIRONMENTAL)
    y_idx = criteria.index_by_role(IndexRole.IPF_FINANCIAL_ECONOMIC)
    if x_idx is not None and x_idx.id in ranked:
        frame["x"] = pd.to_numeric(ranked[x_idx.id], errors="coerce").to_numpy()
    else:
        frame["x"] = np.nan
    if y_idx is not None and y_idx.id in ranked:
        frame["y"] = pd.to_numeric(ranked[y_idx.id], errors="coerce").to_numpy()
        y_title = y_idx.label.get(lang)
    else:
        frame["y"] = frame["score"]
        y_title = t("score", lang)
    x_title = x_idx.label.get(lang) if x_idx is not None else ""
    if "investment" not in frame:
        frame["investment"] = 1.0
    frame = frame.dropna(subset=["x", "y"])
    frame["n"] = 1
    if len(frame) > MAX_MARKS:  # one bubble per 2-point cell and tier, sized by the investment it holds
        frame = (
            frame.assign(x=(frame["x"] / 2).round() * 2, y=(frame["y"] / 2).round() * 2)
            .groupby(["x", "y", "tier"], as_index=False)
            .agg(investment=("investment", "sum"), n=("n", "sum"), score=("score", "mean"))
        )
        frame["project_id"] = frame["n"].map(lambda k: f"{k:,} ×")
        frame["project_name"] = ""
    base = alt.Chart(frame, title=t("chart_ipf", lang))
    points = base.mark_circle(opacity=0.7, stroke=palette.INK, strokeWidth=0.3).encode(
        x=alt.X("x:Q", title=x_title, scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("y:Q", title=y_title, scale=alt.Scale(domain=[0, 100])),
        size=alt.Size("investment:Q", title=t("investment", lang), scale=alt.Scale(range=[20, 900])),
        color=alt.Color("tier:N", scale=_tier_scale(lang, criteria), title=t("tier", lang)),
        tooltip=[
            alt.Tooltip("project_id:N", title=t("id", lang)),
            alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
            alt.Tooltip("tier:N", title=t("tier", lang)),
            alt.Tooltip("score:Q", title=t("score", lang)),
            alt.Tooltip("investment:Q", title=t("investment", lang), format=",.1f"),
            alt.Tooltip("x:Q", title=x_title),
            alt.Tooltip("y:Q", title=y_title),
        ],
    )
    med = pd.DataFrame(
        {
            "mx": [float(frame["x"].median()) if len(frame) else 50.0],
            "my": [float(frame["y"].median()) if len(frame) else 50.0],
        }
    )
    vline = alt.Chart(med).mark_rule(strokeDash=[4, 4], color=palette.GRID).encode(x="mx:Q")
    hline = alt.Chart(med).mark_rule(strokeDash=[4, 4], color=palette.GRID).encode(y="my:Q")
    return _layer(points, vline, hline).properties(height=380)


def tier_by_country_chart(
    ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet, top: int = 25
) -> alt.Chart:
    """Stacked bars: number of ranked projects per tier in each country (the ``top`` countries by count)."""
    frame = _chart_frame(ranked, lang, criteria)
    if "country" not in frame:
        frame["country"] = ""
    counts = frame.groupby(["country", "tier"], as_index=False).size().rename(columns={"size": "n"})
    order = frame["country"].value_counts().index[:top].tolist()
    counts = counts[counts["country"].isin(order)]
    return (
        alt.Chart(counts, title=t("chart_country", lang))
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
            x=alt.X("n:Q", title=t("count", lang), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("tier:N", scale=_tier_scale(lang, criteria), title=t("tier", lang)),
            order=alt.Order("tier:N"),
            tooltip=[
                alt.Tooltip("country:N", title=t("country", lang)),
                alt.Tooltip("tier:N", title=t("tier", lang)),
                alt.Tooltip("n:Q", title=t("count", lang)),
            ],
        )
        .properties(height=max(120, 24 * len(order)))
    )


def dimension_vs_median(result: Result, project_id: str, lang: Lang) -> pd.DataFrame:
    """One row per dimension: this project's score and the median of ranked projects in its track."""
    ranked = result.ranked
    row = ranked[ranked["project_id"].astype(str) == str(project_id)]
    if row.empty:
        return pd.DataFrame(columns=["dimension", "label", "project", "median"])
    track = row["track"].iloc[0]
    peers = ranked[ranked["track"] == track]
    rows = []
    for d in result.criteria.dimensions:
        col = f"dim_{d.id}"
        if col not in ranked:
            continue
        rows.append(
            {
                "dimension": d.id,
                "label": d.label.get(lang),
                "project": float(row[col].iloc[0]),
                "median": float(peers[col].median()),
            }
        )
    return pd.DataFrame(rows, columns=["dimension", "label", "project", "median"])


def dimension_vs_median_chart(result: Result, project_id: str, lang: Lang) -> alt.LayerChart:
    frame = dimension_vs_median(result, project_id, lang)
    this, med = t("this_project", lang), t("track_median", lang)
    bars = (
        alt.Chart(frame)
        .mark_bar(color=palette.BAR)
        .encode(
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("project:Q", title=t("score", lang), scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("label:N", title=t("dimension", lang)),
                alt.Tooltip("project:Q", title=this),
                alt.Tooltip("median:Q", title=med),
            ],
        )
    )
    ticks = (
        alt.Chart(frame)
        .mark_tick(color=palette.HIGHLIGHT, thickness=3, size=22)
        .encode(
            y=alt.Y("label:N", sort=None),
            x=alt.X("median:Q"),
            tooltip=[alt.Tooltip("label:N", title=t("dimension", lang)), alt.Tooltip("median:Q", title=med)],
        )
    )
    return _layer(bars, ticks).properties(height=max(120, 36 * len(frame)))


def rank_interval_chart(table: pd.DataFrame, lang: Lang, top_k: int, top: int = 25) -> alt.LayerChart:
    """Rank intervals (5th–95th percentile) of the ``top`` projects by current rank: a bar per project coloured
    stable/sensitive, the current rank as a dot, the median rank as a tick and P(top k) written at the right;
    a dashed line marks the top-k cut. Projects sit on a numeric axis (current rank), labelled with their id."""
    frame = table.sort_values("rank", kind="stable").head(top).copy()
    frame["pos"] = np.arange(1, len(frame) + 1, dtype=float)
    frame["project_id"] = frame["project_id"].astype(str)
    frame["verdict"] = frame["label"].map(lambda s: smaa_label(s, lang))
    frame["p_text"] = frame["p_top_k"].map(lambda p: f"{p:.0%}")
    frame["lo"] = frame["rank_p05"].astype(float) - 0.3
    frame["hi"] = frame["rank_p95"].astype(float) + 0.3
    n = len(frame)
    xmax = float(max(frame["rank_p95"].max() if n else 1, top_k) + 3)
    label_expr = (
        " : ".join(f"datum.value == {i + 1} ? {pid!r}" for i, pid in enumerate(frame["project_id"])) + " : ''"
    )
    y = alt.Y(
        "pos:Q",
        title=None,
        scale=alt.Scale(domain=[0.4, n + 0.6], reverse=True, nice=False),
        axis=alt.Axis(
            values=list(range(1, n + 1)),
            labelExpr=label_expr if n else "''",
            grid=False,
            ticks=False,
            domain=False,
            labelLimit=200,
            labelOverlap=False,
        ),
    )
    x_scale = alt.Scale(domain=[0.5, xmax], nice=False)
    tips = [
        alt.Tooltip("project_id:N", title=t("id", lang)),
        alt.Tooltip("rank:Q", title=t("rank", lang)),
        alt.Tooltip("rank_p05:Q", title=t("rank_p05", lang)),
        alt.Tooltip("rank_p50:Q", title=t("rank_p50", lang)),
        alt.Tooltip("rank_p95:Q", title=t("rank_p95", lang)),
        alt.Tooltip("p_top_k:Q", title=t("p_top_k", lang), format=".1%"),
        alt.Tooltip("verdict:N", title=t("rb_label", lang)),
    ]
    colour = alt.Color(
        "verdict:N",
        title=t("rb_label", lang),
        scale=alt.Scale(
            domain=[t("rb_stable", lang), t("rb_sensitive", lang), t("rb_not_assessed", lang)],
            range=[palette.STABLE, palette.SENSITIVE, palette.MUTED],
        ),
    )
    base = alt.Chart(frame)
    bars = base.mark_bar(height=10, cornerRadius=3, opacity=0.8).encode(
        x=alt.X("lo:Q", title=t("rank", lang), scale=x_scale), x2="hi:Q", y=y, color=colour, tooltip=tips
    )
    median = base.mark_tick(color=palette.NAVY, thickness=2, size=11, orient="vertical").encode(
        x=alt.X("rank_p50:Q", scale=x_scale), y=y, tooltip=tips
    )
    now = base.mark_point(filled=True, color=palette.BLACK, size=40).encode(
        x=alt.X("rank:Q", scale=x_scale), y=y, tooltip=tips
    )
    text = base.mark_text(align="left", dx=6, fontSize=11, color=palette.INK).encode(
        x=alt.X("hi:Q", scale=x_scale), y=y, text="p_text:N"
    )
    cut = (
        alt.Chart(pd.DataFrame({"k": [top_k + 0.5]}))
        .mark_rule(strokeDash=[5, 4], color=palette.HIGHLIGHT)
        .encode(x="k:Q")
    )
    return _layer(bars, median, now, text, cut).properties(
        title=t("rb_interval_chart", lang, n=n, k=top_k), height=max(140, 22 * n)
    )


def sweep_chart(
    curves: pd.DataFrame,
    lang: Lang,
    criteria: CriteriaSet,
    dimension: str,
    current: float,
    names: dict[str, str] | None = None,
) -> alt.LayerChart:
    """Total score of each project along a one-at-a-time sweep of ``dimension`` (:func:`screening.sensitivity.
    sweep_curves`), one line per project, with the current weight as a dashed rule."""
    frame = curves.copy()
    frame["project_id"] = frame["project_id"].astype(str)
    lookup = names or {}
    frame["project_name"] = [lookup.get(p, "") for p in frame["project_id"]]
    dim = dimension_label(dimension, lang, criteria)
    order = (
        frame[frame["weight"] == frame["weight"].min()].sort_values("rank")["project_id"].tolist()
        if len(frame)
        else []
    )
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2, interpolate="linear")
        .encode(
            x=alt.X("weight:Q", title=t("rb_sweep_weight", lang, dim=dim), scale=alt.Scale(nice=False)),
            y=alt.Y("score:Q", title=t("score", lang), scale=alt.Scale(zero=False)),
            color=alt.Color("project_id:N", title=column_title("project_name", lang), sort=order),
            tooltip=[
                alt.Tooltip("project_id:N", title=t("id", lang)),
                alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
                alt.Tooltip("weight:Q", title=t("weight", lang), format=".2f"),
                alt.Tooltip("score:Q", title=t("score", lang), format=".2f"),
                alt.Tooltip("rank:Q", title=t("rank", lang)),
            ],
        )
    )
    now = alt.Chart(pd.DataFrame({"w": [float(current)], "label": [t("rb_current", lang)]}))
    rule = now.mark_rule(strokeDash=[5, 4], color=palette.INK).encode(x="w:Q")
    text = now.mark_text(align="left", dx=4, dy=-4, baseline="top", color=palette.INK).encode(
        x="w:Q", y=alt.value(0), text="label:N"
    )
    return _layer(lines, rule, text).properties(title=t("rb_sweep", lang), height=380)


def frontier_chart(
    frontier: pd.DataFrame, lang: Lang, budget: float | None = None, objective: str = "score_weighted_cost"
) -> alt.LayerChart:
    """Best objective value against the budget (:func:`screening.portfolio.efficient_frontier`; ``objective``
    names it on the axis), the chosen budget as a dashed rule; the budget on a log axis when the budgets span
    more than a factor of 20."""
    frame = frontier.dropna(subset=["objective"]).copy()
    axis = t(f"pf_axis_{objective}", lang)
    tips = [
        alt.Tooltip("budget:Q", title=t("pf_budget_axis", lang), format=",.1f"),
        alt.Tooltip("objective:Q", title=axis, format=",.2f"),
        alt.Tooltip("total_cost:Q", title=t("pf_total_cost", lang), format=",.1f"),
        alt.Tooltip("projects:Q", title=t("pf_projects", lang)),
        alt.Tooltip("status:N", title=t("pf_status", lang)),
    ]
    b = frame["budget"].to_numpy(dtype=float)
    log = bool(len(b)) and bool((b > 0).all()) and float(b.max()) > 20 * float(b.min())
    x = alt.X(
        "budget:Q",
        title=t("pf_budget_axis", lang) + (t("log_axis", lang) if log else ""),
        scale=alt.Scale(type="log") if log else alt.Scale(zero=True),
    )
    base = alt.Chart(frame)
    line = base.mark_line(color=palette.NAVY, strokeWidth=2).encode(x=x, y=alt.Y("objective:Q", title=axis))
    dots = base.mark_point(filled=True, color=palette.NAVY, size=60).encode(
        x=x, y="objective:Q", tooltip=tips
    )
    layers: list[Any] = [line, dots]
    if budget is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"b": [float(budget)]}))
            .mark_rule(strokeDash=[5, 4], color=palette.HIGHLIGHT)
            .encode(x="b:Q")
        )
    return _layer(*layers).properties(title=t("pf_frontier", lang), height=340)


def value_for_money_chart(
    vfm: pd.DataFrame, lang: Lang, criteria: CriteriaSet | None = None, names: dict[str, str] | None = None
) -> alt.LayerChart:
    """Score against cost for every eligible project (:func:`screening.portfolio.value_for_money`): chosen
    projects highlighted, the cost–score (Pareto) frontier drawn as a step line. Cost on a log axis when every
    cost is positive and they span more than a factor of 20."""
    frame = vfm.copy()
    frame["project_id"] = frame["project_id"].astype(str)
    lookup = names or {}
    frame["project_name"] = [lookup.get(p, "") for p in frame["project_id"]]
    frame["in"] = np.where(frame["chosen"], t("pf_in_portfolio", lang), t("pf_not_chosen", lang))
    if "tier" in frame:
        frame["tier"] = frame["tier"].map(lambda v: tier_label(v, lang, criteria))
    cost = frame["cost"].to_numpy(dtype=float)
    log = bool(len(cost)) and bool((cost > 0).all()) and float(cost.max()) > 20 * float(cost.min())
    x_scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    x = alt.X("cost:Q", title=t("cost", lang) + (t("log_axis", lang) if log else ""), scale=x_scale)
    tips = [
        alt.Tooltip("project_id:N", title=t("id", lang)),
        alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
        alt.Tooltip("cost:Q", title=t("cost", lang), format=",.1f"),
        alt.Tooltip("score:Q", title=t("score", lang), format=".2f"),
        alt.Tooltip("score_per_usd_m:Q", title=t("score_per_usd_m", lang), format=",.3f"),
        alt.Tooltip("in:N", title=t("pf_in_portfolio", lang)),
    ]
    if "tier" in frame:
        tips.append(alt.Tooltip("tier:N", title=t("tier", lang)))
    points = (
        alt.Chart(frame)
        .mark_circle(size=70, stroke=palette.INK, strokeWidth=0.4)
        .encode(
            x=x,
            y=alt.Y("score:Q", title=t("score", lang), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "in:N",
                title=None,
                scale=alt.Scale(
                    domain=[t("pf_in_portfolio", lang), t("pf_not_chosen", lang)],
                    range=[palette.STABLE, palette.MUTED],
                ),
            ),
            opacity=alt.condition(alt.datum.chosen, alt.value(0.95), alt.value(0.6)),
            tooltip=tips,
        )
    )
    front = frame[frame["pareto"]].sort_values("cost")
    front = front.assign(series=t("pf_pareto", lang))
    line = (
        alt.Chart(front)
        .mark_line(interpolate="step-after", color=palette.HIGHLIGHT, strokeWidth=2, opacity=0.9)
        .encode(x=x, y="score:Q", detail="series:N")
    )
    return _layer(points, line).properties(title=t("pf_vfm", lang), height=380)


def signed(value: float) -> str:
    """A difference with its sign and one decimal ("+1.2", "−0.4"); one that rounds to zero is "0.0"."""
    return "0.0" if abs(value) < 0.05 else f"{value:+.1f}".replace("-", "−")


def contribution_frame(view: Contribution, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    """One row per dimension of a :class:`~screening.analysis.contribution.Contribution`: its label, each of
    its criteria against the track median (for the tooltip), what it added to the score (weighted points), the
    track median of that, the difference and which side it is on."""
    above, below = t("contrib_above", lang), t("contrib_below", lang)
    names = {c.id: c.label.get(lang) for _, c in criteria.criteria}
    sep = t("sep_items", lang)
    parts = {
        d.dimension: sep.join(
            f"{names.get(c.criterion, c.criterion)} {signed(c.vs_median)}"
            for c in view.criteria
            if c.dimension == d.dimension and c.applicable
        )
        for d in view.dimensions
    }
    rows = [
        {
            "label": dimension_label(d.dimension, lang, criteria),
            "criteria": parts[d.dimension],
            "contribution": round(d.contribution, 2),
            "median": round(d.median, 2),
            "vs_median": round(d.vs_median, 2),
            "side": above if d.vs_median >= 0 else below,
            "text": signed(d.vs_median),
        }
        for d in view.dimensions
    ]
    return pd.DataFrame(
        rows, columns=["label", "criteria", "contribution", "median", "vs_median", "side", "text"]
    )


def contribution_chart(view: Contribution, lang: Lang, criteria: CriteriaSet) -> alt.LayerChart:
    """Horizontal bars of what each dimension added to the project's score minus the median of its track
    (weighted points), dimensions in criteria-file order and named by label, coloured above / below the
    median with a legend in words; the difference is written at each bar's end."""
    frame = contribution_frame(view, lang, criteria)
    above, below = t("contrib_above", lang), t("contrib_below", lang)
    y = alt.Y(
        "label:N", title=None, sort=None, axis=alt.Axis(labelLimit=360, labelOverlap=False, labelFontSize=12)
    )
    tips = [
        alt.Tooltip("label:N", title=t("dimension", lang)),
        alt.Tooltip("contribution:Q", title=t("contrib_added", lang), format=".2f"),
        alt.Tooltip("median:Q", title=t("track_median", lang), format=".2f"),
        alt.Tooltip(
            "vs_median:Q", title=t("ct_vs_median", lang), format="+.2f"
        ),  # short: a tooltip cuts long keys
        alt.Tooltip("criteria:N", title=t("ct_tip_criteria", lang)),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("vs_median:Q", title=t("contrib_axis", lang)),
        color=alt.Color(
            "side:N",
            title=t("contrib_legend", lang),
            scale=alt.Scale(domain=[above, below], range=[palette.STABLE, palette.HIGHLIGHT]),
            legend=alt.Legend(orient="bottom", labelLimit=320, titleLimit=320),
        ),
        tooltip=tips,
    )
    right = base.transform_filter("datum.vs_median >= 0").mark_text(
        align="left", dx=4, fontSize=11, color=palette.INK
    )
    left = base.transform_filter("datum.vs_median < 0").mark_text(
        align="right", dx=-4, fontSize=11, color=palette.INK
    )
    text_right = right.encode(y=y, x=alt.X("vs_median:Q"), text="text:N")
    text_left = left.encode(y=y, x=alt.X("vs_median:Q"), text="text:N")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=palette.GRID).encode(x="x:Q")
    return _layer(bars, text_right, text_left, zero).properties(height=alt.Step(34))
