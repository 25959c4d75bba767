"""Export: the ranked workbook planners circulate, annotate and load again (openpyxl, write-only mode).

Sheets, in order (English / Chinese names from :data:`screening.io.schema.SHEETS`): Summary (counts by
outcome, tier, track, traffic light, country; weights; native bar charts), Ranking (one row per ranked
project, with the input columns and the reviewer columns), one view per track, Review, Rationale (continued
on numbered sheets past Excel's row limit), Excluded, Invalid, Data issues, Criteria, Countries (the country
sheet as read, so a re-import scores the same), Audit. ``docs/workbook.md`` explains every sheet and column.

Safe output (DESIGN.md contract 6): text from the input that starts with ``=`` is written as a string cell
(``data_type="s"``), never as a formula, and without an added apostrophe; ``+``, ``-``, ``@``, tab and CR are
plain strings already. Illegal control characters are removed and counted; cells are cut at Excel's 32,767
characters with a visible marker; a sheet that would pass :data:`MAX_ROWS` continues on numbered sheets.

Speed: every sheet is streamed (write-only mode). Table bodies go through :mod:`screening.io.xlsx_stream`
(values cleaned once, column by column; raw row XML, with or without lxml); the cleaning and the
text-never-formula rule live there, the same on its fast and its cell path.

Words: every header, note and label comes from the string catalogue (:mod:`screening.i18n`); colours from
the one palette (:mod:`screening.i18n.palette`, as tints for cell fills). Columns a criteria set adds are named
by the set (its labels in Chinese, its ids in English); its traffic light is found by role.

Length: about 900 lines (ruff format spreads the sheet tables), one function per sheet of a workbook of twelve sheet kinds; the frames are
:mod:`screening.report`'s and the streaming is :mod:`screening.io.xlsx_stream`'s, so what is left is layout.
Splitting it further would put one workbook's sheet order, styles and cross-sheet references (the Summary
links, the Audit counts) in several places.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from screening.criteria.models import ClassifierRole
from screening.i18n import Text, both, has, lang_code, palette, t, text
from screening.i18n.palette import argb, fill, ink
from screening.io import xlsx_stream
from screening.io.schema import (
    DECISION_WORDS,
    DECISIONS,
    DIMENSION_PREFIX,
    RESERVED_HEADERS,
    SHEETS,
    TOOL_NAME,
    decision_word,
    reserved_header,
)
from screening.io.xlsx_stream import MAX_CELL, TRUNCATION_MARK  # noqa: F401  # re-exported (tests, callers)
from screening.model import Result
from screening.pipeline import tool_version
from screening.report import (
    LazyFrame,
    _criteria_columns,
    criteria_frame,
    excluded_frame,
    inferred_frame,
    input_columns,
    invalid_frame,
    ranking_frame,
    rationale_lazy,
    review_frame,
    some_ids,
    source_sheet_of,
    triage,
)
from screening.stages.groups import load_rules as load_group_rules
from screening.stages.rank import TIE_BREAK
from screening.vocab.columns import CODE_LISTS, COLUMN_BY_NAME
from screening.vocab.columns import label as column_label
from screening.vocab.countries import country_name, resolve_country

if TYPE_CHECKING:
    from screening.criteria.models import Classifier
    from screening.criteria.models import Index as CriteriaIndex


MAX_ROWS = 1_048_576  # Excel's rows per sheet (header included); tests monkeypatch it to split sheets


TOOL_COLUMNS = RESERVED_HEADERS  # earlier name, kept for callers


HEADER_FONT = Font(bold=True, color=argb(palette.WHITE))


HEADER_FILL = PatternFill("solid", fgColor=argb(palette.NAVY))


HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")


TITLE_FONT = Font(bold=True, size=14)


BOLD = Font(bold=True)


NOTE_FONT = Font(italic=True, color=argb(palette.NOTE))
ALERT_FONT = Font(bold=True, color=argb(palette.ALERT))  # the thin file's triage


# (cell fill, text colour) per tier and traffic-light value: tints and shades of the app's chart colours.
TIER_COLOURS = {k: (argb(fill(v)), argb(ink(v))) for k, v in palette.TIER.items()}


LIGHT_COLOURS = {k: (argb(fill(v)), argb(ink(v))) for k, v in palette.LIGHT.items()}


KIND_FORMATS = {"money": "#,##0.0", "share": "0.0%", "pct": "0.0", "count": "#,##0", "year": "0"}


SCORE_BANDS = [
    (0, 10),
    (10, 20),
    (20, 30),
    (30, 40),
    (40, 50),
    (50, 60),
    (60, 70),
    (70, 80),
    (80, 90),
    (90, 100.01),
]


# Long text — reasons, sources, notes, problems, evidence — wraps in its cell (read in full, never cut off by
# the next column); a wrapped column's automatic width stops at WRAP_WIDTH characters.
LONG_TEXT = frozenset(
    {
        "reason",
        "reasons",
        "source",
        "sources",
        "details",
        "value",
        "gates",
        "problems",
        "message",
        "evidence",
        "reviewer_note",
        "description",
    }
)
WRAP_WIDTH = 50.0


@dataclass
class _Stats:
    continued_sheets: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    tool_headers: list[str] = field(default_factory=list)


def _tcol(name: str, lang: str) -> str:
    """Header of a column: reserved names from the shared table, input columns by their label in ``lang``."""
    if name in RESERVED_HEADERS:
        return reserved_header(name, lang)
    if name in COLUMN_BY_NAME:  # input columns: canonical name (en) or Chinese label (zh), both read back
        return Text(zh=column_label(name, "zh"), en=name).get(lang)
    if has(f"wb_col_{name}"):
        return t(f"wb_col_{name}", lang)
    return name


def _tool_header(result: Result, name: str, lang: str) -> str:
    """Header of a tool column, including the criteria-defined ones (dimension scores, classifiers, indices)."""
    cs = result.criteria
    if name in RESERVED_HEADERS:
        return reserved_header(name, lang)
    if name.startswith("dim_"):
        dim = next((d for d in cs.dimensions if f"dim_{d.id}" == name), None)
        return Text(zh=DIMENSION_PREFIX["zh"] + (dim.label.zh if dim is not None else name[4:]), en=name).get(
            lang
        )
    items: list[Classifier | CriteriaIndex] = [*cs.classifiers, *cs.indices]
    for item in items:
        if item.id == name:  # a column the criteria set adds: its Chinese label, or its id
            return Text(zh=item.label.zh, en=name).get(lang)
    return _tcol(name, lang)


def _light_column(result: Result) -> str | None:
    """The column of the criteria set's traffic light (its classifier with that role), if it has one."""
    cl = result.criteria.classifier_by_role(ClassifierRole.TRAFFIC_LIGHT)
    return cl.id if cl is not None else None


