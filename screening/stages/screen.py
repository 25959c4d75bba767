"""Screening: the negative list (gates) and review flags.

A gate excludes a project when its ``when`` rule holds — on coded fields or on text unambiguous enough to
stand alone. An ambiguous hit, or a key field left blank, is a ``flag_when`` and only flags the project
(DESIGN.md "Gates and flags"; negative list per liu-zhang-2024 §三(三)). Flags comparing projects with each
other (duplicate construction, "一窝蜂" in liu-zhang-2024 §三(三)) never change a score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet, Flag, flags_after_classification
from screening.criteria.rules import Context, text_fields, text_scan
from screening.criteria.textscan import TextScan
from screening.i18n import Text

HIT_COLUMNS = [
    "row_key",
    "project_id",
    "kind",
    "id",
    "label_en",
    "label_zh",
    "reason_en",
    "reason_zh",
    "source",
    "section",
]


@dataclass(frozen=True)
class Screened:
    excluded: np.ndarray  # (n,) bool
    hits: pd.DataFrame  # long: one row per gate or flag hit (HIT_COLUMNS)
    flags: dict[str, np.ndarray]  # record-level flag id → (n,) bool, for ``has_flag`` rules
    tier_caps: np.ndarray  # (n,) index into criteria.tiers of the best tier allowed, -1 for none


def _hits(
    frame: pd.DataFrame,
    mask: np.ndarray,
    kind: str,
    ident: str,
    label: Text,
    reason: Text,
    source: str,
    section: str | None,
) -> pd.DataFrame:
    if not mask.any():
        return pd.DataFrame(columns=HIT_COLUMNS)
    rows = frame.loc[mask]
    n = len(rows)

    def same(value: str) -> pd.Series:
        # One str object for every hit of the rule (an object column holds references): pandas's default
        # string dtype would copy a reason's text into every row (≈ 300 MB of hits at 100k records).
        return pd.Series(np.full(n, value, dtype=object), dtype=object, copy=False)

    return pd.DataFrame(
        {
            "row_key": rows["row_key"].to_numpy(),
            "project_id": pd.Series(rows["project_id"].to_numpy(dtype=object), dtype=object, copy=False),
            "kind": same(kind),
            "id": same(ident),
            "label_en": same(label.en),
            "label_zh": same(label.zh),
            "reason_en": same(reason.en),
            "reason_zh": same(reason.zh),
            "source": same(source),
            "section": same(section or ""),
        },
        copy=False,
    )


HIT_KIND = {"negative_list": "gate", "not_a_candidate": "not_candidate"}  # a gate's kind → its hits' kind


def screen(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    texts: TextScan | None = None,
    progress: Callable[[float], None] | None = None,
) -> Screened:
    """Evaluate every gate and the record-level flags that need no classification; ``frame`` holds valid
    records only. The flags that read a classification are raised by :func:`raise_late_flags`.

    ``texts``: the run's text scan (a new one for this criteria set if None); ``progress`` hears the share of
    the stage done: the text scan in blocks of texts, then each gate.
    """
    n = len(frame)
    excluded = np.zeros(n, dtype=bool)
    parts: list[pd.DataFrame] = []
    ctx = Context(texts=texts or text_scan(criteria), negation=criteria.negation)
    report = progress or (lambda _done: None)
    _scan_text(frame, criteria, ctx, report)
    tier_ids = criteria.tier_ids()
    caps = np.full(n, -1)
    for k, gate in enumerate(criteria.gates):
        report(SCAN_SHARE + (1 - SCAN_SHARE) * k / len(criteria.gates))
        hit = gate.when.evaluate(frame, ctx) if gate.when is not None else np.zeros(n, dtype=bool)
        excluded |= hit
        kind = HIT_KIND[gate.kind]
        parts.append(_hits(frame, hit, kind, gate.id, gate.label, gate.reason, gate.source, gate.section))
        if gate.flag_when is not None:
            soft = gate.flag_when.evaluate(frame, ctx) & ~hit
            ctx.flags[gate.id] = soft
            if gate.flag_max_tier is not None:
                caps = np.where(soft, np.maximum(caps, tier_ids.index(gate.flag_max_tier)), caps)
            parts.append(
                _hits(
                    frame,
                    soft,
                    "flag",
                    gate.id,
                    gate.label,
                    gate.flag_reason or gate.reason,
                    gate.source,
                    gate.section,
                )
            )
    late = flags_after_classification(criteria)
    caps = _raise_flags(frame, [f for f in criteria.flags if f.id not in late], ctx, tier_ids, caps, parts)
    report(1.0)
    return Screened(excluded, _concat(parts), ctx.flags, caps)


SCAN_SHARE = 0.8  # of the stage's progress: on long texts, scanning is most of the stage's time


def _scan_text(
    frame: pd.DataFrame, criteria: CriteriaSet, ctx: Context, report: Callable[[float], None]
) -> None:
    """Scan every text field the criteria read up front, so that progress moves while the text is read."""
    fields = text_fields(criteria)
    assert ctx.texts is not None
    for k, field in enumerate(fields):

        def field_done(done: float, k: int = k) -> None:
            report(SCAN_SHARE * (k + done) / len(fields))

        ctx.text_slots(frame, field, ctx.texts, field_done)


def raise_late_flags(
    frame: pd.DataFrame, criteria: CriteriaSet, screened: Screened, texts: TextScan | None = None
) -> Screened:
    """Raise the flags that read a classification (track, traffic light …) on the classified ``frame`` (the
    same rows as :func:`screen` saw) and add them to ``screened``."""
    late = flags_after_classification(criteria)
    if not late:
        return screened
    ctx = Context(dict(screened.flags), texts, criteria.negation)
    parts = [screened.hits]
    tier_ids = criteria.tier_ids()
    flags = [f for f in criteria.flags if f.id in late]
    caps = _raise_flags(frame, flags, ctx, tier_ids, screened.tier_caps.copy(), parts)
    return Screened(screened.excluded, _concat(parts), ctx.flags, caps)


def _raise_flags(
    frame: pd.DataFrame,
    flags: list[Flag],
    ctx: Context,
    tier_ids: list[str],
    caps: np.ndarray,
    parts: list[pd.DataFrame],
) -> np.ndarray:
    for flag in flags:
        if flag.when is None:
            continue
        hit = flag.when.evaluate(frame, ctx)
        ctx.flags[flag.id] = hit
        parts.append(_hits(frame, hit, "flag", flag.id, flag.label, flag.reason, flag.source, flag.section))
        if flag.max_tier is not None:
            caps = np.where(hit, np.maximum(caps, tier_ids.index(flag.max_tier)), caps)
    return caps


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HIT_COLUMNS)
