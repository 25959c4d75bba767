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

from screening.i18n import Text, both, join, other_lang, t, text
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME, COUNTRY_COLUMNS, PROJECT_COLUMNS, Column

LABEL_ROW = 1


NOTE_ROW = 2


HEADER_ROW = 3


FIRST_DATA_ROW = 4


LAST_DATA_ROW = 2000


MAX_LIST_CHARS = 255  # Excel's limit on an inline list formula (checked with the quotes included)


LISTS_SHEET = "lists"


SHEET_NAMES = {
    lang: {key: t(f"tpl_sheet_{key}", lang) for key in ("projects", "countries", "readme")}
    for lang in ("en", "zh")
}


_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


_NOTE_FILL = PatternFill("solid", fgColor="EDEDED")


_NOTE_FONT = Font(italic=True, color="595959", size=9)


_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


_AUTHOR = "BRI screening"


_LEVELS = ["0", "1", "2", "3"]


def _code_note(column: Column) -> Text:
    assert column.codes is not None
    codes = CODE_LISTS[column.codes].codes
    return text("tpl_code_note", values=join(Text(zh=c.zh, en=c.code) for c in codes))


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
        code = _code_note(column)
        if zh or en:
            code = join([Text(zh=zh, en=en), code], "sep_items")
        zh, en = code.zh, code.en
    if zh and en:
        return zh, en
    rng = _range_text(column)
    key = f"tpl_kind_{kind}_range" if rng and kind in ("number", "count") else f"tpl_kind_{kind}"
    made = text(key, range=rng) if kind in _MADE else Text(zh="", en="")
    return zh or made.zh, en or made.en


_MADE = ("id", "text", "country", "money", "number", "count", "share", "pct", "year", "bool", "level")


def _header(column: Column, lang: str) -> str:
    """The header: the Chinese label in a Chinese template, the canonical name in an English one."""
    return Text(zh=column.zh, en=column.name).get(lang)


def _other_label(column: Column, lang: str) -> str:
    """Row-1 label in the other language; never equal to a header name, so the reader skips this row."""
    return Text(zh=f"{column.zh} / {column.en}", en=f"{column.en} / {column.name}").get(other_lang(lang))


def _note_text(column: Column, lang: str) -> str:
    note = Text(zh=column_note(column)[0], en=column_note(column)[1])
    lines = [note.get(lang), note.get(other_lang(lang))]
    if column.required:
        lines.insert(0, "* " + both(text("tpl_required"), lang))
    return "\n".join(x for x in lines if x)


def _comment_text(column: Column, lang: str) -> str:
    zh, en = column_note(column)
    head = f"{column.zh} / {column.en} ({column.name})"
    if column.required:
        head = "* " + both(text("tpl_required")) + "\n" + head
    aliases = ", ".join([column.name, column.zh, column.en, *column.aliases])
    parts = [head, zh, en, f"{both(text('tpl_accepted_headers'))}: {aliases}"]
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
        return [Text(zh=c.zh, en=c.code).get(lang) for c in codes]  # Chinese labels, or the codes
    if column.kind == "bool":
        return [t("tpl_yes", lang), t("tpl_no", lang)]
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
                    type="list",
                    formula1=formula,
                    allow_blank=True,
                    showDropDown=False,
                    showErrorMessage=True,
                    errorStyle="warning",
                    errorTitle=both(text("tpl_not_in_list_title")),
                    error=both(text("tpl_not_in_list"), sep="\n"),
                )
                by_formula[formula] = dv
                ws.add_data_validation(dv)
            dv.add(cells)
        elif column.kind == "share" or (
            column.kind == "number" and column.minimum is not None and column.maximum is not None
        ):
            lo = column.minimum if column.minimum is not None else 0.0
            hi = column.maximum if column.maximum is not None else 1.0
            dv = by_range.get((lo, hi))
            if dv is None:
                dv = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1=f"{lo:g}",
                    formula2=f"{hi:g}",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="stop",
                    errorTitle=both(text("tpl_out_of_range_title")),
                    error=both(
                        text(
                            "tpl_out_of_range_share" if column.kind == "share" else "tpl_out_of_range",
                            lo=lo,
                            hi=hi,
                        ),
                        sep="\n",
                    ),
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


README_LINES = 8  # catalogue keys tpl_readme_1 … tpl_readme_8: the README sheet (title, then paragraphs)


def _readme_sheet(ws: Worksheet, lang: str) -> None:
    for i in range(1, README_LINES + 1):
        paragraph = text(f"tpl_readme_{i}")
        for j, said in enumerate((paragraph.get(lang), paragraph.get(other_lang(lang))), start=1):
            cell = ws.cell(row=i, column=j, value=said)
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
