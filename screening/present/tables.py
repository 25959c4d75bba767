"""Display tables for the app's pages, prepared without Streamlit: ranking, project rationale and hits,
issues, excluded and invalid records, weights, header mapping, robustness and portfolio tables.

Nothing here scores, screens or ranks: it reads a :class:`~screening.model.Result` and formats it, with words
from the catalogue (:mod:`screening.i18n`). Length: about 640 lines, one short function per table the pages
show; the tables share their label helpers, which is why they stay in one module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import yaml

from screening.criteria.models import CriteriaSet
from screening.i18n import lang_code, t
from screening.io.mapping import ColumnRule, Mapping, MappingError
from screening.model import Input, Result
from screening.present.labels import (
    Lang,
    code_label,
    column_title,
    country_label,
    dimension_label,
    direction_label,
    light_column,
    light_label,
    severity_label,
    tier_label,
    track_label,
)
from screening.report import excluded_frame, invalid_frame
from screening.stages.explain import next_tier_gap, rationale
from screening.stages.groups import GROUP, GROUP_COLUMNS, GROUP_SIZE, GROUP_TOTAL
from screening.stages.score import PointMatrix, Scores, Weights
from screening.vocab.columns import COLUMN_BY_NAME, COLUMNS, REQUIRED, header_lookup, norm_key

if TYPE_CHECKING:
    from pandas._typing import Scalar


def counts_frame(result: Result, lang: Lang) -> pd.DataFrame:
    c = result.counts()
    issues = int((result.issues["severity"] != "invalid").sum()) if len(result.issues) else 0
    keys = ["records", "ranked", "excluded", "invalid"]
    return pd.DataFrame(
        {
            "key": [*keys, "not_candidates", "data_issues"],
            "label": [t(k, lang) for k in [*keys, "not_candidates", "data_issues"]],
            "count": [c[k] for k in keys] + [result.not_candidates(), issues],
        }
    )


RANKING_FIRST = ("rank", "project_id", "project_name", "score", "tier", "track", "flags")
"""The ranking's first columns, in this order (issue 18 item 4)."""


def money_columns(columns: Sequence[str]) -> list[str]:
    """The columns of ``columns`` that hold money in USD millions (shown with one decimal)."""
    return [c for c in columns if c.endswith("_usd_m") or c == GROUP_TOTAL]


