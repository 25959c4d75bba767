"""The input template: an empty workbook with every recognised column, notes and drop-down lists.

Layout of the ``projects`` sheet (``项目`` in Chinese) and the ``countries`` sheet (``国家``):

* row 1 — each column's label in the other language (italic, grey);
* row 2 — a short bilingual note per column: unit, allowed values, code list (italic, grey);
* row 3 — the header: canonical names (``lang="en"``) or Chinese labels (``lang="zh"``); the five required
  columns are bold on an orange fill and marked "*" in their note and comment;
* row 4 on — one record per row.

The notes sit *above* the header on purpose: the reader (:func:`screening.ingest.read_input`) finds the
header row by its names within the first 30 rows and reads records from the row right below it, so notes
below the header would be read as a record. The note cells are written so that none of them matches a
header name (the header row is the only row that does).

Data rows carry drop-down lists for code, yes/no and 0–3 level columns and a 0–1 range check for share
columns. A list longer than Excel's 255-character limit for an inline list (or one whose values hold a comma
or a quote) is written to a hidden ``lists`` sheet and referenced by range. Lists only warn on other words,
because the reader also accepts aliases (Chinese or English labels, Y/N, 1/0 …).
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME, COUNTRY_COLUMNS, PROJECT_COLUMNS, Column

LABEL_ROW = 1


NOTE_ROW = 2


HEADER_ROW = 3


FIRST_DATA_ROW = 4


LAST_DATA_ROW = 2000


MAX_LIST_CHARS = 255  # Excel's limit on an inline list formula (checked with the quotes included)


LISTS_SHEET = "lists"


SHEET_NAMES = {
    "en": {"projects": "projects", "countries": "countries", "readme": "README"},
    "zh": {"projects": "项目", "countries": "国家", "readme": "说明"},
}


_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


_NOTE_FILL = PatternFill("solid", fgColor="EDEDED")


_NOTE_FONT = Font(italic=True, color="595959", size=9)


_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


_AUTHOR = "BRI screening"


_YES_NO = {"en": ["yes", "no"], "zh": ["是", "否"]}


_LEVELS = ["0", "1", "2", "3"]


def _code_note(column: Column) -> tuple[str, str]:
    assert column.codes is not None
    codes = CODE_LISTS[column.codes].codes
    zh = "可选：" + "、".join(c.zh for c in codes) + "（也可填代码）"
    en = "One of: " + ", ".join(c.code for c in codes) + " (Chinese labels accepted)"
    return zh, en


def _range_text(column: Column) -> str:
    lo, hi = column.minimum, column.maximum
    if lo is not None and hi is not None:
        return f"{lo:g}–{hi:g}"
    if lo is not None:
        return f"≥ {lo:g}"
    if hi is not None:
        return f"≤ {hi:g}"
    return ""


def column_note(column: Column) -> tuple[str, str]:
    """(Chinese, English) note for a column: its own note, else one made from its kind, unit and code list."""
    zh, en = column.note_zh, column.note_en
    kind = column.kind
    if kind == "code":
        code_zh, code_en = _code_note(column)
        zh = f"{zh}；{code_zh}" if zh else code_zh
        en = f"{en}; {code_en}" if en else code_en
    if zh and en:
        return zh, en
    rng = _range_text(column)
    made: dict[str, tuple[str, str]] = {
        "id": ("唯一编号", "Unique identifier"),
        "text": ("文本", "Free text"),
        "country": ("国家名称或ISO三位代码", "Country name or ISO alpha-3 code"),
        "money": ("单位：百万美元；可写“1.2亿”“3000万”", "USD million; '1.2 billion' or '300 million' accepted"),
        "number": (f"数字，{rng}" if rng else "数字", f"Number, {rng}" if rng else "Number"),
        "count": (f"整数，{rng}" if rng else "整数", f"Whole number, {rng}" if rng else "Whole number"),
        "share": ("0–1，可写“45%”", "0–1; '45%' accepted"),
        "pct": ("百分数：12 表示 12%，可写“12%”", "Percent: 12 means 12 %; '12%' accepted"),
        "year": ("四位年份，如 2025", "Four-digit year, e.g. 2025"),
        "bool": ("是/否、Y/N、yes/no、true/false、1/0", "yes/no, Y/N, 是/否, true/false, 1/0"),
        "level": ("0–3：无、有限、较多、很强", "0–3: none, limited, substantial, strong"),
    }
    made_zh, made_en = made.get(kind, ("", ""))
    return zh or made_zh, en or made_en


def _header(column: Column, lang: str) -> str:
    return column.zh if lang == "zh" else column.name


def _other_label(column: Column, lang: str) -> str:
    """Row-1 label in the other language; never equal to a header name, so the reader skips this row."""
    return f"{column.en} / {column.name}" if lang == "zh" else f"{column.zh} / {column.en}"


def _note_text(column: Column, lang: str) -> str:
    zh, en = column_note(column)
    lines = [zh, en] if lang == "zh" else [en, zh]
    if column.required:
        lines.insert(0, "* 必填 / Required" if lang == "zh" else "* Required / 必填")
    return "\n".join(x for x in lines if x)


def _comment_text(column: Column, lang: str) -> str:
    zh, en = column_note(column)
    head = f"{column.zh} / {column.en} ({column.name})"
    if column.required:
        head = "* 必填 / Required\n" + head
    aliases = ", ".join([column.name, column.zh, column.en, *column.aliases])
    parts = [head, zh, en, f"可用表头 / Accepted headers: {aliases}"]
    return "\n".join(p for p in parts if p)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


class _Lists:
    """Turns a list of values into a validation formula: inline when short, else a range on a hidden sheet."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.ws: Worksheet | None = None
        self.cache: dict[tuple[str, ...], str] = {}
        self.used = 0  # columns used on the hidden sheet

    def formula(self, values: list[str]) -> str:
        key = tuple(values)
        if key in self.cache:
            return self.cache[key]
        inline = '"' + ",".join(values) + '"'
        if len(inline) <= MAX_LIST_CHARS and not any("," in v or '"' in v for v in values):
            result = inline
        else:
            if self.ws is None:
                self.ws = self.wb.create_sheet(LISTS_SHEET)
                self.ws.sheet_state = "hidden"
            self.used += 1
            col = self.used
            for i, value in enumerate(values, start=1):
                cell = self.ws.cell(row=i, column=col, value=value)
                cell.data_type = "s"
            letter = get_column_letter(col)
            result = f"{LISTS_SHEET}!${letter}$1:${letter}${len(values)}"
        self.cache[key] = result
        return result


