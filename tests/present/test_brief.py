"""The one-page committee brief (screening.present.brief): the PDF holds the run's figures, one A4 page per
project and for a portfolio, in both languages; the HTML is deterministic and shows no None/nan; the
approval path follows NDRC Order No. 11 from the record's facts and never guesses."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pandas as pd
import pypdfium2
import pytest
from pypdf import PdfReader

from screening import pipeline
from screening.i18n import t
from screening.model import Result
from screening.present.brief import (
    DENSITIES,
    BriefError,
    brief_rationale,
    html_to_pdf,
    one_page_pdf,
    portfolio_brief_html,
    portfolio_brief_pdf,
    project_brief_html,
    project_brief_pdf,
    project_facts,
    rank_intervals,
    reference_entry,
)
from screening.present.brief.facts import _Cites, approval_path
from screening.present.brief.render import render_project
from screening.present.labels import tier_label

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_projects" / "sample_projects.xlsx"
LANGS = ("en", "zh")
A4_POINTS = (595.0, 842.0)  # 210 × 297 mm
PDFS_PER_LANGUAGE = 5  # the longest pages of the sample (the ones that could spill onto a second page)


@pytest.fixture(scope="module")
def result() -> Result:
    return pipeline.run(SAMPLE)


@pytest.fixture(scope="module")
def intervals(result: Result) -> pd.DataFrame:
    iv = rank_intervals(result, seed=0)
    assert iv is not None
    return iv


@pytest.fixture(scope="module")
def facts(result: Result, intervals: pd.DataFrame) -> dict[tuple[str, str], object]:
    """The facts of every record of the sample, in both languages (one rationale per language)."""
    out: dict[tuple[str, str], object] = {}
    for lang in LANGS:
        rationale = brief_rationale(result, lang)
        for pid in result.records["project_id"].astype(str):
            out[(pid, lang)] = project_facts(result, pid, lang, intervals=intervals, rationale=rationale)
    return out


def squeeze(s: str) -> str:
    """Text without whitespace: a PDF breaks lines where the page does, a substring test must not care."""
    return re.sub(r"\s+", "", s)


def pdf_text(pdf: bytes) -> str:
    return squeeze("".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages))


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    doc = pypdfium2.PdfDocument(pdf)
    return [(round(doc[i].get_width()), round(doc[i].get_height())) for i in range(len(doc))]


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def with_flag_and_condition(result: Result) -> tuple[str, str]:
    """A ranked project of the sample with a raised flag the criteria file gives a condition: (id, flag)."""
    conditioned = {c.flag for c in result.criteria.conditions}
    ranked = set(result.ranked["project_id"].astype(str))
    hits = result.hits[(result.hits["kind"] == "flag") & result.hits["id"].isin(conditioned)]
    hits = hits[hits["project_id"].astype(str).isin(ranked)].sort_values(["project_id", "id"])
    assert len(hits), "the sample has no conditioned flag on a ranked project"
    return str(hits.iloc[0]["project_id"]), str(hits.iloc[0]["id"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_holds_the_run_figures(result: Result, intervals: pd.DataFrame, lang: str) -> None:
    pid, flag = with_flag_and_condition(result)
    row = result.ranked[result.ranked["project_id"].astype(str) == pid].iloc[0]
    pdf = project_brief_pdf(result, pid, lang, intervals=intervals)
    text = pdf_text(pdf)
    assert squeeze(pid) in text
    assert squeeze(str(row["project_name"])) in text
    assert f"{float(row['score']):.1f}" in text
    assert f"{int(row['rank'])}/{len(result.ranked)}" in text
    assert squeeze(tier_label(row["tier"], lang, result.criteria)) in text
    condition = next(c for c in result.criteria.conditions if c.flag == flag)
    assert squeeze(condition.condition.get(lang)) in text
    head, lines = approval_path(result.criteria, row, {flag}, lang, _Cites(result.criteria))
    assert head and squeeze(head) in text
    assert all(squeeze(line.text) in text for line in lines)
    lo = int(intervals.loc[pid, "rank_p05"])
    hi = int(intervals.loc[pid, "rank_p95"])
    assert f"{lo}–{hi}" in text


def test_the_longest_pages_and_br001_are_one_a4_page_each(result: Result, facts: dict) -> None:
    """Every record's page is laid out; the longest in each language (by visible text) are rendered to PDF
    as the PDF twin does (denser layouts tried in turn): exactly one A4 page each. BR-001 fits one page at
    the first, normal density."""
    for lang in LANGS:
        pages = {pid: render_project(f) for (pid, lg), f in facts.items() if lg == lang}
        longest = sorted(pages, key=lambda p: (-len(visible_text(pages[p])), p))[:PDFS_PER_LANGUAGE]
        for pid in longest:
            f = facts[(pid, lang)]
            pdf = one_page_pdf(lambda density, f=f: render_project(f, density), DENSITIES)
            assert page_sizes(pdf) == [A4_POINTS], (pid, lang)
        assert page_sizes(html_to_pdf(pages["BR-001"])) == [A4_POINTS], lang


def test_a_page_too_long_for_every_density_is_not_hidden(facts: dict) -> None:
    """The fitting step keeps the last density's pages when none fits: an overflow shows, it is not cut."""
    f = facts[("BR-001", "en")]
    long = f.model_copy(update={"missing": tuple(f"criterion {i}" for i in range(400))})
    assert len(page_sizes(one_page_pdf(lambda density: render_project(long, density), DENSITIES))) > 1


