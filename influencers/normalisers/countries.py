"""Countries as ISO 3166-1 alpha-2 codes (``"US"``, ``"GB"``, ``"DE"``...).

Recognised: alpha-2 and alpha-3 codes (``us``, ``USA``), numeric codes (``840``), every
English name pycountry knows (name, official name, common name), a table of aliases (``UK``,
``Great Britain``, ``England``, ``Holland``, ``South Korea``...), names in the countries' own
languages (``Deutschland``, ``España``, ``México``, ``Brasil``, ``日本``...), Chinese names
(``美国``, ``英国``, ``德国``... simplified and traditional) and flag emoji (``🇩🇪``).
Matching ignores case, accents, punctuation and extra spaces, and a leading "the".
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry
from django.utils.translation import gettext_lazy as _

from .errors import InvalidCountry, clean_text

# Keys are matched after _key() (lower case, no accents, punctuation -> space).
# fmt: off
_ALIASES: dict[str, str] = {
    # English variants and abbreviations
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "us": "US", "u s": "US", "usa": "US", "u s a": "US", "america": "US",
    "united states": "US", "united states of america": "US",
    "holland": "NL", "netherlands": "NL",
    "south korea": "KR", "korea": "KR", "republic of korea": "KR", "north korea": "KP",
    "russia": "RU", "vietnam": "VN", "iran": "IR", "syria": "SY", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "czech republic": "CZ", "czechia": "CZ", "turkey": "TR", "turkiye": "TR", "uae": "AE",
    "emirates": "AE",
    "ivory coast": "CI", "cape verde": "CV", "macedonia": "MK", "burma": "MM", "taiwan": "TW",
    "hong kong": "HK", "macau": "MO", "macao": "MO", "palestine": "PS", "vatican": "VA",
    "brunei": "BN", "swaziland": "SZ", "east timor": "TL", "bahamas": "BS", "gambia": "GM",
    "dr congo": "CD", "drc": "CD", "democratic republic of the congo": "CD",
    "republic of the congo": "CG", "congo brazzaville": "CG", "saudi": "SA", "ksa": "SA",
    "kosovo": "XK", "mainland china": "CN", "prc": "CN", "peoples republic of china": "CN",
    # Names in the countries' own (and neighbours') languages
    "deutschland": "DE", "allemagne": "DE", "alemania": "DE", "germania": "DE",
    "espana": "ES", "spanien": "ES", "espagne": "ES", "spagna": "ES",
    "mexico": "MX", "mejico": "MX", "mexique": "MX", "mexiko": "MX",
    "brasil": "BR", "bresil": "BR", "brasilien": "BR",
    "italia": "IT", "italie": "IT", "italien": "IT",
    "francia": "FR", "frankreich": "FR",
    "estados unidos": "US", "etats unis": "US", "vereinigte staaten": "US", "eeuu": "US",
    "reino unido": "GB", "royaume uni": "GB", "vereinigtes konigreich": "GB",
    "regno unito": "GB",
    "nederland": "NL", "pays bas": "NL", "niederlande": "NL", "paises bajos": "NL",
    "belgie": "BE", "belgique": "BE", "belgien": "BE",
    "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "osterreich": "AT", "autriche": "AT",
    "sverige": "SE", "norge": "NO", "danmark": "DK", "suomi": "FI", "island": "IS",
    "polska": "PL", "cesko": "CZ", "magyarorszag": "HU", "romania": "RO", "ellada": "GR",
    "eire": "IE", "portugal": "PT", "canada": "CA", "kanada": "CA",
    "rossiya": "RU", "россия": "RU", "украина": "UA", "україна": "UA",
    "ελλαδα": "GR", "turkiye cumhuriyeti": "TR",
    "nihon": "JP", "nippon": "JP", "japon": "JP", "giappone": "JP",
    "hanguk": "KR", "한국": "KR", "대한민국": "KR", "日本国": "JP", "にほん": "JP",
    "viet nam": "VN", "pilipinas": "PH", "filipinas": "PH", "indonesie": "ID",
    "al mamlaka al arabiya as saudiya": "SA", "السعودية": "SA", "الإمارات": "AE",
    "الامارات": "AE", "مصر": "EG", "المغرب": "MA", "ישראל": "IL",
    "bharat": "IN", "भारत": "IN", "ประเทศไทย": "TH", "ไทย": "TH",
    # Chinese (simplified and traditional)
    "美国": "US", "美國": "US", "英国": "GB", "英國": "GB", "德国": "DE", "德國": "DE",
    "法国": "FR", "法國": "FR", "日本": "JP", "加拿大": "CA", "澳大利亚": "AU", "澳大利亞": "AU",
    "澳洲": "AU", "墨西哥": "MX", "西班牙": "ES", "意大利": "IT", "義大利": "IT", "巴西": "BR",
    "中国": "CN", "中國": "CN", "中国大陆": "CN", "中國大陸": "CN", "印度": "IN",
    "韩国": "KR", "韓國": "KR", "南韩": "KR", "南韓": "KR", "朝鲜": "KP", "北韩": "KP",
    "新加坡": "SG", "马来西亚": "MY", "馬來西亞": "MY", "泰国": "TH", "泰國": "TH", "越南": "VN",
    "印度尼西亚": "ID", "印度尼西亞": "ID", "印尼": "ID", "菲律宾": "PH", "菲律賓": "PH",
    "沙特阿拉伯": "SA", "沙特": "SA", "沙烏地阿拉伯": "SA", "阿联酋": "AE", "阿聯酋": "AE",
    "阿拉伯联合酋长国": "AE", "阿拉伯聯合大公國": "AE", "荷兰": "NL", "荷蘭": "NL",
    "瑞典": "SE", "波兰": "PL", "波蘭": "PL", "土耳其": "TR", "俄罗斯": "RU", "俄羅斯": "RU",
    "乌克兰": "UA", "烏克蘭": "UA", "比利时": "BE", "比利時": "BE", "瑞士": "CH",
    "奥地利": "AT", "奧地利": "AT", "葡萄牙": "PT", "爱尔兰": "IE", "愛爾蘭": "IE",
    "丹麦": "DK", "丹麥": "DK", "挪威": "NO", "芬兰": "FI", "芬蘭": "FI", "希腊": "GR",
    "希臘": "GR", "捷克": "CZ", "匈牙利": "HU", "罗马尼亚": "RO", "羅馬尼亞": "RO",
    "以色列": "IL", "埃及": "EG", "南非": "ZA", "尼日利亚": "NG", "奈及利亞": "NG",
    "肯尼亚": "KE", "阿根廷": "AR", "智利": "CL", "哥伦比亚": "CO", "哥倫比亞": "CO",
    "秘鲁": "PE", "秘魯": "PE", "新西兰": "NZ", "紐西蘭": "NZ", "台湾": "TW", "台灣": "TW",
    "臺灣": "TW", "中国台湾": "TW", "中華民國": "TW", "香港": "HK", "中国香港": "HK",
    "澳门": "MO", "澳門": "MO", "中国澳门": "MO", "巴基斯坦": "PK", "孟加拉国": "BD",
    "孟加拉": "BD", "卡塔尔": "QA", "卡達": "QA", "科威特": "KW", "摩洛哥": "MA",
    "伊朗": "IR", "伊拉克": "IQ", "斯里兰卡": "LK", "柬埔寨": "KH", "缅甸": "MM",
    "英格兰": "GB", "苏格兰": "GB",
}
# fmt: on

_PUNCT_RE = re.compile(r"[^\w]+|_")
_FLAG_RE = re.compile("([\U0001f1e6-\U0001f1ff]{2})")
_PARTS_RE = re.compile(r"[()\[\]/|,;]+")


def _key(text: str) -> str:
    """Lower-case, strip accents (not from CJK), turn punctuation into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _PUNCT_RE.sub(" ", unicodedata.normalize("NFC", stripped)).strip()
    if key.startswith("the "):
        key = key[4:]
    return key


