"""Screening: the negative list (gates) and review flags.

A gate excludes a project when its ``when`` rule holds — on coded fields or on text unambiguous enough to
stand alone. An ambiguous hit, or a key field left blank, is a ``flag_when`` and only flags the project
(DESIGN.md "Gates and flags"; negative list per liu-zhang-2024 §三(三)). Flags comparing projects with each
other (duplicate construction, "一窝蜂" in liu-zhang-2024 §三(三)) never change a score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.criteria.rules import Context
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
    return pd.DataFrame(
        {
            "row_key": rows["row_key"].to_numpy(),
            "project_id": rows["project_id"].to_numpy(),
            "kind": kind,
            "id": ident,
            "label_en": label.en,
            "label_zh": label.zh,
            "reason_en": reason.en,
            "reason_zh": reason.zh,
            "source": source,
            "section": section or "",
        }
    )


def screen(frame: pd.DataFrame, criteria: CriteriaSet) -> Screened:
    """Evaluate every gate and record-level flag; ``frame`` holds valid records only."""
    n = len(frame)
    excluded = np.zeros(n, dtype=bool)
    parts: list[pd.DataFrame] = []
    ctx = Context()
    for gate in criteria.gates:
        hit = gate.when.evaluate(frame, ctx) if gate.when is not None else np.zeros(n, dtype=bool)
        excluded |= hit
        parts.append(_hits(frame, hit, "gate", gate.id, gate.label, gate.reason, gate.source, gate.section))
        if gate.flag_when is not None:
            soft = gate.flag_when.evaluate(frame, ctx) & ~hit
            ctx.flags[gate.id] = soft
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
    tier_ids: list[str] = [str(t.id) for t in criteria.tiers]
    caps = np.full(n, -1)
    for flag in criteria.flags:
        if flag.when is None:
            continue
        hit = flag.when.evaluate(frame, ctx)
        ctx.flags[flag.id] = hit
        parts.append(_hits(frame, hit, "flag", flag.id, flag.label, flag.reason, flag.source, flag.section))
        if flag.max_tier is not None:
            caps = np.where(hit, np.maximum(caps, tier_ids.index(flag.max_tier)), caps)
    parts = [p for p in parts if len(p)]
    hits = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HIT_COLUMNS)
    return Screened(excluded, hits, ctx.flags, caps)