def _list_values(column: Column, lang: str) -> list[str] | None:
    if column.kind == "code" and column.codes:
        codes = CODE_LISTS[column.codes].codes
        return [c.zh for c in codes] if lang == "zh" else [c.code for c in codes]
    if column.kind == "bool":
        return _YES_NO[lang]
    if column.kind == "level":
        return _LEVELS
    return None


def _add_validations(ws: Worksheet, columns: list[Column], lang: str, lists: _Lists) -> None:
    by_formula: dict[str, DataValidation] = {}
    by_range: dict[tuple[float, float], DataValidation] = {}
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"
        values = _list_values(column, lang)
        if values is not None:
            formula = lists.formula(values)
            dv = by_formula.get(formula)
            if dv is None:
                dv = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showDropDown=False, showErrorMessage=True,
                    errorStyle="warning", errorTitle="不在列表中 / Not in list",
                    error=("不在下拉列表中；同义词（中英文名称、Y/N、1/0 等）也可读取。"
                           "\nNot in the drop-down list; aliases (Chinese or English labels, Y/N, 1/0 …) are read too."),
                )
                by_formula[formula] = dv
                ws.add_data_validation(dv)
            dv.add(cells)
        elif column.kind == "share" or (column.kind == "number" and column.minimum is not None
                                         and column.maximum is not None):
            lo = column.minimum if column.minimum is not None else 0.0
            hi = column.maximum if column.maximum is not None else 1.0
            dv = by_range.get((lo, hi))
            if dv is None:
                dv = DataValidation(
                    type="decimal", operator="between", formula1=f"{lo:g}", formula2=f"{hi:g}", allow_blank=True,
                    showErrorMessage=True, errorStyle="stop", errorTitle="超出范围 / Out of range",
                    error=(f"请输入 {lo:g} 至 {hi:g} 之间的数（45% 即 0.45）。\nEnter a number from {lo:g} to {hi:g} (45% is 0.45)."
                           if column.kind == "share" else
                           f"请输入 {lo:g} 至 {hi:g} 之间的数。\nEnter a number from {lo:g} to {hi:g}."),
                )
                by_range[(lo, hi)] = dv
                ws.add_data_validation(dv)
            dv.add(cells)


def _table_sheet(ws: Worksheet, columns: list[Column], lang: str, lists: _Lists) -> None:
    note_lines = 1
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        label = _other_label(column, lang)
        label_cell = ws.cell(row=LABEL_ROW, column=j, value=label)
        note = _note_text(column, lang)
        note_cell = ws.cell(row=NOTE_ROW, column=j, value=note)
        for cell in (label_cell, note_cell):
            cell.data_type = "s"
            cell.font = _NOTE_FONT
            cell.fill = _NOTE_FILL
            cell.alignment = _WRAP_TOP
        head = ws.cell(row=HEADER_ROW, column=j, value=_header(column, lang))
        head.data_type = "s"
        head.font = Font(bold=True) if column.required else Font(bold=False)
        head.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        head.alignment = Alignment(vertical="center")
        comment = Comment(_comment_text(column, lang), _AUTHOR)
        comment.width, comment.height = 320, 180
        head.comment = comment
        width = max(_display_width(_header(column, lang)), _display_width(label), 10) + 3
        width = min(width, 36)
        ws.column_dimensions[letter].width = width
        lines = sum(math.ceil(max(1, _display_width(line)) / (width - 1)) for line in note.split("\n"))
        note_lines = max(note_lines, lines)
    ws.row_dimensions[NOTE_ROW].height = min(15 * note_lines, 150)
    ws.row_dimensions[LABEL_ROW].height = 30
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{LAST_DATA_ROW}"
    _add_validations(ws, columns, lang, lists)


