"""The facts of a committee brief, built from a run's :class:`~screening.model.Result` (docs/brief.md).

Pure and deterministic: the same run gives the same facts. Every sentence comes from the record (its fields,
formatted by :func:`screening.vocab.format.format_value`), from the run (score, tier, rank, the rationale of
:func:`screening.report.rationale_of`) or from the criteria file (labels, the ``conditions`` table, the
``approval`` path, ``sources``); the words around them come from the catalogue. Nothing is guessed: a fact
the record lacks is said to be missing, with what each case would mean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from screening.criteria.models import Approval, CriteriaSet
from screening.i18n import Text, t
from screening.model import Result
from screening.present.labels import country_label, dimension_label, tier_label, track_label
from screening.report import rationale_of, scored_frame
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.format import format_value

BRIEF_DRAWS = 1_000  # Monte Carlo weight draws behind the brief's rank interval (fixed seed: reproducible)
TOP_REASONS = 3  # decisive points shown each way
MISSING_SHOWN = 6  # missing criteria named; the rest are counted


class BriefError(ValueError):
    """A brief that cannot be made (unknown project id, invalid record); ``text`` says why in both languages."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bar(_Frozen):
    """One dimension's weighted points: what it added to the total, out of what it could add."""

    label: str
    points: float  # points added to the total score (0–100 scale)
    most: float  # the most it could add (its share of the weight)
    shown: str  # "12.0 / 15.0"


class Line(_Frozen):
    """A sentence with its citation numbers (into :attr:`ProjectBrief.sources`)."""

    text: str
    note: str = ""  # a short figure beside it (e.g. "+12.0")
    head: str = ""  # a short label before it (e.g. the flag's label)
    cites: tuple[int, ...] = ()


class ProjectBrief(_Frozen):
    lang: str
    words: dict[str, str]  # section headings and fixed words, from the catalogue
    project_id: str
    name: str
    facts: tuple[tuple[str, str], ...]  # (label, value) of the record's key fields
    excluded: bool
    verdict: str
    tier: str
    score: str
    rank: str
    bars: tuple[Bar, ...]
    positives: tuple[Line, ...]
    negatives: tuple[Line, ...]
    conditions: tuple[Line, ...]
    approval_head: str
    approval: tuple[Line, ...]
    completeness: str
    missing: tuple[str, ...]
    rank_interval: str
    sources: tuple[str, ...]
    footer: str


class PortfolioRow(_Frozen):
    rank: str
    project_id: str
    name: str
    country: str
    track: str
    score: str
    tier: str
    flags: str


class PortfolioBrief(_Frozen):
    lang: str
    words: dict[str, str]
    title: str
    totals: tuple[tuple[str, str], ...]
    tracks: tuple[tuple[str, str, str], ...]  # (track, projects, investment)
    tiers: tuple[tuple[str, str], ...]
    top: tuple[PortfolioRow, ...]
    rest: str
    unranked: str
    footer: str


# ----------------------------------------------------------------------------------------- small helpers


def _blank(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float | np.floating) and math.isnan(float(v)):
        return True
    return isinstance(v, str) and not v.strip()