def _note(name: str, lang: str, light: str | None = None) -> str | None:
    """The cell comment on a header: the catalogue's note (``wb_note_*``; the traffic light's by its role,
    ``light`` being its column), in ``lang`` first; an input column's labels and codes."""
    key = "wb_note_role_traffic_light" if light is not None and name == light else f"wb_note_{name}"
    if has(key):
        return both(text(key), lang, "\n")
    col = COLUMN_BY_NAME.get(name)
    if col is not None:
        head = f"{col.en} / {col.zh}"
        extra = f"{col.note_en} / {col.note_zh}" if col.note_en else ""
        if col.codes and col.kind == "code":
            extra = ", ".join(f"{c.code} = {c.zh}" for c in CODE_LISTS[col.codes].codes)
        return f"{head}\n{extra}".strip()
    return None


class _Writer:
    """Writes frames into write-only sheets with safe cells, styled headers, widths, panes and filters."""

    def __init__(
        self, lang: str, progress: Callable[[str, float], None] | None = None, light: str | None = None
    ) -> None:
        self.wb = Workbook(write_only=True)
        self.lang = lang
        self.light = light  # the traffic-light column (its header note is by role)
        self.stats = _Stats()
        self.cleaner = xlsx_stream.Cleaner()  # counts control characters removed and cells cut
        self.progress = progress or (lambda _s, _p: None)
        self.titles: set[str] = set()

    # ---- values
    def clean(self, value: Any) -> Any:
        return self.cleaner.value(value)

    def _text_cell(self, ws: Worksheet, value: str) -> Cell:
        return xlsx_stream.text_cell(ws, value)  # text, never a formula (contract 6)

    def _cell(self, ws: Worksheet, value: Any) -> Any:
        value = self.clean(value)
        if isinstance(value, str) and value:
            return self._text_cell(ws, value)
        return value

    # ---- sheets
    def sheet(self, key: str, suffix: str = "", title: str | None = None) -> Worksheet:
        base = title if title is not None else (SHEETS[key][self.lang] if key in SHEETS else key)
        name = _legal_title(base[: 31 - len(suffix)].rstrip() + suffix)
        k = 2
        while name.lower() in self.titles:
            name = _legal_title(f"{base[:25]} ~{k}{suffix}")
            k += 1
        self.titles.add(name.lower())
        ws = xlsx_stream.new_sheet(self.wb, name)
        self.stats.sheets.append(name)
        return ws

    def header(self, ws: Worksheet, headers: list[str], notes: list[str | None] | None = None) -> None:
        cells = []
        for i, h in enumerate(headers):
            c = WriteOnlyCell(ws, value=self.clean(h))
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = HEADER_ALIGN
            c.data_type = "s"
            note = notes[i] if notes else None
            if note:
                c.comment = Comment(note, TOOL_NAME, height=140, width=320)
            cells.append(c)
        ws.append(cells)

    def table(
        self,
        key: str,
        frame: pd.DataFrame | LazyFrame,
        headers: list[str] | None = None,
        widths: dict[str, float] | None = None,
        number_formats: dict[str, str] | None = None,
        notes: dict[str, str | None] | None = None,
        title: str | None = None,
        freeze: str | None = None,
        after: Callable[[Worksheet, int, list[str]], None] | None = None,
        wrap: Iterable[str] = LONG_TEXT,
    ) -> list[Worksheet]:
        """Write a frame (continuing on numbered sheets past Excel's row limit); return the sheets written.
        The text of the columns named in ``wrap`` (by default :data:`LONG_TEXT`) wraps: read in full."""
        names = list(frame.columns)
        wrap_at = {i for i, n in enumerate(names) if n in set(wrap)}
        headers = headers or [_tcol(c, self.lang) for c in names]
        per_sheet = MAX_ROWS - 1
        chunks = max(1, math.ceil(len(frame) / per_sheet))
        sheets: list[Worksheet] = []
        base = title if title is not None else (SHEETS[key][self.lang] if key in SHEETS else key)
        sample = frame.head(200)
        for k in range(chunks):
            a, b = k * per_sheet, min(len(frame), (k + 1) * per_sheet)
            pieces = frame.slices(a, b) if isinstance(frame, LazyFrame) else iter([frame.iloc[a:b]])
            n_part = b - a
            ws = self.sheet(key, "" if k == 0 else f" ({k + 1})", title=title)
            sheets.append(ws)
            if k:
                self.stats.continued_sheets.append(ws.title)
            self._layout(ws, names, headers, sample, n_part, widths or {}, freeze, wrap_at)
            col_notes = [(notes or {}).get(n, _note(n, self.lang, self.light)) for n in names]
            if chunks > 1:
                col_notes[0] = both(
                    text(
                        "wb_note_continued",
                        first=k * per_sheet + 1,
                        last=k * per_sheet + n_part,
                        total=len(frame),
                        base=base,
                        chunks=chunks,
                    ),
                    self.lang,
                    "\n",
                )
            self.header(ws, headers, col_notes)
            fmts = {i: f for i, c in enumerate(names) if (f := (number_formats or {}).get(c))}
            for piece in pieces:
                self.body(ws, piece, fmts, wrap_at)
            if after is not None:
                after(ws, n_part, names)
        return sheets

    def _layout(
        self,
        ws: Worksheet,
        names: list[str],
        headers: list[str],
        sample: pd.DataFrame,
        n_rows: int,
        widths: dict[str, float],
        freeze: str | None,
        wrap_at: set[int] | None = None,
    ) -> None:
        ws.freeze_panes = freeze or ("B2" if names and names[0] == "project_id" else "A2")
        last = get_column_letter(max(1, len(names)))
        ws.auto_filter.ref = f"A1:{last}{n_rows + 1}"
        _print_setup(ws)
        for i, (name, head) in enumerate(zip(names, headers, strict=True), start=1):
            if name in widths:
                width = widths[name]
            else:
                col = sample.iloc[:, i - 1]
                lens = col.map(
                    lambda v: 0 if v is None or (isinstance(v, float) and math.isnan(v)) else len(str(v))
                )
                body = float(lens.quantile(0.9)) * 1.1 if len(lens) else 8.0
                head_w: float = max(len(w) for w in str(head).split()) if str(head).split() else 8
                head_w = head_w * (1.9 if not str(head).isascii() else 1.15) + 2
                # a wrapped column needs no room for its longest text: it grows downwards
                width = min(WRAP_WIDTH if wrap_at and i - 1 in wrap_at else 60.0, max(8.0, head_w, body))
            ws.column_dimensions[get_column_letter(i)].width = width

    def body(
        self, ws: Worksheet, part: pd.DataFrame, fmts: dict[int, str], wrap_at: set[int] | None = None
    ) -> None:
        """Append the rows of ``part`` below the header (cleaned once; fast raw-XML stream where possible),
        the text of the columns at ``wrap_at`` wrapped."""
        xlsx_stream.write_body(ws, part, fmts, self.cleaner, wrap=wrap_at or frozenset())

    def rows(self, ws: Worksheet, rows: Iterable[Iterable[Any]]) -> None:
        for r in rows:
            ws.append([v if isinstance(v, Cell) else self._cell(ws, v) for v in r])

    def styled(
        self,
        ws: Worksheet,
        value: Any,
        font: Font | None = None,
        fmt: str | None = None,
        fill: PatternFill | None = None,
    ) -> Cell:
        c = WriteOnlyCell(ws, value=self.clean(value))
        if isinstance(c.value, str):
            c.data_type = "s"
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if fmt is not None:
            c.number_format = fmt
        return c

    def head_row(self, ws: Worksheet, values: list[Any]) -> list[Cell]:
        return [self.styled(ws, v, HEADER_FONT, fill=HEADER_FILL) for v in values]

    def keyvalue(self, key: str, title: str, rows: Iterable[tuple[str, Any]]) -> None:
        ws = self.sheet(key)
        ws.column_dimensions["A"].width = 36
        ws.column_dimensions["B"].width = 80
        _print_setup(ws, landscape=False)
        ws.append([self.styled(ws, title, TITLE_FONT)])
        ws.append([])
        ws.append(self.head_row(ws, [t("wb_kv_key", self.lang), t("wb_kv_value", self.lang)]))
        for k, v in rows:
            ws.append([self._cell(ws, k), self._cell(ws, v)])