_README: list[tuple[str, str]] = [
    ("共建“一带一路”项目筛选工具 — 输入模板", "Belt and Road project screening tool — input template"),
    ("每个项目占一行，从第 4 行起填写。第 1–2 行是说明（另一种语言的列名、单位和取值），第 3 行是表头；请勿删除或改写表头，"
     "表头可用规范列名、中文或英文名称及其同义词。",
     "Enter one project per row from row 4 on. Rows 1–2 are notes (the column name in the other language, units and "
     "allowed values); row 3 is the header. Keep the header row: a header may be the canonical name, the Chinese or "
     "English label, or an accepted alias (see the comment on each header cell)."),
    ("必填列（表头标为橙色、加粗，说明中标“*”）：项目编号 project_id、项目名称 project_name、国家 country、行业 sector、"
     "总投资（百万美元）total_investment_usd_m。缺少或无法读取必填值的记录为“无效”，其余问题只作为数据问题列出。",
     "Required columns (orange, bold, marked '*' in their note): project_id, project_name, country, sector, "
     "total_investment_usd_m. A record missing a required value, or with one that cannot be read, is invalid; any "
     "other problem is only listed as a data issue."),
    ("单位：金额以百万美元计，可写“1.2亿”“3000万”“1.2 billion”；*_share 列为 0–1 的比例，可写“45%”；"
     "*_pct 列为百分数（12 表示 12%），可写“12%”；联通程度为 0–3（无、有限、较多、很强）。",
     "Units: money in USD million ('1.2亿', '3000万', '1.2 billion' accepted); *_share columns are shares from 0 to 1 "
     "('45%' accepted); *_pct columns are percent (12 means 12 %, '12%' accepted); connectivity levels are 0–3 "
     "(none, limited, substantial, strong)."),
    ("是/否列可填：是/否、Y/N、yes/no、true/false、1/0。留空表示未知（该项“未评估”，不按 0 分处理）。",
     "Yes/no columns accept yes/no, Y/N, 是/否, true/false, 1/0. A blank cell means unknown (the criterion is 'not "
     "assessed', never scored as 0)."),
    ("下拉列表给出代码（英文模板）或中文名称（中文模板）；两者及其同义词均可读取。未知的行业词按“其他”处理并列为数据问题。",
     "Drop-down lists offer the codes (English template) or the Chinese labels (Chinese template); both, and their "
     "aliases, are read. An unknown sector word is read as 'other' and listed as a data issue."),
    ("未识别的列会原样保留并带入输出结果，可自由增加列。",
     "Columns the tool does not recognise are kept and carried to the output; add columns freely."),
    ("国家表（一国一策）为可选项，按“国家”列与项目表关联；不需要时可留空或删除。没有债务评级的国家请填“未评级”，不要填“低风险”。",
     "The countries sheet (one policy per country) is optional and is joined to the projects on 'country'; leave it "
     "empty or delete it if not needed. A country without a debt rating is 'not_rated', never 'low'."),
]


def _readme_sheet(ws: Worksheet, lang: str) -> None:
    first, second = (0, 1) if lang == "zh" else (1, 0)
    for i, row in enumerate(_README, start=1):
        for j, text in enumerate((row[first], row[second]), start=1):
            cell = ws.cell(row=i, column=j, value=text)
            cell.data_type = "s"
            cell.alignment = _WRAP_TOP
            if i == 1:
                cell.font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 70


def build_template(lang: str = "en") -> Workbook:
    """The template workbook for ``lang`` (``"en"`` or ``"zh"``), not yet saved."""
    if lang not in SHEET_NAMES:
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    names = SHEET_NAMES[lang]
    wb = Workbook()
    projects = wb.active
    assert projects is not None
    projects.title = names["projects"]
    countries = wb.create_sheet(names["countries"])
    readme = wb.create_sheet(names["readme"])
    lists = _Lists(wb)
    _table_sheet(projects, list(PROJECT_COLUMNS), lang, lists)
    _table_sheet(countries, [COLUMN_BY_NAME["country"], *COUNTRY_COLUMNS], lang, lists)
    _readme_sheet(readme, lang)
    return wb


def write_template(path: str | Path, lang: str = "en") -> None:
    """Write the input template workbook for ``lang`` (``"en"`` or ``"zh"``) to ``path``."""
    build_template(lang).save(Path(path))
