"""Value of information: which missing inputs would decide a project's tier, and which columns to collect first.

For every ranked project and every input column that is blank for it and read by a criterion (by its scorer
or by its ``applies_when``), the column is given, in turn, each value that can matter — every code of a code
list, yes and no, the levels 0–3, or for a number every anchor, step and comparison value the criteria name
for it (and a value just below each threshold) — with the rest of the record held as it is. Each try is scored
with the criteria's own scorers, weighed by :func:`screening.stages.score.weigh` under the run's weights and
missing-data policy, and tiered as the ranking tiers it (review-flag caps, dimension hurdles, the completeness
line). What one column can do to the project is then:

- ``tier_best`` / ``tier_worst``: the best and worst tier any of those values reaches;
- ``steps``: how many tiers the project can move either way (``insufficient_data`` counts as the step below
  the last tier);
- ``weight``: the share of the total weight the column would bring into assessment (completeness gained at
  most): for a thin record, what it takes towards the completeness line even when one column alone cannot
  change the tier.

Held fixed, and said so in every output: the track, the gates, the review flags and the classifiers (a value
filled in later could change those too; the screening will show it when the file is run again). Derived
fields (``criteria.derived``) are not recomputed. Text fields (descriptions) are not offered: they are read
by term lists, not by values one could collect.

File level (:meth:`ValueOfInformation.columns_frame`): per column, how many projects lack it, how many of
those could change tier if it were known, weighted by how far (the sum of ``steps``), and the weight it brings
in total. That is the list of columns to collect first.

Cost. The tries are batched per column, at most :data:`CHUNK_ROWS` tried records at a time (memory bounded
at 100,000 projects). Identical situations are tried once (projects that agree on the fields the column's
criteria read, their track, point-matrix row and tier cap give the same answer, so thin files of repetitive
records such as AidData's cost little); tries of one record that score alike are weighed once; a try that
leaves the criteria as they are answers as the record does; and a try that leaves applicability unchanged
and stays below the completeness line (:data:`QUICK_MARGIN`) is ``insufficient_data`` whatever it scores, its
completeness the record's own plus the shares of the criteria it opens, with no weighing (zero and neutral
policies; ``tests/analysis`` checks it equals weighing every try). Everything is column-wise: no Python loop
per project. ``docs/benchmarks.md`` has the figures (20,000 thin rows: about 3 s of CPU).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from screening.criteria.models import CriteriaSet
from screening.criteria.rules import (
    Compare,
    Context,
    LinearScorer,
    MapScorer,
    Member,
    StepsScorer,
    text_rules,
    text_scan,
)
from screening.i18n import Text, t, text
from screening.model import Result
from screening.stages.score import PointMatrix, fill_value, hurdle_codes, tier_codes, weigh
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME, label

__all__ = [
    "CHUNK_ROWS",
    "ValueOfInformation",
    "candidate_values",
    "value_of_information",
]

# Our own bound, not a property of the data: tried records per batch (records × values tried), which keeps a
# batch's point matrix near 200,000 × criteria floats (about 60 MB with the default criteria).
CHUNK_ROWS = 200_000

# How far below the completeness line a try must stay to be answered without weighing (our own margin: far
# above the last-bit differences between a sum of shares and weigh's own, far below any share a criterion has).
QUICK_MARGIN = 1e-6

NUMERIC_KINDS = ("money", "number", "count", "share", "pct", "year")

VOI_COLUMNS = [
    "row",
    "project_id",
    "column",
    "tier_now",
    "tier_best",
    "tier_worst",
    "steps",
    "weight",
    "best_value",
    "worst_value",
]


# ----------------------------------------------------------------------------------------- the values to try


def _walk(node: Any) -> Iterable[Any]:
    if isinstance(node, BaseModel):
        yield node
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _walk(item)


def _numbers_named(criteria: CriteriaSet) -> dict[str, set[float]]:
    """Per field, the numbers the criteria compare it with or anchor it on, with a value just below each
    threshold (``ge``/``gt``/steps) so that both sides of it are tried."""
    out: dict[str, set[float]] = {}

    def below(field: str, x: float) -> float:
        kind = COLUMN_BY_NAME[field].kind if field in COLUMN_BY_NAME else "number"
        return x - (1.0 if kind in ("count", "year") else max(abs(x) * 1e-6, 1e-6))

    for node in _walk(criteria):
        field = getattr(node, "field", None)
        if not isinstance(field, str):
            continue
        got = out.setdefault(field, set())
        if isinstance(node, LinearScorer):
            got.update(float(x) for x, _ in node.anchors)
        elif isinstance(node, StepsScorer):
            got.update(float(x) for x, _ in node.steps)
            got.add(below(field, float(node.steps[0][0])))
        elif isinstance(node, Compare):
            for op in ("lt", "le", "gt", "ge", "eq", "ne"):
                v = getattr(node, op)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    got.add(float(v))
                    got.add(below(field, float(v)) if op in ("ge", "gt", "eq", "ne") else float(v) + 1e-6)
        elif isinstance(node, MapScorer | Member):
            keys = node.map.keys() if isinstance(node, MapScorer) else (node.in_ or node.not_in or [])
            for k in keys:
                try:
                    got.add(float(k))
                except (TypeError, ValueError):
                    pass
    return out


def _fields_of(crit: Any) -> set[str]:
    fields = set(crit.scorer.fields())
    if crit.applies_when is not None:
        fields |= crit.applies_when.fields()
    return fields


def candidate_values(criteria: CriteriaSet) -> dict[str, tuple[Any, ...]]:
    """Each input column some criterion reads (scorer or ``applies_when``), in criteria-file order of first use,
    with the values to try for it. Text, id and country columns are left out (see the module docstring)."""
    texts = {f for rule in text_rules(criteria) for f in rule.fields_}
    numbers = _numbers_named(criteria)
    out: dict[str, tuple[Any, ...]] = {}
    for _, crit in criteria.criteria:
        for field in sorted(_fields_of(crit)):
            col = COLUMN_BY_NAME.get(field)
            if field in out or col is None or field in texts:
                continue
            if col.kind == "bool":
                out[field] = (False, True)
            elif col.kind == "level":
                out[field] = (0, 1, 2, 3)
            elif col.kind == "code" and col.codes in CODE_LISTS:
                out[field] = tuple(CODE_LISTS[col.codes].values)
            elif col.kind in NUMERIC_KINDS and numbers.get(field):
                lo = -np.inf if col.minimum is None else col.minimum
                hi = np.inf if col.maximum is None else col.maximum
                if col.kind in ("money", "count", "share", "pct"):
                    lo = max(lo, 0.0)
                if col.kind == "share":
                    hi = min(hi, 1.0)
                vals = sorted({float(min(max(v, lo), hi)) for v in numbers[field]})
                out[field] = tuple(vals)
    return out


# ------------------------------------------------------------------------------------------------ the result


@dataclass(frozen=True)
class ValueOfInformation:
    """Result of :func:`value_of_information`; ``table`` has one row per (project, blank column read by a
    criterion): ``VOI_COLUMNS``."""

    table: pd.DataFrame
    tier_names: list[str]  # best first, then insufficient_data
    projects: int  # ranked projects looked at
    seconds: float = 0.0

    def for_project(self, project_id: str, limit: int = 3) -> pd.DataFrame:
        """The columns that would decide this project, most decisive first: those that can move its tier
        (furthest first), then those that bring the most weight; at most ``limit``."""
        rows = self.table[(self.table["project_id"] == str(project_id)) & (self.table["weight"] > 0)]
        return rows.sort_values(["steps", "weight"], ascending=False, kind="stable").head(limit)

    def collect_first(self, limit: int = 3) -> pd.Series:
        """Each project's ``limit`` most decisive columns (:meth:`for_project`), ``;``-joined, by project id
        (projects with nothing to collect are absent)."""
        t = self.table[self.table["weight"] > 0]
        if t.empty:
            return pd.Series(dtype=object)
        t = t.sort_values(["row", "steps", "weight"], ascending=[True, False, False], kind="stable")
        top = t.groupby("row", sort=False).head(limit)
        return top.groupby("project_id", sort=False)["column"].agg(";".join)

    def columns_frame(self) -> pd.DataFrame:
        """Per column: ``projects_missing`` (ranked projects without it), ``could_change_tier`` (of those,
        how many could change tier if it were known), ``tier_steps`` (the same weighted by how far),
        ``weight`` (the weight it would bring into assessment, summed over projects, in projects' worth:
        1.0 = one project's whole weight) — most decisive first."""
        t = self.table
        cols = ["column", "projects_missing", "could_change_tier", "tier_steps", "weight", "mean_weight"]
        if t.empty:
            return pd.DataFrame(columns=cols)
        g = t.groupby("column", sort=False)
        out = pd.DataFrame(
            {
                "projects_missing": g.size(),
                "could_change_tier": g["steps"].agg(lambda s: int((s > 0).sum())),
                "tier_steps": g["steps"].sum().astype(int),
                "weight": g["weight"].sum().round(2),
            }
        )
        out = out[(out["weight"] > 0) | (out["tier_steps"] > 0)]
        out["mean_weight"] = (out["weight"] / out["projects_missing"]).round(4)
        out = out.reset_index().rename(columns={"index": "column"})
        return out.sort_values(
            ["tier_steps", "could_change_tier", "weight"], ascending=False, kind="stable"
        ).reset_index(drop=True)[cols]

    # -------------------------------------------------------------------------------- in words

    def file_lines(self, limit: int = 8) -> list[Text]:
        """The columns to collect first, one line each (labels in both languages, never codes)."""
        frame = self.columns_frame().head(limit)
        return [
            text(
                "triage_collect_row" if r["could_change_tier"] else "triage_collect_row_weight",
                column=column_text(str(r["column"])),
                missing=int(r["projects_missing"]),
                change=int(r["could_change_tier"]),
                weight=f"{float(r['mean_weight']):.1%}",
            )
            for r in _records(frame)
        ]

    def decides_any(self) -> bool:
        """Some single column could change some project's tier."""
        return bool(len(self.table)) and bool((self.table["steps"] > 0).any())

    def project_lines(self, project_id: str, tier_label: Any, limit: int = 3) -> list[Text]:
        """This project's most decisive columns in words; ``tier_label(tier_id) -> Text``."""
        return [
            text(
                "voi_project_line",
                column=column_text(str(r["column"])),
                worst=tier_label(r["tier_worst"]),
                best=tier_label(r["tier_best"]),
                now=tier_label(r["tier_now"]),
                weight=f"{float(r['weight']):.1%}",
            )
            for r in _records(self.for_project(project_id, limit))
        ]

    def collect_first_labels(self, lang: str, limit: int = 3) -> pd.Series:
        """:meth:`collect_first` with column labels in ``lang`` (by project id)."""
        sep = t("sep_list", lang)
        return self.collect_first(limit).map(lambda s: sep.join(label(c, lang) for c in str(s).split(";")))

    def columns_table(self, lang: str, limit: int | None = None) -> pd.DataFrame:
        """:meth:`columns_frame` with column labels and headers in ``lang`` (for the app and the workbook)."""
        frame = self.columns_frame()
        if limit is not None:
            frame = frame.head(limit)
        return pd.DataFrame(
            {
                t("voi_hdr_column", lang): [column_label(c, lang) for c in frame["column"]],
                t("voi_hdr_missing", lang): frame["projects_missing"].to_numpy(),
                t("voi_hdr_change", lang): frame["could_change_tier"].to_numpy(),
                t("voi_hdr_steps", lang): frame["tier_steps"].to_numpy(),
                t("voi_hdr_weight", lang): frame["mean_weight"].to_numpy(),
            }
        )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(zip(frame.columns, row, strict=True)) for row in frame.itertuples(index=False)]


