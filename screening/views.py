"""What the web app shows, prepared without Streamlit: bilingual UI labels, display tables, filters, charts.

The app (``app.py`` and ``app_pages/``) only lays these out. Nothing here scores, screens or ranks: it
reads a :class:`~screening.pipeline.Result`, re-weights through :func:`screening.pipeline.reweigh` and
formats. Every function is pure (no I/O except reading the uploaded bytes' headers) and typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import altair as alt
import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from .columns import CODE_LISTS, COLUMN_BY_NAME, COLUMNS, REQUIRED, header_lookup, norm_key
from .countries import country_name
from .criteria import CRITERIA_DIR, CriteriaSet
from .explain import next_tier_gap, rationale
from .export import excluded_frame, invalid_frame
from .ingest import Input
from .mapping import MAPPINGS_DIR, ColumnRule, Mapping, MappingError
from .pipeline import Result, reweigh
from .score import PointMatrix, Scores, Weights

if TYPE_CHECKING:
    from pandas._typing import Scalar

__all__ = [
    "LABELS", "TIER_COLOURS", "LIGHT_LABELS", "Filters", "HeaderChoice",
    "t", "column_title", "country_label", "tier_label", "track_label", "light_label", "code_label", "dimension_label",
    "criteria_files", "builtin_mappings", "counts_frame",
    "ranking_table", "filter_options", "apply_filters", "localise_columns",
    "score_distribution_chart", "ipf_quadrant_chart", "tier_by_country_chart",
    "dimension_vs_median", "dimension_vs_median_chart",
    "project_rationale", "project_hits", "project_summary", "next_tier_text",
    "issues_table", "filter_issues", "excluded_table", "invalid_table",
    "weights_frames", "weights_from_frames", "rank_changes", "current_weights", "validated_weights", "apply_weights",
    "criteria_yaml", "criteria_details", "source_text",
    "header_table", "raw_headers", "guess_table", "canonical_options", "mapping_from_table", "mapping_from_text", "mapping_text",
]

Lang = str  # "zh" or "en"

# ----------------------------------------------------------------------------------------------- labels

LABELS: dict[str, dict[str, str]] = {
    # app shell
    "app_title": {"zh": "一带一路项目筛选与评估", "en": "Belt and Road project screening"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "page_data": {"zh": "数据", "en": "Data"},
    "page_criteria": {"zh": "评价标准", "en": "Criteria"},
    "page_ranking": {"zh": "排名", "en": "Ranking"},
    "page_project": {"zh": "项目详情", "en": "Project"},
    "page_excluded": {"zh": "排除与无效", "en": "Excluded & invalid"},
    "page_export": {"zh": "导出", "en": "Export"},
    "current_data": {"zh": "当前数据", "en": "Current data"},
    "current_criteria": {"zh": "评价标准", "en": "Criteria set"},
    "weights_edited": {"zh": "权重已修改（未改动原文件）", "en": "Weights edited (the file is unchanged)"},
    "sample_name": {"zh": "内置示例（61个示例项目）", "en": "Bundled sample (61 illustrative projects)"},
    "aiddata_name": {"zh": "AidData 摘录（GCDF 3.0，使用其映射）", "en": "AidData extract (GCDF 3.0, with its mapping)"},
    "working": {"zh": "正在筛选与打分…", "en": "Screening and scoring…"},
    "stage_read": {"zh": "读取文件", "en": "Reading the file"},
    "stage_validate": {"zh": "校验数据", "en": "Validating"},
    "stage_screen": {"zh": "负面清单筛查", "en": "Screening the negative list"},
    "stage_score": {"zh": "逐项打分", "en": "Scoring"},
    "stage_rank": {"zh": "排名", "en": "Ranking"},
    "done": {"zh": "完成", "en": "Done"},
    "no_result": {"zh": "当前没有可用的结果：{msg}。请在“数据”页选择其他文件或修正表头映射。",
                  "en": "No result to show: {msg}. Choose another file or fix the header mapping on the Data page."},
    "unexpected": {"zh": "出现意外问题（{kind}），页面已停止。请检查输入文件，或返回示例数据。",
                   "en": "Something unexpected went wrong ({kind}); the page stopped. Check the input file, or go back to the sample."},
    "records": {"zh": "记录数", "en": "Records"},
    "ranked": {"zh": "参与排名", "en": "Ranked"},
    "excluded": {"zh": "被排除", "en": "Excluded"},
    "invalid": {"zh": "无效", "en": "Invalid"},
    "data_issues": {"zh": "数据问题", "en": "Data issues"},
    # data page
    "data_title": {"zh": "数据：上传、表头映射与校验", "en": "Data: upload, header mapping and validation"},
    "source_choice": {"zh": "数据来源", "en": "Data source"},
    "use_sample": {"zh": "使用内置示例", "en": "Use the bundled sample"},
    "use_aiddata": {"zh": "使用 AidData 摘录", "en": "Use the AidData extract"},
    "upload": {"zh": "上传项目表（.xlsx / .xlsm / .csv）", "en": "Upload a project file (.xlsx / .xlsm / .csv)"},
    "upload_help": {"zh": "文件只在本次会话中使用，不会保存。", "en": "The file is used in this session only and is not stored."},
    "sheet": {"zh": "工作表", "en": "Sheet"},
    "sheet_auto": {"zh": "（自动识别）", "en": "(detect automatically)"},
    "mapping": {"zh": "表头映射", "en": "Header mapping"},
    "mapping_choice": {"zh": "映射文件", "en": "Mapping file"},
    "mapping_auto": {"zh": "（按表头自动识别）", "en": "(detect from the headers)"},
    "mapping_custom": {"zh": "（已编辑的映射）", "en": "(edited mapping)"},
    "mapping_upload": {"zh": "上传映射文件（YAML）", "en": "Upload a mapping file (YAML)"},
    "mapping_help": {"zh": "每个源表头对应的标准列；留空表示不使用该列。修改后点击“应用映射”。",
                     "en": "The standard column each source header feeds; leave blank to ignore a column. Click “Apply mapping” after editing."},
    "apply_mapping": {"zh": "应用映射", "en": "Apply mapping"},
    "reset_mapping": {"zh": "恢复自动识别", "en": "Back to automatic detection"},
    "download_mapping": {"zh": "下载映射文件（YAML）", "en": "Download the mapping (YAML)"},
    "source_header": {"zh": "源表头", "en": "Source header"},
    "canonical": {"zh": "标准列", "en": "Standard column"},
    "canonical_label": {"zh": "标准列名称", "en": "Standard column name"},
    "required": {"zh": "必填", "en": "Required"},
    "validation": {"zh": "校验报告", "en": "Validation report"},
    "no_issues": {"zh": "没有发现数据问题。", "en": "No data problems found."},
    "severity": {"zh": "严重程度", "en": "Severity"},
    "column": {"zh": "列", "en": "Column"},
    "search": {"zh": "搜索", "en": "Search"},
    "download_issues": {"zh": "下载问题清单（CSV）", "en": "Download the problem list (CSV)"},
    "read_warnings": {"zh": "读取提示", "en": "Reading notes"},
    "file_info": {"zh": "文件：{name} · 工作表：{sheet} · 表头行：{row} · 工作表列表：{sheets}",
                  "en": "File: {name} · sheet: {sheet} · header row: {row} · sheets: {sheets}"},
    "showing_rows": {"zh": "显示 {shown} / {total} 行", "en": "Showing {shown} of {total} rows"},
    "mapping_error": {"zh": "映射文件无法使用：{msg}", "en": "The mapping cannot be used: {msg}"},
    "mapping_dup": {"zh": "标准列“{col}”被多个源表头使用；每个标准列只能对应一个源表头。",
                    "en": "Standard column “{col}” is fed by more than one source header; give each one source header."},
    # criteria page
    "criteria_title": {"zh": "评价标准与权重", "en": "Criteria and weights"},
    "criteria_pick": {"zh": "选择评价标准", "en": "Criteria set"},
    "criteria_upload": {"zh": "或上传评价标准（YAML）", "en": "Or upload a criteria set (YAML)"},
    "criteria_uploaded": {"zh": "（上传的文件）", "en": "(uploaded file)"},
    "dimension_weights": {"zh": "维度权重", "en": "Dimension weights"},
    "criterion_weights": {"zh": "指标权重", "en": "Criterion weights"},
    "weights_help": {"zh": "权重为 0–1000 的非负数；维度内按比例折算。修改后排名立即更新（复用已计算的得分矩阵，不重新读取文件）。",
                     "en": "Weights are non-negative numbers from 0 to 1000, taken in proportion within their group. The ranking updates at once (from the stored point matrix; the file is not read again)."},
    "reset_weights": {"zh": "恢复默认权重", "en": "Reset weights"},
    "weights_error": {"zh": "权重无效，仍使用上一组有效权重：{msg}", "en": "Weights not valid; the last valid weights are still used: {msg}"},
    "preview": {"zh": "当前权重下的前列项目（括号内为按文件权重的排名）", "en": "Top projects under the current weights (with their rank under the file's weights)"},
    "rank_before": {"zh": "原排名", "en": "Rank before"},
    "score_before": {"zh": "原得分", "en": "Score before"},
    "moved": {"zh": "名次变化", "en": "Moved"},
    "download_criteria": {"zh": "下载当前评价标准（YAML）", "en": "Download the edited criteria set (YAML)"},
    "anchors": {"zh": "评分锚点", "en": "Anchors"},
    "source": {"zh": "依据", "en": "Source"},
    "tracks": {"zh": "适用类型", "en": "Tracks"},
    "all_tracks": {"zh": "全部类型", "en": "All tracks"},
    "why": {"zh": "说明", "en": "Why"},
    "weight": {"zh": "权重", "en": "Weight"},
    "share": {"zh": "占比（%）", "en": "Share (%)"},
    "id": {"zh": "编号", "en": "ID"},
    "label": {"zh": "名称", "en": "Label"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "criterion": {"zh": "指标", "en": "Criterion"},
    "gates": {"zh": "负面清单（排除项）", "en": "Negative list (exclusions)"},
    "flags": {"zh": "复核标记", "en": "Review flags"},
    "tiers": {"zh": "等级", "en": "Tiers"},
    "criteria_error": {"zh": "评价标准无法使用：{msg}", "en": "The criteria set cannot be used: {msg}"},
    # ranking page
    "ranking_title": {"zh": "项目排名", "en": "Project ranking"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "country": {"zh": "国家", "en": "Country"},
    "sector": {"zh": "行业", "en": "Sector"},
    "track": {"zh": "项目类型", "en": "Track"},
    "tier": {"zh": "等级", "en": "Tier"},
    "traffic_light": {"zh": "绿色交通灯", "en": "Traffic light"},
    "rank": {"zh": "总排名", "en": "Rank"},
    "rank_in_track": {"zh": "类型内排名", "en": "Rank in track"},
    "score": {"zh": "得分", "en": "Score"},
    "completeness": {"zh": "资料完整度", "en": "Completeness"},
    "flags_col": {"zh": "复核标记", "en": "Flags"},
    "investment": {"zh": "总投资（百万美元）", "en": "Investment (USD m)"},
    "chart_distribution": {"zh": "各类型得分分布", "en": "Score distribution by track"},
    "chart_ipf": {"zh": "IPF 象限：社会环境指数 vs 财务经济指数", "en": "IPF quadrant: social-environmental vs financial-economic index"},
    "chart_country": {"zh": "各国等级分布", "en": "Tier counts by country"},
    "count": {"zh": "项目数", "en": "Projects"},
    "select_hint": {"zh": "点击表格中的一行可查看该项目的详细评分理由。", "en": "Click a row to see that project's full rationale."},
    "no_match": {"zh": "没有符合筛选条件的项目。", "en": "No project matches the filters."},
    "ipf_missing": {"zh": "当前评价标准未定义财务经济指数，纵轴显示总分。", "en": "The criteria set defines no financial-economic index; the vertical axis shows the total score."},
    "median_line": {"zh": "中位数", "en": "median"},
    # project page
    "project_title": {"zh": "项目详情与评分理由", "en": "Project rationale"},
    "project_pick": {"zh": "选择项目", "en": "Project"},
    "outcome": {"zh": "结果", "en": "Outcome"},
    "next_tier": {"zh": "距“{tier}”还差 {gap:.2f} 分。", "en": "{gap:.2f} points short of “{tier}”."},
    "top_tier": {"zh": "已处于最高等级。", "en": "Already in the top tier."},
    "insufficient_note": {"zh": "资料完整度 {have:.0%} 低于门槛 {need:.0%}：补充缺失资料后才能定级。",
                          "en": "Completeness {have:.0%} is below the {need:.0%} line: fill in the missing data before a tier can be given."},
    "capped_note": {"zh": "复核标记将等级上限设为“{tier}”。", "en": "A review flag caps the tier at “{tier}”."},
    "gates_flags": {"zh": "负面清单与复核标记", "en": "Gates and flags"},
    "none_hit": {"zh": "未触发任何负面清单或复核标记。", "en": "No gate or flag applies."},
    "points_by_dimension": {"zh": "各维度得分与同类型中位数", "en": "Dimension scores against the track median"},
    "this_project": {"zh": "本项目", "en": "This project"},
    "track_median": {"zh": "同类型中位数", "en": "Track median"},
    "rationale": {"zh": "逐项评分理由", "en": "Points by criterion"},
    "status": {"zh": "状态", "en": "Status"},
    "value": {"zh": "读取值", "en": "Value"},
    "points": {"zh": "得分", "en": "Points"},
    "max_points": {"zh": "满分", "en": "Max"},
    "contribution": {"zh": "对总分贡献", "en": "Contribution"},
    "reason": {"zh": "理由", "en": "Reason"},
    "kind": {"zh": "类别", "en": "Kind"},
    "kind_gate": {"zh": "排除项", "en": "Gate"},
    "kind_flag": {"zh": "复核标记", "en": "Flag"},
    "status_assessed": {"zh": "已评估", "en": "assessed"},
    "status_not_assessed": {"zh": "未评估（缺资料）", "en": "not assessed (data missing)"},
    "status_not_applicable": {"zh": "不适用", "en": "not applicable"},
    "outcome_ranked": {"zh": "参与排名", "en": "ranked"},
    "outcome_excluded": {"zh": "被负面清单排除", "en": "excluded by the negative list"},
    "outcome_invalid": {"zh": "无效记录", "en": "invalid record"},
    "excluded_project": {"zh": "该项目被负面清单排除，不参与打分：", "en": "This project is excluded by the negative list and is not scored:"},
    "invalid_project": {"zh": "该记录无效，无法筛选：", "en": "This record is invalid and cannot be screened:"},
    "no_projects": {"zh": "没有项目。", "en": "No projects."},
    # excluded & invalid page
    "excluded_title": {"zh": "被排除与无效的记录", "en": "Excluded and invalid records"},
    "excluded_section": {"zh": "被负面清单排除的项目（含全部命中理由）", "en": "Excluded by the negative list (every gate hit)"},
    "invalid_section": {"zh": "无效记录（含全部问题）", "en": "Invalid records (every problem)"},
    "flagged_section": {"zh": "带复核标记的排名项目", "en": "Ranked projects with review flags"},
    "none_excluded": {"zh": "没有被排除的项目。", "en": "No project is excluded."},
    "none_invalid": {"zh": "没有无效记录。", "en": "No record is invalid."},
    "none_flagged": {"zh": "没有带复核标记的项目。", "en": "No project is flagged."},
    "projects": {"zh": "项目数", "en": "Projects"},
    "flagged_hint": {"zh": "每个标记的理由见上表；每个项目的全部命中（含疑似重复的对应项目）见“项目详情”页。",
                     "en": "Each flag's reason is in the table above; every hit of one project (with the partners of a "
                           "possible duplicate) is on the Project page."},
    "gate_ids": {"zh": "命中排除项", "en": "Gates hit"},
    "reasons": {"zh": "理由", "en": "Reasons"},
    "sources": {"zh": "依据", "en": "Sources"},
    "problems": {"zh": "问题", "en": "Problems"},
    "problem_columns": {"zh": "问题所在列", "en": "Problem columns"},
    "problem_values": {"zh": "问题值", "en": "Problem values"},
    "reviewer_decision": {"zh": "审核意见", "en": "Reviewer decision"},
    "reviewer_note": {"zh": "审核备注", "en": "Reviewer note"},
    "source_sheet": {"zh": "工作表", "en": "Sheet"},
    "source_row": {"zh": "行号", "en": "Row"},
    "message": {"zh": "说明", "en": "Message"},
    # export page
    "export_title": {"zh": "导出排名工作簿", "en": "Export the ranked workbook"},
    "export_lang": {"zh": "工作簿语言", "en": "Workbook language"},
    "export_note": {"zh": "与命令行工具使用同一写出程序；包含概要、排名、逐项理由、被排除、无效、数据问题、评价标准与审计信息，使用当前权重。",
                    "en": "Written by the same writer as the command-line tool: summary, ranking, rationale, excluded, invalid, data issues, criteria and audit sheets, with the current weights."},
    "download_workbook": {"zh": "下载排名工作簿（.xlsx）", "en": "Download the ranked workbook (.xlsx)"},
    "download_csv": {"zh": "下载当前排名（CSV）", "en": "Download the current ranking (CSV)"},
    "export_large": {"zh": "共 {n} 条记录：工作簿较大，先生成再下载（约每千个项目 1 秒）。",
                     "en": "{n} records: a large workbook is prepared first, then downloaded (about 1 s per 1,000 projects)."},
    "export_prepare": {"zh": "生成排名工作簿", "en": "Prepare the ranked workbook"},
    "export_stage_start": {"zh": "正在生成工作簿…", "en": "Preparing the workbook…"},
    "export_stage_ranking": {"zh": "写出排名表", "en": "Writing the ranking"},
    "export_stage_tracks": {"zh": "写出分类排名与审核表", "en": "Writing the track views and review sheet"},
    "export_stage_rationale": {"zh": "写出逐项理由", "en": "Writing the rationale"},
    "export_stage_excluded": {"zh": "写出排除、无效与其他工作表", "en": "Writing the excluded, invalid and other sheets"},
    "export_stage_saving": {"zh": "保存文件", "en": "Saving the file"},
}

LIGHT_LABELS: dict[str, dict[str, str]] = {
    "green": {"zh": "绿灯", "en": "green"}, "yellow": {"zh": "黄灯", "en": "yellow"}, "red": {"zh": "红灯", "en": "red"},
}
TIER_ORDER = ["priority", "recommended", "conditional", "deferred", "insufficient_data"]
TIER_COLOURS: dict[str, str] = {"priority": "#1a7f37", "recommended": "#4c9be8", "conditional": "#e3a008",
                                "deferred": "#d1495b", "insufficient_data": "#9aa0a6"}
LIGHT_COLOURS: dict[str, str] = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
SEVERITY_LABELS: dict[str, dict[str, str]] = {
    "invalid": {"zh": "无效（记录不可用）", "en": "invalid (record unusable)"},
    "data": {"zh": "数据问题（单元格按缺失处理）", "en": "data (cell treated as missing)"},
    "warning": {"zh": "提示", "en": "warning"},
}


def t(key: str, lang: Lang, **fmt: Any) -> str:
    """The UI string ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``fmt``; the key itself if unknown."""
    entry = LABELS.get(key)
    text = key if entry is None else entry.get(lang, entry["en"])
    return text.format(**fmt) if fmt else text


def code_label(list_name: str, code: object, lang: Lang) -> str:
    if not isinstance(code, str) or list_name not in CODE_LISTS:
        return "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code)
    return CODE_LISTS[list_name].label(code, lang)


def _set_label(items: Iterable[Any], ident: object, list_name: str, lang: Lang) -> str:
    """The criteria set's own label for ``ident`` (tiers, tracks), else the code list's."""
    for x in items:
        if x.id == ident:
            return str(x.label.get(lang))
    return code_label(list_name, ident, lang)


def tier_label(tier: object, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    return _set_label(criteria.tiers if criteria is not None else (), tier, "tier", lang)


def track_label(track: object, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    return _set_label(criteria.tracks if criteria is not None else (), track, "track", lang)


def light_label(light: object, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    if criteria is not None:
        for cl in criteria.classifiers:
            if cl.id == "traffic_light" and isinstance(light, str) and light in cl.values:
                return cl.values[light].get(lang)
    if isinstance(light, str) and light in LIGHT_LABELS:
        return LIGHT_LABELS[light][lang if lang in ("zh", "en") else "en"]
    return "" if light is None or (isinstance(light, float) and np.isnan(light)) else str(light)


def dimension_label(dim_id: str, lang: Lang, criteria: CriteriaSet) -> str:
    for d in criteria.dimensions:
        if d.id == dim_id:
            return d.label.get(lang)
    return dim_id


def column_title(name: str, lang: Lang, criteria: CriteriaSet | None = None) -> str:
    """Display header of a column: UI label, canonical input column label, dimension or index label."""
    ui = {"flags": "flags_col", "total_investment_usd_m": "investment"}
    if name in ui:
        return t(ui[name], lang)
    if name in LABELS:
        return t(name, lang)
    if name in COLUMN_BY_NAME:
        c = COLUMN_BY_NAME[name]
        return c.zh if lang == "zh" else c.en
    if criteria is not None:
        if name.startswith("dim_"):
            return dimension_label(name[4:], lang, criteria)
        for idx in criteria.indices:
            if idx.id == name:
                return idx.label.get(lang)
    return name


def localise_columns(frame: pd.DataFrame, lang: Lang, criteria: CriteriaSet | None = None) -> pd.DataFrame:
    return frame.rename(columns={c: column_title(str(c), lang, criteria) for c in frame.columns})


# ----------------------------------------------------------------------------------------------- files


def criteria_files(directory: Path = CRITERIA_DIR) -> list[Path]:
    """Criteria sets shipped in ``criteria/`` (the default first)."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    return sorted(files, key=lambda p: (p.stem != "default", p.name))