def _num(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


class _Cites:
    """Numbered short citations, in order of first use: ``[1] IFC PS5 (2012), PS5 ¶19``."""

    def __init__(self, cs: CriteriaSet) -> None:
        self.cs = cs
        self.order: list[str] = []

    def __call__(self, key: str, section: str | None = None) -> tuple[int, ...]:
        src = self.cs.sources.get(key)
        if src is None:
            return ()
        shown = reference_entry(src.cite, section or src.section)
        if shown not in self.order:
            self.order.append(shown)
        return (self.order.index(shown) + 1,)

    def of_text(self, source: object) -> tuple[int, ...]:
        """The rationale's ``source`` cell: ``key section`` (several joined by '; ')."""
        if _blank(source):
            return ()
        out: list[int] = []
        for part in str(source).split("; "):
            key, _, section = part.partition(" ")
            out += self(key, section or None)
        return tuple(dict.fromkeys(out))


def reference_entry(cite: str, section: str | None = None) -> str:
    """A source in the brief's numbered list: its citation up to the first colon (the gloss after it is left
    out), with the section. Beside a reason the shorter `stages.explain.short_citation` is used."""
    head = cite
    for mark in ("：", ": "):
        if mark in head:
            head = head.split(mark, 1)[0]
    head = head.strip()
    return f"{head}, {section}" if section and section not in head else head


def _words(lang: str, keys: Sequence[str]) -> dict[str, str]:
    return {k: t(k, lang) for k in keys}


_PROJECT_WORDS = (
    "brief_title",
    "brief_score",
    "brief_tier",
    "brief_rank",
    "brief_contribution",
    "brief_contribution_note",
    "brief_positives",
    "brief_negatives",
    "brief_conditions",
    "brief_approval",
    "brief_data",
    "brief_rank_interval",
    "brief_sources",
    "brief_none",
    "brief_flag",
    "brief_condition",
    "brief_colon",
    "brief_why_excluded",
)


def _footer(result: Result, lang: str) -> str:
    cs = result.criteria
    return t(
        "brief_footer",
        lang,
        input=result.input.name,
        criteria=cs.id,
        version=cs.version,
        made=result.made_at,
        fingerprint=result.criteria_fingerprint[:12],
    )


def _record(result: Result, project_id: str) -> pd.Series:
    rec = result.records
    hit = rec[rec["project_id"].astype(str) == project_id]
    if not len(hit):
        raise BriefError(
            Text(en=t("brief_unknown_id", "en", id=project_id), zh=t("brief_unknown_id", "zh", id=project_id))
        )
    row = hit.iloc[0]
    if str(row["outcome"]) == "invalid":
        raise BriefError(
            Text(en=t("brief_invalid_id", "en", id=project_id), zh=t("brief_invalid_id", "zh", id=project_id))
        )
    return row


def _key_facts(row: pd.Series, lang: str, cs: CriteriaSet) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for field in (
        "country",
        "sector",
        "track",
        "total_investment_usd_m",
        "enterprise_type",
        "lead_enterprise",
    ):
        if field not in row.index or _blank(row[field]):
            continue
        v = row[field]
        if field == "country":
            shown = f"{country_label(v, lang)} ({v})"
        elif field == "track":
            shown = track_label(v, lang, cs)
        else:
            shown = format_value(v, field, lang)
        label = t("brief_track_label", lang) if field == "track" else _column_label(field, lang)
        out.append((label, shown))
    return tuple(out)


def _column_label(field: str, lang: str) -> str:
    col = COLUMN_BY_NAME.get(field)
    return col.text.get(lang) if col is not None else field


def _hits(result: Result, row_key: int) -> pd.DataFrame:
    h = result.hits
    return h[h["row_key"].astype(int) == int(row_key)] if len(h) else h


# ----------------------------------------------------------------------------------------- approval path


def _amount_line(ap: Approval, row: pd.Series, lang: str, cite: tuple[int, ...]) -> tuple[str, Line]:
    """(headline, sentence) for a local investor: the provincial or the national filing, by the amount."""
    line = _num(ap.threshold_usd_m, 0)
    field = next((f for f in ap.amount_fields if f in row.index and not _blank(row[f])), None)
    if field is None:
        return t("brief_ap_head_filing_open", lang), Line(
            text=t("brief_ap_amount_missing", lang, line=line, article=ap.filing_section), cites=cite
        )
    amount = float(row[field])
    shown = format_value(amount, field, lang)
    label = _column_label(field, lang)
    basis = row.get(ap.amount_basis_field) if ap.amount_basis_field else None
    lower = isinstance(basis, str) and basis in ap.lower_bound_codes
    if amount < ap.threshold_usd_m and not lower:
        return t("brief_ap_head_province", lang), Line(
            text=t(
                "brief_ap_amount_below", lang, amount=shown, field=label, line=line, article=ap.filing_section
            ),
            cites=cite,
        )
    key = "brief_ap_amount_lower_bound" if lower and amount < ap.threshold_usd_m else "brief_ap_amount_share"
    return t("brief_ap_head_filing_open", lang), Line(
        text=t(key, lang, amount=shown, field=label, line=line, article=ap.filing_section), cites=cite
    )


def approval_path(
    cs: CriteriaSet, row: pd.Series, flag_ids: set[str], lang: str, cites: _Cites
) -> tuple[str, tuple[Line, ...]]:
    """The approval path under the criteria file's ``approval`` table: a headline and the sentences that
    give its facts (empty when the file has no table)."""
    ap = cs.approval
    if ap is None:
        return "", ()
    cite = cites(ap.source)
    scope = Line(text=t("brief_ap_scope", lang, article=ap.scope_section), cites=cite)
    sensitive = [f for f in cs.flags if f.id in flag_ids and f.id in ap.sensitive_flags]
    if sensitive:
        labels = t("sep_items", lang).join(f.label.get(lang) for f in sensitive)
        return t("brief_ap_head_approval", lang), (
            Line(text=t("brief_ap_sensitive", lang, flags=labels, article=ap.approval_section), cites=cite),
            scope,
        )
    lines: list[Line] = []
    country = row.get(ap.sensitive_country_field)
    country_open = _blank(country)
    if country_open:
        lines.append(
            Line(
                text=t(
                    "brief_ap_country_missing",
                    lang,
                    field=_column_label(ap.sensitive_country_field, lang),
                    article=ap.approval_section,
                ),
                cites=cite,
            )
        )
    else:
        lines.append(
            Line(
                text=t("brief_ap_not_sensitive", lang, field=_column_label(ap.sensitive_country_field, lang)),
                cites=cite,
            )
        )
    enterprise = row.get(ap.enterprise_field)
    ent_label = _column_label(ap.enterprise_field, lang)
    if _blank(enterprise):
        head = t("brief_ap_head_filing_open", lang)
        lines.append(
            Line(
                text=t(
                    "brief_ap_enterprise_missing",
                    lang,
                    field=ent_label,
                    line=_num(ap.threshold_usd_m, 0),
                    article=ap.filing_section,
                ),
                cites=cite,
            )
        )
    else:
        col = COLUMN_BY_NAME.get(ap.enterprise_field)
        codes = CODE_LISTS.get(col.codes) if col is not None and col.codes else None
        kind = codes.label(str(enterprise), lang) if codes is not None else str(enterprise)
        local_head, local_line = _amount_line(ap, row, lang, cite)
        if str(enterprise) in ap.central_or_local_codes:
            head = t("brief_ap_head_filing_open", lang)
            lines.append(
                Line(
                    text=t("brief_ap_central_unknown", lang, kind=kind, article=ap.filing_section), cites=cite
                )
            )
            lines.append(Line(text=t("brief_ap_if_local", lang, then=local_line.text), cites=cite))
        else:
            head = local_head
            lines.append(Line(text=t("brief_ap_local", lang, kind=kind), cites=cite))
            lines.append(local_line)
    if country_open:
        head = t("brief_ap_head_country_open", lang, then=head)
    return head, (*lines, scope)


# ----------------------------------------------------------------------------------------- project brief


def rank_intervals(result: Result, seed: int = 0, draws: int = BRIEF_DRAWS) -> pd.DataFrame | None:
    """Rank 5th–95th percentile per project under Monte Carlo weight draws (fixed ``seed``), or None when
    nothing is ranked. Compute once and pass it to several briefs."""
    if not len(result.ranked):
        return None
    from screening.analysis.sensitivity import monte_carlo

    smaa = monte_carlo(
        result.pm,
        result.weights,
        result.criteria.missing_policy,
        draws=draws,
        seed=seed,
        workers=1,
        completeness_threshold=result.criteria.completeness_threshold,
    )
    table = smaa.table.set_index("project_id")
    table.attrs.update(draws=smaa.draws, seed=smaa.seed)  # said beside the interval
    return table


def brief_rationale(result: Result, lang: str) -> pd.DataFrame:
    """The run's rationale in ``lang`` for every ranked project (:func:`screening.report.rationale_of`):
    work it out once and pass it to :func:`project_facts` when making many briefs."""
    return rationale_of(result, (lang,))


def _tier_of_score(cs: CriteriaSet, score: float) -> str | None:
    return next((str(tier.id) for tier in cs.tiers if score >= tier.min_score), None)


def project_facts(
    result: Result,
    project_id: str,
    lang: str,
    *,
    intervals: pd.DataFrame | None = None,
    seed: int = 0,
    draws: int = BRIEF_DRAWS,
    rationale: pd.DataFrame | None = None,
) -> ProjectBrief:
    """The facts of one project's brief. ``intervals``: :func:`rank_intervals` of the run (computed here
    with ``seed`` and ``draws`` when not given); ``rationale``: :func:`brief_rationale` of the run in
    ``lang``, to reuse across many briefs (one project's rationale is worked out here when not given)."""
    cs = result.criteria
    row = _record(result, project_id)
    cites = _Cites(cs)
    hits = _hits(result, int(row["row_key"]))
    name = "" if _blank(row.get("project_name")) else str(row["project_name"])
    common: dict[str, Any] = {
        "lang": lang,
        "words": _words(lang, _PROJECT_WORDS),
        "project_id": project_id,
        "name": name,
        "facts": _key_facts(row, lang, cs),
        "footer": _footer(result, lang),
    }
    if str(row["outcome"]) != "ranked":
        return _excluded_facts(result, row, hits, lang, cites, common)

    ranked = result.ranked
    rrow = ranked[ranked["project_id"].astype(str) == project_id].iloc[0]
    if rationale is None:
        frame = scored_frame(result)
        pos = int(np.flatnonzero(frame["row_key"].to_numpy() == int(rrow["row_key"]))[0])
        rat = rationale_of(result, (lang,), rows=slice(pos, pos + 1))
    else:
        rat = rationale[rationale["row_key"].to_numpy() == int(rrow["row_key"])]
    score = float(rrow["score"])
    tier = str(rrow["tier"])
    tier_shown = tier_label(tier, lang, cs)

    bars = []
    for dim in cs.dimensions:
        part = rat[rat["dimension"] == dim.id]
        most = float(part["weight"].sum())
        if most <= 0:
            continue
        pts = float(part["contribution"].sum())
        bars.append(
            Bar(
                label=dimension_label(dim.id, lang, cs),
                points=pts,
                most=most,
                shown=f"{pts:.1f} / {most:.1f}",
            )
        )

    reason = f"reason_{lang}"
    scored = rat[rat["status"] == "assessed"]
    best = scored[scored["contribution"] > 0].sort_values(
        ["contribution", "criterion"], ascending=[False, True]
    )
    positives = tuple(
        Line(text=str(getattr(r, reason)), note=f"+{r.contribution:.1f}", cites=cites.of_text(r.source))
        for r in best.head(TOP_REASONS).itertuples()
    )
    open_rows = rat[rat["status"] != "not_applicable"].assign(lost=lambda f: f["weight"] - f["contribution"])
    shown = set(best.head(TOP_REASONS)["criterion"])  # a point shown as a strength is not repeated below
    open_rows = open_rows[~open_rows["criterion"].isin(shown)]
    worst = open_rows[open_rows["lost"] > 0.05].sort_values(["lost", "criterion"], ascending=[False, True])
    negatives = tuple(
        Line(text=str(getattr(r, reason)), note=f"−{r.lost:.1f}", cites=cites.of_text(r.source))
        for r in worst.head(TOP_REASONS).itertuples()
    )

    flags = hits[hits["kind"] == "flag"] if len(hits) else hits
    conditions = _conditions(cs, flags, lang, cites)
    head, approval = approval_path(
        cs, rrow, set(flags["id"].astype(str)) if len(flags) else set(), lang, cites
    )

    verdict = t("brief_verdict_ranked", lang, tier=tier_shown, score=f"{score:.1f}", rank=int(rrow["rank"]))
    by_score = _tier_of_score(cs, score)
    if by_score is not None and by_score != tier:
        caps = [f.label.get(lang) for f in cs.flags if f.id in set(flags["id"].astype(str)) and f.max_tier]
        hurdles = set(str(rrow.get("hurdles") or "").split(";"))
        caps += [h.label.get(lang) for h in cs.hurdles if h.id in hurdles]
        why = t("sep_items", lang).join(caps) if caps else t("brief_cap_completeness", lang)
        verdict += t("brief_verdict_capped", lang, tier=tier_label(by_score, lang, cs), why=why)

    missing_rows = rat[rat["status"] == "not_assessed"].sort_values(
        ["weight", "criterion"], ascending=[False, True]
    )
    label_col = f"criterion_{lang}"
    missing = [f"{r[label_col]} ({r.weight:.1f})" for _, r in missing_rows.head(MISSING_SHOWN).iterrows()]
    if len(missing_rows) > MISSING_SHOWN:
        missing.append(t("brief_more", lang, n=len(missing_rows) - MISSING_SHOWN))
    completeness = t(
        "brief_completeness" if len(missing_rows) else "brief_completeness_all",
        lang,
        share=f"{float(rrow['completeness']):.0%}",
        line=f"{cs.completeness_threshold:.0%}",
        n=len(missing_rows),
    )

    if intervals is None:
        intervals = rank_intervals(result, seed=seed, draws=draws)
    interval = t("brief_none", lang)
    if intervals is not None and project_id in intervals.index:
        interval = t(
            "brief_rank_interval_text",
            lang,
            lo=int(cast(float, intervals.at[project_id, "rank_p05"])),
            hi=int(cast(float, intervals.at[project_id, "rank_p95"])),
            n=len(ranked),
            rank=int(rrow["rank"]),
            draws=f"{intervals.attrs.get('draws', draws):,}",
            seed=intervals.attrs.get("seed", seed),
        )

    return ProjectBrief(
        **common,
        excluded=False,
        verdict=verdict,
        tier=tier_shown,
        score=f"{score:.1f}",
        rank=t("brief_rank_of", lang, rank=int(rrow["rank"]), n=len(ranked)),
        bars=tuple(bars),
        positives=positives,
        negatives=negatives,
        conditions=conditions,
        approval_head=head,
        approval=approval,
        completeness=completeness,
        missing=tuple(missing),
        rank_interval=interval,
        sources=tuple(cites.order),
    )


def _conditions(cs: CriteriaSet, flags: pd.DataFrame, lang: str, cites: _Cites) -> tuple[Line, ...]:
    """Each raised flag with the condition the file's table gives it (or its reason when it gives none)."""
    table = {c.flag: c for c in cs.conditions}
    out: list[Line] = []
    for r in flags.drop_duplicates("id").itertuples() if len(flags) else ():
        label = str(getattr(r, f"label_{lang}"))
        cond = table.get(str(r.id))
        if cond is not None:
            out.append(
                Line(head=label, text=cond.condition.get(lang), cites=cites(cond.source, cond.section))
            )
        else:
            out.append(
                Line(
                    head=label,
                    text=t("brief_review_point", lang, reason=str(getattr(r, f"reason_{lang}"))),
                    cites=cites(str(r.source), None if _blank(r.section) else str(r.section)),
                )
            )
    return tuple(out)


def _excluded_facts(
    result: Result, row: pd.Series, hits: pd.DataFrame, lang: str, cites: _Cites, common: dict[str, Any]
) -> ProjectBrief:
    cs = result.criteria
    gates = hits[hits["kind"].isin(["gate", "not_candidate"])] if len(hits) else hits
    reasons = tuple(
        Line(
            head=str(getattr(r, f"label_{lang}")),
            text=str(getattr(r, f"reason_{lang}")),
            cites=cites(str(r.source), None if _blank(r.section) else str(r.section)),
        )
        for r in gates.drop_duplicates("id").itertuples()
    )
    rules = t("sep_items", lang).join(x.head for x in reasons) or t("brief_none", lang)
    flags = hits[hits["kind"] == "flag"] if len(hits) else hits
    none = t("brief_none", lang)
    return ProjectBrief(
        **common,
        excluded=True,
        verdict=t("brief_verdict_excluded", lang, rules=rules),
        tier=t("brief_excluded", lang),
        score=none,
        rank=none,
        bars=(),
        positives=(),
        negatives=reasons,
        conditions=_conditions(cs, flags, lang, cites),
        approval_head=t("brief_ap_head_excluded", lang),
        approval=(Line(text=t("brief_ap_excluded", lang)),),
        completeness=t("brief_not_scored", lang),
        missing=(),
        rank_interval=none,
        sources=tuple(cites.order),
    )


# ----------------------------------------------------------------------------------------- portfolio brief


_PORTFOLIO_WORDS = (
    "brief_pf_totals",
    "brief_pf_tracks",
    "brief_pf_tiers",
    "brief_pf_top",
    "brief_pf_rest",
    "brief_track_label",
    "brief_pf_projects",
    "brief_pf_investment",
    "brief_rank",
    "brief_id",
    "brief_name",
    "brief_country",
    "brief_score",
    "brief_tier",
    "brief_flags",
)


def portfolio_facts(result: Result, project_ids: Sequence[str], lang: str, top_n: int = 10) -> PortfolioBrief:
    """The facts of a portfolio brief over ``project_ids`` (ranked ones by rank; the others listed)."""
    cs = result.criteria
    wanted = list(dict.fromkeys(str(p) for p in project_ids))
    known = set(result.records["project_id"].astype(str))
    unknown = [p for p in wanted if p not in known]
    if unknown:
        ids = ", ".join(unknown[:5])
        raise BriefError(Text(en=t("brief_unknown_id", "en", id=ids), zh=t("brief_unknown_id", "zh", id=ids)))
    ranked = result.ranked
    chosen = ranked[ranked["project_id"].astype(str).isin(wanted)].sort_values("rank", kind="stable")
    not_ranked = [p for p in wanted if p not in set(chosen["project_id"].astype(str))]
    money = "total_investment_usd_m"
    cost = chosen[money].astype(float) if money in chosen.columns else pd.Series(dtype=float)
    none = t("brief_none", lang)

    def amount(values: pd.Series) -> str:
        given = values.dropna()
        return format_value(float(given.sum()), money, lang) if len(given) else none

    flag_labels = {f.id: f.label.get(lang) for f in cs.flags}
    flag_labels |= {g.id: g.label.get(lang) for g in cs.gates}
    flagged = chosen["flags"].astype(object).fillna("").astype(str) if "flags" in chosen.columns else None
    n_flagged = int((flagged != "").sum()) if flagged is not None else 0
    totals = (
        (t("brief_pf_projects", lang), f"{len(chosen):,}"),
        (t("brief_pf_investment", lang), amount(cost)),
        (t("brief_pf_mean_score", lang), f"{float(chosen['score'].mean()):.1f}" if len(chosen) else none),
        (t("brief_pf_flagged", lang), f"{n_flagged:,}"),
    )
    tracks = []
    for tr in cs.tracks:
        part = chosen[chosen["track"].astype(str) == tr.id]
        if len(part):
            tracks.append((tr.label.get(lang), f"{len(part):,}", amount(part[money].astype(float))))
    tiers = []
    for tier in [*cs.tier_ids(), *sorted(set(chosen["tier"].astype(str)) - set(cs.tier_ids()))]:
        count = int((chosen["tier"].astype(str) == tier).sum())
        if count:
            tiers.append((tier_label(tier, lang, cs), f"{count:,}"))

    def row_of(r: pd.Series) -> PortfolioRow:
        ids = [f for f in str("" if _blank(r.get("flags")) else r["flags"]).split(";") if f]
        return PortfolioRow(
            rank=str(int(r["rank"])),
            project_id=str(r["project_id"]),
            name="" if _blank(r.get("project_name")) else str(r["project_name"]),
            country=country_label(r.get("country"), lang),
            track=track_label(r["track"], lang, cs),
            score=f"{float(r['score']):.1f}",
            tier=tier_label(r["tier"], lang, cs),
            flags=t("sep_items", lang).join(flag_labels.get(f, f) for f in ids),
        )

    top = tuple(row_of(r) for _, r in chosen.head(top_n).iterrows())
    rest_frame = chosen.iloc[top_n:]
    rest = ""
    if len(rest_frame):
        rest = t(
            "brief_pf_rest_text",
            lang,
            n=len(rest_frame),
            lo=f"{float(rest_frame['score'].min()):.1f}",
            hi=f"{float(rest_frame['score'].max()):.1f}",
            investment=amount(rest_frame[money].astype(float)),
            flagged=int((flagged.loc[rest_frame.index] != "").sum()) if flagged is not None else 0,
        )
    unranked = ""
    if not_ranked:
        shown = ", ".join(not_ranked[:12]) + ("…" if len(not_ranked) > 12 else "")
        unranked = t("brief_pf_unranked", lang, n=len(not_ranked), ids=shown)
    return PortfolioBrief(
        lang=lang,
        words=_words(lang, _PORTFOLIO_WORDS),
        title=t("brief_pf_title", lang, n=len(chosen)),
        totals=totals,
        tracks=tuple(tracks),
        tiers=tuple(tiers),
        top=top,
        rest=rest,
        unranked=unranked,
        footer=_footer(result, lang),
    )
