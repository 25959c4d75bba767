"""Country cells → ISO 3166-1 alpha-3 codes, and ISO3 → Chinese/English names.

Users' spreadsheets name the host country in many ways: English short or official names ("Viet Nam",
"Socialist Republic of Viet Nam"), common names ("Vietnam"), World Bank / AidData spellings
("Egypt, Arab Rep.", "Korea, Dem. People's Rep.", "Lao People's Democratic Republic"), ISO alpha-2 and
alpha-3 codes ("VN", "VNM") and Chinese names ("越南", "刚果（金）"). This module maps all of them to one
alpha-3 code.

Sources:

* English names and codes come from the maintained ``pycountry`` package (ISO 3166-1: ``name``,
  ``official_name``, ``common_name``, ``alpha_2``, ``alpha_3``).
* ``_EN_ALIASES`` adds historic and customary English spellings that ISO does not carry.
* Chinese names come from pycountry's own zh_CN catalogue (:func:`zh_names`); ``ZH_NAMES`` holds only the
  names we deliberately show differently (the Chinese Ministry of Foreign Affairs' short names, each with
  why), plus Kosovo; ``_ZH_ALIASES`` adds other Chinese forms (全称, 俗称).
* Kosovo (``XKX``/``XK``, the code used by the EU, IMF and World Bank) is not in ISO 3166-1 and is added here.

Matching is exact over a precomputed table of normalised keys (case-, width-, accent-, punctuation- and
space-insensitive). Only when that fails, a conservative second pass rewrites inverted forms
("Gambia, The", "Congo (Kinshasa)") and expands abbreviations ("Rep." → republic, "St." → saint) and
drops the words "the", "of", "and", "republic"; a rewritten key that would fit two countries is dropped.
``pycountry.countries.search_fuzzy`` is deliberately not used (slow, and it confuses e.g. Niger/Nigeria).
"""

from __future__ import annotations

import gettext
import math
import numbers
import re
import unicodedata
from functools import cache, lru_cache

import pandas as pd
import pycountry

__all__ = [
    "UN_MEMBERS",
    "ZH_NAMES",
    "all_iso3",
    "country_name",
    "resolve_countries",
    "resolve_country",
    "zh_names",
]


# The 193 member states of the United Nations, by ISO 3166-1 alpha-3 code.
UN_MEMBERS: frozenset[str] = frozenset(
    """
    AFG AGO ALB AND ARE ARG ARM ATG AUS AUT AZE BDI BEL BEN BFA BGD
    BGR BHR BHS BIH BLR BLZ BOL BRA BRB BRN BTN BWA CAF CAN CHE CHL
    CHN CIV CMR COD COG COL COM CPV CRI CUB CYP CZE DEU DJI DMA DNK
    DOM DZA ECU EGY ERI ESP EST ETH FIN FJI FRA FSM GAB GBR GEO GHA
    GIN GMB GNB GNQ GRC GRD GTM GUY HND HRV HTI HUN IDN IND IRL IRN
    IRQ ISL ISR ITA JAM JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO
    LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAR MCO MDA MDG MDV MEX
    MHL MKD MLI MLT MMR MNE MNG MOZ MRT MUS MWI MYS NAM NER NGA NIC
    NLD NOR NPL NRU NZL OMN PAK PAN PER PHL PLW PNG POL PRK PRT PRY
    QAT ROU RUS RWA SAU SDN SEN SGP SLB SLE SLV SMR SOM SRB SSD STP
    SUR SVK SVN SWE SWZ SYC SYR TCD TGO THA TJK TKM TLS TON TTO TUN
    TUR TUV TZA UGA UKR URY USA UZB VCT VEN VNM VUT WSM YEM ZAF ZMB
    ZWE
""".split()
)


# Codes outside ISO 3166-1 that the tool accepts: alpha-3 → (alpha-2, English name).
_EXTRA_COUNTRIES: dict[str, tuple[str, str]] = {
    "XKX": ("XK", "Kosovo"),
}