@pytest.mark.parametrize("lang", LANGS)
def test_the_portfolio_brief_is_one_page_with_totals_and_the_rest(result: Result, lang: str) -> None:
    ids = list(result.ranked["project_id"].astype(str))
    pdf = portfolio_brief_pdf(result, ids, lang, top_n=10)
    assert page_sizes(pdf) == [A4_POINTS]
    text = pdf_text(pdf)
    assert squeeze(t("brief_pf_title", lang, n=len(ids))) in text
    first = result.ranked.sort_values("rank").iloc[0]
    eleventh = result.ranked.sort_values("rank").iloc[10]
    assert str(first["project_id"]) in text and str(eleventh["project_id"]) not in text
    rest = result.ranked.sort_values("rank").iloc[10:]
    assert f"{float(rest['score'].min()):.1f}–{float(rest['score'].max()):.1f}" in text
    for track in result.criteria.tracks:
        n = int((result.ranked["track"] == track.id).sum())
        if n:
            assert squeeze(track.label.get(lang)) in text


def test_no_page_shows_none_or_nan_and_every_record_has_a_verdict(facts: dict) -> None:
    """No Python blank or boolean on a page. The rationale's reasons are quoted as the explain stage words
    them, where "None" can be a code list's own English label (standards_applied: none → "None"), so a
    reason may say None only as such a label."""
    from markupsafe import escape  # Jinja2's own escaping

    from screening.vocab.columns import CODE_LISTS

    none_is_a_label = any(c.en == "None" for cl in CODE_LISTS.values() for c in cl.codes)
    leak = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bTrue\b|\bFalse\b")
    for (pid, lang), f in facts.items():
        shown = visible_text(render_project(f))
        for line in (*f.positives, *f.negatives):
            quoted = str(escape(line.text))
            if quoted in shown:
                assert not re.search(r"\bnan\b|\bNaN\b|\bTrue\b|\bFalse\b", line.text), (pid, lang)
                assert none_is_a_label or "None" not in line.text, (pid, lang)
            shown = shown.replace(quoted, "")
        assert not leak.search(shown), (pid, lang, leak.findall(shown))
        assert f.verdict and f.approval_head, (pid, lang)


def test_html_is_deterministic(result: Result, intervals: pd.DataFrame) -> None:
    for lang in LANGS:
        a = project_brief_html(result, "BR-001", lang, intervals=intervals)
        b = project_brief_html(result, "BR-001", lang, intervals=rank_intervals(result, seed=0))
        assert a == b
        ids = list(result.ranked["project_id"].astype(str))
        assert portfolio_brief_html(result, ids, lang) == portfolio_brief_html(result, ids[::-1], lang)


def test_the_contribution_bars_add_up_to_the_score(result: Result, facts: dict) -> None:
    for _, row in result.ranked.iterrows():
        f = facts[(str(row["project_id"]), "en")]
        assert sum(b.points for b in f.bars) == pytest.approx(float(row["score"]), abs=0.06)
        assert sum(b.most for b in f.bars) == pytest.approx(100.0, abs=0.06)


def test_an_excluded_project_gets_a_brief_naming_its_rule(result: Result, facts: dict) -> None:
    excluded = result.excluded
    assert len(excluded)
    for pid in excluded["project_id"].astype(str):
        gates = result.hits[(result.hits["project_id"].astype(str) == pid) & (result.hits["kind"] != "flag")]
        for lang in LANGS:
            f = facts[(pid, lang)]
            assert f.excluded and f.score == t("brief_none", lang)
            assert all(str(label) in f.verdict for label in gates[f"label_{lang}"]), (pid, lang)
            assert f.approval_head == t("brief_ap_head_excluded", lang)


