"""The workbook's vocabulary, shared by the writer (:mod:`screening.io.export`) and the reader
(:mod:`screening.io.reimport`): sheet names, reserved headers the tool adds, reviewer decision words.

The words themselves are in the string catalogue (keys ``sheet_*``, ``hdr_*``, ``decision_*``); this module
gives them the shapes the reader matches against. Only the tool's own fixed columns are reserved here: the
columns a criteria set adds (classifiers, indices) are named by the set, and an exported workbook lists them
in its Audit row ``tool_columns``.
"""

from __future__ import annotations

import re

import numpy as np

from screening.i18n import t, text
from screening.vocab.columns import norm_key

TOOL_NAME = "bri-screening"


def _en_zh(key: str) -> tuple[str, str]:
    words = text(key)
    return words.en, words.zh


SHEET_KEYS = (
    "summary",
    "ranking",
    "review",
    "rationale",
    "excluded",
    "invalid",
    "issues",
    "criteria",
    "countries",
    "inferred",
    "audit",
)


# Sheet names by key, in English and Chinese (a continuation sheet adds " (2)", " (3)", …).
SHEETS: dict[str, dict[str, str]] = {
    k: dict(zip(("en", "zh"), _en_zh(f"sheet_{k}"), strict=True)) for k in SHEET_KEYS
}


RECORD_SHEETS = ("ranking", "excluded", "invalid")  # the sheets records are read back from


RESERVED_NAMES = (
    "outcome",
    "rank",
    "rank_in_track",
    "score",
    "tier",
    "track",
    "flags",
    "hurdles",
    "completeness",
    "positive_list",
    "project_group",
    "project_group_size",
    "project_group_total_usd_m",
    "exclusion",
    "gates",
    "reasons",
    "sources",
    "source_sheet",
    "source_row",
    "problem_columns",
    "problem_values",
    "problems",
    "reviewer_decision",
    "reviewer_note",
    "iso3",
)


# Reserved names (the tool's own columns on a record sheet) → (English header, Chinese header). The writer
# uses these headers; the reader drops any header in either language. Never read back as input data.
RESERVED_HEADERS: dict[str, tuple[str, str]] = {name: _en_zh(f"hdr_{name}") for name in RESERVED_NAMES}


DIMENSION_PREFIX = dict(
    zip(("en", "zh"), _en_zh("hdr_dim_prefix"), strict=True)
)  # prefix + id / Chinese label


# Reviewer decisions: code → (English word, Chinese word). Both words are offered in the drop-down.
DECISIONS: dict[str, tuple[str, str]] = {
    code: _en_zh(f"decision_{code}") for code in ("approve", "reject", "defer")
}


DECISION_WORDS = [w for pair in DECISIONS.values() for w in pair]


_DECISION_LOOKUP = {
    norm_key(w): code
    for code, pair in DECISIONS.items()
    for w in (*pair, code.capitalize(), "approved", "rejected", "deferred")
}


_DECISION_LOOKUP.update(
    {norm_key("approved"): "approve", norm_key("rejected"): "reject", norm_key("deferred"): "defer"}
)


REVIEW_COLUMNS = [
    "row_key",
    "source_sheet",
    "source_row",
    "project_id",
    "reviewer_decision",
    "reviewer_note",
    "previous_outcome",
    "previous_rank",
    "previous_score",
    "previous_tier",
]


def reserved_header(name: str, lang: str) -> str:
    return t(f"hdr_{name}", lang)


def decision_code(value: object) -> str | None:
    """'approve' / 'reject' / 'defer' for any accepted word; the text as written for another word; None if blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    return _DECISION_LOOKUP.get(norm_key(text), text)


def decision_word(code: object, lang: str) -> object:
    if isinstance(code, str) and code in DECISIONS:
        return t(f"decision_{code}", lang)
    return code


_RESERVED_KEYS: dict[str, str] = {norm_key(h): name for name, pair in RESERVED_HEADERS.items() for h in pair}


_CONTINUED = re.compile(r"^(?P<base>.+?) \((?P<n>\d+)\)$")