# Chinese display names that differ from pycountry's own zh_CN catalogue (every other code takes
# pycountry's name: :func:`zh_names`). We show the short name of the Chinese Ministry of Foreign Affairs
# (外交部) and of Chinese official usage; pycountry often has the full official name, an older form or a
# Taiwan/Hong Kong-style transliteration. Kosovo is not in ISO 3166-1, so not in pycountry either.
ZH_NAMES: dict[str, str] = {
    "ATF": "法属南部领地",  # 外交部 name; pycountry 法属南半球领地
    "BES": "荷兰加勒比区",  # the Dutch special municipalities' Chinese name; pycountry lists the three islands
    "BGD": "孟加拉国",  # 外交部 short name; pycountry 孟加拉 (older form)
    "BLM": "圣巴泰勒米",  # 外交部 name; pycountry adds 岛
    "BOL": "玻利维亚",  # short name; pycountry 玻利维亚共和国 (an outdated official name)
    "BVT": "布韦岛",  # 外交部 transliteration; pycountry 布维群岛 (it is one island)
    "CAF": "中非",  # 外交部 short name; pycountry 中非共和国 (official name)
    "CCK": "科科斯（基林）群岛",  # full-width brackets as in Chinese text; pycountry uses ASCII brackets
    "COD": "刚果（金）",  # the usual Chinese way to tell the two Congos apart; pycountry 刚果民主共和国
    "COG": "刚果（布）",  # likewise; pycountry's bare 刚果 is ambiguous
    "DOM": "多米尼加",  # 外交部 short name; pycountry 多米尼加共和国
    "FLK": "马尔维纳斯群岛（福克兰）",  # China's usage puts Malvinas first; pycountry 福克兰群岛 (马尔维纳斯)
    "FSM": "密克罗尼西亚联邦",  # 外交部 name (the state, not the region); pycountry 密克罗尼西亚
    "GGY": "根西",  # 外交部 name; pycountry adds 岛
    "GTM": "危地马拉",  # mainland transliteration; pycountry 瓜地马拉 (Taiwan usage)
    "HKG": "中国香港",  # Chinese official usage; pycountry 香港
    "HMD": "赫德岛和麦克唐纳群岛",  # 外交部 name; pycountry uses 与
    "IMN": "马恩岛",  # 外交部 name; pycountry 曼岛
    "IRN": "伊朗",  # short name; pycountry 伊朗伊斯兰共和国 (official name)
    "JEY": "泽西",  # 外交部 name; pycountry adds 岛
    "KGZ": "吉尔吉斯斯坦",  # 外交部 name; pycountry 吉尔吉斯坦 (misspelt)
    "KHM": "柬埔寨",  # pycountry 柬埔塞 is a typo
    "KOR": "韩国",  # short name; pycountry 大韩民国 (official name)
    "LAO": "老挝",  # short name; pycountry 老挝人民民主共和国 (official name)
    "MAC": "中国澳门",  # Chinese official usage; pycountry 澳门
    "MDA": "摩尔多瓦",  # short name; pycountry 摩尔多瓦共和国 (official name)
    "MLT": "马耳他",  # mainland transliteration; pycountry 马尔他 (Taiwan usage)
    "MNG": "蒙古国",  # 外交部 name of the state; pycountry 蒙古 (also the region)
    "PCN": "皮特凯恩群岛",  # 外交部 name; pycountry 皮特凯恩
    "PRK": "朝鲜",  # short name; pycountry 朝鲜民主主义人民共和国 (official name)
    "PYF": "法属波利尼西亚",  # mainland transliteration; pycountry 法属玻利尼西亚
    "SGS": "南乔治亚和南桑威奇群岛",  # 外交部 transliteration; pycountry 南桑德韦奇
    "SHN": "圣赫勒拿、阿森松和特里斯坦-达库尼亚",  # 外交部 punctuation; pycountry joins with hyphens
    "SYR": "叙利亚",  # short name; pycountry 阿拉伯叙利亚共和国 (official name)
    "TTO": "特立尼达和多巴哥",  # mainland transliteration; pycountry 特里尼达和多巴哥
    "TWN": "中国台湾",  # Chinese official usage; pycountry 中国台湾省
    "VEN": "委内瑞拉",  # short name; pycountry 委内瑞拉玻利瓦尔共和国 (official name)
    "XKX": "科索沃",  # not in ISO 3166-1, so not in pycountry
}


@cache
def zh_names() -> dict[str, str]:
    """ISO3 → the Chinese name shown: pycountry's zh_CN catalogue (``iso3166-1``), except :data:`ZH_NAMES`.

    Covers every pycountry code plus Kosovo. A code pycountry leaves untranslated (its catalogue returns the
    English name) would show in English; the tests check that none does.
    """
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    names = {c.alpha_3: catalogue.gettext(c.name) for c in pycountry.countries}
    return names | ZH_NAMES