def builtin_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))


# ----------------------------------------------------------------------------------------------- counts


def counts_frame(result: Result, lang: Lang) -> pd.DataFrame:
    c = result.counts()
    issues = int((result.issues["severity"] != "invalid").sum()) if len(result.issues) else 0
    keys = ["records", "ranked", "excluded", "invalid"]
    return pd.DataFrame({"key": [*keys, "data_issues"], "label": [t(k, lang) for k in [*keys, "data_issues"]],
                         "count": [c[k] for k in keys] + [issues]})


# ----------------------------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Filters:
    """Ranking filters; an empty list keeps everything."""

    country: Sequence[str] = ()
    sector: Sequence[str] = ()
    track: Sequence[str] = ()
    tier: Sequence[str] = ()
    traffic_light: Sequence[str] = ()


def filter_options(ranked: pd.DataFrame) -> dict[str, list[str]]:
    """Values present in each filterable column (codes, not labels), in a stable order."""
    out: dict[str, list[str]] = {}
    for col in ("country", "sector", "track", "tier", "traffic_light"):
        if col not in ranked.columns:
            out[col] = []
            continue
        vals = [str(v) for v in ranked[col].dropna().unique()]
        if col == "tier":
            vals = sorted(vals, key=lambda v: TIER_ORDER.index(v) if v in TIER_ORDER else 99)
        elif col == "traffic_light":
            vals = sorted(vals, key=lambda v: list(LIGHT_COLOURS).index(v) if v in LIGHT_COLOURS else 99)
        else:
            vals = sorted(vals)
        out[col] = vals
    return out


