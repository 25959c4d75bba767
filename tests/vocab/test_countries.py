"""Tests for screening.countries: country cells → ISO3 and ISO3 → Chinese/English names."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from screening.vocab.countries import (
    UN_MEMBERS,
    ZH_NAMES,
    all_iso3,
    country_name,
    resolve_countries,
    resolve_country,
    zh_names,
)

AIDDATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "aiddata_gcdf3_extract.csv"

CASES: dict[str, list[str]] = {
    "VNM": [
        "Viet Nam",
        "Vietnam",
        "越南",
        "VNM",
        "VN",
        "vnm",
        "vn",
        " viet  nam. ",
        "Ｖｉｅｔ　Ｎａｍ",
        "VIET NAM",
        "Socialist Republic of Viet Nam",
        "越南社会主义共和国",
    ],
    "LAO": ["Lao People's Democratic Republic", "Laos", "老挝", "Lao PDR", "老挝人民民主共和国"],
    "COD": [
        "Congo, Democratic Republic of the",
        "Congo, The Democratic Republic of the",
        "DR Congo",
        "Democratic Republic of the Congo",
        "Democratic Republic of Congo",
        "刚果（金）",
        "刚果(金)",
        "刚果金",
        "刚果民主共和国",
        "Congo, Dem. Rep.",
        "Congo (Kinshasa)",
        "DRC",
        "CD",
    ],
    "COG": [
        "Republic of the Congo",
        "Congo",
        "刚果（布）",
        "刚果布",
        "Congo, Rep.",
        "Congo-Brazzaville",
        "CG",
    ],
    "CIV": ["Cote d'Ivoire", "Côte d'Ivoire", "Côte d’Ivoire", "COTE D'IVOIRE", "Ivory Coast", "科特迪瓦"],
    "TUR": ["Turkey", "Türkiye", "Turkiye", "土耳其"],
    "RUS": ["Russia", "Russian Federation", "俄罗斯", "俄罗斯联邦"],
    "IRN": ["Iran", "Iran, Islamic Republic of", "Iran, Islamic Rep.", "伊朗"],
    "SYR": ["Syria", "Syrian Arab Republic", "叙利亚"],
    "TZA": ["Tanzania", "United Republic of Tanzania", "坦桑尼亚"],
    "BOL": ["Bolivia", "Plurinational State of Bolivia", "玻利维亚"],
    "VEN": ["Venezuela", "Venezuela, RB", "委内瑞拉"],
    "FSM": ["Micronesia", "Micronesia, Fed. Sts.", "Federated States of Micronesia", "密克罗尼西亚联邦"],
    "KGZ": ["Kyrgyz Republic", "Kyrgyzstan", "吉尔吉斯斯坦"],
    "EGY": ["Egypt", "Egypt, Arab Rep.", "埃及"],
    "GMB": ["Gambia", "Gambia, The", "The Gambia", "冈比亚"],
    "PRK": [
        "Korea, Dem. People's Rep.",
        "Democratic People's Republic of Korea",
        "North Korea",
        "朝鲜",
        "DPRK",
    ],
    "KOR": ["South Korea", "Korea, Rep.", "Republic of Korea", "Korea, Republic of", "韩国", "大韩民国"],
    "MMR": ["Myanmar", "Burma", "缅甸"],
    "CPV": ["Cabo Verde", "Cape Verde", "佛得角"],
    "SWZ": ["Eswatini", "Swaziland", "斯威士兰", "埃斯瓦蒂尼"],
    "MKD": ["North Macedonia", "Macedonia", "北马其顿"],
    "CZE": ["Czechia", "Czech Republic", "捷克"],
    "XKX": ["Kosovo", "XKX", "XK", "科索沃"],
    "PSE": ["West Bank and Gaza", "Palestine", "Palestine, State of", "巴勒斯坦"],
    "TLS": ["Timor-Leste", "East Timor", "Timor Leste", "东帝汶"],
    "BRN": ["Brunei", "Brunei Darussalam", "文莱"],
    "MDA": ["Moldova", "Moldova, Republic of", "摩尔多瓦"],
    "STP": [
        "Sao Tome and Principe",
        "São Tomé and Príncipe",
        "Sao Tome & Principe",
        "圣多美和普林西比",
        "Sao Tome",  # the CGIT spelling
        "São Tomé",
    ],
    "CHN": [
        "China",
        "China (People's Republic of)",
        "People's Republic of China",
        "中国",
        "中华人民共和国",
        "CN",
    ],
    "HKG": ["Hong Kong", "香港", "中国香港", "HK"],
    "MAC": ["Macao", "Macau", "澳门"],
    "TWN": ["Taiwan", "台湾", "中国台湾"],
    "NER": ["Niger", "Republic of the Niger", "尼日尔"],
    "NGA": ["Nigeria", "尼日利亚"],
    "GIN": ["Guinea", "几内亚"],
    "GNB": ["Guinea-Bissau", "Guinea Bissau"],
    "DMA": ["Dominica"],
    "DOM": ["Dominican Republic", "多米尼加"],
    "SDN": ["Sudan"],
    "SSD": ["South Sudan"],
    "LCA": ["Saint Lucia", "St. Lucia"],
    "USA": ["United States", "USA", "U.S.", "美国"],
    "GBR": ["United Kingdom", "UK", "英国"],
}


@pytest.mark.parametrize(("text", "iso3"), [(t, iso) for iso, texts in CASES.items() for t in texts])
def test_resolve_country_variants(text: str, iso3: str) -> None:
    assert resolve_country(text) == iso3


@pytest.mark.parametrize(
    "text",
    [
        "Atlantis",
        "",
        "   ",
        None,
        float("nan"),
        math.nan,
        pd.NA,
        "NA",
        "N/A",
        "Korea",
        "Africa, regional",
        "Asia",
        "XX",
        "ZZZ",
        12345,
    ],
)
def test_unknown_returns_none(text: object) -> None:
    assert resolve_country(text) is None


def test_resolve_countries_keeps_index_and_marks_unknowns_na() -> None:
    s = pd.Series(
        ["Viet Nam", "越南", None, "Atlantis", "VNM", float("nan"), "刚果金"],
        index=[10, 11, 12, 13, 14, 15, 16],
        name="country",
    )
    out = resolve_countries(s)
    assert list(out.index) == list(s.index)
    assert out.name == "country"
    assert out.loc[10] == "VNM" and out.loc[11] == "VNM" and out.loc[14] == "VNM"
    assert out.loc[16] == "COD"
    assert out.loc[[12, 13, 15]].isna().all()
    assert out.loc[13] is pd.NA


def test_resolve_countries_empty_series() -> None:
    out = resolve_countries(pd.Series([], dtype=object))
    assert len(out) == 0


def test_chinese_table_names_are_non_empty_and_round_trip() -> None:
    for iso3, name in zh_names().items():
        assert name.strip(), iso3
        assert country_name(iso3, "zh") == name
        assert resolve_country(country_name(iso3, "zh")) == iso3, (iso3, name)
        en = country_name(iso3, "en")
        assert en and en != iso3, iso3
        assert resolve_country(en) == iso3, (iso3, en)


def test_every_code_has_a_chinese_name() -> None:
    assert set(all_iso3()) == set(zh_names())
    english = {c.alpha_3: c.name for c in pycountry.countries}
    untranslated = sorted(c for c, zh in zh_names().items() if zh == english.get(c) or zh.isascii())
    assert untranslated == []  # pycountry's catalogue (or our table) names every code in Chinese


def test_project_table_holds_only_real_differences_from_pycountry() -> None:
    import gettext

    pyc = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    ours = {c.alpha_3: pyc.gettext(c.name) for c in pycountry.countries}
    same = sorted(c for c, name in ZH_NAMES.items() if ours.get(c) == name)
    assert same == []  # an entry equal to pycountry's own name is dead weight
    assert len(ZH_NAMES) < 50


def test_every_un_member_in_pycountry_has_a_chinese_name() -> None:
    assert len(UN_MEMBERS) == 193
    pycountry_codes = {c.alpha_3 for c in pycountry.countries}
    assert UN_MEMBERS <= pycountry_codes
    missing = sorted(c for c in UN_MEMBERS if not zh_names().get(c, "").strip())
    assert missing == []


def test_every_pycountry_code_resolves_by_codes_and_names() -> None:
    for c in pycountry.countries:
        assert resolve_country(c.alpha_3) == c.alpha_3
        if c.alpha_2 != "NA":  # "NA" is read as a missing cell, not as Namibia
            assert resolve_country(c.alpha_2) == c.alpha_3
        assert resolve_country(c.name) == c.alpha_3
        for attr in ("official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                assert resolve_country(value) == c.alpha_3, value


def test_country_name_languages_and_unknown_code() -> None:
    assert country_name("VNM", "zh") == "越南"
    assert country_name("VNM", "en") == "Vietnam"
    assert country_name("COD", "zh") == "刚果（金）"
    assert country_name("COD", "en") == "Democratic Republic of the Congo"
    assert country_name("TWN", "zh") == "中国台湾"
    assert country_name("XKX", "en") == "Kosovo"
    assert country_name("QQQ", "zh") == "QQQ"
    assert country_name("QQQ", "en") == "QQQ"


def test_all_iso3_sorted_and_includes_kosovo() -> None:
    codes = all_iso3()
    assert codes == sorted(codes)
    assert "XKX" in codes and "VNM" in codes
    assert len(codes) == len(set(codes)) == len(list(pycountry.countries)) + 1


def _aiddata_recipients() -> set[str]:
    with AIDDATA.open(newline="", encoding="utf-8") as f:
        return {row["Recipient"] for row in csv.DictReader(f)}


def test_every_aiddata_recipient_resolves() -> None:
    recipients = _aiddata_recipients()
    assert len(recipients) > 90
    # AidData's multi-country aggregates ("Africa, regional") are not countries and have no ISO code:
    # they must come back unresolved. Every other distinct Recipient must resolve.
    regional = {r for r in recipients if r.endswith(", regional")}
    unresolved = sorted(r for r in recipients - regional if resolve_country(r) is None)
    assert unresolved == []
    assert all(resolve_country(r) is None for r in regional)
    # Distinct recipient names must not collapse onto one code (e.g. Niger vs Nigeria, the two Congos).
    codes = {r: resolve_country(r) for r in recipients - regional}
    assert len(set(codes.values())) == len(codes)
    assert codes["Niger"] == "NER" and codes["Nigeria"] == "NGA"
    assert codes["Congo"] == "COG" and codes["Democratic Republic of the Congo"] == "COD"


def test_aiddata_recipients_resolve_vectorised() -> None:
    recipients = pd.Series(sorted(_aiddata_recipients()))
    out = resolve_countries(recipients)
    regional = recipients.str.endswith(", regional")
    assert out[~regional].notna().all()
    assert out[regional].isna().all()