# Other Chinese forms: full official names, older or colloquial short names, common mis-spellings.
_ZH_ALIASES: dict[str, tuple[str, ...]] = {
    "ARE": ("阿拉伯联合酋长国",),
    "BGD": ("孟加拉", "孟加拉人民共和国"),
    "BIH": ("波黑",),
    "BOL": ("玻利维亚多民族国",),
    "BRN": ("文莱达鲁萨兰国",),
    "CAF": ("中非共和国",),
    "CHN": ("中华人民共和国", "中国大陆", "中国内地"),
    "CIV": ("科特迪瓦共和国", "象牙海岸"),
    "COD": ("刚果金", "刚果民主共和国", "民主刚果"),
    "COG": ("刚果布", "刚果共和国", "刚果"),
    "CZE": ("捷克共和国",),
    "DOM": ("多米尼加共和国",),
    "EGY": ("阿拉伯埃及共和国",),
    "ETH": ("埃塞",),
    "FLK": ("福克兰群岛", "马尔维纳斯群岛"),
    "FSM": ("密克罗尼西亚",),
    "GBR": ("大不列颠及北爱尔兰联合王国",),
    "GTM": ("瓜地马拉",),
    "HKG": ("香港", "香港特别行政区", "中国香港特别行政区", "香港特区"),
    "IDN": ("印尼", "印度尼西亚共和国"),
    "IRN": ("伊朗伊斯兰共和国",),
    "KGZ": ("吉尔吉斯", "吉尔吉斯坦", "吉尔吉斯共和国"),
    "KHM": ("柬埔寨王国",),
    "KOR": ("大韩民国", "南韩"),
    "LAO": ("老挝人民民主共和国",),
    "MAC": ("澳门", "澳门特别行政区", "中国澳门特别行政区", "澳门特区"),
    "MDA": ("摩尔多瓦共和国",),
    "MKD": ("马其顿", "北马其顿共和国"),
    "MLT": ("马尔他",),
    "MMR": ("缅甸联邦共和国",),
    "MNG": ("蒙古",),
    "PAK": ("巴基斯坦伊斯兰共和国",),
    "PNG": ("巴新",),
    "PRK": ("朝鲜民主主义人民共和国", "北韩"),
    "PSE": ("巴勒斯坦国", "约旦河西岸和加沙"),
    "PYF": ("法属玻利尼西亚",),
    "RUS": ("俄罗斯联邦", "俄国"),
    "SAU": ("沙特", "沙特阿拉伯王国"),
    "SGS": ("南乔治亚和南桑德韦奇群岛",),
    "SWZ": ("埃斯瓦蒂尼", "埃斯瓦蒂尼王国", "斯威士兰王国"),
    "SYR": ("阿拉伯叙利亚共和国",),
    "TLS": ("东帝汶民主共和国",),
    "TTO": ("特里尼达和多巴哥",),
    "TUR": ("土耳其共和国",),
    "TWN": ("台湾", "台湾地区", "台湾省", "中国台湾省", "中国台湾地区"),
    "TZA": ("坦桑尼亚联合共和国",),
    "USA": ("美利坚合众国",),
    "VAT": ("梵蒂冈城国", "教廷"),
    "VEN": ("委内瑞拉玻利瓦尔共和国",),
    "VNM": ("越南社会主义共和国",),
}


# English spellings ISO does not carry: customary short names, former names, World Bank / AidData forms.
_EN_ALIASES: dict[str, tuple[str, ...]] = {
    "ARE": ("UAE", "Emirates"),
    "BES": ("Caribbean Netherlands", "Bonaire"),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
    "BRN": ("Brunei",),
    "CHN": ("PRC", "Mainland China", "China (People's Republic of)"),
    "CIV": ("Ivory Coast",),
    "COD": (
        "Democratic Republic of the Congo",
        "Democratic Republic of Congo",
        "DR Congo",
        "D.R. Congo",
        "DRC",
        "Congo DR",
        "Congo-Kinshasa",
        "Congo (Kinshasa)",
        "Congo, Dem. Rep.",
        "Congo, Democratic Republic of the",
        "Zaire",
    ),
    "COG": ("Congo-Brazzaville", "Congo (Brazzaville)", "Congo, Rep.", "Congo Republic"),
    "CPV": ("Cape Verde",),
    "EGY": ("Egypt, Arab Rep.",),
    "FLK": ("Falkland Islands", "Malvinas"),
    "FSM": ("Micronesia", "Micronesia (Federated States of)", "Micronesia, Fed. Sts."),
    "GBR": ("UK", "U.K.", "Great Britain", "Britain"),
    "GMB": ("The Gambia", "Gambia, The"),
    "HKG": ("Hong Kong SAR", "Hong Kong SAR, China", "Hong Kong, China"),
    "IRN": ("Iran, Islamic Rep.",),
    "KOR": ("Korea, Rep.", "Republic of Korea", "ROK"),
    "LAO": ("Lao PDR", "Lao"),
    "MAC": ("Macau", "Macao SAR", "Macao SAR, China", "Macau SAR", "Macao, China"),
    "MAF": ("Saint Martin",),
    "MKD": (
        "Macedonia",
        "FYROM",
        "Macedonia, FYR",
        "Former Yugoslav Republic of Macedonia",
        "The former Yugoslav Republic of Macedonia",
    ),
    "MMR": ("Burma",),
    "PRK": ("DPRK", "DPR Korea", "Korea, DPR", "Korea, Dem. People's Rep.", "Korea, Dem. Rep."),
    "PSE": (
        "Palestine",
        "West Bank and Gaza",
        "Palestinian Territories",
        "Palestinian Territory",
        "Occupied Palestinian Territory",
    ),
    "RUS": ("Russia",),
    "SHN": ("Saint Helena",),
    # The AEI-Heritage China Global Investment Tracker writes the short form (issue 14).
    "STP": ("Sao Tome", "São Tomé"),
    "SWZ": ("Swaziland",),
    "SXM": ("Sint Maarten",),
    "TLS": ("East Timor",),
    "TUR": ("Turkey",),
    "TWN": ("Chinese Taipei", "Taiwan, China"),
    "USA": ("U.S.", "U.S.A.", "United States of America"),
    "VAT": ("Holy See", "Vatican", "Vatican City"),
    "VEN": ("Venezuela, RB",),
    "VIR": ("US Virgin Islands", "U.S. Virgin Islands", "Virgin Islands (U.S.)"),
    "YEM": ("Yemen, Rep.",),
}


