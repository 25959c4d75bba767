"""The frames a run is reported in — ranking, excluded, invalid, review, criteria, rationale — shared by the
workbook (:mod:`screening.io.export`), the app (:mod:`screening.present`) and CSV downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from screening.vocab.columns import norm_key

if TYPE_CHECKING:
    from screening.model import Input
import math
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from screening.criteria.models import CriteriaSet
from screening.i18n import Text, has, lang_code, t, text
from screening.inference.rules import default_rules
from screening.io.schema import (
    decision_word,
)
from screening.model import Input, Result
from screening.stages.explain import rationale, short_citation
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.columns import label as column_label
from screening.vocab.format import format_value


def reviews_by_row(inp: Input) -> pd.DataFrame | None:
    """The re-imported reviews indexed by ``row_key`` (None when the input was not an exported workbook)."""
    reviews: Any = getattr(inp, "reviews", None)
    if reviews is None or len(reviews) == 0:
        return None
    return reviews.set_index("row_key")


def source_sheet_of(
    inp: Input, row_keys: pd.Series | np.ndarray, default: pd.Series | np.ndarray
) -> np.ndarray:
    """The sheet each re-imported record came from (the table's label for a direct input)."""
    rev = reviews_by_row(inp)
    default = np.asarray(default, dtype=object)
    if rev is None:
        return default
    keys = np.asarray(row_keys)
    mapped = pd.Series(keys).map(rev["source_sheet"]).to_numpy(dtype=object)
    return np.where(pd.isna(mapped), default, mapped)


STATUSES = (
    "assessed",
    "not_assessed",
    "not_applicable",
)  # a criterion's status in the rationale (wb_status_*)


def input_columns(result: Result) -> list[str]:
    """The record's input columns, in input order, canonical names where matched (carried for re-import)."""
    cols = list(result.validated.input_columns)
    return [c for c in cols if c in result.records.columns]


def _reviews(result: Result, keys: np.ndarray, lang: str) -> tuple[np.ndarray, np.ndarray]:
    """(decision, note) carried from a re-imported workbook for the records with these row keys."""
    rev = reviews_by_row(result.input)
    if rev is None:
        empty = np.full(len(keys), None, dtype=object)
        return empty, empty.copy()
    s = pd.Series(keys)
    dec = s.map(rev["reviewer_decision"]).map(
        lambda v: decision_word(v, lang) if isinstance(v, str) else None
    )
    note = s.map(rev["reviewer_note"]).map(lambda v: v if isinstance(v, str) else None)
    return dec.to_numpy(dtype=object), note.to_numpy(dtype=object)


def _criteria_columns(result: Result) -> tuple[list[str], list[str], list[str]]:
    ranked = result.ranked
    classifiers = [c.id for c in result.criteria.classifiers if c.id in ranked.columns]
    dims = [c for c in ranked.columns if c.startswith("dim_")]
    idx = [i.id for i in result.criteria.indices if i.id in ranked.columns]
    return classifiers, dims, idx


def ranking_frame(result: Result, lang: str = "en") -> pd.DataFrame:
    """Ranking sheet: tool columns, the reviewer columns, then every input column (for re-import)."""
    ranked = result.ranked
    classifiers, dims, idx = _criteria_columns(result)
    lead = [
        "project_id",
        "rank",
        "rank_in_track",
        "score",
        "tier",
        "track",
        *classifiers,
        "reviewer_decision",
        "reviewer_note",
        "flags",
        "hurdles",
        "completeness",
        *dims,
        "positive_list",
        *idx,
        "project_group",  # records of one project (stages.groups): shown, never scored
        "project_group_size",
        "project_group_total_usd_m",
    ]
    frame = ranked.reindex(columns=[c for c in lead if c in ranked.columns or c.startswith("reviewer_")])
    dec, note = _reviews(result, ranked["row_key"].to_numpy(), lang)
    frame["reviewer_decision"] = dec
    frame["reviewer_note"] = note
    rest = [c for c in input_columns(result) if c not in frame.columns]
    return pd.concat([frame, ranked[rest]], axis=1)


def excluded_frame(result: Result, lang: str = "en") -> pd.DataFrame:
    code, sep = lang_code(lang), t("sep_items", lang)
    gates = result.hits[result.hits["kind"].isin(["gate", "not_candidate"])]
    gates = gates.assign(cite=_short_sources(result.criteria, gates, lang))  # "国办发〔2017〕74号 §五(三)"
    kind_word = {"gate": t("exclusion_gate", lang), "not_candidate": t("exclusion_not_candidate", lang)}
    agg = gates.groupby("row_key").agg(
        exclusion=("kind", lambda s: sep.join(kind_word[k] for k in dict.fromkeys(s))),
        gates=(f"label_{code}", lambda s: sep.join(s)),
        reasons=(f"reason_{code}", lambda s: sep.join(s)),
        sources=("cite", lambda s: sep.join(dict.fromkeys(s))),
    )
    ex = result.excluded
    keys = ex["row_key"].to_numpy()
    frame = pd.DataFrame({"project_id": ex["project_id"].to_numpy()})
    for c in ("exclusion", "gates", "reasons", "sources"):
        frame[c] = agg[c].reindex(keys).to_numpy() if len(agg) else np.full(len(keys), None, dtype=object)
    frame["reviewer_decision"], frame["reviewer_note"] = _reviews(result, keys, lang)
    for c in input_columns(result):
        if c != "project_id":
            frame[c] = ex[c].to_numpy()
    return frame


def _short_sources(criteria: CriteriaSet, hits: pd.DataFrame, lang: str) -> list[str]:
    """The short citation with its section of each row of a hits table (once per source and section)."""
    sections = hits["section"] if "section" in hits else pd.Series([None] * len(hits), index=hits.index)
    pairs = [
        (str(k), sec if isinstance(sec, str) and sec else None)
        for k, sec in zip(hits["source"], sections, strict=True)
    ]
    said = {p: short_citation(criteria, p[0], p[1], lang) for p in dict.fromkeys(pairs)}
    return [said[p] for p in pairs]


def _inferred_values(prov: pd.DataFrame, lang: str) -> np.ndarray:
    """The inferred values; in Chinese a code or a yes/no by its Chinese words (both read back on re-import:
    the reader takes a code list's labels and 是/否), other values as they are."""
    values = prov["value"].to_numpy(dtype=object)
    if lang_code(lang) == "en":
        return values
    out = values.copy()
    for k, (column, v) in enumerate(zip(prov["column"], values, strict=True)):
        col = COLUMN_BY_NAME.get(column)
        if col is not None and (col.kind == "bool" or (col.kind == "code" and col.codes)):
            out[k] = format_value(v, column, lang) or v
    return out


_COLUMN_EVIDENCE = re.compile(r"^([a-z][a-z0-9_]*) = (.*)$", re.S)


def _evidence_in_words(prov: pd.DataFrame, lang: str) -> np.ndarray:
    """The evidence for people: a text span as it was read; the columns a value came from ("sector =
    transport; …", as the inference stage records them) by their labels and values in ``lang``
    ("行业：交通运输"), once per distinct evidence. A part that names no known column stays as it is."""
    codes, uniques = pd.factorize(prov["evidence"].astype(object), use_na_sentinel=True)

    def said(evidence: object) -> str:
        text = "" if evidence is None else str(evidence)
        parts = text.split("; ")
        matches = [_COLUMN_EVIDENCE.match(p) for p in parts]
        if not text or not all(m is not None and m.group(1) in COLUMN_BY_NAME for m in matches):
            return text  # a quoted span of a text, or something else: shown as read
        pairs = [(m.group(1), m.group(2)) for m in matches if m is not None]
        return t("evidence_sep", lang).join(
            t("evidence_field_value", lang, field=column_label(f, lang), value=format_value(v, f, lang) or v)
            for f, v in pairs
        )

    shown = np.array([said(u) for u in uniques] + [""], dtype=object)
    return shown[codes]


def _rule_in_words(result: Result, prov: pd.DataFrame, lang: str) -> np.ndarray:
    """Each inferred value's rule by what it says (its ``why`` in ``lang``), not its id; the id where the run
    used rules other than the shipped ones (their words are not at hand) or a rule gives no why."""
    rules, sha = default_rules()
    words = (
        {r.id: r.why.get(lang) for r in rules.rules if r.why is not None}
        if sha == result.inference.sha256
        else {}
    )
    ids = prov["rule"].astype(object)
    return ids.map(lambda r: words.get(str(r), r)).to_numpy(dtype=object)


def inferred_frame(result: Result, lang: str = "en") -> pd.DataFrame:
    """Every value the inference stage filled: the record, the column, the value, the rule and its evidence
    (the text span or the columns it came from)."""
    prov = result.inference.provenance
    cols = ["project_id", "column", "value", "rule", "field", "evidence"]
    if prov is None or not len(prov):
        return pd.DataFrame(columns=cols)
    ids = result.records.set_index("row_key")["project_id"]
    return pd.DataFrame(
        {
            "project_id": prov["row_key"].map(ids).to_numpy(),
            # the canonical name in English, the Chinese label in Chinese: both read back on re-import
            "column": [Text(zh=column_label(c, "zh"), en=c).get(lang) for c in prov["column"]],
            "value": _inferred_values(prov, lang),
            "rule": _rule_in_words(result, prov, lang),
            "field": [column_label(c, lang) for c in prov["field"]],
            "evidence": _evidence_in_words(prov, lang),
        }
    )


def invalid_frame(result: Result, lang: str = "en") -> pd.DataFrame:
    """One row per invalid record (never one per problem: a re-import must not double it), raw input values."""
    inv = result.invalid
    issues = result.issues[result.issues["severity"] == "invalid"]
    sep = t("sep_items", lang)
    msgs = issues.groupby("row_key").agg(
        problem_columns=("column", lambda s: "; ".join(dict.fromkeys(str(x) for x in s))),
        problem_values=("value", lambda s: "; ".join("" if x is None or x != x else str(x) for x in s)),
        problems=(f"message_{lang_code(lang)}", lambda s: sep.join(s)),
    )
    raw = result.input.projects.frame
    keys = inv["row_key"].to_numpy()
    sheets = source_sheet_of(result.input, keys, inv["source_sheet"].to_numpy())
    frame = pd.DataFrame({"source_sheet": sheets, "source_row": inv["source_row"].to_numpy()})
    for c in ("problem_columns", "problem_values", "problems"):
        frame[c] = msgs[c].reindex(keys).to_numpy() if len(msgs) else np.full(len(keys), None, dtype=object)
    frame["reviewer_decision"], frame["reviewer_note"] = _reviews(result, keys, lang)
    for c in input_columns(result):
        frame[c] = raw[c].to_numpy(dtype=object)[keys] if c in raw.columns else inv[c].to_numpy()
    return frame


def criteria_frame(result: Result, lang: str) -> pd.DataFrame:
    cs = result.criteria
    weights = result.weights
    rows: list[dict[str, Any]] = []

    def cite(key: str, section: str | None) -> str:
        src = cs.sources[key]
        return f"{key} {section or src.section or ''}".strip() + f" — {src.cite}"

    for g in cs.gates:
        rows.append(
            {
                "kind": "gate",
                "id": g.id,
                "label": g.label.get(lang),
                "weight": None,
                "details": g.reason.get(lang),
                "source": cite(g.source, g.section),
            }
        )
    for f in cs.flags:
        rows.append(
            {
                "kind": "flag",
                "id": f.id,
                "label": f.label.get(lang),
                "weight": None,
                "details": f.reason.get(lang),
                "source": cite(f.source, f.section),
            }
        )
    for c in cs.positive_list:
        rows.append(
            {
                "kind": "positive_list",
                "id": c.id,
                "label": c.label.get(lang),
                "weight": None,
                "details": "",
                "source": cite(c.source, c.section),
            }
        )
    for track in cs.tracks:
        rows.append(
            {
                "kind": "track",
                "id": track.id,
                "label": track.label.get(lang),
                "weight": None,
                "details": "" if track.when is None else t("wb_track_rule", lang),
                "source": "",
            }
        )
    dim_w = {d.id: weights.dimensions.get(d.id, d.weight) for d in cs.dimensions}
    total_w = sum(dim_w.values()) or 1
    for d in cs.dimensions:
        rows.append(
            {
                "kind": "dimension",
                "id": d.id,
                "label": d.label.get(lang),
                "weight": round(dim_w[d.id] / total_w * 100, 2),
                "details": d.why.get(lang) if d.why is not None else "",  # why this weight
                "source": "",
            }
        )
        for crit in d.criteria:
            scope = ", ".join(crit.tracks) if crit.tracks else t("wb_all_tracks", lang)
            rows.append(
                {
                    "kind": "criterion",
                    "id": crit.id,
                    "label": crit.label.get(lang),
                    "weight": weights.criteria.get(crit.id, crit.weight),
                    "details": f"[{scope}] {crit.scorer.describe(lang)}",
                    "source": cite(crit.source, crit.section),
                }
            )
    for h in cs.hurdles:
        rows.append(
            {
                "kind": "hurdle",
                "id": h.id,
                "label": h.label.get(lang),
                "weight": None,
                "details": h.reason.get(lang),
                "source": cite(h.source, h.section),
            }
        )
    for tier in cs.tiers:
        rows.append(
            {
                "kind": "tier",
                "id": tier.id,
                "label": tier.label.get(lang),
                "weight": None,
                "details": t("wb_tier_rule", lang, min_score=tier.min_score),
                "source": "",
            }
        )
    return pd.DataFrame(rows, columns=["kind", "id", "label", "weight", "details", "source"])


RATIONALE_CHUNK = 2000  # projects per piece when the rationale is streamed into its sheets


class LazyFrame:
    """A long table produced piece by piece (``make(first, stop)`` for item positions), so that writing it
    needs memory for one piece only. Each item (a project) gives ``per_item`` rows."""

    def __init__(
        self,
        columns: list[str],
        items: int,
        per_item: int,
        make: Callable[[int, int], pd.DataFrame],
        chunk: int,
    ) -> None:
        self.columns, self.items, self.per_item, self.make, self.chunk = columns, items, per_item, make, chunk

    def __len__(self) -> int:
        return self.items * self.per_item

    def head(self, n: int) -> pd.DataFrame:
        return self.make(0, min(self.items, max(1, math.ceil(n / max(1, self.per_item)))))[:n]

    def slices(self, start: int, stop: int) -> Iterator[pd.DataFrame]:
        """The rows ``start:stop`` in pieces of at most ``chunk`` items."""
        if self.per_item == 0:
            return
        first_item, last_item = start // self.per_item, math.ceil(stop / self.per_item)
        for a in range(first_item, last_item, self.chunk):
            b = min(last_item, a + self.chunk)
            piece = self.make(a, b)
            lo, hi = max(start, a * self.per_item), min(stop, b * self.per_item)
            yield piece.iloc[lo - a * self.per_item : hi - a * self.per_item]


def rationale_lazy(result: Result, lang: str, progress: Callable[[float], None] | None = None) -> LazyFrame:
    """The Rationale sheet's table, made in pieces of :data:`RATIONALE_CHUNK` projects; ``progress`` hears
    the share of projects done before each piece."""
    frame = scored_frame(result)  # sorted once, shared by every piece
    m = len(result.criteria.criteria)

    def make(a: int, b: int) -> pd.DataFrame:
        if progress is not None and len(frame):
            progress(a / len(frame))
        return _rationale_table(
            rationale(
                frame,
                result.pm,
                result.scores,
                result.criteria,
                (lang,),
                slice(a, b),
                result.inference.provenance,
            ),
            lang,
            result.criteria,
        )

    cols = list(
        _rationale_table(
            rationale(frame.iloc[:0], result.pm, result.scores, result.criteria, (lang,), slice(0, 0)), lang
        ).columns
    )
    return LazyFrame(cols, len(frame), m, make, RATIONALE_CHUNK)


def rationale_frame(result: Result, lang: str) -> pd.DataFrame:
    return _rationale_table(rationale_of(result, langs=(lang,)), lang, result.criteria)


def rationale_table(rat: pd.DataFrame, lang: str, criteria: CriteriaSet | None = None) -> pd.DataFrame:
    """The Rationale in one language, as the workbook's sheet shows it (the app's tables should show the
    same): the value and the short citation in ``lang`` (``value_zh`` / ``source_zh`` in Chinese), the
    dimension by its name in Chinese. ``rat``: a :func:`screening.stages.explain.rationale` built with
    ``lang`` among its languages."""
    return _rationale_table(rat, lang, criteria)


def _rationale_table(rat: pd.DataFrame, lang: str, criteria: CriteriaSet | None = None) -> pd.DataFrame:
    code = lang_code(lang)
    dimension = rat["dimension"]
    if code == "zh" and criteria is not None:  # dimensions by their Chinese names, never their ids
        dimension = dimension.map({d.id: d.label.zh for d in criteria.dimensions}).fillna(dimension)
    words = {s: t(f"wb_status_{s}", lang) for s in STATUSES}
    # the status in words where they differ from the codes (English keeps the codes; no work on millions of rows)
    status = (
        rat["status"].map(words).fillna(rat["status"])
        if any(k != v for k, v in words.items())
        else rat["status"]
    )
    return pd.DataFrame(
        {
            "project_id": rat["project_id"],
            "dimension": dimension,
            "criterion_id": rat["criterion"],
            "criterion": rat[f"criterion_{code}"],
            "assessment": status,
            # the values and the source in the sheet's language: 是/否 and labels in Chinese, no code
            "value": rat["value_zh"] if code == "zh" else rat["value"],
            "points": rat["points"],
            "max_points": rat["max_points"],
            "weight": rat["weight"],
            "contribution": rat["contribution"],
            "reason": rat[f"reason_{code}"],
            "source": rat[
                f"source_{code}"
            ],  # a short citation with its section; in full on the Criteria sheet
        }
    )


def review_frame(result: Result, lang: str) -> pd.DataFrame:
    """One row per re-imported record with a reviewer decision or note: then and now."""
    rev = getattr(result.input, "reviews", None)
    cols = [
        "project_id",
        "project_name",
        "reviewer_decision",
        "reviewer_note",
        "previous_outcome",
        "previous_rank",
        "previous_score",
        "previous_tier",
        "now_outcome",
        "rank",
        "score",
        "tier",
    ]
    if rev is None or not len(rev):
        return pd.DataFrame(columns=cols)
    rev = rev[rev["reviewer_decision"].notna() | rev["reviewer_note"].notna()]
    rec = result.records.set_index("row_key")
    ranked = result.ranked.set_index("row_key")
    keys = rev["row_key"]
    tier_words = {
        c.code: Text(zh=c.zh, en=c.code).get(lang) for c in CODE_LISTS["tier"].codes
    }  # zh label, or code
    tier_code = CODE_LISTS["tier"].lookup()

    def tier_shown(v: object) -> object:
        code = tier_code.get(norm_key(v), v) if isinstance(v, str) else v
        return tier_words.get(code, code) if isinstance(code, str) else code

    out = pd.DataFrame(
        {
            "project_id": rev["project_id"].to_numpy(dtype=object),
            "project_name": keys.map(rec["project_name"]).to_numpy(dtype=object)
            if "project_name" in rec
            else None,
            "reviewer_decision": rev["reviewer_decision"]
            .map(lambda v: decision_word(v, lang))
            .to_numpy(dtype=object),
            "reviewer_note": rev["reviewer_note"].to_numpy(dtype=object),
            "previous_outcome": rev["previous_outcome"]
            .map(lambda v: _outcome_label(v, lang))
            .to_numpy(dtype=object),
            "previous_rank": rev["previous_rank"].to_numpy(),
            "previous_score": rev["previous_score"].to_numpy(),
            "previous_tier": rev["previous_tier"].map(tier_shown).to_numpy(dtype=object),
            "now_outcome": keys.map(rec["outcome"])
            .map(lambda v: _outcome_label(v, lang))
            .to_numpy(dtype=object),
            "rank": keys.map(ranked["rank"]).to_numpy(dtype=float),
            "score": keys.map(ranked["score"]).to_numpy(dtype=float),
            "tier": keys.map(ranked["tier"]).map(tier_shown).to_numpy(dtype=object),
        }
    )
    return out


def _outcome_label(v: object, lang: str) -> object:
    """An outcome code in words (English keeps the code); anything else as it is."""
    if isinstance(v, str) and has(f"wb_outcome_short_{v}"):
        return t(f"wb_outcome_short_{v}", lang)
    return v


def result_fingerprint(result: Result) -> str:
    """A short key that changes whenever the result's data, criteria or weights do (for caching analyses)."""
    import hashlib

    h = hashlib.sha256()
    h.update(str(result.input.sha256).encode())
    h.update(result.criteria_fingerprint.encode())
    h.update(repr(sorted(result.weights.dimensions.items())).encode())
    h.update(repr(sorted(result.weights.criteria.items())).encode())
    pm = result.pm
    h.update(np.ascontiguousarray(pm.points).tobytes())
    h.update(np.ascontiguousarray(pm.applicable).tobytes())
    h.update("\x1f".join(np.asarray(pm.project_ids).astype(str)).encode())
    h.update(str(result.criteria.missing_policy).encode())
    return h.hexdigest()[:32]


def scored_frame(result: Result) -> pd.DataFrame:
    """The ranked projects in point-matrix order (the order the rationale is built in)."""
    return result.ranked.sort_values("row_key", kind="stable")


def rationale_of(
    result: Result, langs: tuple[str, ...] = ("en", "zh"), rows: slice | None = None
) -> pd.DataFrame:
    """Per project and criterion; ``rows`` selects projects by position (point-matrix order)."""
    return rationale(
        scored_frame(result),
        result.pm,
        result.scores,
        result.criteria,
        langs,
        rows,
        result.inference.provenance,
    )


# ----------------------------------------------------------------------------- triage when data are thin

# Our own line (issue 14 item 6), not a rule of the criteria: when more than this share of the ranked
# projects are ``insufficient_data``, a ranking mostly orders records nobody could judge, so every output
# says so first and shows the triage before the ranking. Why one half: below it the judged projects are the
# majority and the ranking is mostly a judgement; above it, most of the order is tie-breaking on the little
# that is known (on AidData's extract, 957 of 957 ranked records, ordered by a sector lookup). The line is the
# same one half the default criteria use for a record (``completeness_threshold``), applied to the file.
THIN_FILE_SHARE = 0.5
THIN_FILE_WHY = "triage_line_why"  # catalogue key of the reason, shown with the triage


def _ids(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(frame["project_id"].astype(str)) if len(frame) else ()


class Triage:
    """Who can be judged and who cannot: excluded, flagged for review, needs data (``insufficient_data``), and
    whether the file is thin (more than :data:`THIN_FILE_SHARE` of the ranked records need data)."""

    def __init__(self, result: Result, line: float = THIN_FILE_SHARE) -> None:
        ranked = result.ranked
        counts = result.counts()
        tier = ranked["tier"].astype(str) if len(ranked) else pd.Series(dtype=str)
        needs = ranked[(tier == "insufficient_data").to_numpy()] if len(ranked) else ranked
        flags = ranked["flags"].astype(object).fillna("").astype(str) if "flags" in ranked.columns else None
        flagged = ranked[(flags != "").to_numpy()] if flags is not None and len(ranked) else ranked.iloc[:0]
        self.line = line
        self.records = counts["records"]
        self.ranked = counts["ranked"]
        self.invalid = counts["invalid"]
        self.not_candidates = result.not_candidates()
        self.excluded_ids = _ids(result.excluded)
        self.flagged_ids = _ids(flagged)
        self.needs_data_ids = _ids(needs)
        self.completeness_line = result.criteria.completeness_threshold

    @property
    def excluded(self) -> int:
        return len(self.excluded_ids)

    @property
    def flagged(self) -> int:
        return len(self.flagged_ids)

    @property
    def needs_data(self) -> int:
        return len(self.needs_data_ids)

    @property
    def judged(self) -> int:
        """Ranked projects whose data let the criteria judge them (not ``insufficient_data``)."""
        return self.ranked - self.needs_data

    @property
    def share(self) -> float:
        return self.needs_data / self.ranked if self.ranked else 0.0

    @property
    def thin(self) -> bool:
        """More than :attr:`line` of the ranked projects need data."""
        return self.ranked > 0 and self.needs_data > self.line * self.ranked

    def headline(self) -> Text:
        return text(
            "triage_headline",
            needs=self.needs_data,
            ranked=self.ranked,
            share=f"{self.share:.0%}",
            line=f"{self.completeness_line:.0%}",
        )

    def why(self) -> Text:
        return text(THIN_FILE_WHY, line=f"{self.line:.0%}")

    def groups(self) -> list[tuple[str, Text, tuple[str, ...]]]:
        """(key, line in words, project ids) for excluded, flagged for review, needs data."""
        return [
            (
                "excluded",
                text(
                    "triage_excluded",
                    n=self.excluded,
                    gates=self.excluded - self.not_candidates,
                    not_candidates=self.not_candidates,
                ),
                self.excluded_ids,
            ),
            ("flagged", text("triage_flagged", n=self.flagged), self.flagged_ids),
            ("needs_data", text("triage_needs_data", n=self.needs_data), self.needs_data_ids),
        ]

    def judged_line(self) -> Text:
        return text("triage_judged", n=self.judged, ranked=self.ranked, invalid=self.invalid)


def triage(result: Result) -> Triage:
    """The triage of a run (:class:`Triage`)."""
    return Triage(result)


def some_ids(ids: tuple[str, ...], limit: int = 12) -> Text:
    """The first ``limit`` ids, with how many more there are."""
    shown = ", ".join(ids[:limit]) or "—"
    if len(ids) <= limit:
        return Text(zh=shown, en=shown)
    return text("triage_ids_more", ids=shown, more=len(ids) - limit)
