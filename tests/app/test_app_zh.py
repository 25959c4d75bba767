"""Chinese all the way through, help where it is needed (issue 18 items 4–6), checked page by page in AppTest.

In Chinese no page shows an English code of a code list (tier, track, sector, …) and none of Streamlit's own
English words that the app replaces (placeholders, "None" in blank cells, the uploader's words); in English no
page shows a code list's Chinese label. Reviewer decisions typed in Chinese are stored as codes and shown in
the chosen language; the input template is offered on the Data page; the page "How a score is made" lists
every dimension of the criteria file by its label; the ISO code sits in a column of its own beside the
country's name; tables with a project id carry the project's name beside it.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
import pytest
import streamlit
from app_helpers import SAMPLE, ok, open_app, page
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from app_pages import common
from screening import pipeline, present
from screening.criteria.loader import load_criteria
from screening.io.export import workbook_bytes
from screening.model import Result
from screening.vocab.columns import CODE_LISTS
from screening.vocab.countries import country_name

PAGES = ["ranking", "data", "criteria", "robustness", "committee", "portfolio", "excluded", "export", "howto"]
STREAMLIT_WORDS = {"Choose options", "Choose an option", "Select all", "Upload", "Browse files"}
# Columns whose cells are the user's own data or identifiers, never a code list's value shown to a planner.
RAW_COLUMNS = {
    "project_id",
    "id",
    "country_iso",
    "gate_ids",
    "source_header",
    "canonical",
    "column",
    "value",
    "problem_columns",
    "problem_values",
    "source_sheet",
}
# Codes that are also ordinary numbers or letters (levels 0–3, environmental categories A–C) are not words.
EN_CODES = {
    c.code for cl in CODE_LISTS.values() for c in cl.codes if len(c.code) > 2 and not c.code.isdigit()
}
ZH_LABELS = {c.zh for cl in CODE_LISTS.values() for c in cl.codes if c.zh}


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLE)


def _visit(lang: str, name: str) -> AppTest:
    at = page(open_app(lang), name)
    if name == "portfolio":
        at.button(key="pf_solve").click().run()
    if name == "robustness":
        at.slider(key="rb_draws").set_value(200)
        at.button(key="rb_run").click().run()
    ok(at)
    return at


def _cells(at: AppTest) -> list[tuple[str, str]]:
    """(column, text) of every text cell of every table on the page (raw-data columns left out)."""
    out = []
    for df in at.dataframe:
        frame = df.value
        if not isinstance(frame, pd.DataFrame):
            continue
        for col in frame.columns:
            if str(col) in RAW_COLUMNS or frame[col].dtype.kind in "biufcM":
                continue
            out += [(str(col), v) for v in frame[col].dropna().astype(str).unique()]
    return out


def _texts(at: AppTest) -> list[str]:
    """Every visible text: titles, headings, paragraphs, captions, messages, metric labels, widget labels and
    the options of every select as the user sees them."""
    out: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(m.label) for m in at.metric] + [str(m.value) for m in at.metric]
    for w in [*at.multiselect, *at.selectbox]:
        out.append(str(w.label))
        out += [str(o) for o in w.options]
    out += [str(e.label) for e in at.expander]
    return out


@pytest.mark.parametrize("name", PAGES)
def test_chinese_pages_show_no_english_code_and_no_streamlit_english(name: str) -> None:
    at = _visit("zh", name)
    cells = [(col, v) for col, v in _cells(at) if v in EN_CODES]
    assert cells == [], cells
    words = re.compile(
        r"(?<![A-Za-z_-])(" + "|".join(sorted(map(re.escape, EN_CODES), key=len)[::-1]) + r")(?![A-Za-z_-])"
    )
    texts = [(s, words.findall(s)) for s in _texts(at)]
    assert [x for x in texts if x[1]] == []
    for w in [*at.multiselect, *at.selectbox]:
        assert w.placeholder not in STREAMLIT_WORDS and w.placeholder, (w.label, w.placeholder)
    for ms in at.multiselect:
        assert ms.proto.select_all == 0, ms.label  # no English "Select all" row in the drop-down
    for df in at.dataframe:  # blank cells are shown blank, never as Streamlit's "None"
        assert df.proto.HasField("placeholder") and df.proto.placeholder == "", df.proto.id
    assert not any(s.strip() == "None" for s in _texts(at))


@pytest.mark.parametrize("name", PAGES)
def test_english_pages_show_no_chinese_code_label(name: str) -> None:
    at = _visit("en", name)
    cells = [(col, v) for col, v in _cells(at) if v in ZH_LABELS]
    assert cells == [], cells
    assert [s for s in _texts(at) if s in ZH_LABELS] == []


def _uploader_styles(at: AppTest) -> list[str]:
    return [str(h.proto.body) for h in at.get("html") if "stFileUploaderDropzone" in str(h.proto.body)]


def test_the_uploader_override_is_pinned_to_the_installed_streamlit() -> None:
    """The override's selectors were read off this minor version's FileUploader: a new Streamlit must be
    checked again (tests/browser) before the pin moves."""
    assert common.UPLOADER_PIN == common.streamlit_minor(streamlit.__version__)
    assert common.streamlit_minor("1.67.3") == "1.67" and common.streamlit_minor("1.7.0") == "1.7"


@pytest.mark.parametrize(
    "name,keys", [("data", ["data_upload", "mapping_upload"]), ("criteria", ["criteria_upload"])]
)
def test_chinese_uploaders_get_chinese_words(name: str, keys: list[str]) -> None:
    zh = page(open_app("zh"), name)
    styles = _uploader_styles(zh)
    for key in keys:
        mine = [s for s in styles if f".st-key-{key} " in s]
        assert len(mine) == 1, (key, styles)
        for word in ("uploader_button", "uploader_drop"):
            assert f'content: "{present.t(word, "zh")}"' in mine[0]
        assert "visibility: hidden" in mine[0]  # the English words leave the page, not only the eye
    size = f"{streamlit.get_option('server.maxUploadSize')} MB"
    assert any(size in s and "XLSX、XLSM、CSV" in s for s in styles) or name != "data"
    en = page(open_app("en"), name)
    assert _uploader_styles(en) == []  # English: Streamlit's own words


def test_another_streamlit_version_falls_back_visibly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "UPLOADER_PIN", "0.0")
    at = page(open_app("zh"), "data")
    assert _uploader_styles(at) == []
    note = present.t("uploader_unpinned", "zh", version=streamlit.__version__, pin="0.0")
    assert note in [str(c.value) for c in at.caption]


def test_css_text_never_closes_the_style_tag() -> None:
    said = common.css_text('a"b\\c</style><script>\n')
    assert "<" not in said and ">" not in said and "\n" not in said
    assert said.startswith('"') and said.endswith('"') and '"' not in said[1:-1]


def _with_decisions(result: Result, words: list[str]) -> bytes:
    """The Chinese workbook of ``result`` with ``words`` typed in the decision column of its first rows."""
    wb = load_workbook(io.BytesIO(workbook_bytes(result, "zh")))
    ws = next(wb[n] for n in wb.sheetnames if n.startswith("排名"))
    header = [c.value for c in ws[1]]
    col = header.index(present.t("hdr_reviewer_decision", "zh")) + 1
    for i, word in enumerate(words, start=2):
        ws.cell(row=i, column=col, value=word)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_decisions_typed_in_chinese_are_codes_and_shown_in_the_chosen_language(result: Result) -> None:
    words = ["通过", "暂缓", "否决", "approve"]
    data = _with_decisions(result, words)
    stored = pipeline.run(data, name="reviewed.xlsx").input.reviews
    codes = stored["reviewer_decision"].dropna().tolist()
    assert sorted(codes) == sorted(["approve", "defer", "reject", "approve"])
    ids = result.ranked["project_id"].astype(str).head(len(words)).tolist()
    for lang in ("zh", "en"):
        at = AppTest.from_file(str(SAMPLE.parents[1] / "app.py"), default_timeout=180)
        at.session_state["lang"] = lang
        at.session_state["source"] = {"name": "reviewed.xlsx", "data": data, "label": None}
        at.run()
        ok(at)
        table = next(df.value for df in at.dataframe if "reviewer_decision" in df.value.columns)
        shown = dict(zip(table["project_id"].astype(str), table["reviewer_decision"], strict=True))
        expect = {"zh": ["通过", "暂缓", "否决", "通过"], "en": ["approve", "defer", "reject", "approve"]}[
            lang
        ]
        assert [shown[i] for i in ids] == expect
        assert "project_name" in table.columns
        other = {"zh": {"approve", "defer", "reject"}, "en": {"通过", "暂缓", "否决"}}[lang]
        assert not other & set(table["reviewer_decision"].dropna())


def test_the_data_page_offers_the_input_template(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.runtime.media_file_manager import MediaFileManager

    got: dict[str, Any] = {}
    add = MediaFileManager.add

    def spy(self: MediaFileManager, data: Any, *args: Any, **kwargs: Any) -> str:
        got[kwargs.get("file_name") or (args[2] if len(args) > 2 else "")] = data
        return add(self, data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy)
    for lang in ("zh", "en"):
        at = page(open_app(lang), "data")
        assert present.t("download_template", lang) in [b.label for b in at.get("download_button")]
        data = got[f"screening_template_{lang}.xlsx"]
        wb = load_workbook(io.BytesIO(data))
        assert len(wb.sheetnames) >= 2 and wb.worksheets[0].max_column > 10


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_help_page_lists_every_dimension_by_its_label(lang: str) -> None:
    cs = load_criteria()
    at = page(open_app(lang), "howto")
    assert at.title[0].value == present.t("howto_title", lang)
    table = next(df.value for df in at.dataframe if "criteria_count" in df.value.columns)
    assert table["dimension"].tolist() == [d.label.get(lang) for d in cs.dimensions]
    assert table["criteria_count"].tolist() == [len(d.criteria) for d in cs.dimensions]
    labels = [e.label for e in at.expander]
    for d in cs.dimensions:
        assert any(x.startswith(d.label.get(lang)) for x in labels), d.id
    shown = {c for df in at.dataframe if "criterion" in df.value.columns for c in df.value["criterion"]}
    assert shown == {c.label.get(lang) for _, c in cs.criteria}
    tiers = next(df.value for df in at.dataframe if "rule" in df.value.columns)
    assert tiers["tier"].tolist()[: len(cs.tiers)] == [x.label.get(lang) for x in cs.tiers]
    code_names = [
        s
        for df in at.dataframe
        for c in ("anchors", "applies", "when")
        if c in df.value.columns
        for s in df.value[c]
        if "`" in str(s)
    ]
    assert code_names == []


def test_countries_by_name_with_the_iso_code_in_its_own_column(result: Result) -> None:
    at = page(open_app("zh"), "ranking")
    table = next(df.value for df in at.dataframe if "country_iso" in df.value.columns)
    cols = list(table.columns)
    assert cols.index("country_iso") == cols.index("country") + 1
    iso = dict(zip(result.ranked["project_id"].astype(str), result.ranked["country"], strict=True))
    for pid, name, code in zip(
        table["project_id"].astype(str), table["country"], table["country_iso"], strict=True
    ):
        assert code == iso[pid] and name == country_name(code, "zh") and name != code


@pytest.mark.parametrize("name", ["excluded", "portfolio", "robustness", "ranking"])
def test_every_table_with_a_project_id_shows_the_name_beside_it(name: str) -> None:
    at = _visit("en", name)
    with_ids = [df.value for df in at.dataframe if "project_id" in df.value.columns]
    assert with_ids, name
    for frame in with_ids:
        cols = list(frame.columns)
        assert "project_name" in cols, cols
        assert cols.index("project_name") == cols.index("project_id") + 1, cols


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_analysis_terms_are_explained_beside_them(lang: str) -> None:
    rb = _visit(lang, "robustness")
    captions = [str(c.value) for c in rb.caption]
    for key in ("help_l1", "help_smaa", "help_kappa", "help_stable"):
        assert present.t(key, lang) in captions, key
    assert rb.number_input(key="rb_kappa").help == present.t("help_kappa", lang)
    pf = _visit(lang, "portfolio")
    captions = [str(c.value) for c in pf.caption]
    for key in ("help_highs", "help_gap"):
        assert present.t(key, lang) in captions, key


def test_rules_on_the_help_page_say_labels_not_codes() -> None:
    from screening.present.howto import plain

    said = "项目状态 (`status`) ∈ {cancelled, suspended} 并且 开展环评 (`esia_completed`) = false"
    shown = plain(said, "zh")
    status = CODE_LISTS["status"]
    assert f"{{{status.label('cancelled', 'zh')}、{status.label('suspended', 'zh')}}}" in shown
    assert "cancelled" not in shown and "`" not in shown and "status" not in shown
    assert shown.endswith(f"开展环评 = {present.t('fmt_no', 'zh')}"), shown
    assert (
        plain("Sector (`sector`) = energy", "en") == f"Sector = {CODE_LISTS['sector'].label('energy', 'en')}"
    )