@functools.cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                table.setdefault(_key(name), code)
    for alias, code in _ALIASES.items():
        table[_key(alias)] = code
    return table


def _lookup(text: str) -> str | None:
    key = _key(text)
    return _table().get(key) if key else None


def _from_flag(text: str) -> str | None:
    match = _FLAG_RE.search(text)
    if match is None:
        return None
    code = "".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in match[1])
    return _lookup(code)


def normalise_country(value: object) -> str:
    """Return the ISO 3166-1 alpha-2 code (upper case) of the country named by ``value``.

    Raises :class:`InvalidCountry` for blank values, unknown names and non-text values.
    """
    if not isinstance(value, str):
        raise InvalidCountry(value, _("A country must be text"), "wrong_type")
    text = clean_text(value)
    if not text:
        raise InvalidCountry(value, _("The country is empty"), "empty")
    if len(text) <= 100:
        code = _lookup(text)
        if code is None:
            # "Germany (DE)", "US / United States": every part must name the same country.
            parts = [part for part in _PARTS_RE.split(text) if _key(part)]
            codes = {_lookup(part) for part in parts}
            if len(parts) > 1 and len(codes) == 1:
                code = codes.pop()
        if code is None:
            code = _from_flag(text)
        if code is not None:
            return code
    raise InvalidCountry(value)


__all__ = ["normalise_country"]