# English display names where ISO's name is inverted or unusual ("Congo, The Democratic Republic of the").
_EN_DISPLAY: dict[str, str] = {
    "BRN": "Brunei",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "FLK": "Falkland Islands",
    "FSM": "Micronesia",
    "HKG": "Hong Kong",
    "MAC": "Macao",
    "PSE": "Palestine",
    "RUS": "Russia",
    "VAT": "Holy See",
    "VIR": "U.S. Virgin Islands",
}


# Cell values meaning "missing" (not Namibia's alpha-2 code "NA").
_MISSING = frozenset({"", "na", "n/a", "n.a.", "nan", "none", "null", "#n/a", "-", "--", "—"})


# Rewritten (loose) keys that would fit more than one country and are therefore refused.
_AMBIGUOUS = frozenset({"korea", "virginislands"})


_ABBREVIATIONS: dict[str, str] = {
    "rep": "republic",
    "dem": "democratic",
    "fed": "federated",
    "sts": "states",
    "st": "saint",
    "ste": "sainte",
    "isl": "islands",
}


_STOPWORDS = frozenset({"the", "of", "and", "republic"})


_APOSTROPHES = re.compile(r"['’‘`´]")


_TWO_LETTERS = re.compile(r"[a-z]{2}")


_THREE_LETTERS = re.compile(r"[a-z]{3}")