def ranking_table(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    """The ranking as shown: codes turned into labels; column names stay canonical (see :func:`column_title`).
    Rank, id, name, score, tier, track and flags come first; the criteria set's traffic light (the classifier
    with that role) right after them."""
    light = light_column(criteria)
    cols = [  # what a planner reads first, visible without scrolling at 1280 px; the rest after
        *RANKING_FIRST,
        *([light] if light else []),
        "rank_in_track",
        "country",
        "sector",
        "completeness",
        "total_investment_usd_m",
        *GROUP_COLUMNS,
        *[c for c in ranked.columns if c.startswith("dim_")],
    ]
    cols = [c for c in cols if c in ranked.columns]
    out = with_country_names(ranked[cols], lang)
    if "sector" in out:
        out["sector"] = _map_unique(out["sector"], lambda v: code_label("sector", v, lang))
    if "track" in out:
        out["track"] = _map_unique(out["track"], lambda v: track_label(v, lang, criteria))
    if "tier" in out:
        out["tier"] = _map_unique(out["tier"], lambda v: tier_label(v, lang, criteria))
    if light and light in out:
        out[light] = _map_unique(out[light], lambda v: light_label(v, lang, criteria))
    if "flags" in out:
        labels = {f.id: f.label.get(lang) for f in criteria.flags} | {
            g.id: g.label.get(lang) for g in criteria.gates
        }
        out["flags"] = _map_unique(
            out["flags"],
            lambda s: (
                "; ".join(labels.get(f, f) for f in str(s).split(";") if f) if isinstance(s, str) else ""
            ),
        )
    if "completeness" in out:
        out["completeness"] = (out["completeness"].astype(float) * 100).round(0)
    return out.reset_index(drop=True)


COUNTRY_CODE = "country_iso"
"""The column that keeps a project's ISO 3166 alpha-3 code beside the country's name (issue 18 item 5)."""


def with_country_names(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """``country`` as the country's name in ``lang`` (蒙古国 / Mongolia), with the ISO code kept in a column of
    its own (``country_iso``) right after it; a frame without ``country`` is returned as it is."""
    if "country" not in frame.columns or COUNTRY_CODE in frame.columns:
        return frame
    out = frame.copy()
    codes = out["country"]
    out["country"] = _map_unique(codes, lambda v: country_label(v, lang))
    out.insert(
        list(out.columns).index("country") + 1,
        COUNTRY_CODE,
        _map_unique(codes, lambda v: v if isinstance(v, str) else ""),
    )
    return out


def with_code_labels(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Every column of a code list (sector, status, …) as its labels in ``lang`` and every yes/no column as
    是/否 or yes/no, so a page shows no code of the other language; other columns are left as they are."""
    out = frame.copy()
    for col in out.columns:
        column = COLUMN_BY_NAME.get(str(col))
        if column is None:
            continue
        if column.codes and column.kind != "level":
            out[col] = _map_unique(
                out[col], lambda v, n=column.codes: code_label(n, v, lang) if isinstance(v, str) else v
            )
        elif column.kind == "bool":
            out[col] = _map_unique(
                out[col],
                lambda v: t("fmt_yes" if v else "fmt_no", lang) if isinstance(v, bool | np.bool_) else v,
            )
    return out


def _map_unique(values: pd.Series, fn: Any) -> np.ndarray:
    """``values.map(fn)`` computed once per distinct value (labels for 20,000 rows cost a few calls)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([fn(u) for u in uniques] + [fn(None)], dtype=object)
    return mapped[codes]


def _slice_pm(pm: PointMatrix, i: int) -> PointMatrix:
    return replace(
        pm,
        project_ids=pm.project_ids[i : i + 1],
        points=pm.points[i : i + 1],
        applicable=pm.applicable[i : i + 1],
        tracks=pm.tracks[i : i + 1],
    )


def _slice_scores(scores: Scores, i: int) -> Scores:
    return replace(
        scores,
        total=scores.total[i : i + 1],
        completeness=scores.completeness[i : i + 1],
        contributions=scores.contributions[i : i + 1],
        effective_weight=scores.effective_weight[i : i + 1],
        dimension_scores=scores.dimension_scores.iloc[i : i + 1],
    )


def project_rationale(result: Result, project_id: str, lang: Lang) -> pd.DataFrame:
    """Every criterion for one ranked project (the library's rationale, for this row only), for display."""
    ids = result.pm.project_ids.astype(str)
    where = np.flatnonzero(ids == str(project_id))
    cols = [
        "dimension",
        "criterion",
        "status",
        "value",
        "points",
        "max_points",
        "weight",
        "contribution",
        "reason",
        "source",
    ]
    if len(where) == 0:
        return pd.DataFrame(columns=cols)
    i = int(where[0])
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    rat = rationale(row, _slice_pm(result.pm, i), _slice_scores(result.scores, i), result.criteria)
    cs = result.criteria
    code = lang_code(lang)
    out = pd.DataFrame(
        {
            "dimension": rat["dimension"].map(lambda d: dimension_label(d, lang, cs)),
            "criterion": rat[f"criterion_{code}"],
            "status": rat["status"].map(lambda s: t(f"status_{s}", lang)),
            # the value and the short citation in the page's language, as the workbook's Rationale shows them
            "value": rat["value_zh"] if code == "zh" else rat["value"],
            "points": rat["points"],
            "max_points": rat["max_points"],
            "weight": rat["weight"],
            "contribution": rat["contribution"],
            "reason": rat[f"reason_{code}"],
            "source": rat[f"source_{code}"],
        }
    )
    return out[cols].reset_index(drop=True)


def source_text(criteria: CriteriaSet, key_and_section: str) -> str:
    """'key section' → 'key section — citation' (the citation from the criteria set's sources)."""
    key = str(key_and_section).split(" ", 1)[0]
    src = criteria.sources.get(key)
    return f"{key_and_section} — {src.cite}" if src is not None else str(key_and_section)


def project_hits(result: Result, project_id: str, lang: Lang) -> pd.DataFrame:
    """The project's gates and flags, then the dimension hurdles it fails (they depend on the weights, so they
    come from its ranked row, not from the screening's hits)."""
    hits = result.hits[result.hits["project_id"].astype(str) == str(project_id)]
    code = lang_code(lang)
    cols = ["kind", "id", "label", "reason", "source"]
    frame = pd.DataFrame(
        {
            "kind": hits["kind"].map(lambda k: t(f"kind_{k}", lang)).to_numpy(),
            "id": hits["id"].to_numpy(),
            "label": hits[f"label_{code}"].to_numpy(),
            "reason": hits[f"reason_{code}"].to_numpy(),
            "source": hit_sources(result.criteria, hits),
        },
        columns=cols,
    )
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    failed = str(row["hurdles"].iloc[0]) if len(row) and "hurdles" in row else ""
    by_id = {h.id: h for h in result.criteria.hurdles}
    extra = [
        {
            "kind": t("kind_hurdle", lang),
            "id": h.id,
            "label": h.label.get(lang),
            "reason": h.reason.get(lang),
            "source": source_text(result.criteria, f"{h.source} {h.section or ''}".strip()),
        }
        for h in (by_id[i] for i in failed.split(";") if i in by_id)
    ]
    return pd.concat([frame, pd.DataFrame(extra, columns=cols)], ignore_index=True) if extra else frame


def hit_sources(criteria: CriteriaSet, hits: pd.DataFrame) -> list[str]:
    """'key section — citation' for each row of a hits table (the section may be blank or absent)."""
    sections = hits["section"] if "section" in hits else pd.Series([None] * len(hits), index=hits.index)
    return [
        source_text(criteria, f"{s} {sec}".strip() if isinstance(sec, str) else str(s))
        for s, sec in zip(hits["source"], sections, strict=True)
    ]


def project_summary(result: Result, project_id: str) -> dict[str, Any]:
    """The record's outcome and, for a ranked project, its ranked row (as a dict)."""
    rec = result.records[result.records["project_id"].astype(str) == str(project_id)]
    outcome = str(rec["outcome"].iloc[0]) if len(rec) else ""
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    return {
        "outcome": outcome,
        "row": row.iloc[0].to_dict() if len(row) else {},
        "record": rec.iloc[0].to_dict() if len(rec) else {},
    }


GROUP_MEMBER_COLUMNS = (
    "project_id",
    "project_name",
    "total_investment_usd_m",
    "amount_basis",
    "outcome",
    "rank",
)


def project_group_members(result: Result, project_id: str, lang: Lang) -> tuple[dict[str, Any], pd.DataFrame]:
    """The project group of ``project_id`` (``group``, ``size``, ``total``; empty for a record on its own) and
    its *other* records — id, name, amount, amount basis, outcome and rank — in id order."""
    rec = result.records
    if GROUP not in rec.columns:
        return {}, pd.DataFrame(columns=list(GROUP_MEMBER_COLUMNS))
    mine = rec[rec["project_id"].astype(str) == str(project_id)]
    group = mine[GROUP].iloc[0] if len(mine) else None
    if not isinstance(group, str) or not group:
        return {}, pd.DataFrame(columns=list(GROUP_MEMBER_COLUMNS))
    members = rec[(rec[GROUP] == group) & (rec["project_id"].astype(str) != str(project_id))]
    out = members.reindex(columns=[c for c in GROUP_MEMBER_COLUMNS if c != "rank"]).copy()
    ranks = dict(zip(result.ranked["project_id"].astype(str), result.ranked["rank"], strict=True))
    out["rank"] = out["project_id"].astype(str).map(ranks)
    out["outcome"] = out["outcome"].map(lambda o: t("outcome_" + str(o), lang))
    out["amount_basis"] = out["amount_basis"].map(
        lambda v: code_label("amount_basis", v, lang) if isinstance(v, str) else ""
    )
    info = {
        "group": group,
        "size": int(mine[GROUP_SIZE].iloc[0]),
        "total": float(mine[GROUP_TOTAL].iloc[0]),
    }
    return info, out.sort_values("project_id", kind="stable").reset_index(drop=True)


def cost_columns(ranked: pd.DataFrame) -> list[str]:
    """The money columns a portfolio budget may count: ``total_investment_usd_m`` first, then every other
    canonical money column the ranked projects fill in (the group total is left out: it would count a
    project once per tranche)."""
    money = [c.name for c in COLUMNS if c.kind == "money" and c.name in ranked.columns]
    filled = [c for c in money if pd.to_numeric(ranked[c], errors="coerce").notna().any()]
    first = [c for c in filled if c == "total_investment_usd_m"]
    return first + [c for c in filled if c != "total_investment_usd_m"]


def next_tier_text(result: Result, project_id: str, lang: Lang) -> str:
    """What it would take to reach the next tier, in words."""
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    if row.empty:
        return ""
    cs = result.criteria
    score, tier, comp = (
        float(row["score"].iloc[0]),
        str(row["tier"].iloc[0]),
        float(row["completeness"].iloc[0]),
    )
    if tier == "insufficient_data":
        return t("insufficient_note", lang, have=comp, need=cs.completeness_threshold)
    gap = next_tier_gap(score, tier, cs)
    if gap is None:
        return t("top_tier", lang)
    better, points = gap
    text = t("next_tier", lang, tier=tier_label(better, lang, cs), gap=points)
    if points <= 0:
        text += " " + t("capped_note", lang, tier=tier_label(tier, lang, cs))
    return text


def issues_table(result: Result, lang: Lang) -> pd.DataFrame:
    iss = result.issues
    return pd.DataFrame(
        {
            "source_sheet": iss["source_sheet"].to_numpy(),
            "source_row": iss["source_row"].to_numpy(),
            "project_id": iss["project_id"].to_numpy(),
            "column": iss["column"].to_numpy(),
            "value": iss["value"].map(lambda v: "" if v is None else str(v)).to_numpy(),
            "message": iss[f"message_{lang_code(lang)}"].to_numpy(),
            "severity": iss["severity"].map(lambda s: severity_label(s, lang)).to_numpy(),
            "severity_code": iss["severity"].to_numpy(),
        },
        columns=[
            "source_sheet",
            "source_row",
            "project_id",
            "column",
            "value",
            "message",
            "severity",
            "severity_code",
        ],
    )


def excluded_table(result: Result, lang: Lang, kind: str | None = None) -> pd.DataFrame:
    """Every excluded project with every gate it hit, the reasons (in ``lang``) and sources. ``kind``:
    ``gate`` — the negative list's exclusions (a record that also is not a candidate included); ``not_candidate``
    — records excluded only because they are not candidates (cancelled, suspended); None — all."""
    ex = excluded_frame(result, lang)
    ex = ex.rename(columns={"gates": "gate_ids"})
    if kind is not None:
        hits = result.hits
        gated = set(hits.loc[hits["kind"] == "gate", "project_id"].astype(str))
        keep = ex["project_id"].astype(str).isin(gated)
        ex = ex[keep if kind == "gate" else ~keep]
    lead = [
        c
        for c in ("project_id", "project_name", "country", "exclusion", "gate_ids", "reasons", "sources")
        if c in ex
    ]
    ex = with_code_labels(ex[lead + [c for c in ex.columns if c not in lead]], lang)
    return with_country_names(ex, lang).reset_index(drop=True)


def flag_summary(result: Result, lang: Lang) -> pd.DataFrame:
    """One row per review flag raised on ranked projects: how many projects, the reason once, the source.

    The reason is the same for every project a flag hits, so it is shown once here rather than once per hit (at
    100,000 projects the per-hit table ran to hundreds of thousands of rows); each project's own hits, with
    partners for duplicates, are on the project page (:func:`project_hits`).
    """
    hits = result.hits
    flags = hits[(hits["kind"] == "flag") & hits["row_key"].isin(result.ranked["row_key"])]
    cols = ["id", "label", "projects", "reason", "source"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    counts = flags.groupby("id", sort=False)["row_key"].nunique()
    first = flags.drop_duplicates("id").set_index("id").loc[counts.index]
    generic = {
        f.id: f.reason.get(lang) for f in result.criteria.flags
    }  # without one hit's duplicate partners
    out = pd.DataFrame(
        {
            "id": counts.index.to_numpy(),
            "label": first[f"label_{lang_code(lang)}"].to_numpy(),
            "projects": counts.to_numpy(),
            "reason": [
                generic.get(i, r)
                for i, r in zip(counts.index, first[f"reason_{lang_code(lang)}"], strict=True)
            ],
            "source": hit_sources(result.criteria, first),
        },
        columns=cols,
    )
    return out.sort_values(["projects", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def flagged_projects(result: Result, lang: Lang) -> pd.DataFrame:
    """Every ranked project with at least one review flag, in rank order, its flags as labels."""
    ranked = result.ranked
    flagged = ranked[ranked["flags"].astype(str) != ""]
    table = ranking_table(flagged, lang, result.criteria)
    cols = ("rank", "project_id", "project_name", "country", COUNTRY_CODE, "tier", "flags")
    return table[[c for c in cols if c in table.columns]]


def invalid_table(result: Result, lang: Lang) -> pd.DataFrame:
    """Every invalid record with every problem (in ``lang``) and its sheet and row."""
    inv = invalid_frame(result, lang)
    lead = [
        c
        for c in (
            "source_sheet",
            "source_row",
            "project_id",
            "project_name",
            "problems",
            "problem_columns",
            "problem_values",
        )
        if c in inv
    ]
    inv = with_code_labels(inv[lead + [c for c in inv.columns if c not in lead]], lang)
    return with_country_names(inv, lang).reset_index(drop=True)


def weights_frames(criteria: CriteriaSet, weights: Weights, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dimension table, criterion table) with ``id``, ``label``, ``weight`` and read-only context columns."""
    total = sum(weights.dimensions.values()) or 1.0
    dims = pd.DataFrame(
        [
            {
                "id": d.id,
                "label": d.label.get(lang),
                "weight": float(weights.dimensions[d.id]),
                "share": round(weights.dimensions[d.id] / total * 100, 1),
            }
            for d in criteria.dimensions
        ],
        columns=["id", "label", "weight", "share"],
    )
    rows = []
    for d, c in criteria.criteria:
        rows.append(
            {
                "dimension": d.label.get(lang),
                "id": c.id,
                "label": c.label.get(lang),
                "weight": float(weights.criteria[c.id]),
                "tracks": ", ".join(track_label(x, lang, criteria) for x in c.tracks)
                if c.tracks
                else t("all_tracks", lang),
            }
        )
    crits = pd.DataFrame(rows, columns=["dimension", "id", "label", "weight", "tracks"])
    return dims, crits


def _as_weight(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def weights_from_frames(dims: pd.DataFrame, crits: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Edited tables → ``{"dimensions": {id: w}, "criteria": {id: w}}`` (unchecked: see :func:`validated_weights`)."""
    return {
        "dimensions": {str(i): _as_weight(w) for i, w in zip(dims["id"], dims["weight"], strict=True)},
        "criteria": {str(i): _as_weight(w) for i, w in zip(crits["id"], crits["weight"], strict=True)},
    }


def rank_changes(base: Result, current: Result, top: int = 15) -> pd.DataFrame:
    """The ``top`` projects under the current weights with their rank and score under the file's weights."""
    cur = current.ranked.head(top)[["project_id", "rank", "score", "tier"]]
    old = base.ranked[["project_id", "rank", "score"]].rename(
        columns={"rank": "rank_before", "score": "score_before"}
    )
    out = cur.merge(old, on="project_id", how="left")
    out["moved"] = (out["rank_before"] - out["rank"]).astype("Int64")
    if "project_name" in current.ranked:
        out.insert(1, "project_name", current.ranked.head(top)["project_name"].to_numpy())
    return out


def criteria_yaml(criteria: CriteriaSet) -> str:
    """The criteria set as YAML (loads back to the same set)."""
    data = criteria.model_dump(by_alias=True, exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


def criteria_details(criteria: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """One row per criterion: dimension, id, label, tracks, anchors (the scorer in words), why, source."""
    rows = []
    for d, c in criteria.criteria:
        rows.append(
            {
                "dimension": d.label.get(lang),
                "id": c.id,
                "label": c.label.get(lang),
                "tracks": ", ".join(track_label(x, lang, criteria) for x in c.tracks)
                if c.tracks
                else t("all_tracks", lang),
                "anchors": c.scorer.describe(lang),
                "why": c.why.get(lang) if c.why else "",
                "source": source_text(criteria, f"{c.source} {c.section or ''}".strip()),
            }
        )
    return pd.DataFrame(rows, columns=["dimension", "id", "label", "tracks", "anchors", "why", "source"])


def header_table(inp: Input, mapping: Mapping | None = None) -> pd.DataFrame:
    """One row per source header: the header as written and the standard column it feeds ("" = none)."""
    table = inp.projects
    from_mapping = {rule.from_: canonical for canonical, rule in mapping.columns.items()} if mapping else {}
    built = {c for c, rule in mapping.columns.items() if rule.from_ is None} if mapping else set()
    rows = []
    for col in table.frame.columns:
        canonical = str(col) if str(col) in COLUMN_BY_NAME else ""
        if canonical in built:  # a join, constant or built id reads no single header (kept on saving)
            continue
        source = table.renamed.get(canonical, str(col)) if canonical else str(col)
        if not canonical and source in from_mapping:
            canonical = from_mapping[source]
        rows.append({"source_header": source, "canonical": canonical})
    return _with_labels(pd.DataFrame(rows, columns=["source_header", "canonical"]))


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["required"] = frame["canonical"].isin(REQUIRED)
    return frame


def guess_table(headers: Sequence[str]) -> pd.DataFrame:
    """Header table for raw headers, with the standard column recognised from the header where possible."""
    lookup = header_lookup()
    used: set[str] = set()
    rows = []
    for h in headers:
        c = lookup.get(norm_key(h), "")
        if c in used:
            c = ""
        used.add(c)
        rows.append({"source_header": h, "canonical": c})
    return _with_labels(pd.DataFrame(rows, columns=["source_header", "canonical"]))


def canonical_options() -> list[str]:
    return ["", *[c.name for c in COLUMNS]]


def mapping_from_table(table: pd.DataFrame, base: Mapping | None = None, ident: str = "custom") -> Mapping:
    """A mapping from an edited header table; rules of ``base`` (scale, value words) are kept where the
    standard column still reads the same source header. Raises :class:`MappingError` for a standard column
    fed twice or an unknown one."""
    pairs: list[tuple[str, str]] = []  # one source header may feed several standard columns
    seen: dict[str, str] = {}
    for src, canon in zip(table["source_header"], table["canonical"], strict=True):
        canon = "" if canon is None or (isinstance(canon, float) and np.isnan(canon)) else str(canon).strip()
        if not canon:
            continue
        if canon not in COLUMN_BY_NAME:
            raise MappingError(f"'{canon}' is not a standard column")
        if canon in seen:
            raise MappingError(f"duplicate:{canon}")
        seen[canon] = str(src)
        pairs.append((str(src), canon))
    columns: dict[str, ColumnRule] = {}
    for src, canon in pairs:
        old = base.columns.get(canon) if base is not None else None
        if old is not None and old.from_ == src:
            columns[canon] = old
        else:
            columns[canon] = ColumnRule.model_validate({"from": src})
    if base is not None:  # joins, constants and built ids read no single header: kept unless re-fed
        for canon, rule in base.columns.items():
            if rule.from_ is None and canon not in columns:
                columns[canon] = rule
    return Mapping(
        id=base.id if base is not None and ident == "custom" else ident,
        title=base.title if base is not None else "",
        attribution=base.attribution if base is not None else "",
        columns=columns,
    )


def _names(result: Result) -> dict[str, str]:
    ranked = result.ranked
    ids = ranked["project_id"].astype(str)
    names = ranked["project_name"].astype(str) if "project_name" in ranked else ids
    return dict(zip(ids, names, strict=True))


def _id_and_name(pid: object, names: dict[str, str]) -> str:
    """A rival project as '<id> <name>' (a planner reads the name; the id finds the row), blank for none."""
    if not isinstance(pid, str) or not pid:
        return ""
    return f"{pid} {names.get(pid, '')}".strip()


def flip_summary(flips: pd.DataFrame, result: Result, lang: Lang) -> pd.DataFrame:
    """One row per top-k project (from :func:`screening.sensitivity.one_at_a_time`): the one-at-a-time move
    nearest to its current weight that takes it out of the top k, and the nearest move that changes its rank."""
    cols = [
        "rank",
        "project_id",
        "project_name",
        "exit_dimension",
        "direction",
        "weight",
        "exit_weight",
        "exit_change",
        "exit_rival",
        "rank_flip_dimension",
        "rank_flip_weight",
        "rank_flip_rival",
    ]
    if flips.empty:
        return pd.DataFrame(columns=cols)
    cs, names = result.criteria, _names(result)
    rows = []
    for pid, g in flips.groupby("project_id", sort=False):
        row: dict[str, Any] = {
            "rank": int(g["rank"].iloc[0]),
            "project_id": str(pid),
            "project_name": names.get(str(pid), ""),
        }
        live = g.dropna(subset=["topk_flip_weight"])
        if len(live):
            b = cast(pd.Series, live.loc[cast("Scalar", live["topk_change"].abs().idxmin())])
            row.update(
                exit_dimension=dimension_label(str(b["dimension"]), lang, cs),
                direction=direction_label(b["direction"], lang),
                weight=float(b["weight"]),
                exit_weight=float(b["topk_flip_weight"]),
                exit_change=float(b["topk_change"]),
                exit_rival=_id_and_name(b["topk_flip_rival"], names),
            )
        else:
            row.update(
                exit_dimension=t("rb_never", lang),
                direction="",
                weight=np.nan,
                exit_weight=np.nan,
                exit_change=np.nan,
                exit_rival="",
            )
        rf = g.dropna(subset=["rank_flip_weight"])
        if len(rf):
            c = cast(
                pd.Series, rf.loc[cast("Scalar", (rf["rank_flip_weight"] - rf["weight"]).abs().idxmin())]
            )
            row.update(
                rank_flip_dimension=f"{dimension_label(str(c['dimension']), lang, cs)} "
                f"{direction_label(c['direction'], lang)}",
                rank_flip_weight=float(c["rank_flip_weight"]),
                rank_flip_rival=_id_and_name(c["rank_flip_rival"], names),
            )
        else:
            row.update(rank_flip_dimension="", rank_flip_weight=np.nan, rank_flip_rival="")
        rows.append(row)
    return pd.DataFrame(rows, columns=cols).sort_values("rank", kind="stable").reset_index(drop=True)


def flips_table(flips: pd.DataFrame, result: Result, lang: Lang) -> pd.DataFrame:
    """Every flip point, with dimension and direction in words (for an expander)."""
    cs = result.criteria
    out = flips[
        [
            "rank",
            "project_id",
            "dimension",
            "direction",
            "weight",
            "rank_flip_weight",
            "rank_flip_rival",
            "topk_flip_weight",
            "topk_flip_rival",
            "topk_band_from",
            "topk_band_to",
            "topk_change",
        ]
    ].copy()
    names = _names(result)
    out.insert(2, "project_name", out["project_id"].astype(str).map(names).fillna(""))
    out["dimension"] = out["dimension"].map(lambda d: dimension_label(str(d), lang, cs))
    out["direction"] = out["direction"].map(lambda d: direction_label(d, lang))
    for rival in ("rank_flip_rival", "topk_flip_rival"):
        out[rival] = out[rival].map(lambda v: _id_and_name(v, names))
    return out.reset_index(drop=True)


def smallest_change_text(change: pd.Series | None, k: int, lang: Lang, criteria: CriteriaSet) -> str:
    """:func:`screening.sensitivity.smallest_change` in one sentence."""
    if change is None:
        return t("rb_smallest_none", lang, k=k)
    return t(
        "rb_smallest",
        lang,
        k=k,
        dim=dimension_label(str(change["dimension"]), lang, criteria),
        verb=t("rb_raise" if change["direction"] == "up" else "rb_lower", lang),
        w0=float(change["weight"]),
        w1=float(change["new_weight"]),
        change=float(change["change"]),
        rel=float(change["change_rel"]),
        l1=float(change["l1"]),
        enters=str(change["enters"]) if isinstance(change["enters"], str) else "—",
        leaves=str(change["leaves"]),
    )


def uncertainty_text(concentration: float, lang: Lang) -> str:
    """The stated weight-uncertainty model, with the standard deviation of a 20 % dimension at ``concentration``."""
    sd = float(np.sqrt(0.2 * 0.8 / (concentration + 1)) * 100)
    return t("rb_model", lang, kappa=concentration, sd=sd)


def smaa_table(table: pd.DataFrame, result: Result, lang: Lang) -> pd.DataFrame:
    """The Monte Carlo table (:attr:`screening.sensitivity.Smaa.table`) with names and the label in words."""
    names = _names(result)
    out = table.copy()
    at = list(out.columns).index("project_id") + 1  # the name right beside the id
    out.insert(at, "project_name", out["project_id"].astype(str).map(names).fillna(""))
    out["label"] = out["label"].map(lambda s: smaa_label(s, lang))
    return out


SMAA_LABEL_KEYS = {"stable": "rb_stable", "sensitive": "rb_sensitive", "not_assessed": "rb_not_assessed"}


def smaa_label(label: str, lang: Lang) -> str:
    """A Monte Carlo verdict in words: stable, sensitive, or not assessed — data too thin."""
    return t(SMAA_LABEL_KEYS.get(str(label), "rb_sensitive"), lang)


def eligibility_text(elig: Any, lang: Lang, criteria: CriteriaSet) -> str:
    """:meth:`screening.analysis.portfolio.Eligibility.describe` with tiers, flags and the cost column named
    by their labels in ``lang`` (the library's sentence says the codes: priority, ex_post …)."""
    flags = {f.id: f.label.get(lang) for f in criteria.flags}

    def tiers(ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(tier_label(x, lang, criteria) for x in ids)

    named = replace(
        elig,
        tiers=tiers(elig.tiers),
        added_tiers=tiers(elig.added_tiers),
        default_tiers=tiers(elig.default_tiers),
        blocking_flags=tuple(flags.get(f, f) for f in elig.blocking_flags),
        allowed_flags=tuple(flags.get(f, f) for f in elig.allowed_flags),
        cost_column=column_title(elig.cost_column, lang, criteria),
    )
    return str(named.describe().get(lang))


def portfolio_table(chosen: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    """The chosen projects (:attr:`screening.portfolio.Portfolio.chosen`) with codes as labels."""
    cols = [
        c
        for c in (
            "rank",
            "project_id",
            "project_name",
            "country",
            "sector",
            "track",
            "tier",
            "cost",
            "score",
            "cum_cost",
            "cum_score",
        )
        if c in chosen.columns
    ]
    out = with_country_names(chosen[cols], lang)
    if "sector" in out:
        out["sector"] = out["sector"].map(lambda v: code_label("sector", v, lang))
    if "track" in out:
        out["track"] = out["track"].map(lambda v: track_label(v, lang, criteria))
    if "tier" in out:
        out["tier"] = out["tier"].map(lambda v: tier_label(v, lang, criteria))
    return out.reset_index(drop=True)
