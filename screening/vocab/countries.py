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
* ``ZH_NAMES`` (ISO3 → Chinese short name as used by the Chinese Ministry of Foreign Affairs) covers every
  code in ``pycountry`` plus Kosovo; ``_ZH_ALIASES`` adds other Chinese forms (全称, 俗称).
* Kosovo (``XKX``/``XK``, the code used by the EU, IMF and World Bank) is not in ISO 3166-1 and is added here.

Matching is exact over a precomputed table of normalised keys (case-, width-, accent-, punctuation- and
space-insensitive). Only when that fails, a conservative second pass rewrites inverted forms
("Gambia, The", "Congo (Kinshasa)") and expands abbreviations ("Rep." → republic, "St." → saint) and
drops the words "the", "of", "and", "republic"; a rewritten key that would fit two countries is dropped.
``pycountry.countries.search_fuzzy`` is deliberately not used (slow, and it confuses e.g. Niger/Nigeria).
"""

from __future__ import annotations

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
]


# The 193 member states of the United Nations, by ISO 3166-1 alpha-3 code.
UN_MEMBERS: frozenset[str] = frozenset("""
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
""".split())


# Codes outside ISO 3166-1 that the tool accepts: alpha-3 → (alpha-2, English name).
_EXTRA_COUNTRIES: dict[str, tuple[str, str]] = {
    "XKX": ("XK", "Kosovo"),
}


# ISO3 → Chinese short name (外交部 usage). Covers every pycountry code plus Kosovo.
ZH_NAMES: dict[str, str] = {
    "ABW": "阿鲁巴",
    "AFG": "阿富汗",
    "AGO": "安哥拉",
    "AIA": "安圭拉",
    "ALA": "奥兰群岛",
    "ALB": "阿尔巴尼亚",
    "AND": "安道尔",
    "ARE": "阿联酋",
    "ARG": "阿根廷",
    "ARM": "亚美尼亚",
    "ASM": "美属萨摩亚",
    "ATA": "南极洲",
    "ATF": "法属南部领地",
    "ATG": "安提瓜和巴布达",
    "AUS": "澳大利亚",
    "AUT": "奥地利",
    "AZE": "阿塞拜疆",
    "BDI": "布隆迪",
    "BEL": "比利时",
    "BEN": "贝宁",
    "BES": "荷兰加勒比区",
    "BFA": "布基纳法索",
    "BGD": "孟加拉国",
    "BGR": "保加利亚",
    "BHR": "巴林",
    "BHS": "巴哈马",
    "BIH": "波斯尼亚和黑塞哥维那",
    "BLM": "圣巴泰勒米",
    "BLR": "白俄罗斯",
    "BLZ": "伯利兹",
    "BMU": "百慕大",
    "BOL": "玻利维亚",
    "BRA": "巴西",
    "BRB": "巴巴多斯",
    "BRN": "文莱",
    "BTN": "不丹",
    "BVT": "布韦岛",
    "BWA": "博茨瓦纳",
    "CAF": "中非",
    "CAN": "加拿大",
    "CCK": "科科斯（基林）群岛",
    "CHE": "瑞士",
    "CHL": "智利",
    "CHN": "中国",
    "CIV": "科特迪瓦",
    "CMR": "喀麦隆",
    "COD": "刚果（金）",
    "COG": "刚果（布）",
    "COK": "库克群岛",
    "COL": "哥伦比亚",
    "COM": "科摩罗",
    "CPV": "佛得角",
    "CRI": "哥斯达黎加",
    "CUB": "古巴",
    "CUW": "库拉索",
    "CXR": "圣诞岛",
    "CYM": "开曼群岛",
    "CYP": "塞浦路斯",
    "CZE": "捷克",
    "DEU": "德国",
    "DJI": "吉布提",
    "DMA": "多米尼克",
    "DNK": "丹麦",
    "DOM": "多米尼加",
    "DZA": "阿尔及利亚",
    "ECU": "厄瓜多尔",
    "EGY": "埃及",
    "ERI": "厄立特里亚",
    "ESH": "西撒哈拉",
    "ESP": "西班牙",
    "EST": "爱沙尼亚",
    "ETH": "埃塞俄比亚",
    "FIN": "芬兰",
    "FJI": "斐济",
    "FLK": "马尔维纳斯群岛（福克兰）",
    "FRA": "法国",
    "FRO": "法罗群岛",
    "FSM": "密克罗尼西亚联邦",
    "GAB": "加蓬",
    "GBR": "英国",
    "GEO": "格鲁吉亚",
    "GGY": "根西",
    "GHA": "加纳",
    "GIB": "直布罗陀",
    "GIN": "几内亚",
    "GLP": "瓜德罗普",
    "GMB": "冈比亚",
    "GNB": "几内亚比绍",
    "GNQ": "赤道几内亚",
    "GRC": "希腊",
    "GRD": "格林纳达",
    "GRL": "格陵兰",
    "GTM": "危地马拉",
    "GUF": "法属圭亚那",
    "GUM": "关岛",
    "GUY": "圭亚那",
    "HKG": "中国香港",
    "HMD": "赫德岛和麦克唐纳群岛",
    "HND": "洪都拉斯",
    "HRV": "克罗地亚",
    "HTI": "海地",
    "HUN": "匈牙利",
    "IDN": "印度尼西亚",
    "IMN": "马恩岛",
    "IND": "印度",
    "IOT": "英属印度洋领地",
    "IRL": "爱尔兰",
    "IRN": "伊朗",
    "IRQ": "伊拉克",
    "ISL": "冰岛",
    "ISR": "以色列",
    "ITA": "意大利",
    "JAM": "牙买加",
    "JEY": "泽西",
    "JOR": "约旦",
    "JPN": "日本",
    "KAZ": "哈萨克斯坦",
    "KEN": "肯尼亚",
    "KGZ": "吉尔吉斯斯坦",
    "KHM": "柬埔寨",
    "KIR": "基里巴斯",
    "KNA": "圣基茨和尼维斯",
    "KOR": "韩国",
    "KWT": "科威特",
    "LAO": "老挝",
    "LBN": "黎巴嫩",
    "LBR": "利比里亚",
    "LBY": "利比亚",
    "LCA": "圣卢西亚",
    "LIE": "列支敦士登",
    "LKA": "斯里兰卡",
    "LSO": "莱索托",
    "LTU": "立陶宛",
    "LUX": "卢森堡",
    "LVA": "拉脱维亚",
    "MAC": "中国澳门",
    "MAF": "法属圣马丁",
    "MAR": "摩洛哥",
    "MCO": "摩纳哥",
    "MDA": "摩尔多瓦",
    "MDG": "马达加斯加",
    "MDV": "马尔代夫",
    "MEX": "墨西哥",
    "MHL": "马绍尔群岛",
    "MKD": "北马其顿",
    "MLI": "马里",
    "MLT": "马耳他",
    "MMR": "缅甸",
    "MNE": "黑山",
    "MNG": "蒙古国",
    "MNP": "北马里亚纳群岛",
    "MOZ": "莫桑比克",
    "MRT": "毛里塔尼亚",
    "MSR": "蒙特塞拉特",
    "MTQ": "马提尼克",
    "MUS": "毛里求斯",
    "MWI": "马拉维",
    "MYS": "马来西亚",
    "MYT": "马约特",
    "NAM": "纳米比亚",
    "NCL": "新喀里多尼亚",
    "NER": "尼日尔",
    "NFK": "诺福克岛",
    "NGA": "尼日利亚",
    "NIC": "尼加拉瓜",
    "NIU": "纽埃",
    "NLD": "荷兰",
    "NOR": "挪威",
    "NPL": "尼泊尔",
    "NRU": "瑙鲁",
    "NZL": "新西兰",
    "OMN": "阿曼",
    "PAK": "巴基斯坦",
    "PAN": "巴拿马",
    "PCN": "皮特凯恩群岛",
    "PER": "秘鲁",
    "PHL": "菲律宾",
    "PLW": "帕劳",
    "PNG": "巴布亚新几内亚",
    "POL": "波兰",
    "PRI": "波多黎各",
    "PRK": "朝鲜",
    "PRT": "葡萄牙",
    "PRY": "巴拉圭",
    "PSE": "巴勒斯坦",
    "PYF": "法属波利尼西亚",
    "QAT": "卡塔尔",
    "REU": "留尼汪",
    "ROU": "罗马尼亚",
    "RUS": "俄罗斯",
    "RWA": "卢旺达",
    "SAU": "沙特阿拉伯",
    "SDN": "苏丹",
    "SEN": "塞内加尔",
    "SGP": "新加坡",
    "SGS": "南乔治亚和南桑威奇群岛",
    "SHN": "圣赫勒拿、阿森松和特里斯坦-达库尼亚",
    "SJM": "斯瓦尔巴和扬马延",
    "SLB": "所罗门群岛",
    "SLE": "塞拉利昂",
    "SLV": "萨尔瓦多",
    "SMR": "圣马力诺",
    "SOM": "索马里",
    "SPM": "圣皮埃尔和密克隆",
    "SRB": "塞尔维亚",
    "SSD": "南苏丹",
    "STP": "圣多美和普林西比",
    "SUR": "苏里南",
    "SVK": "斯洛伐克",
    "SVN": "斯洛文尼亚",
    "SWE": "瑞典",
    "SWZ": "斯威士兰",
    "SXM": "荷属圣马丁",
    "SYC": "塞舌尔",
    "SYR": "叙利亚",
    "TCA": "特克斯和凯科斯群岛",
    "TCD": "乍得",
    "TGO": "多哥",
    "THA": "泰国",
    "TJK": "塔吉克斯坦",
    "TKL": "托克劳",
    "TKM": "土库曼斯坦",
    "TLS": "东帝汶",
    "TON": "汤加",
    "TTO": "特立尼达和多巴哥",
    "TUN": "突尼斯",
    "TUR": "土耳其",
    "TUV": "图瓦卢",
    "TWN": "中国台湾",
    "TZA": "坦桑尼亚",
    "UGA": "乌干达",
    "UKR": "乌克兰",
    "UMI": "美国本土外小岛屿",
    "URY": "乌拉圭",
    "USA": "美国",
    "UZB": "乌兹别克斯坦",
    "VAT": "梵蒂冈",
    "VCT": "圣文森特和格林纳丁斯",
    "VEN": "委内瑞拉",
    "VGB": "英属维尔京群岛",
    "VIR": "美属维尔京群岛",
    "VNM": "越南",
    "VUT": "瓦努阿图",
    "WLF": "瓦利斯和富图纳",
    "WSM": "萨摩亚",
    "XKX": "科索沃",
    "YEM": "也门",
    "ZAF": "南非",
    "ZMB": "赞比亚",
    "ZWE": "津巴布韦",
}


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
        "Democratic Republic of the Congo", "Democratic Republic of Congo", "DR Congo", "D.R. Congo", "DRC",
        "Congo DR", "Congo-Kinshasa", "Congo (Kinshasa)", "Congo, Dem. Rep.",
        "Congo, Democratic Republic of the", "Zaire",
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
        "Macedonia", "FYROM", "Macedonia, FYR", "Former Yugoslav Republic of Macedonia",
        "The former Yugoslav Republic of Macedonia",
    ),
    "MMR": ("Burma",),
    "PRK": ("DPRK", "DPR Korea", "Korea, DPR", "Korea, Dem. People's Rep.", "Korea, Dem. Rep."),
    "PSE": (
        "Palestine", "West Bank and Gaza", "Palestinian Territories", "Palestinian Territory",
        "Occupied Palestinian Territory",
    ),
    "RUS": ("Russia",),
    "SHN": ("Saint Helena",),
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
    for iso3, zh in ZH_NAMES.items():
        _add(exact, _key(zh), iso3, zh)
    for iso3, zh_aliases in _ZH_ALIASES.items():
        for zh in zh_aliases:
            _add(exact, _key(zh), iso3, zh)

    candidates: dict[str, set[str]] = {}
    for iso3, name in english:
        for form in (name, *_reordered(name)):
            candidates.setdefault(_loose_key(form), set()).add(iso3)
    loose = {
        k: next(iter(v))
        for k, v in candidates.items()
        if k and len(v) == 1 and k not in _AMBIGUOUS
    }
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
        return ZH_NAMES.get(code, iso3)
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
