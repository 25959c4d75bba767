"""Turn what people type into spreadsheet cells into typed values.

Each parser maps one cell to ``(value, problem)``: a typed value or ``None`` with a bilingual message saying
why the text could not be read. Parsers run once per *distinct* cell text (see :func:`parse_series`), so a
100,000-row column with a few hundred distinct words costs a few hundred calls, not 100,000.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.i18n import text
from screening.limits import limit
from screening.vocab.columns import CODE_LISTS, Column, norm_key


@dataclass(frozen=True)
class Problem:
    en: str
    zh: str


Parsed = tuple[object, Problem | None]


Parser = Callable[[object], Parsed]


TRUE_WORDS = {"yes", "y", "true", "t", "1", "是", "有", "对", "√", "✓", "已完成", "已建立", "x"}


FALSE_WORDS = {"no", "n", "false", "f", "0", "否", "无", "没有", "×", "✗", "未完成", "未建立"}


_BLANK = {"", "na", "n/a", "nan", "null", "-", "—", "--", "/", "无数据", "不详", "未知", "unknown", "#n/a"}


_MULTIPLIERS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"(亿美元|亿)$"), 1e8),
    (re.compile(r"(万美元|万)$"), 1e4),
    (re.compile(r"(billion|bn)$", re.I), 1e9),
    (re.compile(r"(million|mn|m)$", re.I), 1e6),
    (re.compile(r"(thousand|k)$", re.I), 1e3),
]


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip().lower() in _BLANK
    return False


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _fail(en: str, zh: str) -> Parsed:
    return None, Problem(en, zh)


def _said(key: str, **fmt: object) -> Parsed:
    said = text(key, **fmt)
    return None, Problem(said.en, said.zh)


# Spreadsheet error values (Excel up to 365). ``#N/A`` is not here: it reads as blank, like "n/a".
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
    }
)


def excel_error(value: object) -> str | None:
    """The spreadsheet error value a cell holds (``#SPILL!`` …), or None."""
    if isinstance(value, str) and value.startswith("#") and len(value) <= 14:
        key = value.strip().upper()
        if key in EXCEL_ERRORS:
            return key
    return None


def _bounded(number: float, value: object, money: bool) -> Parsed:
    """inf and NaN are never values; in a USD million column neither is anything above ``MAX_USD_M``
    (a trillion dollars by default: our own line, see docs/limits.md)."""
    if not math.isfinite(number):
        return _said("val_not_finite", value=str(value)[:40])
    if money:
        cap = limit("MAX_USD_M")
        if abs(number) > cap:
            return _said("val_above_money_line", value=str(value)[:40], limit=f"{cap:,.0f}")
    return number, None


def parse_number(
    value: object, *, money: bool = False, percent: str | None = None, decimal_comma: bool = False
) -> Parsed:
    """Read a number: thousands separators, full-width digits, ``%``, and 万/亿/million/billion words.

    ``percent='share'``: ``45%`` → 0.45; ``percent='pct'``: ``12%`` → 12. With ``money=True`` the result is in
    millions (USD million columns), so ``1.2亿`` → 120 and ``3000万`` → 30. ``decimal_comma=True`` (a file
    that writes decimal commas): ``1.234,5`` → 1234.5. Infinite and NaN results, and money above
    ``MAX_USD_M``, are problems, never values.
    """
    if isinstance(value, bool):
        return _fail("a yes/no value where a number is expected", "此处应为数字，而非是/否")
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return _fail("not a finite number", "不是有效数字")
        return _bounded(number, value, money)
    written = _text(value)
    if decimal_comma and "," in written:
        written = written.replace(".", "").replace(",", ".")
    s = written.lower().replace(",", "").replace("，", "").replace(" ", "").replace("_", "")
    s = s.replace("usd", "").replace("us$", "").replace("$", "").replace("美元", "").replace("百万", "m")
    is_pct = s.endswith("%")
    if is_pct:
        s = s[:-1]
    factor = 1.0
    if money or not is_pct:
        for pattern, mult in _MULTIPLIERS:
            if pattern.search(s):
                s = pattern.sub("", s)
                factor = mult
                break
    if not _NUMBER.match(s):
        return _fail(f"'{_text(value)}' is not a number", f"“{_text(value)}”不是数字")
    number = float(s)
    if is_pct:
        number = number / 100 if percent == "share" else number
    elif factor != 1.0:
        number = number * factor / (1e6 if money else 1.0)
    return _bounded(number, _text(value), money)


def parse_bool(value: object) -> Parsed:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    key = _text(value).lower()
    if key in TRUE_WORDS:
        return True, None
    if key in FALSE_WORDS:
        return False, None
    return _fail(
        f"'{_text(value)}' is not yes/no (use yes/no, 是/否, Y/N, 1/0)",
        f"“{_text(value)}”不是是/否（可填 是/否、yes/no、Y/N、1/0）",
    )


def make_code_parser(list_name: str) -> Parser:
    code_list = CODE_LISTS[list_name]
    table = code_list.lookup()
    allowed = "、".join(code_list.values)

    def parse(value: object) -> Parsed:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = norm_key(value)
        if key in table:
            return table[key], None
        if code_list.fallback is not None:
            return code_list.fallback, Problem(
                f"unknown {list_name} '{_text(value)}' read as '{code_list.fallback}'",
                f"未知的{list_name}取值“{_text(value)}”，按“{code_list.label(code_list.fallback, 'zh')}”处理",
            )
        return _fail(
            f"'{_text(value)}' is not a known {list_name} (allowed: {allowed})",
            f"“{_text(value)}”不是有效的{list_name}取值（可用：{allowed}）",
        )

    return parse


def parse_level(value: object) -> Parsed:
    """0–3 connectivity level; accepts the number or the words none/limited/substantial/strong."""
    number, problem = parse_number(value)
    if problem is None and number is not None:
        assert isinstance(number, float)
        if number in (0.0, 1.0, 2.0, 3.0):
            return number, None
        return _fail(f"{number:g} is outside the 0–3 scale", f"{number:g}超出0–3的取值范围")
    code, problem = make_code_parser("level")(value)
    return (None, problem) if code is None else (float(str(code)), None)


def parse_year(value: object) -> Parsed:
    if isinstance(value, pd.Timestamp):
        return float(value.year), None
    if hasattr(value, "year") and not isinstance(value, str):
        return float(value.year), None
    s = _text(value)
    m = re.match(r"^(\d{4})(\s*年|[-/.]\d{1,2}([-/.]\d{1,2})?)?", s)
    if m:
        return float(m.group(1)), None
    number, problem = parse_number(value)
    if problem is None and isinstance(number, float) and number.is_integer():
        return number, None
    return _fail(f"'{s}' is not a year", f"“{s}”不是年份")


def parse_text(value: object) -> Parsed:
    """Text kept as written (no width folding), only trimmed: contract 6 wants values unchanged."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    return str(value).strip(), None


def parse_id(value: object) -> Parsed:
    """An id read by calamine comes back as float for numeric cells: ``8.0`` is the id ``8``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    return str(value).strip(), None


def parser_for(column: Column, decimal_comma: bool = False) -> Parser:
    kind = column.kind
    dc = decimal_comma
    if kind == "money":
        return lambda v: parse_number(v, money=True, decimal_comma=dc)
    if kind in ("number", "count"):
        return lambda v: parse_number(v, decimal_comma=dc)
    if kind == "share":
        return lambda v: parse_number(v, percent="share", decimal_comma=dc)
    if kind == "pct":
        return lambda v: parse_number(v, percent="pct", decimal_comma=dc)
    if kind == "bool":
        return parse_bool
    if kind == "level":
        return parse_level
    if kind == "year":
        return parse_year
    if kind == "code":
        assert column.codes is not None
        return make_code_parser(column.codes)
    if kind == "id":
        return parse_id
    return parse_text  # text and country (countries resolve in validate)


def _parse_cell(value: object, parser: Parser) -> Parsed:
    error = excel_error(value)
    if error is not None:
        return _said("val_excel_error", error=error)
    return parser(value)


def parse_series(values: pd.Series, parser: Parser) -> tuple[pd.Series, pd.Series]:
    """Apply ``parser`` to each distinct non-blank value; return (typed values, problems or None)."""
    # Keys keep the type, so that the number 8.0 and the text "8.0" are parsed separately.
    keys = np.array([f"{type(v).__name__}:{v}" for v in values.to_numpy(dtype=object)], dtype=object)
    codes, uniques = pd.factorize(keys)
    raw = values.to_numpy(dtype=object)
    first = np.zeros(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # first row holding each distinct key
    parsed = [(None, None) if is_blank(raw[i]) else _parse_cell(raw[i], parser) for i in first]
    value_u = np.empty(len(parsed), dtype=object)
    problem_u = np.empty(len(parsed), dtype=object)
    for k, (v, p) in enumerate(parsed):
        value_u[k], problem_u[k] = v, p
    out = pd.Series(value_u[codes] if len(codes) else [], index=values.index, dtype=object)
    problems = pd.Series(problem_u[codes] if len(codes) else [], index=values.index, dtype=object)
    return out, problems
