"""Export: the ranked workbook planners circulate, annotate and load again (openpyxl, write-only mode).

Safe output (DESIGN.md contract 6): text from the input that starts with ``=`` is written as a string cell
(``data_type="s"``), never as a formula, and without an added apostrophe; ``+``, ``-``, ``@``, tab and CR are
plain strings already. Illegal control characters are removed and counted; cells are cut at Excel's 32,767
characters with a visible marker; a sheet that would pass Excel's 1,048,576 rows continues on numbered sheets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .columns import CODE_LISTS, COLUMN_BY_NAME
from .columns import label as column_label
from .pipeline import Result, tool_version
from .rank import TIE_BREAK

MAX_ROWS = 1_048_576
MAX_CELL = 32_767
TRUNCATION_MARK = " …[truncated / 已截断]"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SHEETS: dict[str, dict[str, str]] = {
    "summary": {"en": "Summary", "zh": "概要"},
    "ranking": {"en": "Ranking", "zh": "排名"},
    "rationale": {"en": "Rationale", "zh": "评分依据"},
    "excluded": {"en": "Excluded", "zh": "排除项目"},
    "invalid": {"en": "Invalid", "zh": "无效记录"},
    "issues": {"en": "Data issues", "zh": "数据问题"},
    "criteria": {"en": "Criteria", "zh": "评价标准"},
    "audit": {"en": "Audit", "zh": "审计信息"},
}

# Names the tool adds, in both languages (one fixed table; the input columns use columns.py).
TOOL_COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("rank", "排名"), "rank_in_track": ("rank_in_track", "类内排名"), "score": ("score", "得分"),
    "tier": ("tier", "等级"), "track": ("track", "项目类型"), "flags": ("flags", "审查提示"),
    "completeness": ("completeness", "资料完整度"), "traffic_light": ("traffic_light", "红绿灯"),
    "field_type": ("field_type", "传统/新兴领域"), "five_connectivities": ("five_connectivities", "五通"),
    "positive_list": ("positive_list", "正面清单"), "ipf_social_environmental": ("ipf_social_environmental", "社会环境指数"),
    "ipf_financial_economic": ("ipf_financial_economic", "财务经济指数"), "gates": ("gates", "触发的负面清单"),
    "reasons": ("reasons", "排除理由"), "sources": ("sources", "依据"), "source_sheet": ("source_sheet", "来源工作表"),
    "source_row": ("source_row", "来源行号"), "problems": ("problems", "问题"), "column": ("column", "列"),
    "value": ("value", "取值"), "message": ("message", "说明"), "severity": ("severity", "严重程度"),
    "dimension": ("dimension", "维度"), "criterion": ("criterion", "指标"), "status": ("status", "评估状态"),
    "points": ("points", "得分点"), "max_points": ("max_points", "满分"), "weight": ("weight_pct", "权重（%）"),
    "contribution": ("contribution", "贡献分"), "reason": ("reason", "理由"), "source": ("source", "依据来源"),
    "kind": ("kind", "类别"), "id": ("id", "编号"), "label": ("label", "名称"), "details": ("details", "规则"),
    "item": ("item", "项目"), "count": ("count", "数量"), "project_id": ("project_id", "项目编号"),
}

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=14)


@dataclass
class _Stats:
    control_chars_removed: int = 0
    cells_truncated: int = 0
    continued_sheets: list[str] = field(default_factory=list)


def _tcol(name: str, lang: str) -> str:
    if name in TOOL_COLUMNS:
        en, zh = TOOL_COLUMNS[name]
        return zh if lang == "zh" else en
    if name.startswith("dim_"):
        return name
    return column_label(name, lang) if lang == "zh" and name in COLUMN_BY_NAME else name


class _Writer:
    """Writes frames into write-only sheets with safe cells, styled headers, widths, panes and filters."""

    def __init__(self, lang: str, progress: Callable[[str, float], None] | None = None) -> None:
        self.wb = Workbook(write_only=True)
        self.lang = lang
        self.stats = _Stats()
        self.progress = progress or (lambda _s, _p: None)

    def clean(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            return None if math.isnan(value) or math.isinf(value) else value
        if isinstance(value, bool | int | np.integer | np.floating | np.bool_):
            return value.item() if hasattr(value, "item") else value
        if not isinstance(value, str):
            value = str(value)
        if ILLEGAL_CHARACTERS_RE.search(value):
            self.stats.control_chars_removed += len(ILLEGAL_CHARACTERS_RE.findall(value))
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > MAX_CELL:
            self.stats.cells_truncated += 1
            value = value[: MAX_CELL - len(TRUNCATION_MARK)] + TRUNCATION_MARK
        return value

    def _cell(self, ws: Worksheet, value: Any) -> Any:
        value = self.clean(value)
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # text, never a formula (contract 6)
            return cell
        return value

    def header(self, ws: Worksheet, names: list[str]) -> None:
        cells = []
        for n in names:
            c = WriteOnlyCell(ws, value=self.clean(n))
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="top")
            c.data_type = "s"
            cells.append(c)
        ws.append(cells)

    def sheet(self, key: str, suffix: str = "") -> Worksheet:
        title = (SHEETS[key][self.lang] if key in SHEETS else key) + suffix
        return self.wb.create_sheet(_legal_title(title))

    def table(self, key: str, frame: pd.DataFrame, headers: list[str] | None = None,
              widths: dict[str, float] | None = None, number_formats: dict[str, str] | None = None) -> None:
        """Write a frame (continuing on numbered sheets past Excel's row limit)."""
        headers = headers or [_tcol(c, self.lang) for c in frame.columns]
        per_sheet = MAX_ROWS - 1
        chunks = max(1, math.ceil(len(frame) / per_sheet))
        for k in range(chunks):
            part = frame.iloc[k * per_sheet:(k + 1) * per_sheet]
            ws = self.sheet(key, "" if k == 0 else f" ({k + 1})")
            if k:
                self.stats.continued_sheets.append(ws.title)
            self._layout(ws, list(frame.columns), headers, part, widths or {})
            self.header(ws, headers)
            fmts = {i: f for i, c in enumerate(frame.columns) if (f := (number_formats or {}).get(c))}
            for row in self._rows(ws, part, fmts):
                ws.append(row)

    def _layout(self, ws: Worksheet, names: list[str], headers: list[str], part: pd.DataFrame,
                widths: dict[str, float]) -> None:
        ws.freeze_panes = "B2" if names and names[0] == "project_id" else "A2"
        last = get_column_letter(max(1, len(names)))
        ws.auto_filter.ref = f"A1:{last}{len(part) + 1}"
        sample = part.head(200)
        for i, (name, head) in enumerate(zip(names, headers, strict=True), start=1):
            if name in widths:
                width = widths[name]
            else:
                lens = sample[name].map(lambda v: len(str(v)) if v is not None else 0) if len(sample) else pd.Series([0])
                width = min(60.0, max(8.0, len(str(head)) * (1.8 if not str(head).isascii() else 1.1),
                                      float(lens.quantile(0.9)) * 1.1 if len(lens) else 8.0))
            ws.column_dimensions[get_column_letter(i)].width = width

    def _rows(self, ws: Worksheet, part: pd.DataFrame, fmts: dict[int, str]) -> Iterator[list[Any]]:
        columns = [part[c].to_numpy(dtype=object) for c in part.columns]
        for r in range(len(part)):
            row = [self._cell(ws, col[r]) for col in columns]
            for i, fmt in fmts.items():
                if row[i] is not None and not isinstance(row[i], Cell):
                    cell = WriteOnlyCell(ws, value=row[i])
                    cell.number_format = fmt
                    row[i] = cell
            yield row

    def keyvalue(self, key: str, title: str, rows: Iterable[tuple[str, Any]]) -> None:
        ws = self.sheet(key)
        ws.column_dimensions["A"].width = 36
        ws.column_dimensions["B"].width = 80
        t = WriteOnlyCell(ws, value=title)
        t.font = TITLE_FONT
        ws.append([t])
        ws.append([])
        for k, v in rows:
            ws.append([self._cell(ws, k), self._cell(ws, v)])


def _legal_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title.strip("'")[:31] or "Sheet"


def _code_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """With ``lang='zh'``, code cells show their Chinese labels (the reader accepts both)."""
    if lang != "zh":
        return frame
    out = frame.copy()
    for name in out.columns:
        col = COLUMN_BY_NAME.get(name)
        list_name = col.codes if col is not None and col.kind == "code" else ("tier" if name == "tier" else
                                                                             "track" if name == "track" else None)
        if list_name:
            cl = CODE_LISTS[list_name]
            out[name] = out[name].map(lambda v, cl=cl: cl.label(v, "zh") if isinstance(v, str) else v)
    return out


def input_columns(result: Result) -> list[str]:
    """The record's input columns, in input order, canonical names where matched (carried for re-import)."""
    cols = list(result.validated.input_columns)
    return [c for c in cols if c in result.records.columns]


def ranking_frame(result: Result) -> pd.DataFrame:
    ranked = result.ranked
    lead = ["project_id", "rank", "rank_in_track", "score", "tier", "track", "traffic_light", "flags",
            "completeness", *[c for c in ranked.columns if c.startswith("dim_")], "positive_list", "field_type",
            "five_connectivities", "ipf_social_environmental", "ipf_financial_economic"]
    lead = [c for c in lead if c in ranked.columns]
    rest = [c for c in input_columns(result) if c not in lead]
    return ranked[lead + rest]


def excluded_frame(result: Result) -> pd.DataFrame:
    gates = result.hits[result.hits["kind"] == "gate"]
    agg = gates.groupby("row_key").agg(
        gates=("id", lambda s: "; ".join(s)),
        reasons_en=("reason_en", lambda s: "; ".join(s)),
        reasons_zh=("reason_zh", lambda s: "；".join(s)),
        sources=("source", lambda s: "; ".join(dict.fromkeys(s))),
    )
    ex = result.excluded
    frame = pd.DataFrame({"project_id": ex["project_id"].to_numpy()}, index=ex["row_key"].to_numpy())
    frame["gates"] = agg["gates"].reindex(frame.index).to_numpy()
    frame["reasons"] = agg["reasons_zh" if False else "reasons_en"].reindex(frame.index).to_numpy()
    frame["reasons_zh"] = agg["reasons_zh"].reindex(frame.index).to_numpy()
    frame["sources"] = agg["sources"].reindex(frame.index).to_numpy()
    for c in input_columns(result):
        if c != "project_id":
            frame[c] = ex[c].to_numpy()
    return frame.reset_index(drop=True)


def invalid_frame(result: Result) -> pd.DataFrame:
    inv = result.invalid
    issues = result.issues[result.issues["severity"] == "invalid"]
    msgs = issues.groupby("row_key").agg(en=("message_en", lambda s: "; ".join(s)), zh=("message_zh", lambda s: "；".join(s)))
    raw = result.input.projects.frame
    keys = inv["row_key"].to_numpy()
    frame = pd.DataFrame({"source_sheet": inv["source_sheet"].to_numpy(), "source_row": inv["source_row"].to_numpy(),
                          "problems": msgs["en"].reindex(keys).to_numpy(), "problems_zh": msgs["zh"].reindex(keys).to_numpy()})
    for c in input_columns(result):
        frame[c] = raw[c].to_numpy(dtype=object)[keys] if c in raw.columns else inv[c].to_numpy()
    return frame


def write_workbook(result: Result, out: str | Path | IO[bytes], lang: str = "en",
                   progress: Callable[[str, float], None] | None = None) -> dict[str, Any]:
    """Write the ranked workbook; return stats (control characters removed, cells truncated, sheets continued)."""
    w = _Writer(lang, progress)
    say = w.progress
    zh = lang == "zh"
    counts = result.counts()
    cs = result.criteria
    # Summary
    tiers = result.ranked["tier"].value_counts()
    tracks = result.ranked["track"].value_counts()
    summary: list[tuple[str, Any]] = [
        ("输入记录数" if zh else "Records read", counts["records"]),
        ("参与排名" if zh else "Ranked", counts["ranked"]),
        ("被排除（负面清单）" if zh else "Excluded (negative list)", counts["excluded"]),
        ("无效记录" if zh else "Invalid", counts["invalid"]),
        ("", ""),
        ("评价标准" if zh else "Criteria set", f"{cs.title.get(lang)} ({cs.id} {cs.version})"),
    ]
    for t in [*(x.id for x in cs.tiers), "insufficient_data"]:
        summary.append((f"{'等级' if zh else 'Tier'}: {CODE_LISTS['tier'].label(t, lang)}", int(tiers.get(t, 0))))
    for t in cs.tracks:
        summary.append((f"{'类型' if zh else 'Track'}: {t.label.get(lang)}", int(tracks.get(t.id, 0))))
    for d in cs.dimensions:
        summary.append((f"{'维度权重' if zh else 'Dimension weight'}: {d.label.get(lang)}", d.weight))
    w.keyvalue("summary", "项目筛选结果概要" if zh else "Screening summary", summary)
    say("export: ranking", 0.1)
    rank_frame = _code_labels(ranking_frame(result), lang)
    w.table("ranking", rank_frame, number_formats={"score": "0.00", "completeness": "0%"})
    say("export: rationale", 0.3)
    rat = result.rationale()
    rat_out = pd.DataFrame({
        "project_id": rat["project_id"], "dimension": rat["dimension"],
        "criterion": rat["criterion_zh" if zh else "criterion_en"], "status": rat["status"], "value": rat["value"],
        "points": rat["points"], "max_points": rat["max_points"], "weight": rat["weight"],
        "contribution": rat["contribution"], "reason": rat["reason_zh" if zh else "reason_en"], "source": rat["source"],
    })
    w.table("rationale", rat_out, widths={"reason": 70.0})
    say("export: excluded", 0.8)
    ex = excluded_frame(result)
    if zh:
        ex["reasons"] = ex["reasons_zh"]
    w.table("excluded", _code_labels(ex.drop(columns=["reasons_zh"]), lang), widths={"reasons": 60.0})
    inv = invalid_frame(result)
    if zh:
        inv["problems"] = inv["problems_zh"]
    w.table("invalid", inv.drop(columns=["problems_zh"]), widths={"problems": 60.0})
    iss = result.issues
    w.table("issues", pd.DataFrame({
        "source_sheet": iss["source_sheet"], "source_row": iss["source_row"], "project_id": iss["project_id"],
        "column": iss["column"], "value": iss["value"], "message": iss["message_zh" if zh else "message_en"],
        "severity": iss["severity"]}), widths={"message": 70.0})
    w.table("criteria", criteria_frame(result, lang), widths={"details": 70.0, "label": 40.0})
    stats = w.stats
    audit = [
        ("tool", "bri-screening"), ("tool_version", tool_version()), ("criteria_id", cs.id),
        ("criteria_version", cs.version), ("criteria_sha256", result.criteria_sha256),
        ("input_file", result.input.name), ("input_sha256", result.input.sha256),
        ("input_sheet", result.input.projects.sheet), ("header_row", result.input.projects.header_row),
        ("records_read", counts["records"]), ("ranked", counts["ranked"]), ("excluded", counts["excluded"]),
        ("invalid", counts["invalid"]), ("data_issues", int((result.issues["severity"] == "data").sum())),
        ("missing_policy", cs.missing_policy), ("tie_break", ", ".join(TIE_BREAK)), ("made_at", result.made_at),
        ("language", lang), ("control_characters_removed", stats.control_chars_removed),
        ("cells_truncated", stats.cells_truncated),
        ("continued_sheets", ", ".join(stats.continued_sheets) or "none"),
    ]
    w.keyvalue("audit", "审计信息" if zh else "Audit", audit)
    say("export: saving", 0.95)
    w.wb.save(out)
    return {"control_characters_removed": stats.control_chars_removed, "cells_truncated": stats.cells_truncated,
            "continued_sheets": stats.continued_sheets}


def criteria_frame(result: Result, lang: str) -> pd.DataFrame:
    cs = result.criteria
    rows: list[dict[str, Any]] = []

    def cite(key: str, section: str | None) -> str:
        src = cs.sources[key]
        return f"{key} {section or src.section or ''}".strip() + f" — {src.cite}"

    for g in cs.gates:
        rows.append({"kind": "gate", "id": g.id, "label": g.label.get(lang), "weight": None,
                     "details": g.reason.get(lang), "source": cite(g.source, g.section)})
    for f in cs.flags:
        rows.append({"kind": "flag", "id": f.id, "label": f.label.get(lang), "weight": None,
                     "details": f.reason.get(lang), "source": cite(f.source, f.section)})
    for c in cs.positive_list:
        rows.append({"kind": "positive_list", "id": c.id, "label": c.label.get(lang), "weight": None,
                     "details": "", "source": cite(c.source, c.section)})
    total_w = sum(d.weight for d in cs.dimensions) or 1
    for d in cs.dimensions:
        rows.append({"kind": "dimension", "id": d.id, "label": d.label.get(lang),
                     "weight": round(d.weight / total_w * 100, 2), "details": "", "source": ""})
        for c in d.criteria:
            scope = ", ".join(c.tracks) if c.tracks else ("全部" if lang == "zh" else "all tracks")
            rows.append({"kind": "criterion", "id": c.id, "label": c.label.get(lang), "weight": c.weight,
                         "details": f"[{scope}] {c.scorer.describe(lang)}", "source": cite(c.source, c.section)})
    for t in cs.tiers:
        rows.append({"kind": "tier", "id": t.id, "label": t.label.get(lang), "weight": None,
                     "details": f"score ≥ {t.min_score:g}", "source": ""})
    return pd.DataFrame(rows, columns=["kind", "id", "label", "weight", "details", "source"])


def workbook_bytes(result: Result, lang: str = "en") -> bytes:
    buf = BytesIO()
    write_workbook(result, buf, lang)
    return buf.getvalue()