def _print_setup(ws: Worksheet, landscape: bool = True) -> None:
    """Landscape, fit to one page wide, header row repeated on every printed page."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _legal_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    title = xlsx_stream.XML_ILLEGAL_RE.sub("", title)
    return title.strip("'")[:31].strip() or "Sheet"


def _quoted(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


def _code_labels(frame: pd.DataFrame, lang: str, result: Result | None = None) -> pd.DataFrame:
    """With ``lang='zh'``, code cells show their Chinese labels (the reader accepts both): code-list columns,
    levels (0–3 by name), the criteria set's classifier values (traffic light, 五通 part by part, field
    type), the positive list's categories and yes/no cells as 是/否. English
    keeps codes. Each column is mapped once per distinct value (a vectorised ``Series.map``)."""
    if lang_code(lang) == "en":
        return frame
    out = frame.copy()
    classifiers = {c.id: c for c in result.criteria.classifiers} if result is not None else {}
    positive = {c.id: c.label.get(lang) for c in result.criteria.positive_list} if result is not None else {}
    yes_no = {True: t("fmt_yes", lang), False: t("fmt_no", lang)}  # the formatter's words
    for name in out.columns:
        col = COLUMN_BY_NAME.get(name)
        list_name = (
            col.codes
            if col is not None and col.kind == "code"
            else ("tier" if name == "tier" else "track" if name == "track" else None)
        )
        table: dict[Any, str] | None = None
        multi = False  # values of several codes joined with ';' (a tags classifier, the positive list)
        if list_name:
            table = {c.code: c.zh for c in CODE_LISTS[list_name].codes}
        elif col is not None and col.kind == "level" and col.codes:  # a level 0–3 by its name (read back)
            table = {float(c.code): c.zh for c in CODE_LISTS[col.codes].codes}
        elif name in classifiers:
            table = {k: v.get(lang) for k, v in classifiers[name].values.items()}
            multi = bool(classifiers[name].tags)
        elif name == "positive_list":
            table, multi = positive, True
        elif (col is not None and col.kind == "bool") or out[name].dtype == bool:
            table = yes_no
        if table:
            series = out[name].astype(object)
            if multi:
                sep, words = t("sep_items", lang), table
                uniq = {
                    v: sep.join(words.get(p, p) for p in v.split(";") if p) for v in series.dropna().unique()
                }
                mapped = series.map(uniq)
            else:
                mapped = series.map(table)
            out[name] = mapped.where(mapped.notna(), series)
    return out


def _country_names(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """With ``lang='zh'``, the country column shows the country's Chinese name and its ISO3 code moves to a
    column of its own beside it (``iso3``, a reserved column the reader drops; the name reads back as the
    same country). English keeps the codes (the record sheets' contract). A value that is no known country
    stays as written, with no code."""
    if lang_code(lang) == "en" or "country" not in frame.columns:
        return frame
    raw = frame["country"].astype(object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    iso = [resolve_country(u) for u in uniques]
    names = np.array([country_name(c, lang) if c else u for c, u in zip(iso, uniques, strict=True)] + [None])
    isos = np.array([*iso, None], dtype=object)
    out = frame.copy()
    out["country"] = names.astype(object)[codes]
    at = list(out.columns).index("country") + 1
    out.insert(at, "iso3", isos[codes])
    return out


def _id_name_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in the order project id, project name, then the rest (re-import reads by header)."""
    lead = [c for c in ("project_id", "project_name") if c in frame.columns]
    if len(lead) < 2 or list(frame.columns[:2]) == lead:
        return frame
    return frame[[*lead, *(c for c in frame.columns if c not in lead)]]


def _track_labels(result: Result, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Track ids → the criteria set's track labels in ``lang`` (the labels the track sheets are named by)."""
    if "track" not in frame.columns or lang_code(lang) == "en":  # English sheets keep the track ids
        return frame
    labels: dict[str, str] = {t.id: t.label.get(lang) for t in result.criteria.tracks}
    out = frame.copy()
    out["track"] = out["track"].map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
    return out


def _input_formats(names: Iterable[str]) -> dict[str, str]:
    out = {}
    for n in names:
        col = COLUMN_BY_NAME.get(n)
        if col is not None and col.kind in KIND_FORMATS:
            out[n] = KIND_FORMATS[col.kind]
    return out


def _ranking_formatting(ws: Worksheet, n: int, names: list[str], result: Result, lang: str) -> None:
    """Conditional formatting (data bar on score, tier and traffic-light colours) and the decision drop-down."""
    if n == 0:
        return
    last = n + 1

    def col(name: str) -> str | None:
        return get_column_letter(names.index(name) + 1) if name in names else None

    if (c := col("score")) is not None:
        ws.conditional_formatting.add(
            f"{c}2:{c}{last}",
            DataBarRule(
                start_type="num", start_value=0, end_type="num", end_value=100, color=argb(palette.SCORE_BAR)
            ),
        )
    for name in names:
        if name.startswith("dim_"):
            c = col(name)
            ws.conditional_formatting.add(
                f"{c}2:{c}{last}",
                DataBarRule(
                    start_type="num",
                    start_value=0,
                    end_type="num",
                    end_value=100,
                    color=argb(palette.DIMENSION_BAR),
                ),
            )
    if (c := col("tier")) is not None:
        for tier, (cell_fill, font) in TIER_COLOURS.items():
            shown = Text(zh=CODE_LISTS["tier"].label(tier, "zh"), en=tier).get(lang)  # as the cells show it
            ws.conditional_formatting.add(
                f"{c}2:{c}{last}",
                CellIsRule(
                    operator="equal",
                    formula=[_quoted(shown)],
                    fill=PatternFill("solid", fgColor=cell_fill),
                    font=Font(color=font),
                ),
            )
    light = _light_column(result)
    if light is not None and (c := col(light)) is not None:
        for value, (cell_fill, font) in LIGHT_COLOURS.items():
            ws.conditional_formatting.add(
                f"{c}2:{c}{last}",
                FormulaRule(
                    formula=[f'${c}2="{value}"'],
                    fill=PatternFill("solid", fgColor=cell_fill),
                    font=Font(color=font),
                ),
            )
    if (c := col("flags")) is not None:
        ws.conditional_formatting.add(
            f"{c}2:{c}{last}",
            FormulaRule(
                formula=[f"LEN(${c}2)>0"], fill=PatternFill("solid", fgColor=argb(palette.FLAG_FILL))
            ),
        )
    if (c := col("completeness")) is not None:
        ws.conditional_formatting.add(
            f"{c}2:{c}{last}",
            CellIsRule(operator="lessThan", formula=["0.5"], font=Font(color=argb(palette.ALERT), bold=True)),
        )
    _decision_dropdown(ws, col("reviewer_decision"), last, lang)


def _decision_dropdown(ws: Worksheet, c: str | None, last: int, lang: str = "en") -> None:
    if c is None or last < 2:
        return
    title = reserved_header("reviewer_decision", "en")
    prompt = (
        " / ".join(en for en, _ in DECISIONS.values())
        + " — "
        + " / ".join(zh for _, zh in DECISIONS.values())
    )
    dv = DataValidation(
        type="list",
        formula1=_quoted(",".join(DECISION_WORDS)),
        allow_blank=True,
        showDropDown=False,
        errorStyle="warning",
        showErrorMessage=True,
        promptTitle=title,
        prompt=prompt,
        errorTitle=title,
        error=t("wb_decision_error", lang),
    )
    dv.add(f"{c}2:{c}{last}")
    ws.data_validations.append(dv)


def _summary(w: _Writer, ws: Worksheet, result: Result, lang: str, rat_rows: int, voi: Any = None) -> None:
    cs = result.criteria

    def say(key: str, **fmt: Any) -> str:
        return t(key, lang, **fmt)

    counts = result.counts()
    ranked = result.ranked
    for letter, width in zip("ABCDEF", (40, 12, 12, 12, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    _print_setup(ws, landscape=False)
    row = 0

    def add(values: list[Any]) -> int:
        nonlocal row
        ws.append(values)
        row += 1
        return row

    add([w.styled(ws, both(text("wb_summary_title"), lang), TITLE_FONT)])
    made = f"{cs.title.get(lang)} ({cs.id} {cs.version}) · {result.input.name} · {result.made_at}"
    add([w.styled(ws, made, NOTE_FONT)])
    add([w.styled(ws, say("wb_summary_how"), NOTE_FONT)])
    add([])
    tri = triage(result)
    if tri.thin:  # said first, before any count or ranking (issue 14 item 6)
        _triage_rows(w, ws, add, tri, voi, lang)
    charts: list[tuple[str, int, int, str]] = []  # (title, first data row, last data row, y title)

    def block(
        title: str, items: list[tuple[str, Any]], share_of: int | None, chart: str | None = None
    ) -> None:
        head = [title, say("wb_count")] + ([say("wb_share")] if share_of is not None else [])
        first = add(w.head_row(ws, head)) + 1
        for label, value in items:
            cells: list[Any] = [w._cell(ws, label), value]
            if share_of is not None:
                cells.append(w.styled(ws, value / share_of if share_of else 0, fmt="0.0%"))
            add(cells)
        if chart and items:
            charts.append((chart, first, row, say("wb_projects")))
        add([])

    records = counts["records"]
    block(
        say("wb_outcome"),
        [
            (say("wb_records_read"), records),
            *[(say(f"wb_outcome_{k}"), counts[k]) for k in ("ranked", "excluded", "invalid")],
        ],
        records,
    )
    add([w._cell(ws, say("wb_data_issues")), int((result.issues["severity"] == "data").sum())])
    add([])
    n_ranked = len(ranked)
    tiers = ranked["tier"].value_counts()
    tier_ids = [*(t.id for t in cs.tiers), "insufficient_data"]
    tier_label: dict[str, str] = {t.id: t.label.get(lang) for t in cs.tiers}
    block(
        say("wb_tier_block"),
        [(tier_label.get(t) or CODE_LISTS["tier"].label(t, lang), int(tiers.get(t, 0))) for t in tier_ids],
        n_ranked,
        say("wb_tier_chart"),
    )
    scores = ranked["score"].to_numpy(dtype=float)
    bands = [
        (f"{lo:g}–{min(hi, 100):g}", int(((scores >= lo) & (scores < hi)).sum())) for lo, hi in SCORE_BANDS
    ]
    block(say("wb_score_distribution"), bands, n_ranked, say("wb_score_distribution"))
    tracks = ranked["track"].value_counts()
    block(
        say("wb_track_block"),
        [(t.label.get(lang), int(tracks.get(t.id, 0))) for t in cs.tracks],
        n_ranked,
        say("wb_track_chart"),
    )
    light = _light_column(result)
    if light is not None and light in ranked.columns:
        lights = ranked[light].value_counts()
        lights = lights[lights > 0]  # a categorical column counts its unused categories too
        order = [x for x in palette.LIGHT if x in lights.index] + [
            x for x in lights.index if x not in palette.LIGHT
        ]
        cl = next(c for c in cs.classifiers if c.id == light)
        words = {k: v.get(lang) for k, v in cl.values.items()}  # the light by its words, never its code
        block(
            say("wb_role_traffic_light_block"),
            [(words.get(str(x), str(x)), int(lights.get(x, 0))) for x in order],
            n_ranked,
        )
    rev = getattr(result.input, "reviews", None)
    if rev is not None and len(rev):
        dec = rev["reviewer_decision"].value_counts()
        block(
            say("wb_reviews_block"),
            [(str(decision_word(k, lang)), int(v)) for k, v in dec.items()]
            + [(say("wb_none"), int(rev["reviewer_decision"].isna().sum()))],
            len(rev),
        )
    # Weights used.
    weights = result.weights
    dim_w = {d.id: weights.dimensions.get(d.id, d.weight) for d in cs.dimensions}
    total = sum(dim_w.values()) or 1
    add(w.head_row(ws, [say("wb_weights_block"), say("wb_weight_pct"), say("wb_criteria_count")]))
    add([w._cell(ws, f"{cs.title.get(lang)} — {cs.id} {cs.version}")])
    for d in cs.dimensions:
        add(
            [
                w._cell(ws, d.label.get(lang)),
                w.styled(ws, round(dim_w[d.id] / total * 100, 2), fmt="0.0"),
                len(d.criteria),
            ]
        )
    add([w._cell(ws, say("wb_missing_policy", policy=cs.missing_policy))])
    add([w._cell(ws, say("wb_tie_break", order=", ".join(TIE_BREAK)))])
    if w.stats.continued_sheets:
        add([w._cell(ws, say("wb_continued_on", sheets=", ".join(w.stats.continued_sheets), rows=rat_rows))])
    add([])
    # Countries (all outcomes).
    rec = result.records
    by = pd.crosstab(rec["country"].fillna("?"), rec["outcome"])
    for k in ("ranked", "excluded", "invalid"):
        if k not in by.columns:
            by[k] = 0
    by["total"] = by[["ranked", "excluded", "invalid"]].sum(axis=1)
    mean = ranked.groupby(ranked["country"].astype(object).fillna("?"))["score"].mean()
    by = by.sort_values(["total", "ranked"], ascending=False, kind="stable")
    add(
        w.head_row(
            ws,
            [
                say(k)
                for k in ("wb_country", "wb_ranked", "wb_excluded", "wb_invalid", "wb_total", "wb_mean_score")
            ],
        )
    )
    for iso, r in by.iterrows():
        name = say("wb_not_recognised") if iso == "?" else f"{country_name(str(iso), lang)} ({iso})"
        m = mean.get(iso)
        add(
            [
                w._cell(ws, name),
                int(r["ranked"]),
                int(r["excluded"]),
                int(r["invalid"]),
                int(r["total"]),
                w.styled(ws, round(float(m), 2), fmt="0.00") if m is not None and m == m else None,
            ]
        )
    # Native charts referencing the cells above.
    for n_chart, (title, first, last, ytitle) in enumerate(charts):
        chart = BarChart()
        chart.type = "col"
        chart.title = title
        chart.y_axis.title = ytitle
        chart.legend = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.height, chart.width = 7.5, 14
        ws.add_chart(chart, f"H{2 + n_chart * 16}")


def _triage_rows(
    w: _Writer, ws: Worksheet, add: Callable[[list[Any]], int], tri: Any, voi: Any, lang: str
) -> None:
    """The thin file's triage at the top of the Summary: the warning, excluded / flagged / needs data with
    their counts and ids, and the columns to collect first (``voi``, when given)."""
    add([w.styled(ws, t("triage_title", lang), ALERT_FONT)])
    add([w.styled(ws, tri.headline().get(lang), ALERT_FONT)])
    add([w.styled(ws, tri.why().get(lang), NOTE_FONT)])
    for _key, line, ids in tri.groups():
        add([w._cell(ws, line.get(lang)), len(ids)])
        if ids:
            add([w._cell(ws, some_ids(ids, 40).get(lang))])
    add([w._cell(ws, tri.judged_line().get(lang)), tri.judged])
    if voi is not None:
        add([w.styled(ws, t("triage_collect_title", lang), ALERT_FONT)])
        for line in voi.file_lines(8):
            add([w._cell(ws, line.get(lang))])
        if not voi.decides_any():
            add([w._cell(ws, t("triage_collect_none", lang))])
        add([w.styled(ws, t("voi_held_fixed", lang), NOTE_FONT)])
    add([])


def _review_sheet(w: _Writer, result: Result, lang: str) -> None:
    frame = review_frame(result, lang)
    ws = w.sheet("review")
    names = list(frame.columns)
    headers = [_tcol(c, lang) for c in names]
    w._layout(
        ws, names, headers, frame.head(200), len(frame), {"reviewer_note": 50.0, "project_name": 36.0}, "A2"
    )
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(frame) + 1}"
    previous = both(text("wb_note_previous"), "zh", "\n")  # Chinese first in either language, as always
    notes = [previous if c.startswith("previous_") else _note(c, lang) for c in names]
    w.header(ws, headers, notes)
    fmts = {i: f for i, c in enumerate(names) if (f := {"previous_score": "0.00", "score": "0.00"}.get(c))}
    w.body(ws, frame, fmts)
    ws.append([])
    rev = getattr(result.input, "reviews", None)
    if rev is None or not len(rev):
        ws.append([w.styled(ws, t("wb_no_reviews", lang), NOTE_FONT)])
        return
    ws.append(
        w.head_row(
            ws,
            [
                t(k, lang)
                for k in ("wb_decision", "wb_count", "wb_now_ranked", "wb_now_excluded", "wb_now_invalid")
            ],
        )
    )
    outcome = rev["row_key"].map(result.records.set_index("row_key")["outcome"])
    decisions = rev["reviewer_decision"].fillna("")
    for code in [*DECISIONS, *sorted(set(decisions) - set(DECISIONS) - {""}), ""]:
        mask = decisions == code
        label = decision_word(code, lang) if code else t("wb_none", lang)
        ws.append(
            [
                w._cell(ws, label),
                int(mask.sum()),
                *[int((mask & (outcome == o)).sum()) for o in ("ranked", "excluded", "invalid")],
            ]
        )


def write_workbook(
    result: Result,
    out: str | Path | IO[bytes],
    lang: str = "en",
    progress: Callable[[str, float], None] | None = None,
    extra_sheets: Iterable[Any] = (),
    voi: Any = None,
    committee: Any = None,
    board: Any = None,
) -> dict[str, Any]:
    """Write the ranked workbook; return stats (control characters removed, cells truncated, sheets continued).

    ``voi``: a :class:`screening.analysis.value_of_information.ValueOfInformation` of the run, whose columns
    to collect first the Summary's triage lists (a thin file's triage is written with or without it).

    ``extra_sheets``: objects with ``title(lang)`` and ``frame`` (e.g. :class:`screening.analysis.ExtraSheet`:
    Portfolio, Sensitivity), written before Audit; they are never read back on re-import.
    """
    w = _Writer(lang, progress, _light_column(result))
    say = w.progress
    counts = result.counts()
    cs = result.criteria
    summary_ws = w.sheet("summary")  # filled last (write-only sheets stream independently)
    # Ranking
    say("export: ranking", 0.1)
    rank_raw = ranking_frame(result, lang)
    classifiers, dims, idx = _criteria_columns(result)
    inputs = set(input_columns(result)) - {"project_id"}
    tool_cols = [c for c in rank_raw.columns if c not in inputs and c != "project_id"] + ["iso3"]
    rank_frame = _id_name_first(
        _country_names(_code_labels(_track_labels(result, rank_raw, lang), lang, result), lang)
    )
    rank_headers = [
        _tool_header(result, c, lang) if c in tool_cols else _tcol(c, lang) for c in rank_frame.columns
    ]
    w.stats.tool_headers.extend(
        h for c, h in zip(rank_frame.columns, rank_headers, strict=True) if c in tool_cols
    )
    fmts = {
        "score": "0.00",
        "completeness": "0%",
        **{d: "0.0" for d in dims},
        **{i: "0.0" for i in idx},
        "project_group_total_usd_m": KIND_FORMATS["money"],  # the group's records together (stages.groups)
        **_input_formats(rank_frame.columns),
    }
    w.table(
        "ranking",
        rank_frame,
        headers=rank_headers,
        number_formats=fmts,
        widths={"reviewer_decision": 14.0, "reviewer_note": 30.0, "project_name": 36.0, "description": 50.0},
        after=lambda ws, n, names: _ranking_formatting(ws, n, names, result, lang),
    )
    # One view per track.
    say("export: tracks", 0.2)
    view_cols = [
        "rank_in_track",
        "rank",
        "project_id",
        "project_name",
        "country",
        "iso3",
        "sector",
        "total_investment_usd_m",
        "score",
        "tier",
        *classifiers,
        "flags",
        "completeness",
        *dims,
    ]
    view_cols = [c for c in view_cols if c in rank_frame.columns]
    view_headers = [_tool_header(result, c, lang) for c in view_cols]
    for track in cs.tracks:
        part = rank_frame[rank_raw["track"].to_numpy() == track.id].sort_values(
            "rank_in_track", kind="stable"
        )[view_cols]
        w.table(
            track.id,
            part,
            headers=view_headers,
            number_formats=fmts,
            title=track.label.get(lang),
            freeze="D2",
            widths={"project_name": 36.0},
            after=lambda ws, n, names: _ranking_formatting(ws, n, names, result, lang),
        )
    _review_sheet(w, result, lang)
    say("export: rationale", 0.3)
    rat = rationale_lazy(result, lang, lambda share: say("export: rationale", 0.3 + 0.5 * share))
    w.table(
        "rationale",
        rat,
        widths={"reason": 70.0, "criterion": 30.0, "value": 40.0, "source": 28.0, "dimension": 24.0},
        number_formats={"weight": "0.00", "contribution": "0.00"},
    )
    say("export: excluded", 0.8)
    ex = _id_name_first(_country_names(_code_labels(excluded_frame(result, lang), lang, result), lang))
    ex_tool = {"exclusion", "gates", "reasons", "sources", "reviewer_decision", "reviewer_note"}
    w.stats.tool_headers.extend(_tcol(c, lang) for c in ex.columns if c in ex_tool)
    w.table(
        "excluded",
        ex,
        widths={"reasons": 60.0, "gates": 30.0, "sources": 30.0, "reviewer_note": 30.0},
        number_formats=_input_formats(ex.columns),
        after=lambda ws, n, names: _decision_dropdown(
            ws, get_column_letter(names.index("reviewer_decision") + 1), n + 1, lang
        ),
    )
    inv = _id_name_first(invalid_frame(result, lang))  # the project's name beside its id
    inv_tool = {
        "source_sheet",
        "source_row",
        "problem_columns",
        "problem_values",
        "problems",
        "reviewer_decision",
        "reviewer_note",
    }
    w.stats.tool_headers.extend(_tcol(c, lang) for c in inv.columns if c in inv_tool)
    w.table(
        "invalid",
        inv,
        widths={"problems": 60.0, "reviewer_note": 30.0},
        after=lambda ws, n, names: _decision_dropdown(
            ws, get_column_letter(names.index("reviewer_decision") + 1), n + 1, lang
        ),
    )
    iss = result.issues
    w.table(
        "issues",
        pd.DataFrame(
            {
                "source_sheet": source_sheet_of(
                    result.input, iss["row_key"].to_numpy(), iss["source_sheet"].to_numpy()
                ),
                "source_row": iss["source_row"],
                "project_id": iss["project_id"],
                "column": iss["column"],
                "value": iss["value"],
                "message": iss[f"message_{lang_code(lang)}"],
                "severity": iss["severity"]
                .map({s: t(f"wb_severity_{s}", lang) for s in ("invalid", "data")})
                .fillna(iss["severity"]),
            }
        ),
        widths={"message": 70.0},
    )
    w.table(
        "criteria",
        criteria_frame(result, lang),
        widths={"details": 70.0, "label": 40.0, "source": 50.0},
        after=None
        if committee is None
        else lambda ws, _n, _names: _weights_block(w, ws, committee, cs, lang),
    )
    if result.input.countries is not None:
        cframe = _country_names(_code_labels(result.input.countries.frame, lang, result), lang)
        w.table("countries", cframe, headers=[_tcol(c, lang) for c in cframe.columns])
    if result.inference.on:
        w.table("inferred", inferred_frame(result, lang), widths={"evidence": 90.0, "column": 24.0})
    for extra in extra_sheets:
        w.table(extra.title(lang), extra.frame, title=extra.title(lang), widths={})
    stats = w.stats
    _summary(w, summary_ws, result, lang, len(rat), voi)
    audit = [
        ("tool", TOOL_NAME),
        ("tool_version", tool_version()),
        ("criteria_id", cs.id),
        ("criteria_version", cs.version),
        ("criteria_sha256", result.criteria_sha256 or "—"),
        ("criteria_fingerprint", result.criteria_fingerprint),
        ("input_file", result.input.name),
        ("input_sha256", result.input.sha256),
        ("input_sheet", result.input.projects.sheet),
        ("header_row", result.input.projects.header_row),
        ("input_is_exported_workbook", "yes" if result.input.exported else "no"),
        ("inference", "on" if result.inference.on else "off"),
        ("inference_rules_version", result.inference.version or "—"),
        ("inference_rules_sha256", result.inference.sha256 or "—"),
        ("inferred_values", result.inference.filled),
        ("project_group_rules_version", load_group_rules().version),
        ("records_read", counts["records"]),
        ("ranked", counts["ranked"]),
        ("excluded", counts["excluded"]),
        ("invalid", counts["invalid"]),
        ("data_issues", int((result.issues["severity"] == "data").sum())),
        ("reviews_carried", _reviews_carried(result)),
        ("rationale_rows", len(rat)),
        ("missing_policy", cs.missing_policy),
        *_country_sheet_audit(result),
        ("tie_break", ", ".join(TIE_BREAK)),
        ("made_at", result.made_at),
        ("language", lang),
        ("control_characters_removed", w.cleaner.control_chars_removed),
        ("cells_truncated", w.cleaner.cells_truncated),
        ("continued_sheets", ", ".join(stats.continued_sheets) or "none"),
        ("sheets", "; ".join([*stats.sheets, SHEETS["audit"][lang]])),
        ("tool_columns", "; ".join(dict.fromkeys(stats.tool_headers))),
        *_weights_audit(committee, board),
    ]
    w.keyvalue("audit", both(text("sheet_audit"), lang), audit)
    say("export: saving", 0.95)
    w.wb.save(out)
    return {
        "control_characters_removed": w.cleaner.control_chars_removed,
        "cells_truncated": w.cleaner.cells_truncated,
        "continued_sheets": stats.continued_sheets,
        "sheets": [*stats.sheets],
    }


def _scope_name(scope: str | None, cs: Any, lang: str) -> str:
    if scope is None:
        return t("cm_scope_dimensions", lang)
    label = next((d.label for d in cs.dimensions if d.id == scope), None)
    return t("cm_scope_criteria", lang, dimension=label.get(lang) if label is not None else scope)


def _cr(p: Any) -> str | float:
    return "—" if p.cr is None else round(p.cr, 4)


def _weights_block(w: _Writer, ws: Worksheet, committee: Any, cs: Any, lang: str) -> None:
    """Below the Criteria table, when weights files were given: each scope's weights — group, spread, each
    reviewer's — how the group was made, who lies furthest, then every file's provenance."""
    from screening.criteria.elicitation import warnings_of

    w.rows(ws, [[]])
    ws.append([w.styled(ws, t("wb_weights_title", lang), TITLE_FONT)])
    for g in committee.scopes:
        w.rows(ws, [[], [_scope_name(g.dimension, cs, lang)], [g.rule_text().get(lang)]])
        names = [r.by for r in g.reviewers]
        head = [t(k, lang) for k in ("wb_w_item", "wb_w_group", "wb_w_low", "wb_w_high", "wb_w_sd")]
        ws.append(w.head_row(ws, [*head, *names]))
        rows = []
        for item in g.items:
            sp = g.spread[item]
            own = [round(r.content.weights[item], 4) for r in g.reviewers]
            rows.append(
                [item, round(g.group[item], 4), round(sp.low, 4), round(sp.high, 4), round(sp.sd, 4), *own]
            )
        w.rows(ws, rows)
        if (far := g.furthest_text()) is not None:
            w.rows(ws, [[far.get(lang)]])
    w.rows(ws, [[], [t("wb_w_provenance", lang)]])
    head = [t(k, lang) for k in ("wb_w_scope", "wb_w_by", "wb_w_method", "wb_w_date", "wb_w_cr", "wb_w_file")]
    ws.append(w.head_row(ws, [*head, t("wb_w_sha", lang), t("wb_w_warning", lang)]))
    rows = []
    for g in committee.scopes:
        for r in g.reviewers:
            p = r.content.provenance
            said = " ".join(x.get(lang) for x in warnings_of(p))
            scope = _scope_name(g.dimension, cs, lang)
            rows.append([scope, r.by, p.method, str(p.date), _cr(p), Path(r.file).name, r.sha256, said])
    w.rows(ws, rows)


def _weights_audit(committee: Any, board: Any) -> list[tuple[str, object]]:
    """Audit lines of the weights files (none when no weights file was given: the Audit is unchanged)."""
    if committee is None:
        return []
    out: list[tuple[str, object]] = []
    for g in committee.scopes:
        scope = g.dimension or "dimensions"
        for r in g.reviewers:
            p = r.content.provenance
            lam = "—" if p.lambda_max is None else f"{p.lambda_max:.4f}"
            out.append(
                (
                    f"weights_file[{scope}]",
                    f"{Path(r.file).name} sha256 {r.sha256}; by {p.by}; method {p.method}; date {p.date}; "
                    f"lambda_max {lam}; CR {_cr(p)}",
                )
            )
        out.append((f"weights_rule[{scope}]", g.rule))
        out.append((f"weights_group[{scope}]", "; ".join(f"{k}={v:.4f}" for k, v in g.group.items())))
        spread = "; ".join(f"{k}={s.low:.2f}-{s.high:.2f} sd {s.sd:.2f}" for k, s in g.spread.items())
        out.append((f"weights_spread[{scope}]", spread))
        if g.furthest is not None:
            out.append((f"weights_furthest[{scope}]", f"{g.furthest} (L1 {g.distance[g.furthest]:.2f})"))
    if board is not None:
        for k, v in board.meta().items():
            out.append((f"committee_{k}", v))
    return out


def _country_sheet_audit(result: Result) -> list[tuple[str, object]]:
    """Audit lines: whether the shipped country sheet was used, its version and as-of date."""
    val = result.validated
    if val.country_sheet_sha256 is None:
        return [("country_sheet", "not used")]
    used = val.country_sources
    n = 0 if used is None else int((~used["source_id"].astype(str).str.startswith("input:")).sum())
    return [
        ("country_sheet", f"shipped, {n} values used"),
        ("country_sheet_sha256", val.country_sheet_sha256),
        ("country_sheet_as_of", val.country_sheet_as_of or "—"),
    ]


def _reviews_carried(result: Result) -> int:
    rev = getattr(result.input, "reviews", None)
    if rev is None:
        return 0
    return int((rev["reviewer_decision"].notna() | rev["reviewer_note"].notna()).sum())


def workbook_bytes(
    result: Result, lang: str = "en", progress: Callable[[str, float], None] | None = None, voi: Any = None
) -> bytes:
    buf = BytesIO()
    write_workbook(result, buf, lang, progress, voi=voi)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------- CSV for reading

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number written as text ("-5", "+1.5", "-2e3"): a spreadsheet program reads it as that
# number, never as a formula, so it stays as it is (a negative amount is data). "-2+3", "-1,234" or "-inf" are
# not plain numbers and get the apostrophe.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet program would run as a formula (starting with ``= + - @``, tab or CR)
    gets a leading ``'`` (OWASP, CSV injection). Numbers (and text that is a plain decimal number, such as
    ``-5``) stay as they are, blanks stay blank; any other object is neutralised as the text the CSV writer
    would write for it."""
    if value is None or isinstance(value, bool | int | float | complex | np.number | np.bool_):
        return value
    if value is pd.NA or value is pd.NaT:
        return value
    said = value if isinstance(value, str) else str(value)
    if said.startswith(FORMULA_LEADS) and not _PLAIN_NUMBER.fullmatch(said):
        return "'" + said
    return value


def csv_for_reading(frame: pd.DataFrame) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM, for Excel) with formula-leading text neutralised, header
    included. Such a CSV is for reading, not for loading again: the .xlsx keeps plain string cells and is
    the round-trip file."""
    safe = frame.copy()
    safe.columns = [str(neutralise_cell(str(c))) for c in frame.columns]
    for j in range(safe.shape[1]):  # by position: two columns may share a name
        column = safe.iloc[:, j]
        if not (
            pd.api.types.is_numeric_dtype(column)
            or pd.api.types.is_bool_dtype(column)
            or pd.api.types.is_datetime64_any_dtype(column)
        ):  # text, object, categorical (of anything): each cell decides
            safe.isetitem(j, column.astype(object).map(neutralise_cell).to_numpy(dtype=object))
    return safe.to_csv(index=False).encode("utf-8-sig")
