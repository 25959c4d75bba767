"""The workbook's vocabulary, shared by the writer (:mod:`screening.io.export`) and the reader
(:mod:`screening.io.reimport`): sheet names, reserved headers the tool adds, reviewer decision words.
"""

from __future__ import annotations

import re

import numpy as np

from screening.vocab.columns import norm_key

TOOL_NAME = "bri-screening"


# Sheet names by key, in English and Chinese (a continuation sheet adds " (2)", " (3)", …).
SHEETS: dict[str, dict[str, str]] = {
    "summary": {"en": "Summary", "zh": "概要"},
    "ranking": {"en": "Ranking", "zh": "排名"},
    "review": {"en": "Review", "zh": "审核汇总"},
    "rationale": {"en": "Rationale", "zh": "评分依据"},
    "excluded": {"en": "Excluded", "zh": "排除项目"},
    "invalid": {"en": "Invalid", "zh": "无效记录"},
    "issues": {"en": "Data issues", "zh": "数据问题"},
    "criteria": {"en": "Criteria", "zh": "评价标准"},
    "countries": {"en": "Countries", "zh": "国别信息"},
    "audit": {"en": "Audit", "zh": "审计信息"},
}


RECORD_SHEETS = ("ranking", "excluded", "invalid")   # the sheets records are read back from


# Reserved names (columns the tool adds to a record sheet) → (English header, Chinese header). The writer
# uses these headers; the reader drops any header in either language. Never read back as input data.
RESERVED_HEADERS: dict[str, tuple[str, str]] = {
    "outcome": ("outcome", "结果"),
    "rank": ("rank", "排名"),
    "rank_in_track": ("rank_in_track", "类内排名"),
    "score": ("score", "得分"),
    "tier": ("tier", "等级"),
    "track": ("track", "项目类型"),
    "traffic_light": ("traffic_light", "红绿灯"),
    "flags": ("flags", "审查提示"),
    "completeness": ("completeness", "资料完整度"),
    "field_type": ("field_type", "传统/新兴领域"),
    "five_connectivities": ("five_connectivities", "五通"),
    "positive_list": ("positive_list", "正面清单"),
    "ipf_social_environmental": ("ipf_social_environmental", "社会环境指数"),
    "ipf_financial_economic": ("ipf_financial_economic", "财务经济指数"),
    "gates": ("gates", "触发的负面清单"),
    "reasons": ("reasons", "排除理由"),
    "sources": ("sources", "依据"),
    "source_sheet": ("source_sheet", "来源工作表"),
    "source_row": ("source_row", "来源行号"),
    "problem_columns": ("problem_columns", "问题列"),
    "problem_values": ("problem_values", "问题取值"),
    "problems": ("problems", "问题说明"),
    "reviewer_decision": ("reviewer_decision", "审核意见"),
    "reviewer_note": ("reviewer_note", "审核备注"),
    "iso3": ("iso3", "国家代码"),
}


DIMENSION_PREFIX = {"en": "dim_", "zh": "维度得分："}   # header of a dimension score: prefix + id / Chinese label


# Reviewer decisions: code → (English word, Chinese word). Both words are offered in the drop-down.
DECISIONS: dict[str, tuple[str, str]] = {
    "approve": ("approve", "通过"),
    "reject": ("reject", "否决"),
    "defer": ("defer", "暂缓"),
}


DECISION_WORDS = [w for pair in DECISIONS.values() for w in pair]


_DECISION_LOOKUP = {norm_key(w): code for code, pair in DECISIONS.items()
                    for w in (*pair, code.capitalize(), "approved", "rejected", "deferred")}


_DECISION_LOOKUP.update({norm_key("approved"): "approve", norm_key("rejected"): "reject",
                         norm_key("deferred"): "defer"})


REVIEW_COLUMNS = ["row_key", "source_sheet", "source_row", "project_id", "reviewer_decision", "reviewer_note",
                  "previous_outcome", "previous_rank", "previous_score", "previous_tier"]


def reserved_header(name: str, lang: str) -> str:
    en, zh = RESERVED_HEADERS[name]
    return zh if lang == "zh" else en


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
        return DECISIONS[code][1 if lang == "zh" else 0]
    return code


_RESERVED_KEYS: dict[str, str] = {norm_key(h): name for name, pair in RESERVED_HEADERS.items() for h in pair}


_CONTINUED = re.compile(r"^(?P<base>.+?) \((?P<n>\d+)\)$")
