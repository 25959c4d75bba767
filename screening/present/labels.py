"""Labels in the chosen language for codes, tiers, tracks, dimensions and columns; the UI catalogue's ``t``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from screening.criteria.models import CriteriaSet
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.countries import country_name

Lang = str  # "zh" or "en"


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


def country_label(v: object, lang: Lang) -> str:
    """Display name of an ISO3 code (blank for none)."""
    return country_name(v, lang) if isinstance(v, str) and v else ""


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


def direction_label(direction: object, lang: Lang) -> str:
    return t("rb_up" if direction == "up" else "rb_down", lang)


def status_label(status: str, lang: Lang) -> str:
    key = f"pf_status_{status}"
    return t(key, lang) if key in LABELS else status