def test_unknown_id_is_an_error_in_both_languages(result: Result) -> None:
    with pytest.raises(BriefError) as err:
        project_brief_html(result, "NO-SUCH-ID", "zh")
    assert "NO-SUCH-ID" in err.value.text.zh and "NO-SUCH-ID" in err.value.text.en
    with pytest.raises(BriefError):
        portfolio_brief_html(result, ["BR-001", "NO-SUCH-ID"], "en")


def test_the_chinese_pdf_embeds_the_noto_cjk_font(result: Result, intervals: pd.DataFrame) -> None:
    pdf = project_brief_pdf(result, "BR-001", "zh", intervals=intervals)
    fonts = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in f for f in fonts), fonts
    assert "BR-001" in pdf_text(pdf) and squeeze(t("brief_title", "zh")) in pdf_text(pdf)


def test_record_text_is_escaped_never_markup(tmp_path: Path) -> None:
    from conftest import rec, write_csv

    src = write_csv(tmp_path / "x.csv", [rec("X1", project_name='<img src="http://evil.example/x.png">')])
    res = pipeline.run(src)
    html = project_brief_html(res, "X1", "en")
    assert "<img" not in html and "&lt;img" in html
    assert page_sizes(html_to_pdf(html)) == [A4_POINTS]  # and nothing is fetched


def test_reference_entry_keeps_the_title_and_adds_the_section() -> None:
    assert reference_entry("IFC Performance Standard 5: Land Acquisition (2012)", "PS5 ¶19") == (
        "IFC Performance Standard 5, PS5 ¶19"
    )
    assert reference_entry("《办法》(2017) 第十三条：敏感项目", None) == "《办法》(2017) 第十三条"


# ----------------------------------------------------------------------------------------- approval path


def _row(**fields: object) -> pd.Series:
    base: dict[str, object] = {
        "sensitive_country": False,
        "enterprise_type": "private",
        "project_cost_usd_m": None,
        "total_investment_usd_m": 120.0,
        "amount_basis": None,
    }
    return pd.Series({**base, **fields})


def _path(result: Result, row: pd.Series, flags: set[str] = frozenset(), lang: str = "en") -> tuple[str, str]:  # type: ignore[assignment]
    head, lines = approval_path(result.criteria, row, set(flags), lang, _Cites(result.criteria))
    return head, " ".join(line.text for line in lines)


def test_approval_a_sensitive_flag_needs_ndrc_approval(result: Result) -> None:
    ap = result.criteria.approval
    assert ap is not None
    for flag in ap.sensitive_flags:
        head, said = _path(result, _row(), {flag})
        label = next(f.label.en for f in result.criteria.flags if f.id == flag)
        assert head == t("brief_ap_head_approval", "en") and label in said and ap.approval_section in said


def test_approval_a_local_enterprise_under_the_line_files_with_the_province(result: Result) -> None:
    head, said = _path(result, _row(total_investment_usd_m=120.0))
    assert head == t("brief_ap_head_province", "en")
    assert "USD 120.0 m" in said and "Private enterprise" in said


def test_approval_above_the_line_or_a_lower_bound_does_not_decide(result: Result) -> None:
    open_ = t("brief_ap_head_filing_open", "en")
    head, said = _path(result, _row(total_investment_usd_m=450.0))
    assert head == open_ and "share" in said
    head, said = _path(result, _row(total_investment_usd_m=120.0, amount_basis="financing_committed"))
    assert head == open_ and "lower bound" in said
    head, said = _path(result, _row(total_investment_usd_m=None))
    assert head == open_ and "No amount" in said
    # the project's cost, when given, is the amount that counts
    head, said = _path(result, _row(total_investment_usd_m=120.0, project_cost_usd_m=900.0))
    assert head == open_ and "USD 900.0 m" in said


def test_approval_an_soe_is_central_or_local_and_the_brief_says_both(result: Result) -> None:
    head, said = _path(result, _row(enterprise_type="soe", total_investment_usd_m=50.0))
    assert head == t("brief_ap_head_filing_open", "en")
    assert "If central" in said and "If local" in said and "provincial" in said
    head, said = _path(result, _row(enterprise_type=None), lang="zh")
    assert head == t("brief_ap_head_filing_open", "zh") and "未给出投资主体类型" in said


def test_approval_an_unknown_country_status_is_said_not_guessed(result: Result) -> None:
    head, said = _path(result, _row(sensitive_country=None))
    province = t("brief_ap_head_province", "en")
    assert head == t("brief_ap_head_country_open", "en", then=province)
    assert "does not say whether the host is a sensitive country" in said


def test_no_approval_table_no_approval_section(result: Result) -> None:
    cs = result.criteria.model_copy(update={"approval": None})
    assert approval_path(cs, _row(), set(), "en", _Cites(cs)) == ("", ())
