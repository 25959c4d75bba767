from __future__ import annotations

from pathlib import Path

from screening.vocab.columns import CODE_LISTS, COLUMNS, REQUIRED, columns_markdown, header_lookup, norm_key


def test_required_five_with_chinese_aliases():
    assert REQUIRED == ("project_id", "project_name", "country", "sector", "total_investment_usd_m")
    lookup = header_lookup()
    for zh, name in [
        ("项目编号", "project_id"),
        ("项目名称", "project_name"),
        ("国家", "country"),
        ("行业", "sector"),
        ("总投资（百万美元）", "total_investment_usd_m"),
        ("总投资(百万美元)", "total_investment_usd_m"),
    ]:
        assert lookup[norm_key(zh)] == name


def test_no_alias_points_at_two_columns():
    seen: dict[str, str] = {}
    for c in COLUMNS:
        for word in {norm_key(w) for w in (c.name, c.zh, c.en, *c.aliases)}:
            assert seen.setdefault(word, c.name) == c.name, f"{word} names {seen[word]} and {c.name}"


def test_code_words_unambiguous():
    for cl in CODE_LISTS.values():
        seen: dict[str, str] = {}
        for c in cl.codes:
            for word in {norm_key(w) for w in (c.code, c.zh, c.en, *c.aliases)}:
                assert seen.setdefault(word, c.code) == c.code, f"{cl.name}: {word}"


def test_committed_column_page_matches_the_table():
    page = Path(__file__).resolve().parents[2] / "docs" / "columns.md"
    assert page.read_text(encoding="utf-8") == columns_markdown(), "run `screening columns docs`"