def column_text(name: str) -> Text:
    """A column's label in both languages (its name when it is not a canonical column); a column of the
    countries sheet says so (it is collected per country, on that sheet)."""
    return Text(zh=column_label(name, "zh"), en=column_label(name, "en"))


def column_label(name: str, lang: str) -> str:
    """:func:`column_text` in one language."""
    col = COLUMN_BY_NAME.get(name)
    where = t("voi_on_countries_sheet", lang) if col is not None and col.table == "countries" else ""
    return label(name, lang) + where


# ---------------------------------------------------------------------------------------------- computation


def _flag_arrays(ranked: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each review flag id → (n,) bool, from the ranked table's ``;``-joined ``flags``."""
    if "flags" not in ranked.columns:
        return {}
    n = len(ranked)
    each = pd.Series(
        ranked["flags"].astype(object).fillna("").astype(str).str.split(";").to_numpy(), index=np.arange(n)
    ).explode()
    each = each[each.astype(bool)]
    out: dict[str, np.ndarray] = {}
    for flag, where in each.groupby(each, sort=True).groups.items():
        arr = np.zeros(n, dtype=bool)
        arr[np.asarray(where, dtype=np.int64)] = True
        out[str(flag)] = arr
    return out


def _tiers(pm: PointMatrix, result: Result, rows: np.ndarray, scores: Any) -> np.ndarray:
    """Tier codes of ``scores`` (of a point matrix whose rows are ``rows`` of the run's), as the ranking gives
    them: review-flag caps, dimension hurdles, completeness line."""
    cs = result.criteria
    caps = result.tier_caps[rows]
    if cs.hurdles:
        h_caps, _, _ = hurdle_codes(
            scores.dimension_scores.to_numpy(),
            scores.dimension_assessed,
            list(scores.dimension_scores.columns),
            cs,
        )
        caps = np.maximum(caps, h_caps)
    codes, _ = tier_codes(scores.total, scores.completeness, cs, caps)
    return codes


def _groups(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(first position of each distinct row, each row's group) of the rows formed by ``columns`` (equal
    length, numbers): exact, by sorting (no hash that two different rows could share)."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    order = np.lexsort(columns[::-1])
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for col in columns:
        c = col[order]
        new[1:] |= (
            (c[1:] != c[:-1]) & ~(np.isnan(c[1:]) & np.isnan(c[:-1]))
            if c.dtype.kind == "f"
            else (c[1:] != c[:-1])
        )
    group_sorted = np.cumsum(new) - 1
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = group_sorted
    first = order[new]
    return first, inverse


def _row_codes(pm: PointMatrix, caps: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each of ``rows``' group among them: the same point-matrix row, applicability, track and cap."""
    points, applicable = pm.points[rows], pm.applicable[rows]
    cols = [np.where(applicable[:, j], points[:, j], -1.0) for j in range(points.shape[1])]
    cols += [pd.factorize(pm.tracks[rows])[0], np.asarray(caps)[rows]]
    return _groups(cols)[1]


def _situations(sub: pd.DataFrame, row_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(one representative position per distinct situation, each row's situation): rows that agree on the
    fields given in ``sub`` and on their :func:`_row_codes` answer alike."""
    cols = [pd.factorize(sub[c].astype(object))[0] for c in sub.columns]
    return _groups([*cols, row_codes])


def value_of_information(
    result: Result, columns: Iterable[str] | None = None, project_ids: Iterable[str] | None = None
) -> ValueOfInformation:
    """The value of information of every blank input of every ranked project (module docstring).

    ``columns``: only these input columns (default: every column some criterion reads); ``project_ids``: only
    these ranked projects (default: all; one project's answer is the same either way)."""
    start = time.perf_counter()
    cs, pm = result.criteria, result.pm
    names = [*cs.tier_ids(), "insufficient_data"]
    n = len(pm.project_ids)
    index = result.ranked.index.to_numpy()
    if n == 0 or len(index) != n or not np.array_equal(np.sort(index), np.arange(n)):
        return ValueOfInformation(pd.DataFrame(columns=VOI_COLUMNS), names, n, time.perf_counter() - start)
    chosen = (
        np.ones(n, dtype=bool)
        if project_ids is None
        else np.isin(pm.project_ids, [str(p) for p in project_ids])
    )
    # Only the chosen projects' rows of the wide ranked table are gathered (one project on the app's page).
    sel = np.flatnonzero(chosen)
    base = result.ranked.loc[sel]
    loc = np.full(n, -1, dtype=np.intp)
    loc[sel] = np.arange(len(sel))
    policy = cs.missing_policy
    now = _tiers(pm, result, np.arange(n), result.scores)
    now_completeness = result.scores.completeness
    flags = {}
    for f, a in _flag_arrays(base).items():
        flags[f] = np.zeros(n, dtype=bool)
        flags[f][sel] = a
    row_codes = np.zeros(n, dtype=np.intp)
    row_codes[sel] = _row_codes(pm, result.tier_caps, sel)
    line = cs.completeness_threshold
    insufficient = len(names) - 1
    texts = text_scan(cs)
    crits = [c for _, c in cs.criteria]
    tries = candidate_values(cs)
    wanted = list(tries) if columns is None else [c for c in columns if c in tries]
    pieces: list[pd.DataFrame] = []
    for field in wanted:
        values = tries[field]
        reads = [j for j, c in enumerate(crits) if field in _fields_of(c)]
        blank = np.ones(n, dtype=bool)
        if field in base.columns:
            blank[sel] = base[field].isna().to_numpy()
        could = np.zeros(n, dtype=bool)
        for j in reads:
            c = crits[j]
            could |= np.ones(n, dtype=bool) if c.tracks is None else np.isin(pm.tracks, c.tracks)
        rows_all = np.flatnonzero(blank & could & chosen)
        if not len(rows_all):
            continue
        needed = sorted({f for j in reads for f in _fields_of(crits[j])} | {"track"})
        present = [f for f in needed if f in base.columns]
        sub_all = base[present].iloc[loc[rows_all]]
        first, situation = _situations(sub_all, row_codes[rows_all])
        rows = rows_all[first]
        sub0 = sub_all.iloc[first].astype(object)
        k, v = len(rows), len(values)
        best = np.zeros(k, dtype=np.int64)
        worst = np.zeros(k, dtype=np.int64)
        gain = np.zeros(k)
        best_v = np.zeros(k, dtype=np.int64)
        worst_v = np.zeros(k, dtype=np.int64)
        step = max(1, CHUNK_ROWS // v)
        reads_a = np.array(reads, dtype=np.intp)
        for lo in range(0, k, step):
            r = rows[lo : lo + step]
            kk = len(r)
            tile = np.tile(np.arange(lo, lo + kk), v)
            sub = sub0.iloc[tile].reset_index(drop=True)
            sub[field] = pd.Series(np.repeat(np.array(values, dtype=object), kk), dtype=object)
            rr = np.tile(r, v)
            ctx = Context({f: a[rr] for f, a in flags.items()}, texts)
            tracks = pm.tracks[rr]
            new_pts = np.empty((len(rr), len(reads)))
            new_app = np.empty((len(rr), len(reads)), dtype=bool)
            for q, j in enumerate(reads):
                c = crits[j]
                app = np.ones(len(rr), dtype=bool) if c.tracks is None else np.isin(tracks, c.tracks)
                if c.applies_when is not None:
                    app &= c.applies_when.evaluate(sub, ctx)
                new_app[:, q] = app
                new_pts[:, q] = np.where(app, np.asarray(c.scorer.score(sub, ctx), dtype=float), np.nan)
            # A try that leaves the criteria reading the field as they are answers as the record does now;
            # tries of one record that score alike are weighed once.
            old_pts, old_app = pm.points[np.ix_(rr, reads_a)], pm.applicable[np.ix_(rr, reads_a)]
            same = (new_app == old_app).all(axis=1) & (
                (new_pts == old_pts) | (np.isnan(new_pts) & np.isnan(old_pts))
            ).all(axis=1)
            # A try that leaves applicability as it is and stays below the completeness line is
            # insufficient_data whatever it scores: its completeness (and total) is the record's own plus the
            # shares of the criteria it opens (the shares depend only on applicability under the zero and
            # neutral policies), with no weighing at all. A safety margin keeps the line's edge to weigh.
            quick = np.zeros(len(rr), dtype=bool)
            if policy != "renormalise":
                eff = result.scores.effective_weight[np.ix_(rr, reads_a)]
                new_ass = new_app & ~np.isnan(new_pts)
                old_ass = old_app & ~np.isnan(old_pts)
                est_c = now_completeness[rr] + (eff * (new_ass.astype(float) - old_ass)).sum(axis=1)
                fill = fill_value(policy)
                est_t = result.scores.total[rr] + (
                    eff * (np.where(new_ass, new_pts, fill) - np.where(old_ass, old_pts, fill))
                ).sum(axis=1)
                quick = ~same & (new_app == old_app).all(axis=1) & (est_c < line - QUICK_MARGIN)
            todo = np.flatnonzero(~same & ~quick)
            sig = [np.tile(np.arange(kk), v)[todo]]
            sig += [np.nan_to_num(new_pts[todo, q], nan=-1.0) for q in range(len(reads))]
            sig += [new_app[todo, q].astype(np.int8) for q in range(len(reads))]
            first, inverse = _groups(sig)
            pick = todo[first]  # tile rows weighed
            ur = rr[pick]
            points = pm.points.T[:, ur].T  # one copy, columns contiguous (as weigh works on them)
            applicable = pm.applicable.T[:, ur].T
            points[:, reads_a] = new_pts[pick]
            applicable[:, reads_a] = new_app[pick]
            tried = PointMatrix(
                pm.project_ids[ur], pm.criterion_ids, pm.dimension_of, points, applicable, pm.tracks[ur]
            )
            scores = weigh(tried, result.weights, policy)
            codes_f = now[rr].copy()
            comp_f = now_completeness[rr].copy()
            total_f = result.scores.total[rr].copy()
            if quick.any():
                codes_f[quick] = insufficient
                comp_f[quick] = np.round(est_c[quick], 6)
                total_f[quick] = np.round(est_t[quick], 2)
            got = inverse.reshape(-1)
            codes_f[todo] = _tiers(tried, result, ur, scores)[got]
            comp_f[todo] = scores.completeness[got]
            total_f[todo] = scores.total[got]
            codes = codes_f.reshape(v, kk)
            comp = comp_f.reshape(v, kk)
            total = total_f.reshape(v, kk)
            # best: lowest code, then highest total; worst: highest code, then lowest total
            best_v[lo : lo + kk] = np.lexsort((-total, codes), axis=0)[0]
            worst_v[lo : lo + kk] = np.lexsort((total, -codes), axis=0)[0]
            best[lo : lo + kk] = codes.min(axis=0)
            worst[lo : lo + kk] = codes.max(axis=0)
            gain[lo : lo + kk] = np.maximum(comp.max(axis=0) - now_completeness[r], 0.0)
        cur = now[rows]
        steps = np.maximum(np.abs(best - cur), np.abs(worst - cur))
        vals = np.array(values, dtype=object)
        pieces.append(
            pd.DataFrame(
                {
                    "row": rows_all,
                    "project_id": pm.project_ids[rows_all],
                    "column": field,
                    "tier_now": np.array(names, dtype=object)[now[rows_all]],
                    "tier_best": np.array(names, dtype=object)[best[situation]],
                    "tier_worst": np.array(names, dtype=object)[worst[situation]],
                    "steps": steps[situation].astype(np.int64),
                    "weight": np.round(gain[situation], 6),
                    "best_value": vals[best_v[situation]],
                    "worst_value": vals[worst_v[situation]],
                },
                columns=VOI_COLUMNS,
            )
        )
    table = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=VOI_COLUMNS)
    return ValueOfInformation(table, names, n, time.perf_counter() - start)