def _words(text: str) -> list[str]:
    """Lower-case, accent-free words of ``text`` (NFKC width folding; apostrophes vanish, ``&`` → and)."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = unicodedata.normalize("NFKC", s).replace("&", " and ")
    s = _APOSTROPHES.sub("", s)
    return re.findall(r"[^\W_]+", s)


def _key(text: str) -> str:
    """Exact-match key: the words of ``text`` run together ("Viet Nam." → "vietnam", "刚果（金）" → "刚果金")."""
    return "".join(_words(text))


def _loose_key(text: str) -> str:
    """Second-pass key: abbreviations expanded and the words "the", "of", "and", "republic" dropped."""
    words: list[str] = []
    for w in _words(text):
        words.extend(_ABBREVIATIONS.get(w, w).split())
    return "".join(w for w in words if w not in _STOPWORDS)


def _reordered(text: str) -> list[str]:
    """Un-inverted forms: "Gambia, The" → "The Gambia"; "Congo (Kinshasa)" → "Kinshasa Congo"."""
    out: list[str] = []
    head, sep, tail = text.partition(",")
    if sep and tail.strip():
        out.append(f"{tail} {head}")
    m = re.fullmatch(r"\s*(.+?)\s*[(（](.+)[)）]\s*", text)
    if m:
        out.append(f"{m.group(2)} {m.group(1)}")
    return out


def _english_names() -> list[tuple[str, str]]:
    """(ISO3, English name) pairs from pycountry, the extra codes and the English alias table."""
    pairs: list[tuple[str, str]] = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                pairs.append((c.alpha_3, str(value)))
    for iso3, (_alpha2, name) in _EXTRA_COUNTRIES.items():
        pairs.append((iso3, name))
    for iso3, aliases in _EN_ALIASES.items():
        pairs.extend((iso3, a) for a in aliases)
    pairs.extend(_EN_DISPLAY.items())
    return pairs


def _add(table: dict[str, str], key: str, iso3: str, source: str) -> None:
    if not key:
        raise ValueError(f"country name {source!r} has an empty key")
    known = table.setdefault(key, iso3)
    if known != iso3:
        raise ValueError(f"country key {key!r} ({source!r}) maps to both {known} and {iso3}")


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """Build (alpha-2 → ISO3, alpha-3 → ISO3, exact name key → ISO3, loose key → ISO3) once."""
    alpha2: dict[str, str] = {}
    alpha3: dict[str, str] = {}
    for c in pycountry.countries:
        alpha2[c.alpha_2.lower()] = c.alpha_3
        alpha3[c.alpha_3.lower()] = c.alpha_3
    for iso3, (a2, _name) in _EXTRA_COUNTRIES.items():
        alpha2[a2.lower()] = iso3
        alpha3[iso3.lower()] = iso3

    exact: dict[str, str] = {}
    english = _english_names()
    for iso3, name in english:
        _add(exact, _key(name), iso3, name)
    for iso3, zh in zh_names().items():
        _add(exact, _key(zh), iso3, zh)
    for iso3, zh_aliases in _ZH_ALIASES.items():
        for zh in zh_aliases:
            _add(exact, _key(zh), iso3, zh)

    candidates: dict[str, set[str]] = {}
    for iso3, name in english:
        for form in (name, *_reordered(name)):
            candidates.setdefault(_loose_key(form), set()).add(iso3)
    loose = {k: next(iter(v)) for k, v in candidates.items() if k and len(v) == 1 and k not in _AMBIGUOUS}
    return alpha2, alpha3, exact, loose


@lru_cache(maxsize=4096)
def _resolve_text(text: str) -> str | None:
    stripped = unicodedata.normalize("NFKC", text).strip()
    if stripped.casefold() in _MISSING:
        return None
    alpha2, alpha3, exact, loose = _tables()
    compact = stripped.casefold().rstrip(".")
    if _TWO_LETTERS.fullmatch(compact):
        hit = alpha2.get(compact)
        if hit:
            return hit
    if _THREE_LETTERS.fullmatch(compact):
        hit = alpha3.get(compact)
        if hit:
            return hit
    forms = [stripped, *_reordered(stripped)]
    for form in forms:
        hit = exact.get(_key(form))
        if hit:
            return hit
    for form in forms:
        k = _loose_key(form)
        if k in _AMBIGUOUS:
            return None
        hit = loose.get(k) or exact.get(k)
        if hit:
            return hit
    return None


def resolve_country(text: object) -> str | None:
    """Return ISO3 for a name/alias/code (English official/common names, alpha-2, alpha-3, Chinese names, common variants) or None.

    Missing cells (None, NaN, pd.NA, "", "NA", "N/A") and anything that is not recognised give None.
    Non-string scalars are matched through ``str()``.
    """
    if text is None or text is pd.NA or text is pd.NaT:
        return None
    if not isinstance(text, str):
        if isinstance(text, numbers.Real) and math.isnan(float(text)):
            return None
        text = str(text)
    return _resolve_text(text)


def resolve_countries(values: pd.Series) -> pd.Series:
    """Vectorised over unique values (cache): returns a Series of ISO3 strings with pd.NA where unresolved; same index.

    The result has the nullable ``string`` dtype and keeps the input's index and name.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    resolved = [resolve_country(u) for u in uniques]
    out = [resolved[c] if c >= 0 else None for c in codes]
    return pd.Series(out, index=values.index, name=values.name, dtype="string")


def country_name(iso3: str, lang: str) -> str:
    """Display name of an ISO3 code: ``lang='zh'`` → Chinese short name, otherwise English common/short name.

    An unknown code is returned unchanged.
    """
    code = str(iso3).strip().upper()
    if lang.lower().startswith("zh"):
        return zh_names().get(code, iso3)
    if code in _EN_DISPLAY:
        return _EN_DISPLAY[code]
    if code in _EXTRA_COUNTRIES:
        return _EXTRA_COUNTRIES[code][1]
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None:
        return iso3
    return str(getattr(country, "common_name", None) or country.name)


def all_iso3() -> list[str]:
    """Every alpha-3 code the module knows (ISO 3166-1 via pycountry, plus Kosovo ``XKX``), sorted."""
    return sorted({c.alpha_3 for c in pycountry.countries} | set(_EXTRA_COUNTRIES))
