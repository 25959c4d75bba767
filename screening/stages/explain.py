"""Rationale: for every project and criterion, the value read (``value`` in English, ``value_zh`` in Chinese),
points, maximum, weight, contribution, a one-line reason in Chinese and English, and the source (``source``:
its key and section; ``source_en`` / ``source_zh``: the short citation with its section) (DESIGN.md contract 2).

Values are worded for people (:mod:`screening.vocab.format`; a classifier's or a track's code by the words the
criteria set gives it), fields by their labels (:func:`field_label`), the anchor rule by the scorer's own
``describe`` (:func:`rule_words`: one wording for the reasons, the Criteria sheet and docs/criteria.md).

"Not assessed — column missing or empty" and "not applicable to this track" are distinct outcomes, never a
silent zero. Built column-wise: one (projects × criteria) array per field, raveled row-major.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.criteria.rules import Scorer
from screening.i18n import has, t
from screening.stages.score import PointMatrix, Scores
from screening.vocab.columns import COLUMN_BY_NAME
from screening.vocab.columns import label as column_label
from screening.vocab.format import format_unique

RATIONALE_COLUMNS = [
    "project_id",
    "dimension",
    "criterion",
    "criterion_en",
    "criterion_zh",
    "status",
    "value",
    "points",
    "max_points",
    "weight",
    "contribution",
    "value_zh",
    "reason_en",
    "reason_zh",
    "source",  # the source's key and section ("xie-2025 二"): a key to the criteria file
    "source_en",  # the short citation with its section, in English and Chinese ("Xie Laihui 2025 §二")
    "source_zh",
]


def field_label(field: str, lang: str, criteria: CriteriaSet | None = None) -> str:
    """A field a criterion reads, by its name for people: an input column's label, a classifier's or a derived
    field's label from the criteria set, the tool's own fields (``track``, ``positive_list_count``) from the
    catalogue; the raw name only for a field nobody named."""
    if field in COLUMN_BY_NAME:
        return column_label(field, lang)
    if criteria is not None:
        for item in criteria.classifiers:
            if item.id == field:
                return item.label.get(lang)
        for der in criteria.derived:
            if der.id == field:
                return der.label.get(lang)
    if has(f"field_{field}"):
        return t(f"field_{field}", lang)
    return field


def _code_words(field: str, lang: str, criteria: CriteriaSet | None) -> dict[str, str] | None:
    """Code → words for a field whose codes the criteria set names (a classifier's values, a track)."""
    if criteria is None:
        return None
    if field == "track":
        return {tr.id: tr.label.get(lang) for tr in criteria.tracks}
    for cl in criteria.classifiers:
        if cl.id == field:
            return {k: v.get(lang) for k, v in cl.values.items()}
    return None


def field_values(
    frame: pd.DataFrame, field: str, lang: str, criteria: CriteriaSet | None = None
) -> np.ndarray:
    """The values of one field for people in ``lang``, formatted once per distinct value; a classifier's or a
    track's codes by the words the criteria set gives them (multi-label values part by part)."""
    if field not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    words = _code_words(field, lang, criteria)
    if words is None:
        return format_unique(frame[field], field, lang)
    sep = t("sep_fields", lang)

    def said(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return ""
        return sep.join(words.get(p, p) for p in str(v).split(";") if p)

    codes, uniques = pd.factorize(frame[field].astype(object), use_na_sentinel=True)
    shown = np.array([said(u) for u in uniques] + [""], dtype=object)
    return shown[codes]


def value_strings(
    frame: pd.DataFrame, fields: list[str], lang: str = "en", criteria: CriteriaSet | None = None
) -> np.ndarray:
    """The values a criterion read, for people in ``lang`` (formatted once per distinct value), as
    'Label: value; …' (one field: the bare value)."""
    if not fields or len(frame) == 0:
        return np.full(len(frame), "", dtype=object)
    cols = [field_values(frame, f, lang, criteria) for f in fields]
    if len(fields) == 1:
        return cols[0]
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")
    parts = [
        np.where(c == "", "", field_label(f, lang, criteria) + colon + c.astype(str))
        for f, c in zip(fields, cols, strict=True)
    ]
    joined = [sep.join(x for x in row if x) for row in zip(*parts, strict=True)]
    return np.array(joined, dtype=object)


def rule_words(scorer: Scorer, lang: str) -> str:
    """The anchor rule of a scorer in words, values formatted for people (a year as a year, a share as a
    percentage, a code by its label): the scorer's own ``describe`` — one wording for the reasons, the
    Criteria sheet and the criteria documentation."""
    return scorer.describe(lang)


def short_citation(criteria: CriteriaSet, key: str, section: str | None, lang: str) -> str:
    """A source as a short citation with its section — "谢来辉 2025 §二", "IFC PS 2012, PS4" — for beside a
    reason (the full citation stays on the Criteria sheet). The source's ``short``, or its key without one."""
    src = criteria.sources.get(key)
    short = src.short.get(lang) if src is not None and src.short is not None else key
    section = section or (src.section if src is not None else None)
    if not section:
        return short
    # a section named in letters ("PS4", "Principle 2", "Annex A") follows a comma, one that names itself
    # ("第五章") a space; a numbered one takes §
    if section[:1].isascii() and section[:1].isalpha():
        return f"{short}, {section}"
    return f"{short} {section}" if section.startswith("第") else f"{short} §{section}"


def _not_assessed(label: str, missing: np.ndarray, lang: str) -> np.ndarray:
    """ "<criterion>: not assessed — <labels> is/are blank", the blank fields named by their labels."""
    marks = "\x00"
    filled = t("reason_not_assessed", lang, criterion=label, fields=marks)
    head, tail = filled.split(marks)
    return np.asarray(head + missing + tail, dtype=object)


def _sentence(label: str, values: np.ndarray, points: np.ndarray, rule: str, lang: str) -> np.ndarray:
    """The catalogue's reason sentence, filled column-wise: the template is split once at its slots."""
    marks = {"value": "\x00", "points": "\x01"}
    filled = t(
        "reason_points", lang, criterion=label, value=marks["value"], points=marks["points"], max="100"
    )
    out: np.ndarray | str = ""
    for piece in re.split("([\x00\x01])", filled):
        if piece == marks["value"]:
            out = out + values
        elif piece == marks["points"]:
            out = out + points
        else:
            out = out + piece
    tail = t("reason_by_rule", lang, rule=rule) if rule else ""
    return np.asarray(out + tail + ("。" if lang == "zh" else "."), dtype=object)


def _missing_fields(
    frame: pd.DataFrame, fields: list[str], langs: tuple[str, ...], criteria: CriteriaSet | None = None
) -> dict[str, np.ndarray]:
    """Per row and language: the fields a criterion reads that are blank there, by their labels — a combined
    criterion is not assessed when one part is missing, and only that part is named (all of them where
    none is blank, e.g. a value outside the scorer's cases)."""
    n = len(frame)
    if not fields:
        return {lang: np.full(n, "", dtype=object) for lang in langs}
    blank = np.column_stack(
        [frame[f].isna().to_numpy() if f in frame.columns else np.ones(n, dtype=bool) for f in fields]
    )
    code = blank.astype(np.int64) @ (np.int64(1) << np.arange(len(fields), dtype=np.int64))
    code[code == 0] = (1 << len(fields)) - 1
    uniq, inverse = np.unique(code, return_inverse=True)
    picked = [[f for j, f in enumerate(fields) if (int(c) >> j) & 1] for c in uniq]
    out = {}
    for lang in langs:
        sep = t("sep_fields", lang)
        named = np.array([sep.join(field_label(f, lang, criteria) for f in p) for p in picked], dtype=object)
        out[lang] = named[inverse]
    return out


def _inferred_notes(
    frame: pd.DataFrame, fields: list[str], inferred: pd.DataFrame | None
) -> tuple[np.ndarray | str, np.ndarray | str]:
    """Per row: a note that a value the criterion read was inferred, with its evidence ("" where none)."""
    if inferred is None or not len(inferred) or not fields:
        return "", ""
    mine = inferred[inferred["column"].isin(fields)]
    if not len(mine):
        return "", ""
    first = mine.drop_duplicates("row_key").set_index("row_key")
    keys = frame["row_key"].to_numpy()
    got = first.reindex(keys)
    found = got["column"].notna().to_numpy()
    if not found.any():
        return "", ""
    col = got["column"].fillna("").to_numpy(dtype=object)
    ev = got["evidence"].fillna("").astype(str).to_numpy(dtype=object)
    notes = []
    for lang in ("en", "zh"):
        named = np.array([column_label(c, lang) if c else "" for c in col], dtype=object)
        said = _filled("reason_inferred", lang, column=named, evidence=ev)
        notes.append(np.where(found, said, "").astype(object))
    return notes[0], notes[1]


def _filled(key: str, lang: str, **slots: np.ndarray | str) -> np.ndarray:
    """A catalogue sentence filled column-wise: the template is split once at its slots, each slot an array
    (one value a row) or one string."""
    marks = {name: chr(i) for i, name in enumerate(slots)}
    template = t(key, lang, **marks)
    out: np.ndarray | str = ""
    by_mark = {m: slots[name] for name, m in marks.items()}
    for piece in re.split("([" + "".join(marks.values()) + "])", template):
        out = out + by_mark.get(piece, piece)
    return np.asarray(out, dtype=object)


def rationale(
    frame: pd.DataFrame,
    pm: PointMatrix,
    scores: Scores,
    criteria: CriteriaSet,
    langs: tuple[str, ...] = ("en", "zh"),
    rows: slice | None = None,
    inferred: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Long table: one row per (project, criterion), projects in input order, criteria in file order.

    Built as (projects × criteria) arrays raveled row-major, so no sort of the 10⁵–10⁶-row result is needed.
    ``langs`` limits the reason columns built (the export needs one language: half the memory at 100k rows);
    ``rows`` limits the projects (positions in ``frame`` and the point matrix), so a caller can stream it.
    ``inferred``: the inference stage's provenance; a reason resting on an inferred value says so and quotes
    its evidence.
    """
    sel = rows if rows is not None else slice(None)
    frame = frame.iloc[sel]
    points_all, applicable, ids = pm.points[sel], pm.applicable[sel], pm.project_ids[sel]
    eff, contrib = scores.effective_weight[sel], scores.contributions[sel]
    n, m = len(frame), len(criteria.criteria)
    if n == 0 or m == 0:
        return pd.DataFrame(columns=["row_key", *RATIONALE_COLUMNS])
    names = [
        "dimension",
        "criterion",
        "criterion_en",
        "criterion_zh",
        "status",
        "value",
        *(["value_zh"] if "zh" in langs else []),
        *[f"reason_{lang}" for lang in ("en", "zh") if lang in langs],
        "source",
        *[f"source_{lang}" for lang in ("en", "zh") if lang in langs],
    ]
    text = {k: np.empty((n, m), dtype=object) for k in names}
    head = names[: names.index("value") + 1]
    points = np.where(applicable & ~np.isnan(points_all), np.round(points_all, 2), np.nan)
    tracks = pm.tracks[sel]
    for j, (dim, crit) in enumerate(criteria.criteria):
        fields = sorted(crit.scorer.fields())
        app = applicable[:, j]
        # not applicable by its condition (applies_when) where the track itself is one it applies to
        by_condition = ~app & (
            np.ones(n, dtype=bool) if crit.tracks is None else np.isin(tracks, crit.tracks)
        )
        why_not = crit.not_applicable
        why_en, why_zh = (why_not.en, why_not.zh) if why_not is not None else ("", "")
        assessed = app & ~np.isnan(points_all[:, j])
        status = np.where(~app, "not_applicable", np.where(assessed, "assessed", "not_assessed"))
        values = value_strings(frame, fields, "en", criteria)
        values_zh = value_strings(frame, fields, "zh", criteria) if "zh" in langs else values
        said_en, said_zh = _inferred_notes(frame, fields, inferred)
        pts_codes, pts_u = pd.factorize(pd.Series(points[:, j]), use_na_sentinel=True)
        pts_txt = np.array([f"{p:g}" for p in pts_u] + [""], dtype=object)[pts_codes]
        rule_en, rule_zh = rule_words(crit.scorer, "en"), rule_words(crit.scorer, "zh")
        missing = _missing_fields(frame, fields, langs, criteria)
        if "en" in langs:
            text["reason_en"][:, j] = np.where(
                status == "assessed",
                _sentence(crit.label.en, values, pts_txt, rule_en, "en") + said_en,
                np.where(
                    status == "not_assessed",
                    _not_assessed(crit.label.en, missing["en"], "en"),
                    np.where(
                        by_condition,
                        t("reason_not_applicable_because", "en", criterion=crit.label.en, why=why_en),
                        t("reason_not_applicable_track", "en", criterion=crit.label.en),
                    ),
                ),
            )
        if "zh" in langs:
            text["reason_zh"][:, j] = np.where(
                status == "assessed",
                _sentence(crit.label.zh, values_zh, pts_txt, rule_zh, "zh") + said_zh,
                np.where(
                    status == "not_assessed",
                    _not_assessed(crit.label.zh, missing["zh"], "zh"),
                    np.where(
                        by_condition,
                        t("reason_not_applicable_because", "zh", criterion=crit.label.zh, why=why_zh),
                        t("reason_not_applicable_track", "zh", criterion=crit.label.zh),
                    ),
                ),
            )
        src = criteria.sources[crit.source]
        text["source"][:, j] = f"{crit.source} {crit.section or src.section or ''}".strip()
        for lang in ("en", "zh"):
            if lang in langs:
                text[f"source_{lang}"][:, j] = short_citation(criteria, crit.source, crit.section, lang)
        text["dimension"][:, j] = dim.id
        text["criterion"][:, j] = crit.id
        text["criterion_en"][:, j] = crit.label.en
        text["criterion_zh"][:, j] = crit.label.zh
        text["status"][:, j] = status
        text["value"][:, j] = values
        if "zh" in langs:
            text["value_zh"][:, j] = values_zh
    out = pd.DataFrame(
        {
            "row_key": np.repeat(frame["row_key"].to_numpy(), m),
            "project_id": pd.Series(np.repeat(ids, m), dtype=object),
            **{k: pd.Series(text[k].ravel(), dtype=object) for k in head},  # object: no str-array conversion
            "points": points.ravel(),
            "max_points": np.where(applicable, 100.0, np.nan).ravel(),
            "weight": np.round(eff * 100, 4).ravel(),
            "contribution": np.round(contrib, 4).ravel(),
            **{k: pd.Series(text[k].ravel(), dtype=object) for k in names if k not in head},
        }
    )
    return out


def next_tier_gap(score: float, tier: str, criteria: CriteriaSet) -> tuple[str, float] | None:
    """The next tier up and the points still needed, or None at the top (or when data are insufficient)."""
    ids = [t.id for t in criteria.tiers]
    if tier not in ids or ids.index(tier) == 0:
        return None
    better = criteria.tiers[ids.index(tier) - 1]
    return better.id, round(max(0.0, better.min_score - score), 2)