def apply_filters(ranked: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    keep = np.ones(len(ranked), dtype=bool)
    for col in ("country", "sector", "track", "tier", "traffic_light"):
        chosen = list(getattr(filters, col))
        if chosen and col in ranked.columns:
            keep &= ranked[col].astype(str).isin(chosen).to_numpy()
    return ranked[keep]


def country_label(v: object, lang: Lang) -> str:
    """Display name of an ISO3 code (blank for none)."""
    return country_name(v, lang) if isinstance(v, str) and v else ""


def ranking_table(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    """The ranking as shown: codes turned into labels; column names stay canonical (see :func:`column_title`)."""
    cols = ["rank", "rank_in_track", "project_id", "project_name", "country", "sector", "track", "tier",
            "traffic_light", "score", "completeness", "flags", "total_investment_usd_m",
            *[c for c in ranked.columns if c.startswith("dim_")]]
    cols = [c for c in cols if c in ranked.columns]
    out = ranked[cols].copy()
    if "country" in out:
        out["country"] = _map_unique(out["country"], lambda v: country_label(v, lang))
    if "sector" in out:
        out["sector"] = _map_unique(out["sector"], lambda v: code_label("sector", v, lang))
    if "track" in out:
        out["track"] = _map_unique(out["track"], lambda v: track_label(v, lang, criteria))
    if "tier" in out:
        out["tier"] = _map_unique(out["tier"], lambda v: tier_label(v, lang, criteria))
    if "traffic_light" in out:
        out["traffic_light"] = _map_unique(out["traffic_light"], lambda v: light_label(v, lang, criteria))
    if "flags" in out:
        labels = {f.id: f.label.get(lang) for f in criteria.flags} | {g.id: g.label.get(lang) for g in criteria.gates}
        out["flags"] = _map_unique(out["flags"], lambda s: "; ".join(labels.get(f, f) for f in str(s).split(";") if f)
                                   if isinstance(s, str) else "")
    if "completeness" in out:
        out["completeness"] = (out["completeness"].astype(float) * 100).round(0)
    return out.reset_index(drop=True)


def _map_unique(values: pd.Series, fn: Any) -> np.ndarray:
    """``values.map(fn)`` computed once per distinct value (labels for 20,000 rows cost a few calls)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([fn(u) for u in uniques] + [fn(None)], dtype=object)
    return mapped[codes]


def _chart_frame(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    frame = pd.DataFrame({
        "project_id": ranked["project_id"].astype(str).to_numpy(),
        "project_name": (ranked["project_name"] if "project_name" in ranked else ranked["project_id"]).astype(str).to_numpy(),
        "score": ranked["score"].astype(float).to_numpy(),
        "tier": _map_unique(ranked["tier"], lambda v: tier_label(v, lang, criteria)),
        "tier_code": ranked["tier"].astype(str).to_numpy(),
        "track": _map_unique(ranked["track"], lambda v: track_label(v, lang, criteria)),
    })
    if "country" in ranked:
        frame["country"] = _map_unique(ranked["country"], lambda v: country_label(v, lang))
    if "total_investment_usd_m" in ranked:
        frame["investment"] = pd.to_numeric(ranked["total_investment_usd_m"], errors="coerce").to_numpy()
    return frame


def _tier_scale(lang: Lang, criteria: CriteriaSet) -> alt.Scale:
    return alt.Scale(domain=[tier_label(x, lang, criteria) for x in TIER_ORDER], range=[TIER_COLOURS[x] for x in TIER_ORDER])


MAX_MARKS = 5000  # above this many projects, charts draw aggregated marks (a browser stays responsive)


def _box_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Per track: quartiles, median and Tukey whiskers (1.5 × IQR) of the score."""
    rows = []
    for track, g in frame.groupby("track", sort=False):
        s = g["score"].dropna().to_numpy(dtype=float)
        if not len(s):
            continue
        q1, med, q3 = np.percentile(s, [25, 50, 75])
        iqr = q3 - q1
        lo = float(s[s >= q1 - 1.5 * iqr].min())
        hi = float(s[s <= q3 + 1.5 * iqr].max())
        rows.append({"track": track, "q1": q1, "median": med, "q3": q3, "lo": lo, "hi": hi, "n": len(s)})
    return pd.DataFrame(rows, columns=["track", "q1", "median", "q3", "lo", "hi", "n"])


def _layer(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    """``alt.layer`` of charts without facet encodings: always a LayerChart (a FacetChart only for facets)."""
    return cast(alt.LayerChart, alt.layer(*charts))


def score_distribution_chart(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> alt.LayerChart:
    """Score distribution by track: a box per track (quartiles, median, whiskers at 1.5 × IQR) with every
    project as a tick coloured by tier (above :data:`MAX_MARKS` projects, one dot per half point and tier,
    sized by the number of projects). Tracks sit on a numeric axis (a band axis does not stretch in Streamlit)."""
    frame = _chart_frame(ranked, lang, criteria)
    order = [track_label(x.id, lang, criteria) for x in criteria.tracks]
    extra = [x for x in frame["track"].drop_duplicates() if x not in order]
    order += extra
    pos = {name: float(i) for i, name in enumerate(order)}
    frame["pos"] = frame["track"].map(pos).astype(float)
    label_expr = " : ".join(f"datum.value == {i} ? {name!r}" for i, name in enumerate(order)) + " : ''"
    y = alt.Y("pos:Q", title=None, scale=alt.Scale(domain=[-0.6, len(order) - 0.4], reverse=True),
              axis=alt.Axis(values=list(range(len(order))), labelExpr=label_expr, labelLimit=260, grid=False,
                            ticks=False, domain=False))
    scale = alt.Scale(domain=[0, 100])
    stats = _box_stats(frame)
    stats["pos"] = stats["track"].map(pos).astype(float)
    stats["top"], stats["bottom"] = stats["pos"] - 0.28, stats["pos"] + 0.28
    whisker = alt.Chart(stats).mark_rule(color="#8a9bb0").encode(
        x=alt.X("lo:Q", title=t("score", lang), scale=scale), x2="hi:Q", y=y)
    box = alt.Chart(stats).mark_rect(color="#dfe6ef", stroke="#8a9bb0").encode(
        x=alt.X("q1:Q", scale=scale), x2="q3:Q", y=alt.Y("top:Q"), y2="bottom:Q",
        tooltip=[alt.Tooltip("track:N", title=t("track", lang)), alt.Tooltip("n:Q", title=t("count", lang)),
                 alt.Tooltip("median:Q", title=t("median_line", lang), format=".2f")])
    median = alt.Chart(stats).mark_rule(color="#1F4E78", strokeWidth=3).encode(
        x=alt.X("median:Q", scale=scale), y=alt.Y("top:Q"), y2="bottom:Q")
    colour = alt.Color("tier:N", scale=_tier_scale(lang, criteria), title=t("tier", lang))
    if len(frame) <= MAX_MARKS:
        marks = alt.Chart(frame).mark_tick(thickness=2, size=22, opacity=0.85, orient="vertical").encode(
            x=alt.X("score:Q", scale=scale), y=y, color=colour,
            tooltip=[alt.Tooltip("project_id:N", title=t("id", lang)),
                     alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
                     alt.Tooltip("track:N", title=t("track", lang)), alt.Tooltip("tier:N", title=t("tier", lang)),
                     alt.Tooltip("score:Q", title=t("score", lang), format=".2f")])
    else:
        binned = frame.assign(score=(frame["score"] * 2).round() / 2).groupby(
            ["track", "pos", "tier", "score"], as_index=False).size().rename(columns={"size": "n"})
        marks = alt.Chart(binned).mark_circle(opacity=0.6).encode(
            x=alt.X("score:Q", scale=scale), y=y, color=colour,
            size=alt.Size("n:Q", title=t("count", lang), scale=alt.Scale(range=[4, 300])),
            tooltip=[alt.Tooltip("track:N", title=t("track", lang)), alt.Tooltip("tier:N", title=t("tier", lang)),
                     alt.Tooltip("score:Q", title=t("score", lang)), alt.Tooltip("n:Q", title=t("count", lang))])
    return _layer(whisker, box, median, marks).properties(
        title=t("chart_distribution", lang), height=max(160, 90 * len(order)))


def ipf_quadrant_chart(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> alt.LayerChart:
    """World Bank IPF quadrant: social-environmental (x) vs financial-economic (y) index, bubble = investment.

    Dashed lines at each axis' median split the quadrants. When the criteria set has no financial-economic
    index the vertical axis shows the total score.
    """
    frame = _chart_frame(ranked, lang, criteria)
    labels = {i.id: i.label.get(lang) for i in criteria.indices}
    x_col = "ipf_social_environmental"
    y_col = "ipf_financial_economic"
    frame["x"] = pd.to_numeric(ranked[x_col], errors="coerce").to_numpy() if x_col in ranked else np.nan
    if y_col in ranked:
        frame["y"] = pd.to_numeric(ranked[y_col], errors="coerce").to_numpy()
        y_title = labels.get(y_col, y_col)
    else:
        frame["y"] = frame["score"]
        y_title = t("score", lang)
    x_title = labels.get(x_col, x_col)
    if "investment" not in frame:
        frame["investment"] = 1.0
    frame = frame.dropna(subset=["x", "y"])
    frame["n"] = 1
    if len(frame) > MAX_MARKS:  # one bubble per 2-point cell and tier, sized by the investment it holds
        frame = frame.assign(x=(frame["x"] / 2).round() * 2, y=(frame["y"] / 2).round() * 2).groupby(
            ["x", "y", "tier"], as_index=False).agg(investment=("investment", "sum"), n=("n", "sum"),
                                                    score=("score", "mean"))
        frame["project_id"] = frame["n"].map(lambda k: f"{k:,} ×")
        frame["project_name"] = ""
    base = alt.Chart(frame, title=t("chart_ipf", lang))
    points = base.mark_circle(opacity=0.7, stroke="#333", strokeWidth=0.3).encode(
        x=alt.X("x:Q", title=x_title, scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("y:Q", title=y_title, scale=alt.Scale(domain=[0, 100])),
        size=alt.Size("investment:Q", title=t("investment", lang), scale=alt.Scale(range=[20, 900])),
        color=alt.Color("tier:N", scale=_tier_scale(lang, criteria), title=t("tier", lang)),
        tooltip=[alt.Tooltip("project_id:N", title=t("id", lang)),
                 alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
                 alt.Tooltip("tier:N", title=t("tier", lang)), alt.Tooltip("score:Q", title=t("score", lang)),
                 alt.Tooltip("investment:Q", title=t("investment", lang), format=",.1f"),
                 alt.Tooltip("x:Q", title=x_title), alt.Tooltip("y:Q", title=y_title)],
    )
    med = pd.DataFrame({"mx": [float(frame["x"].median()) if len(frame) else 50.0],
                        "my": [float(frame["y"].median()) if len(frame) else 50.0]})
    vline = alt.Chart(med).mark_rule(strokeDash=[4, 4], color="#666").encode(x="mx:Q")
    hline = alt.Chart(med).mark_rule(strokeDash=[4, 4], color="#666").encode(y="my:Q")
    return _layer(points, vline, hline).properties(height=380)


def tier_by_country_chart(ranked: pd.DataFrame, lang: Lang, criteria: CriteriaSet, top: int = 25) -> alt.Chart:
    """Stacked bars: number of ranked projects per tier in each country (the ``top`` countries by count)."""
    frame = _chart_frame(ranked, lang, criteria)
    if "country" not in frame:
        frame["country"] = ""
    counts = frame.groupby(["country", "tier"], as_index=False).size().rename(columns={"size": "n"})
    order = frame["country"].value_counts().index[:top].tolist()
    counts = counts[counts["country"].isin(order)]
    return alt.Chart(counts, title=t("chart_country", lang)).mark_bar().encode(
        y=alt.Y("country:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("n:Q", title=t("count", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("tier:N", scale=_tier_scale(lang, criteria), title=t("tier", lang)),
        order=alt.Order("tier:N"),
        tooltip=[alt.Tooltip("country:N", title=t("country", lang)), alt.Tooltip("tier:N", title=t("tier", lang)),
                 alt.Tooltip("n:Q", title=t("count", lang))],
    ).properties(height=max(120, 24 * len(order)))


# ----------------------------------------------------------------------------------------------- project


def dimension_vs_median(result: Result, project_id: str, lang: Lang) -> pd.DataFrame:
    """One row per dimension: this project's score and the median of ranked projects in its track."""
    ranked = result.ranked
    row = ranked[ranked["project_id"].astype(str) == str(project_id)]
    if row.empty:
        return pd.DataFrame(columns=["dimension", "label", "project", "median"])
    track = row["track"].iloc[0]
    peers = ranked[ranked["track"] == track]
    rows = []
    for d in result.criteria.dimensions:
        col = f"dim_{d.id}"
        if col not in ranked:
            continue
        rows.append({"dimension": d.id, "label": d.label.get(lang), "project": float(row[col].iloc[0]),
                     "median": float(peers[col].median())})
    return pd.DataFrame(rows, columns=["dimension", "label", "project", "median"])


def dimension_vs_median_chart(result: Result, project_id: str, lang: Lang) -> alt.LayerChart:
    frame = dimension_vs_median(result, project_id, lang)
    this, med = t("this_project", lang), t("track_median", lang)
    bars = alt.Chart(frame).mark_bar(color="#4c78a8").encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("project:Q", title=t("score", lang), scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("label:N", title=t("dimension", lang)), alt.Tooltip("project:Q", title=this),
                 alt.Tooltip("median:Q", title=med)],
    )
    ticks = alt.Chart(frame).mark_tick(color="#d1495b", thickness=3, size=22).encode(
        y=alt.Y("label:N", sort=None), x=alt.X("median:Q"),
        tooltip=[alt.Tooltip("label:N", title=t("dimension", lang)), alt.Tooltip("median:Q", title=med)],
    )
    return _layer(bars, ticks).properties(height=max(120, 36 * len(frame)))


def _slice_pm(pm: PointMatrix, i: int) -> PointMatrix:
    return replace(pm, project_ids=pm.project_ids[i:i + 1], points=pm.points[i:i + 1],
                   applicable=pm.applicable[i:i + 1], tracks=pm.tracks[i:i + 1])


def _slice_scores(scores: Scores, i: int) -> Scores:
    return replace(scores, total=scores.total[i:i + 1], completeness=scores.completeness[i:i + 1],
                   contributions=scores.contributions[i:i + 1], effective_weight=scores.effective_weight[i:i + 1],
                   dimension_scores=scores.dimension_scores.iloc[i:i + 1])


def project_rationale(result: Result, project_id: str, lang: Lang) -> pd.DataFrame:
    """Every criterion for one ranked project (the library's rationale, for this row only), for display."""
    ids = result.pm.project_ids.astype(str)
    where = np.flatnonzero(ids == str(project_id))
    cols = ["dimension", "criterion", "status", "value", "points", "max_points", "weight", "contribution",
            "reason", "source"]
    if len(where) == 0:
        return pd.DataFrame(columns=cols)
    i = int(where[0])
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    rat = rationale(row, _slice_pm(result.pm, i), _slice_scores(result.scores, i), result.criteria)
    cs = result.criteria
    out = pd.DataFrame({
        "dimension": rat["dimension"].map(lambda d: dimension_label(d, lang, cs)),
        "criterion": rat["criterion_zh" if lang == "zh" else "criterion_en"],
        "status": rat["status"].map(lambda s: t(f"status_{s}", lang)),
        "value": rat["value"], "points": rat["points"], "max_points": rat["max_points"],
        "weight": rat["weight"], "contribution": rat["contribution"],
        "reason": rat["reason_zh" if lang == "zh" else "reason_en"],
        "source": rat["source"].map(lambda s: source_text(cs, s)),
    })
    return out[cols].reset_index(drop=True)


def source_text(criteria: CriteriaSet, key_and_section: str) -> str:
    """'key section' → 'key section — citation' (the citation from the criteria set's sources)."""
    key = str(key_and_section).split(" ", 1)[0]
    src = criteria.sources.get(key)
    return f"{key_and_section} — {src.cite}" if src is not None else str(key_and_section)


def project_hits(result: Result, project_id: str, lang: Lang) -> pd.DataFrame:
    hits = result.hits[result.hits["project_id"].astype(str) == str(project_id)]
    return pd.DataFrame({
        "kind": hits["kind"].map(lambda k: t(f"kind_{k}", lang)).to_numpy(),
        "id": hits["id"].to_numpy(),
        "label": hits["label_zh" if lang == "zh" else "label_en"].to_numpy(),
        "reason": hits["reason_zh" if lang == "zh" else "reason_en"].to_numpy(),
        "source": hit_sources(result.criteria, hits),
    }, columns=["kind", "id", "label", "reason", "source"])


def hit_sources(criteria: CriteriaSet, hits: pd.DataFrame) -> list[str]:
    """'key section — citation' for each row of a hits table (the section may be blank or absent)."""
    sections = hits["section"] if "section" in hits else pd.Series([None] * len(hits), index=hits.index)
    return [source_text(criteria, f"{s} {sec}".strip() if isinstance(sec, str) else str(s))
            for s, sec in zip(hits["source"], sections, strict=True)]


def project_summary(result: Result, project_id: str) -> dict[str, Any]:
    """The record's outcome and, for a ranked project, its ranked row (as a dict)."""
    rec = result.records[result.records["project_id"].astype(str) == str(project_id)]
    outcome = str(rec["outcome"].iloc[0]) if len(rec) else ""
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    return {"outcome": outcome, "row": row.iloc[0].to_dict() if len(row) else {},
            "record": rec.iloc[0].to_dict() if len(rec) else {}}


def next_tier_text(result: Result, project_id: str, lang: Lang) -> str:
    """What it would take to reach the next tier, in words."""
    row = result.ranked[result.ranked["project_id"].astype(str) == str(project_id)]
    if row.empty:
        return ""
    cs = result.criteria
    score, tier, comp = float(row["score"].iloc[0]), str(row["tier"].iloc[0]), float(row["completeness"].iloc[0])
    if tier == "insufficient_data":
        return t("insufficient_note", lang, have=comp, need=cs.completeness_threshold)
    gap = next_tier_gap(score, tier, cs)
    if gap is None:
        return t("top_tier", lang)
    better, points = gap
    text = t("next_tier", lang, tier=tier_label(better, lang, cs), gap=points)
    if points <= 0:
        text += " " + t("capped_note", lang, tier=tier_label(tier, lang, cs))
    return text


# ----------------------------------------------------------------------------------------------- issues, excluded, invalid


def issues_table(result: Result, lang: Lang) -> pd.DataFrame:
    iss = result.issues
    return pd.DataFrame({
        "source_sheet": iss["source_sheet"].to_numpy(), "source_row": iss["source_row"].to_numpy(),
        "project_id": iss["project_id"].to_numpy(), "column": iss["column"].to_numpy(),
        "value": iss["value"].map(lambda v: "" if v is None else str(v)).to_numpy(),
        "message": iss["message_zh" if lang == "zh" else "message_en"].to_numpy(),
        "severity": iss["severity"].map(lambda s: SEVERITY_LABELS.get(s, {}).get(lang, s)).to_numpy(),
        "severity_code": iss["severity"].to_numpy(),
    }, columns=["source_sheet", "source_row", "project_id", "column", "value", "message", "severity", "severity_code"])


def filter_issues(table: pd.DataFrame, severity: Iterable[str] = (), columns: Iterable[str] = (),
                  query: str = "") -> pd.DataFrame:
    keep = np.ones(len(table), dtype=bool)
    sev, cols = list(severity), list(columns)
    if sev:
        keep &= table["severity_code"].isin(sev).to_numpy()
    if cols:
        keep &= table["column"].astype(str).isin(cols).to_numpy()
    q = query.strip().lower()
    if q:
        text = table[["project_id", "column", "value", "message"]].astype(str).agg(" ".join, axis=1).str.lower()
        keep &= text.str.contains(q, regex=False).to_numpy()
    return table[keep]


def excluded_table(result: Result, lang: Lang) -> pd.DataFrame:
    """Every excluded project with every gate it hit, the reasons (in ``lang``) and sources."""
    ex = excluded_frame(result, lang)
    ex = ex.rename(columns={"gates": "gate_ids"})
    lead = [c for c in ("project_id", "project_name", "country", "gate_ids", "reasons", "sources") if c in ex]
    return ex[lead + [c for c in ex.columns if c not in lead]].reset_index(drop=True)


def flag_summary(result: Result, lang: Lang) -> pd.DataFrame:
    """One row per review flag raised on ranked projects: how many projects, the reason once, the source.

    The reason is the same for every project a flag hits, so it is shown once here rather than once per hit (at
    100,000 projects the per-hit table ran to hundreds of thousands of rows); each project's own hits, with
    partners for duplicates, are on the project page (:func:`project_hits`).
    """
    hits = result.hits
    flags = hits[(hits["kind"] == "flag") & hits["row_key"].isin(result.ranked["row_key"])]
    cols = ["id", "label", "projects", "reason", "source"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    counts = flags.groupby("id", sort=False)["row_key"].nunique()
    first = flags.drop_duplicates("id").set_index("id").loc[counts.index]
    generic = {f.id: f.reason.get(lang) for f in result.criteria.flags}   # without one hit's duplicate partners
    out = pd.DataFrame({
        "id": counts.index.to_numpy(),
        "label": first[f"label_{lang}"].to_numpy(),
        "projects": counts.to_numpy(),
        "reason": [generic.get(i, r) for i, r in zip(counts.index, first[f"reason_{lang}"], strict=True)],
        "source": hit_sources(result.criteria, first),
    }, columns=cols)
    return out.sort_values(["projects", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def flagged_projects(result: Result, lang: Lang) -> pd.DataFrame:
    """Every ranked project with at least one review flag, in rank order, its flags as labels."""
    ranked = result.ranked
    flagged = ranked[ranked["flags"].astype(str) != ""]
    cols = [c for c in ("rank", "project_id", "project_name", "country", "tier", "flags") if c in ranked]
    return ranking_table(flagged, lang, result.criteria)[cols]


def invalid_table(result: Result, lang: Lang) -> pd.DataFrame:
    """Every invalid record with every problem (in ``lang``) and its sheet and row."""
    inv = invalid_frame(result, lang)
    lead = [c for c in ("source_sheet", "source_row", "project_id", "project_name", "problems", "problem_columns",
                        "problem_values") if c in inv]
    return inv[lead + [c for c in inv.columns if c not in lead]].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- weights


def weights_frames(criteria: CriteriaSet, weights: Weights, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dimension table, criterion table) with ``id``, ``label``, ``weight`` and read-only context columns."""
    total = sum(weights.dimensions.values()) or 1.0
    dims = pd.DataFrame([{"id": d.id, "label": d.label.get(lang), "weight": float(weights.dimensions[d.id]),
                          "share": round(weights.dimensions[d.id] / total * 100, 1)} for d in criteria.dimensions],
                        columns=["id", "label", "weight", "share"])
    rows = []
    for d, c in criteria.criteria:
        rows.append({"dimension": d.label.get(lang), "id": c.id, "label": c.label.get(lang),
                     "weight": float(weights.criteria[c.id]),
                     "tracks": ", ".join(track_label(x, lang, criteria) for x in c.tracks) if c.tracks else t("all_tracks", lang)})
    crits = pd.DataFrame(rows, columns=["dimension", "id", "label", "weight", "tracks"])
    return dims, crits


def _as_weight(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def weights_from_frames(dims: pd.DataFrame, crits: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Edited tables → ``{"dimensions": {id: w}, "criteria": {id: w}}`` (unchecked: see :func:`validated_weights`)."""
    return {"dimensions": {str(i): _as_weight(w) for i, w in zip(dims["id"], dims["weight"], strict=True)},
            "criteria": {str(i): _as_weight(w) for i, w in zip(crits["id"], crits["weight"], strict=True)}}


def current_weights(criteria: CriteriaSet, overrides: dict[str, dict[str, float]] | None) -> Weights:
    """The criteria set's own weights with ``overrides`` laid over them (unknown ids dropped)."""
    base = Weights.of(criteria)
    if not overrides:
        return base
    dims = {k: overrides.get("dimensions", {}).get(k, v) for k, v in base.dimensions.items()}
    crits = {k: overrides.get("criteria", {}).get(k, v) for k, v in base.criteria.items()}
    return Weights(dims, crits)


def validated_weights(criteria: CriteriaSet, overrides: dict[str, dict[str, float]] | None) -> CriteriaSet:
    """The criteria set with the overrides applied and re-validated in Python.

    Raises :class:`screening.criteria.CriteriaError` for a weight that is not a number, is negative, above
    1000, or leaves a dimension (or all dimensions) weighing nothing.
    """
    from .criteria import CriteriaError

    w = current_weights(criteria, overrides)
    for kind, table in (("dimension", w.dimensions), ("criterion", w.criteria)):
        for k, v in table.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
                raise CriteriaError(f"<edited weights>: {kind} '{k}': weight {v!r} is not a number; enter 0–1000")
    if w == Weights.of(criteria):
        return criteria
    return criteria.with_weights(w.dimensions, w.criteria)


def apply_weights(result: Result, edited: CriteriaSet) -> Result:
    """Re-rank ``result`` under the weights of ``edited`` (a re-validated copy of its criteria set).

    Uses the stored point matrix (:func:`screening.pipeline.reweigh`); nothing is read or validated again.
    The returned result carries the edited criteria set, so an export records the weights used.
    """
    weights = Weights.of(edited)
    if edited is result.criteria or weights == result.weights:
        return replace(result, criteria=edited) if edited is not result.criteria else result
    out = reweigh(result, weights)
    return replace(out, criteria=edited, criteria_sha256=edited.fingerprint())


def rank_changes(base: Result, current: Result, top: int = 15) -> pd.DataFrame:
    """The ``top`` projects under the current weights with their rank and score under the file's weights."""
    cur = current.ranked.head(top)[["project_id", "rank", "score", "tier"]]
    old = base.ranked[["project_id", "rank", "score"]].rename(columns={"rank": "rank_before", "score": "score_before"})
    out = cur.merge(old, on="project_id", how="left")
    out["moved"] = (out["rank_before"] - out["rank"]).astype("Int64")
    if "project_name" in current.ranked:
        out.insert(1, "project_name", current.ranked.head(top)["project_name"].to_numpy())
    return out


def criteria_yaml(criteria: CriteriaSet) -> str:
    """The criteria set as YAML (loads back to the same set)."""
    data = criteria.model_dump(by_alias=True, exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


def criteria_details(criteria: CriteriaSet, lang: Lang) -> pd.DataFrame:
    """One row per criterion: dimension, id, label, tracks, anchors (the scorer in words), why, source."""
    rows = []
    for d, c in criteria.criteria:
        rows.append({
            "dimension": d.label.get(lang), "id": c.id, "label": c.label.get(lang),
            "tracks": ", ".join(track_label(x, lang, criteria) for x in c.tracks) if c.tracks else t("all_tracks", lang),
            "anchors": c.scorer.describe(lang), "why": c.why.get(lang) if c.why else "",
            "source": source_text(criteria, f"{c.source} {c.section or ''}".strip()),
        })
    return pd.DataFrame(rows, columns=["dimension", "id", "label", "tracks", "anchors", "why", "source"])


# ----------------------------------------------------------------------------------------------- header mapping


@dataclass(frozen=True)
class HeaderChoice:
    """Raw headers of a file that could not be read with the current mapping."""

    sheets: list[str]
    sheet: str
    headers: list[str] = field(default_factory=list)


def header_table(inp: Input, mapping: Mapping | None = None) -> pd.DataFrame:
    """One row per source header: the header as written and the standard column it feeds ("" = none)."""
    table = inp.projects
    from_mapping = {rule.from_: canonical for canonical, rule in mapping.columns.items()} if mapping else {}
    rows = []
    for col in table.frame.columns:
        canonical = str(col) if str(col) in COLUMN_BY_NAME else ""
        source = table.renamed.get(canonical, str(col)) if canonical else str(col)
        if source in from_mapping:
            canonical = from_mapping[source]
        rows.append({"source_header": source, "canonical": canonical})
    return _with_labels(pd.DataFrame(rows, columns=["source_header", "canonical"]))


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["required"] = frame["canonical"].isin(REQUIRED)
    return frame


def raw_headers(data: bytes, name: str, sheet: str | None = None) -> HeaderChoice:
    """The likeliest header row of a file whose required columns were not recognised, for manual mapping.

    Picks ``sheet`` (or the sheet with the most text cells in its first 30 rows) and, in it, the row with
    the most text cells. Raises :class:`InputError` when the file cannot be read at all.
    """
    from .ingest import _check_zip, _read_csv_rows, _read_workbook_sheets, _sniff

    kind = _sniff(data, name)
    if kind == "xlsx":
        _check_zip(data)
        sheets = _read_workbook_sheets(data)
    else:
        sheets = {Path(name).stem or "csv": _read_csv_rows(data)}

    def text_cells(row: list[object]) -> int:
        return sum(1 for c in row if isinstance(c, str) and c.strip())

    names = list(sheets)
    if sheet is None or sheet not in sheets:
        sheet = max(names, key=lambda s: max((text_cells(r) for r in sheets[s][:30]), default=0)) if names else ""
    rows = sheets.get(sheet, [])[:30]
    if not rows:
        return HeaderChoice(names, sheet, [])
    best = max(range(len(rows)), key=lambda i: (text_cells(rows[i]), -i))
    headers = [str(c).strip() for c in rows[best] if c is not None and str(c).strip()]
    return HeaderChoice(names, sheet, headers)


def guess_table(headers: Sequence[str]) -> pd.DataFrame:
    """Header table for raw headers, with the standard column recognised from the header where possible."""
    lookup = header_lookup()
    used: set[str] = set()
    rows = []
    for h in headers:
        c = lookup.get(norm_key(h), "")
        if c in used:
            c = ""
        used.add(c)
        rows.append({"source_header": h, "canonical": c})
    return _with_labels(pd.DataFrame(rows, columns=["source_header", "canonical"]))


def canonical_options() -> list[str]:
    return ["", *[c.name for c in COLUMNS]]


def mapping_from_table(table: pd.DataFrame, base: Mapping | None = None, ident: str = "custom") -> Mapping:
    """A mapping from an edited header table; rules of ``base`` (scale, value words) are kept where the
    standard column still reads the same source header. Raises :class:`MappingError` for a standard column
    fed twice or an unknown one."""
    pairs: dict[str, str] = {}
    seen: dict[str, str] = {}
    for src, canon in zip(table["source_header"], table["canonical"], strict=True):
        canon = "" if canon is None or (isinstance(canon, float) and np.isnan(canon)) else str(canon).strip()
        if not canon:
            continue
        if canon not in COLUMN_BY_NAME:
            raise MappingError(f"'{canon}' is not a standard column")
        if canon in seen:
            raise MappingError(f"duplicate:{canon}")
        seen[canon] = str(src)
        pairs[str(src)] = canon
    columns: dict[str, ColumnRule] = {}
    for src, canon in pairs.items():
        old = base.columns.get(canon) if base is not None else None
        if old is not None and old.from_ == src:
            columns[canon] = old
        else:
            columns[canon] = ColumnRule.model_validate({"from": src})
    return Mapping(id=base.id if base is not None and ident == "custom" else ident,
                   title=base.title if base is not None else "", attribution=base.attribution if base is not None else "",
                   columns=columns)


def mapping_from_text(text: str) -> Mapping:
    """Parse a mapping YAML text (uploaded or edited); raises :class:`MappingError` with a one-line reason."""
    try:
        data = yaml.safe_load(text)
        mapping = Mapping.model_validate(data)
    except yaml.YAMLError as exc:
        raise MappingError(f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except ValidationError as err:
        first = err.errors()[0]
        raise MappingError(f"{'.'.join(str(p) for p in first['loc']) or '(top level)'}: {first['msg']}") from None
    unknown = [c for c in mapping.columns if c not in COLUMN_BY_NAME]
    if unknown:
        raise MappingError(f"columns.{unknown[0]}: not a standard column")
    return mapping


def mapping_text(mapping: Mapping) -> str:
    from .mapping import mapping_yaml

    return mapping_yaml(mapping)


# ----------------------------------------------------------------------------------------------- robustness and portfolio
# Labels, display tables and charts of the Robustness and Portfolio pages. The analyses themselves are
# :mod:`screening.sensitivity` and :mod:`screening.portfolio`; here they are only shaped and drawn.

LABELS.update({
    "page_robustness": {"zh": "稳健性", "en": "Robustness"},
    "page_portfolio": {"zh": "投资组合", "en": "Portfolio"},
    # robustness page
    "rb_title": {"zh": "稳健性：维度权重敏感性", "en": "Robustness: dimension-weight sensitivity"},
    "rb_intro": {"zh": "在当前结果与当前权重下，检验维度权重的小幅变化会不会改变排名（利用已存储的得分矩阵，不重新打分）。",
                 "en": "How much would the ranking change if the dimension weights were a little different? "
                       "Computed on the current result and weights, from the stored point matrix (nothing is re-scored)."},
    "rb_top_k": {"zh": "关注前 k 名", "en": "Top k"},
    "rb_top_k_help": {"zh": "“进入前 k 名”是判断稳健与否的界线。", "en": "Being in the top k is the verdict whose stability is tested."},
    "rb_oat": {"zh": "单维度扫描：权重变到多少时名次改变", "en": "One at a time: the weight at which a project's place changes"},
    "rb_oat_help": {"zh": "每次只改变一个维度的权重，其余维度按比例缩放（权重总和不变）。表中给出每个前 k 名项目最先跌出前 k 名的权重变动（精确交点，非网格搜索）。",
                    "en": "One dimension weight moves while the others are rescaled proportionally (the sum stays the same). "
                          "For each top-k project: the nearest move that takes it out of the top k (exact crossing points, no grid search)."},
    "rb_smallest": {"zh": "改变前 {k} 名的最小单维度权重变动：将“{dim}”权重从 {w0:.2f} {verb}到 {w1:.2f}（变动 {change:.2f}，即其权重的 {rel:.1%}；归一化权重 L1 距离 {l1:.4f}），{enters} 进入前 {k} 名，{leaves} 跌出。",
                    "en": "Smallest one-at-a-time change that alters the top {k}: {verb} “{dim}” from {w0:.2f} to {w1:.2f} "
                          "(a change of {change:.2f}, {rel:.1%} of its weight; L1 distance of the normalised weights {l1:.4f}): "
                          "{enters} enters the top {k} and {leaves} leaves."},
    "rb_smallest_none": {"zh": "在单维度权重的整个取值范围内，前 {k} 名的组成都不会改变。",
                         "en": "No one-at-a-time move over the whole range of any dimension weight changes the top {k}."},
    "rb_raise": {"zh": "提高", "en": "raise"},
    "rb_lower": {"zh": "降低", "en": "lower"},
    "rb_up": {"zh": "↑ 提高", "en": "↑ up"},
    "rb_down": {"zh": "↓ 降低", "en": "↓ down"},
    "rb_direction": {"zh": "方向", "en": "Direction"},
    "rb_current_weight": {"zh": "当前权重", "en": "Current weight"},
    "rb_exit_dimension": {"zh": "最敏感维度", "en": "Most sensitive dimension"},
    "rb_exit_weight": {"zh": "跌出前 k 名时的权重", "en": "Weight at which it leaves the top k"},
    "rb_exit_change": {"zh": "所需变动", "en": "Change needed"},
    "rb_exit_rival": {"zh": "取而代之的项目", "en": "Overtaken by"},
    "rb_rank_flip_weight": {"zh": "名次首次改变时的权重", "en": "Weight at which its rank first changes"},
    "rb_rank_flip_rival": {"zh": "交换名次的项目", "en": "Swaps with"},
    "rb_never": {"zh": "任何单维度变动都不会使其跌出", "en": "never leaves under a one-at-a-time move"},
    "rb_all_flips": {"zh": "全部交点（每个项目 × 维度 × 方向）", "en": "Every flip point (project × dimension × direction)"},
    "rb_band": {"zh": "舍入区间", "en": "Rounding band"},
    "rb_sweep": {"zh": "扫描曲线：总分随一个维度权重的变化", "en": "Sweep: total score against one dimension weight"},
    "rb_sweep_dim": {"zh": "扫描的维度", "en": "Dimension to sweep"},
    "rb_sweep_weight": {"zh": "“{dim}”的权重（其余按比例缩放）", "en": "Weight of “{dim}” (others rescaled)"},
    "rb_current": {"zh": "当前", "en": "current"},
    "rb_mc": {"zh": "蒙特卡洛（SMAA）：权重不确定时的名次区间", "en": "Monte Carlo (SMAA): rank intervals under weight uncertainty"},
    "rb_model": {"zh": "不确定性模型：归一化维度权重服从以当前权重为中心的狄利克雷分布 Dirichlet(κ·w₀/Σw₀)，均值等于当前权重，"
                       "方差 p(1−p)/(κ+1)。κ = {kappa:g} 时，占 20% 的维度标准差约 {sd:.1f} 个百分点。每次抽样都用已存储的得分矩阵重新排名；"
                       "结果由随机种子完全复现。“稳健”：至少 95% 的抽样中是否进入前 k 名的判断不变，且 5%–95% 名次区间宽度不超过 max(2, 0.2 × 名次)；否则为“敏感”。",
                 "en": "Uncertainty model: the normalised dimension weights are drawn from a Dirichlet distribution centred on the "
                       "current weights, Dirichlet(κ·w₀/Σw₀): the mean is the current weights and the variance p(1−p)/(κ+1). "
                       "With κ = {kappa:g}, a dimension holding 20% of the weight varies with a standard deviation of about "
                       "{sd:.1f} points. Every draw re-ranks all projects from the stored point matrix; a seed makes the run "
                       "reproducible. “Stable”: the in/out-of-top-k verdict holds in at least 95% of draws and the 5th–95th "
                       "percentile rank interval is at most max(2, 0.2 × rank) wide; otherwise “sensitive”."},
    "rb_draws": {"zh": "抽样次数", "en": "Draws"},
    "rb_seed": {"zh": "随机种子", "en": "Seed"},
    "rb_kappa": {"zh": "集中度 κ（越大越确定）", "en": "Concentration κ (larger = more certain)"},
    "rb_run": {"zh": "运行蒙特卡洛", "en": "Run the Monte Carlo"},
    "rb_running": {"zh": "正在抽样并重新排名…", "en": "Drawing weights and re-ranking…"},
    "rb_oat_running": {"zh": "正在逐一调整维度权重并重新排名…", "en": "Moving each dimension's weight and re-ranking…"},
    "rb_press_run": {"zh": "设置参数后点击“运行蒙特卡洛”。", "en": "Set the parameters and press “Run the Monte Carlo”."},
    "rb_stale": {"zh": "数据或权重已改变，请重新运行蒙特卡洛。", "en": "The data or weights changed since the last run: run the Monte Carlo again."},
    "rb_mc_done": {"zh": "{draws:,} 次抽样 × {n:,} 个项目，用时 {seconds:.2f} 秒（种子 {seed}，κ = {kappa:g}，前 {k} 名）。稳健 {stable} 个，敏感 {sensitive} 个。",
                   "en": "{draws:,} draws × {n:,} projects in {seconds:.2f} s (seed {seed}, κ = {kappa:g}, top {k}). "
                         "{stable} stable, {sensitive} sensitive."},
    "rb_interval_chart": {"zh": "前 {n} 名的名次区间（5%–95% 分位）与进入前 {k} 名的概率",
                          "en": "Rank intervals (5th–95th percentile) of the top {n}, with the probability of being in the top {k}"},
    "rb_interval_legend": {"zh": "线段：5%–95% 名次区间 · ●：当前名次 · ┃：名次中位数 · 右侧数字：进入前 k 名的概率 · 虚线：前 k 名界线",
                           "en": "Bar: 5th–95th percentile rank · ●: current rank · ┃: median rank · number: P(top k) · dashed line: top-k cut"},
    "rank_p05": {"zh": "名次 5% 分位", "en": "Rank p5"},
    "rank_p50": {"zh": "名次中位数", "en": "Rank p50"},
    "rank_p95": {"zh": "名次 95% 分位", "en": "Rank p95"},
    "rank_min": {"zh": "最好名次", "en": "Best rank"},
    "rank_max": {"zh": "最差名次", "en": "Worst rank"},
    "rank_mean": {"zh": "平均名次", "en": "Mean rank"},
    "p_top_k": {"zh": "进入前 k 名概率", "en": "P(top k)"},
    "p_top_n": {"zh": "进入前 {k} 名概率", "en": "P(top {k})"},
    "p_first": {"zh": "排第一概率", "en": "P(first)"},
    "rb_label": {"zh": "判断", "en": "Verdict"},
    "rb_stable": {"zh": "稳健", "en": "stable"},
    "rb_sensitive": {"zh": "敏感", "en": "sensitive"},
    "download_sensitivity": {"zh": "下载敏感性结果（CSV）", "en": "Download the sensitivity table (CSV)"},
    # portfolio page
    "pf_title": {"zh": "投资组合：预算约束下的最优项目组合", "en": "Portfolio: the best set of projects under a budget"},
    "pf_intro": {"zh": "在预算内选择总分最高的已排名项目组合（精确整数规划，HiGHS 求解器，相对差距设为 0）。投资额单位与“总投资（百万美元）”列相同。",
                 "en": "Chooses the ranked projects with the largest total score within the budget (an exact integer programme, "
                       "HiGHS solver, relative gap 0). Costs are the “Investment (USD m)” column."},
    "pf_budget": {"zh": "预算（百万美元）", "en": "Budget (USD million)"},
    "pf_budget_help": {"zh": "默认为全部已排名项目总投资 {total:,.0f} 的 20%。", "en": "Default: 20% of the total investment of the ranked projects, {total:,.0f}."},
    "pf_constraints": {"zh": "可选约束", "en": "Optional constraints"},
    "pf_min_small_share": {"zh": "小而美项目投资占比下限（%）", "en": "Minimum small-and-beautiful share of cost (%)"},
    "pf_min_small_count": {"zh": "小而美项目数量下限", "en": "Minimum number of small-and-beautiful projects"},
    "pf_min_flagship_count": {"zh": "重大标志性工程数量下限", "en": "Minimum number of flagship projects"},
    "pf_max_country_share": {"zh": "单一国家投资占比上限（%，100 = 不限）", "en": "Maximum share of cost per country (%, 100 = no cap)"},
    "pf_max_sector_share": {"zh": "单一行业投资占比上限（%，100 = 不限）", "en": "Maximum share of cost per sector (%, 100 = no cap)"},
    "pf_exclude_flagged": {"zh": "排除有复核标记的项目", "en": "Leave out projects with a review flag"},
    "pf_no_duplicates": {"zh": "不同时选入互为重复建设的项目", "en": "Never two projects flagged as duplicates of each other"},
    "pf_exclude_tiers": {"zh": "排除的等级", "en": "Tiers to leave out"},
    "pf_exclude_flags": {"zh": "排除带以下标记的项目", "en": "Leave out projects with these flags"},
    "pf_time_limit": {"zh": "求解时间上限（秒）", "en": "Solver time limit (seconds)"},
    "pf_zero_none": {"zh": "0 = 不限", "en": "0 = none"},
    "pf_solve": {"zh": "求解", "en": "Solve"},
    "pf_solving": {"zh": "正在求解…", "en": "Solving…"},
    "pf_press_solve": {"zh": "设置预算与约束后点击“求解”。", "en": "Set the budget and constraints, then press “Solve”."},
    "pf_stale": {"zh": "数据、权重或约束已改变，下面是上一次求解的结果；请重新求解。",
                 "en": "The data, weights or constraints changed: below is the last solution; press “Solve” again."},
    "pf_status": {"zh": "求解状态", "en": "Solver status"},
    "pf_gap": {"zh": "相对差距", "en": "Relative gap"},
    "pf_chosen_count": {"zh": "入选项目", "en": "Projects chosen"},
    "pf_total_cost": {"zh": "总投资（百万美元）", "en": "Total cost (USD m)"},
    "pf_total_score": {"zh": "总分", "en": "Total score"},
    "pf_status_optimal": {"zh": "最优", "en": "optimal"},
    "pf_status_time_limit": {"zh": "达到时间上限", "en": "time limit reached"},
    "pf_status_infeasible": {"zh": "不可行", "en": "infeasible"},
    "pf_status_no_candidates": {"zh": "没有可选项目", "en": "no eligible projects"},
    "pf_status_error": {"zh": "求解器出错", "en": "solver error"},
    "pf_chosen": {"zh": "入选项目（按排名，含累计投资与累计得分）", "en": "Chosen projects (in rank order, with running totals)"},
    "cost": {"zh": "投资（百万美元）", "en": "Cost (USD m)"},
    "cum_cost": {"zh": "累计投资", "en": "Running cost"},
    "cum_score": {"zh": "累计得分", "en": "Running score"},
    "pf_details": {"zh": "约束与求解信息", "en": "Constraints and solver details"},
    "pf_item": {"zh": "项目", "en": "Item"},
    "pf_value": {"zh": "取值", "en": "Value"},
    "download_portfolio": {"zh": "下载投资组合（CSV）", "en": "Download the portfolio (CSV)"},
    "pf_frontier": {"zh": "有效前沿：预算增加时可达到的最高总分", "en": "Efficient frontier: the best total score as the budget grows"},
    "pf_frontier_progress": {"zh": "计算有效前沿：预算 {i}/{n}", "en": "Efficient frontier: budget {i} of {n}"},
    "pf_frontier_note": {"zh": "在 {n} 个预算水平上重新求解（其他约束不变）；竖虚线为当前预算。",
                         "en": "Re-solved at {n} budgets (other constraints kept); the dashed line is the chosen budget."},
    "pf_vfm": {"zh": "性价比：得分与投资", "en": "Value for money: score against cost"},
    "pf_vfm_note": {"zh": "绿色为入选项目；红色阶梯线为成本—得分前沿（没有其他项目更便宜且得分更高）。",
                    "en": "Green: chosen projects. Red step line: the cost–score frontier (no other project costs less and scores more)."},
    "pf_in_portfolio": {"zh": "入选", "en": "Chosen"},
    "pf_not_chosen": {"zh": "未入选", "en": "Not chosen"},
    "pf_pareto": {"zh": "成本—得分前沿", "en": "Cost–score frontier"},
    "pf_budget_axis": {"zh": "预算（百万美元）", "en": "Budget (USD m)"},
    "pf_best_score": {"zh": "最高总分", "en": "Best total score"},
    "pf_projects": {"zh": "项目数", "en": "Projects"},
    "score_per_usd_m": {"zh": "每百万美元得分", "en": "Score per USD m"},
    "log_axis": {"zh": "（对数刻度）", "en": " (log scale)"},
    "pf_no_ranked": {"zh": "没有已排名的项目，无法构建投资组合。", "en": "No ranked project: there is nothing to choose from."},
})


def result_fingerprint(result: Result) -> str:
    """A short key that changes whenever the result's data, criteria or weights do (for caching analyses)."""
    import hashlib

    h = hashlib.sha256()
    h.update(str(result.input.sha256).encode())
    h.update(str(result.criteria_sha256).encode())
    h.update(repr(sorted(result.weights.dimensions.items())).encode())
    h.update(repr(sorted(result.weights.criteria.items())).encode())
    pm = result.pm
    h.update(np.ascontiguousarray(pm.points).tobytes())
    h.update(np.ascontiguousarray(pm.applicable).tobytes())
    h.update("\x1f".join(np.asarray(pm.project_ids).astype(str)).encode())
    h.update(str(result.criteria.missing_policy).encode())
    return h.hexdigest()[:32]


def _names(result: Result) -> dict[str, str]:
    ranked = result.ranked
    ids = ranked["project_id"].astype(str)
    names = ranked["project_name"].astype(str) if "project_name" in ranked else ids
    return dict(zip(ids, names, strict=True))


def direction_label(direction: object, lang: Lang) -> str:
    return t("rb_up" if direction == "up" else "rb_down", lang)


def flip_summary(flips: pd.DataFrame, result: Result, lang: Lang) -> pd.DataFrame:
    """One row per top-k project (from :func:`screening.sensitivity.one_at_a_time`): the one-at-a-time move
    nearest to its current weight that takes it out of the top k, and the nearest move that changes its rank."""
    cols = ["rank", "project_id", "project_name", "exit_dimension", "direction", "weight", "exit_weight",
            "exit_change", "exit_rival", "rank_flip_dimension", "rank_flip_weight", "rank_flip_rival"]
    if flips.empty:
        return pd.DataFrame(columns=cols)
    cs, names = result.criteria, _names(result)
    rows = []
    for pid, g in flips.groupby("project_id", sort=False):
        row: dict[str, Any] = {"rank": int(g["rank"].iloc[0]), "project_id": str(pid),
                               "project_name": names.get(str(pid), "")}
        live = g.dropna(subset=["topk_flip_weight"])
        if len(live):
            b = cast(pd.Series, live.loc[cast("Scalar", live["topk_change"].abs().idxmin())])
            row.update(exit_dimension=dimension_label(str(b["dimension"]), lang, cs),
                       direction=direction_label(b["direction"], lang), weight=float(b["weight"]),
                       exit_weight=float(b["topk_flip_weight"]), exit_change=float(b["topk_change"]),
                       exit_rival=b["topk_flip_rival"] if isinstance(b["topk_flip_rival"], str) else "")
        else:
            row.update(exit_dimension=t("rb_never", lang), direction="", weight=np.nan, exit_weight=np.nan,
                       exit_change=np.nan, exit_rival="")
        rf = g.dropna(subset=["rank_flip_weight"])
        if len(rf):
            c = cast(pd.Series, rf.loc[cast("Scalar", (rf["rank_flip_weight"] - rf["weight"]).abs().idxmin())])
            row.update(rank_flip_dimension=f"{dimension_label(str(c['dimension']), lang, cs)} "
                                           f"{direction_label(c['direction'], lang)}",
                       rank_flip_weight=float(c["rank_flip_weight"]),
                       rank_flip_rival=c["rank_flip_rival"] if isinstance(c["rank_flip_rival"], str) else "")
        else:
            row.update(rank_flip_dimension="", rank_flip_weight=np.nan, rank_flip_rival="")
        rows.append(row)
    return pd.DataFrame(rows, columns=cols).sort_values("rank", kind="stable").reset_index(drop=True)


def flips_table(flips: pd.DataFrame, result: Result, lang: Lang) -> pd.DataFrame:
    """Every flip point, with dimension and direction in words (for an expander)."""
    cs = result.criteria
    out = flips[["rank", "project_id", "dimension", "direction", "weight", "rank_flip_weight", "rank_flip_rival",
                 "topk_flip_weight", "topk_flip_rival", "topk_band_from", "topk_band_to", "topk_change"]].copy()
    out["dimension"] = out["dimension"].map(lambda d: dimension_label(str(d), lang, cs))
    out["direction"] = out["direction"].map(lambda d: direction_label(d, lang))
    return out.reset_index(drop=True)


def smallest_change_text(change: pd.Series | None, k: int, lang: Lang, criteria: CriteriaSet) -> str:
    """:func:`screening.sensitivity.smallest_change` in one sentence."""
    if change is None:
        return t("rb_smallest_none", lang, k=k)
    return t("rb_smallest", lang, k=k, dim=dimension_label(str(change["dimension"]), lang, criteria),
             verb=t("rb_raise" if change["direction"] == "up" else "rb_lower", lang),
             w0=float(change["weight"]), w1=float(change["new_weight"]), change=float(change["change"]),
             rel=float(change["change_rel"]), l1=float(change["l1"]),
             enters=str(change["enters"]) if isinstance(change["enters"], str) else "—", leaves=str(change["leaves"]))


def uncertainty_text(concentration: float, lang: Lang) -> str:
    """The stated weight-uncertainty model, with the standard deviation of a 20 % dimension at ``concentration``."""
    sd = float(np.sqrt(0.2 * 0.8 / (concentration + 1)) * 100)
    return t("rb_model", lang, kappa=concentration, sd=sd)


def smaa_table(table: pd.DataFrame, result: Result, lang: Lang) -> pd.DataFrame:
    """The Monte Carlo table (:attr:`screening.sensitivity.Smaa.table`) with names and the label in words."""
    names = _names(result)
    out = table.copy()
    out.insert(2, "project_name", out["project_id"].astype(str).map(names).fillna(""))
    out["label"] = out["label"].map(lambda s: t("rb_stable" if s == "stable" else "rb_sensitive", lang))
    return out


def rank_interval_chart(table: pd.DataFrame, lang: Lang, top_k: int, top: int = 25) -> alt.LayerChart:
    """Rank intervals (5th–95th percentile) of the ``top`` projects by current rank: a bar per project coloured
    stable/sensitive, the current rank as a dot, the median rank as a tick and P(top k) written at the right;
    a dashed line marks the top-k cut. Projects sit on a numeric axis (current rank), labelled with their id."""
    frame = table.sort_values("rank", kind="stable").head(top).copy()
    frame["pos"] = np.arange(1, len(frame) + 1, dtype=float)
    frame["project_id"] = frame["project_id"].astype(str)
    frame["verdict"] = frame["label"].map(lambda s: t("rb_stable" if s == "stable" else "rb_sensitive", lang))
    frame["p_text"] = frame["p_top_k"].map(lambda p: f"{p:.0%}")
    frame["lo"] = frame["rank_p05"].astype(float) - 0.3
    frame["hi"] = frame["rank_p95"].astype(float) + 0.3
    n = len(frame)
    xmax = float(max(frame["rank_p95"].max() if n else 1, top_k) + 3)
    label_expr = " : ".join(f"datum.value == {i + 1} ? {pid!r}" for i, pid in enumerate(frame["project_id"])) + " : ''"
    y = alt.Y("pos:Q", title=None, scale=alt.Scale(domain=[0.4, n + 0.6], reverse=True, nice=False),
              axis=alt.Axis(values=list(range(1, n + 1)), labelExpr=label_expr if n else "''", grid=False,
                            ticks=False, domain=False, labelLimit=200, labelOverlap=False))
    x_scale = alt.Scale(domain=[0.5, xmax], nice=False)
    tips = [alt.Tooltip("project_id:N", title=t("id", lang)), alt.Tooltip("rank:Q", title=t("rank", lang)),
            alt.Tooltip("rank_p05:Q", title=t("rank_p05", lang)), alt.Tooltip("rank_p50:Q", title=t("rank_p50", lang)),
            alt.Tooltip("rank_p95:Q", title=t("rank_p95", lang)),
            alt.Tooltip("p_top_k:Q", title=t("p_top_k", lang), format=".1%"),
            alt.Tooltip("verdict:N", title=t("rb_label", lang))]
    colour = alt.Color("verdict:N", title=t("rb_label", lang),
                       scale=alt.Scale(domain=[t("rb_stable", lang), t("rb_sensitive", lang)],
                                       range=["#1a7f37", "#e3a008"]))
    base = alt.Chart(frame)
    bars = base.mark_bar(height=10, cornerRadius=3, opacity=0.8).encode(
        x=alt.X("lo:Q", title=t("rank", lang), scale=x_scale), x2="hi:Q", y=y, color=colour, tooltip=tips)
    median = base.mark_tick(color="#1F4E78", thickness=2, size=11, orient="vertical").encode(
        x=alt.X("rank_p50:Q", scale=x_scale), y=y, tooltip=tips)
    now = base.mark_point(filled=True, color="#111", size=40).encode(x=alt.X("rank:Q", scale=x_scale), y=y, tooltip=tips)
    text = base.mark_text(align="left", dx=6, fontSize=11, color="#333").encode(
        x=alt.X("hi:Q", scale=x_scale), y=y, text="p_text:N")
    cut = alt.Chart(pd.DataFrame({"k": [top_k + 0.5]})).mark_rule(strokeDash=[5, 4], color="#d1495b").encode(x="k:Q")
    return _layer(bars, median, now, text, cut).properties(
        title=t("rb_interval_chart", lang, n=n, k=top_k), height=max(140, 22 * n))


def sweep_chart(curves: pd.DataFrame, lang: Lang, criteria: CriteriaSet, dimension: str, current: float,
                names: dict[str, str] | None = None) -> alt.LayerChart:
    """Total score of each project along a one-at-a-time sweep of ``dimension`` (:func:`screening.sensitivity.
    sweep_curves`), one line per project, with the current weight as a dashed rule."""
    frame = curves.copy()
    frame["project_id"] = frame["project_id"].astype(str)
    lookup = names or {}
    frame["project_name"] = [lookup.get(p, "") for p in frame["project_id"]]
    dim = dimension_label(dimension, lang, criteria)
    order = (frame[frame["weight"] == frame["weight"].min()].sort_values("rank")["project_id"].tolist()
             if len(frame) else [])
    lines = alt.Chart(frame).mark_line(strokeWidth=2, interpolate="linear").encode(
        x=alt.X("weight:Q", title=t("rb_sweep_weight", lang, dim=dim), scale=alt.Scale(nice=False)),
        y=alt.Y("score:Q", title=t("score", lang), scale=alt.Scale(zero=False)),
        color=alt.Color("project_id:N", title=t("id", lang), sort=order),
        tooltip=[alt.Tooltip("project_id:N", title=t("id", lang)),
                 alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
                 alt.Tooltip("weight:Q", title=t("weight", lang), format=".2f"),
                 alt.Tooltip("score:Q", title=t("score", lang), format=".2f"),
                 alt.Tooltip("rank:Q", title=t("rank", lang))])
    now = alt.Chart(pd.DataFrame({"w": [float(current)], "label": [t("rb_current", lang)]}))
    rule = now.mark_rule(strokeDash=[5, 4], color="#333").encode(x="w:Q")
    text = now.mark_text(align="left", dx=4, dy=-4, baseline="top", color="#333").encode(
        x="w:Q", y=alt.value(0), text="label:N")
    return _layer(lines, rule, text).properties(title=t("rb_sweep", lang), height=380)


def portfolio_table(chosen: pd.DataFrame, lang: Lang, criteria: CriteriaSet) -> pd.DataFrame:
    """The chosen projects (:attr:`screening.portfolio.Portfolio.chosen`) with codes as labels."""
    cols = [c for c in ("rank", "project_id", "project_name", "country", "sector", "track", "tier", "cost", "score",
                        "cum_cost", "cum_score") if c in chosen.columns]
    out = chosen[cols].copy()
    if "country" in out:
        out["country"] = out["country"].map(lambda v: country_label(v, lang))
    if "sector" in out:
        out["sector"] = out["sector"].map(lambda v: code_label("sector", v, lang))
    if "track" in out:
        out["track"] = out["track"].map(lambda v: track_label(v, lang, criteria))
    if "tier" in out:
        out["tier"] = out["tier"].map(lambda v: tier_label(v, lang, criteria))
    return out.reset_index(drop=True)


def portfolio_message(message: str, lang: Lang) -> str:
    """The half of a bilingual ``'English / 中文'`` message in ``lang`` (the whole text if it has no ' / ')."""
    if " / " not in message:
        return message
    en, zh = message.split(" / ", 1)
    return zh if lang == "zh" else en


def status_label(status: str, lang: Lang) -> str:
    key = f"pf_status_{status}"
    return t(key, lang) if key in LABELS else status


def frontier_budgets(costs: Sequence[float] | np.ndarray, budget: float, points: int = 8) -> list[float]:
    """``points`` budgets spaced geometrically from the cheapest eligible project's cost up to the total
    eligible cost (the frontier bends most at small budgets), with ``budget`` among them (so the chosen budget
    lies on the drawn frontier)."""
    c = np.asarray(costs, dtype=float)
    c = c[np.isfinite(c)]
    total = float(c.sum()) if len(c) else float(budget)
    top = max(total, float(budget))
    low = float(c[c > 0].min()) if (c > 0).any() else top
    n = max(points - 1, 2)
    if top <= 0:
        grid = np.array([0.0])
    elif low < top:
        grid = np.geomspace(low, top, n)
    else:
        grid = np.linspace(top / n, top, n)
    return sorted({round(float(b), 6) for b in [*grid, float(budget)]})


def frontier_chart(frontier: pd.DataFrame, lang: Lang, budget: float | None = None) -> alt.LayerChart:
    """Best total score against the budget (:func:`screening.portfolio.efficient_frontier`), the chosen budget
    as a dashed rule; the budget on a log axis when the budgets span more than a factor of 20."""
    frame = frontier.dropna(subset=["objective"]).copy()
    tips = [alt.Tooltip("budget:Q", title=t("pf_budget_axis", lang), format=",.1f"),
            alt.Tooltip("objective:Q", title=t("pf_best_score", lang), format=",.2f"),
            alt.Tooltip("total_cost:Q", title=t("pf_total_cost", lang), format=",.1f"),
            alt.Tooltip("projects:Q", title=t("pf_projects", lang)),
            alt.Tooltip("status:N", title=t("pf_status", lang))]
    b = frame["budget"].to_numpy(dtype=float)
    log = bool(len(b)) and bool((b > 0).all()) and float(b.max()) > 20 * float(b.min())
    x = alt.X("budget:Q", title=t("pf_budget_axis", lang) + (t("log_axis", lang) if log else ""),
              scale=alt.Scale(type="log") if log else alt.Scale(zero=True))
    base = alt.Chart(frame)
    line = base.mark_line(color="#1F4E78", strokeWidth=2).encode(
        x=x, y=alt.Y("objective:Q", title=t("pf_best_score", lang)))
    dots = base.mark_point(filled=True, color="#1F4E78", size=60).encode(x=x, y="objective:Q", tooltip=tips)
    layers: list[Any] = [line, dots]
    if budget is not None:
        layers.append(alt.Chart(pd.DataFrame({"b": [float(budget)]})).mark_rule(
            strokeDash=[5, 4], color="#d1495b").encode(x="b:Q"))
    return _layer(*layers).properties(title=t("pf_frontier", lang), height=340)


def value_for_money_chart(vfm: pd.DataFrame, lang: Lang, criteria: CriteriaSet | None = None,
                          names: dict[str, str] | None = None) -> alt.LayerChart:
    """Score against cost for every eligible project (:func:`screening.portfolio.value_for_money`): chosen
    projects highlighted, the cost–score (Pareto) frontier drawn as a step line. Cost on a log axis when every
    cost is positive and they span more than a factor of 20."""
    frame = vfm.copy()
    frame["project_id"] = frame["project_id"].astype(str)
    lookup = names or {}
    frame["project_name"] = [lookup.get(p, "") for p in frame["project_id"]]
    frame["in"] = np.where(frame["chosen"], t("pf_in_portfolio", lang), t("pf_not_chosen", lang))
    if "tier" in frame:
        frame["tier"] = frame["tier"].map(lambda v: tier_label(v, lang, criteria))
    cost = frame["cost"].to_numpy(dtype=float)
    log = bool(len(cost)) and bool((cost > 0).all()) and float(cost.max()) > 20 * float(cost.min())
    x_scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    x = alt.X("cost:Q", title=t("cost", lang) + (t("log_axis", lang) if log else ""), scale=x_scale)
    tips = [alt.Tooltip("project_id:N", title=t("id", lang)),
            alt.Tooltip("project_name:N", title=column_title("project_name", lang)),
            alt.Tooltip("cost:Q", title=t("cost", lang), format=",.1f"),
            alt.Tooltip("score:Q", title=t("score", lang), format=".2f"),
            alt.Tooltip("score_per_usd_m:Q", title=t("score_per_usd_m", lang), format=",.3f"),
            alt.Tooltip("in:N", title=t("pf_in_portfolio", lang))]
    if "tier" in frame:
        tips.append(alt.Tooltip("tier:N", title=t("tier", lang)))
    points = alt.Chart(frame).mark_circle(size=70, stroke="#333", strokeWidth=0.4).encode(
        x=x, y=alt.Y("score:Q", title=t("score", lang), scale=alt.Scale(zero=False)),
        color=alt.Color("in:N", title=None, scale=alt.Scale(domain=[t("pf_in_portfolio", lang), t("pf_not_chosen", lang)],
                                                            range=["#1a7f37", "#b8c0c8"])),
        opacity=alt.condition(alt.datum.chosen, alt.value(0.95), alt.value(0.6)),
        tooltip=tips)
    front = frame[frame["pareto"]].sort_values("cost")
    front = front.assign(series=t("pf_pareto", lang))
    line = alt.Chart(front).mark_line(interpolate="step-after", color="#d1495b", strokeWidth=2, opacity=0.9).encode(
        x=x, y="score:Q", detail="series:N")
    return _layer(points, line).properties(title=t("pf_vfm", lang), height=380)


__all__ += [
    "result_fingerprint", "direction_label", "flip_summary", "flips_table", "smallest_change_text", "uncertainty_text",
    "smaa_table", "rank_interval_chart", "sweep_chart", "portfolio_table", "portfolio_message", "status_label",
    "frontier_budgets", "frontier_chart", "value_for_money_chart",
]
