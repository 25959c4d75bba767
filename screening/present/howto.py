"""The in-app page "How a score is made", in the chosen language, built from the criteria file.

Every sentence comes from the criteria set (labels, weights, anchors, gates, flags, tiers, tracks) put into
words by :mod:`screening.criteria.docs` (``describe_rule``, ``describe_scorer``) — the same wording as the
criteria reference page ``render_criteria_markdown`` writes, in one language instead of two. Nothing here
imports Streamlit; ``app_pages/howto.py`` lays the tables out.
"""

from __future__ import annotations

import re

import pandas as pd

from screening.criteria.docs import describe_rule, describe_scorer
from screening.criteria.models import CriteriaSet, Dimension
from screening.i18n import t
from screening.present.labels import Lang, code_label, tier_label, track_label
from screening.stages.explain import short_citation
from screening.vocab.columns import COLUMN_BY_NAME
from screening.vocab.columns import label as column_label

_SET = re.compile(r"\(`(\w+)`\) ([∈∉]) \{([^}]*)\}")
_ONE = re.compile(r"\(`(\w+)`\) ([=≠]) ([\w.-]+)")
_CODE_NAME = re.compile(r"\s?[(（]`[^`]+`[)）]")
_BACKTICKED = re.compile(r"`(\w+)`")


def _shown(field: str, value: str, lang: Lang) -> str:
    """One value of a rule as a planner reads it: a code list's label, 是/否 for a yes/no field, else as is."""
    column = COLUMN_BY_NAME.get(field)
    if column is None:
        return value
    if column.kind == "bool" and value in ("true", "false"):
        return t("fmt_yes" if value == "true" else "fmt_no", lang)
    return code_label(column.codes, value, lang) if column.codes and column.kind != "level" else value


def plain(words: str, lang: Lang = "en") -> str:
    """A rule or scorer as :mod:`screening.criteria.docs` words it, for a planner: values of a code list as
    their labels (项目状态 ∈ {已取消, 已暂停}, not {cancelled, suspended}), yes/no as 是/否, and no field code
    names (the reference page's "硬联通 (`hard_connectivity`)" → "硬联通"; a bare `field` → its label). The
    codes stay in the criteria reference, which the page offers as a download."""
    words = _SET.sub(
        lambda m: (
            f"(`{m[1]}`) {m[2]} {{"
            + t("sep_list", lang).join(_shown(m[1], v.strip(), lang) for v in m[3].split(","))
            + "}"
        ),
        words,
    )
    words = _ONE.sub(lambda m: f"(`{m[1]}`) {m[2]} {_shown(m[1], m[3], lang)}", words)
    words = _CODE_NAME.sub("", words)
    return _BACKTICKED.sub(
        lambda m: column_label(m[1], lang) if m[1] in COLUMN_BY_NAME else m[1], words
    ).replace("`", "")


def _source(cs: CriteriaSet, key: str, section: str | None, lang: Lang) -> str:
    """The short citation with its section in ``lang``, as beside a reason (the full one: the downloadable
    reference)."""
    return short_citation(cs, key, section, lang)


def dimensions_overview(cs: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """One row per dimension: its label, weight, share of the total and number of criteria."""
    total = sum(d.weight for d in cs.dimensions) or 1.0
    return pd.DataFrame(
        {
            "dimension": [d.label.get(lang) for d in cs.dimensions],
            "weight": [float(d.weight) for d in cs.dimensions],
            "share": [d.weight / total * 100 for d in cs.dimensions],
            "criteria_count": [len(d.criteria) for d in cs.dimensions],
            "why": [d.why.get(lang) if d.why is not None else "" for d in cs.dimensions],
        }
    )


def dimension_criteria(cs: CriteriaSet, dim: Dimension, lang: Lang) -> pd.DataFrame:
    """The criteria of one dimension: label, weight, tracks, when it applies, the anchors in words, source."""
    rows = []
    for c in dim.criteria:
        applies = (
            plain(describe_rule(c.applies_when, lang), lang)
            if c.applies_when is not None
            else t("howto_always", lang)
        )
        rows.append(
            {
                "criterion": c.label.get(lang),
                "weight": float(c.weight),
                "tracks": t("sep_list", lang).join(track_label(x, lang, cs) for x in c.tracks)
                if c.tracks
                else t("all_tracks", lang),
                "applies": applies,
                "anchors": plain(describe_scorer(c.scorer, lang), lang),
                "source": _source(cs, c.source, c.section, lang),
            }
        )
    return pd.DataFrame(rows, columns=["criterion", "weight", "tracks", "applies", "anchors", "source"])


def gates_in_words(cs: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """The negative list: each gate, when it excludes, when it only flags, why, source."""
    rows = [
        {
            "label": g.label.get(lang),
            "when": plain(describe_rule(g.when, lang), lang) if g.when is not None else "",
            "flag_when": plain(describe_rule(g.flag_when, lang), lang) if g.flag_when is not None else "",
            "reason": g.reason.get(lang),
            "source": _source(cs, g.source, g.section, lang),
        }
        for g in cs.gates
    ]
    return pd.DataFrame(rows, columns=["label", "when", "flag_when", "reason", "source"])


def flags_in_words(cs: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """The review flags: each flag, when it is raised, the tier it caps at, why, source."""
    rows = [
        {
            "label": f.label.get(lang),
            "when": plain(describe_rule(f.when, lang), lang)
            if f.when is not None
            else t("howto_duplicates", lang),
            "max_tier": tier_label(f.max_tier, lang, cs) if f.max_tier else "",
            "reason": f.reason.get(lang),
            "source": _source(cs, f.source, f.section, lang),
        }
        for f in cs.flags
    ]
    return pd.DataFrame(rows, columns=["label", "when", "max_tier", "reason", "source"])


def tiers_in_words(cs: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """The tiers from the top down with the score each needs, then the tier of a project too thin to judge."""
    rows = [
        {"tier": x.label.get(lang), "rule": t("howto_tier_rule", lang, score=f"{x.min_score:g}")}
        for x in cs.tiers
    ]
    rows.append(
        {
            "tier": tier_label("insufficient_data", lang, cs),
            "rule": t("howto_tier_thin", lang, share=f"{cs.completeness_threshold:.0%}"),
        }
    )
    return pd.DataFrame(rows, columns=["tier", "rule"])


def tracks_in_words(cs: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """The tracks in the order they are tried: the condition (the last one is the default) and why."""
    rows = [
        {
            "track": x.label.get(lang),
            "when": plain(describe_rule(x.when, lang), lang)
            if x.when is not None
            else t("howto_default_track", lang),
            "why": x.why.get(lang) if x.why is not None else "",
        }
        for x in cs.tracks
    ]
    return pd.DataFrame(rows, columns=["track", "when", "why"])
