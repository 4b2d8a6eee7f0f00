"""Counts, decimal amounts and percentages as people type them in spreadsheets.

All arithmetic is done with :class:`~decimal.Decimal` (never ``float``), so ``"1.1K"`` is
exactly 1100 and ``"0.07"`` stays ``Decimal("0.07")``.

Separators
    ``1,234.5`` and ``1.234,5`` (the last of two different separators is the decimal one),
    ``1 234`` / ``1'234`` (space, no-break space, thin space or apostrophe between groups of
    three), ``1.200.000`` (repeated separator: grouping). A single comma followed by exactly
    three digits (``10,771``) is a thousands separator, any other single comma is a decimal
    comma (``12,5``). A single dot is a decimal point, except in an un-suffixed *count*, where
    ``12.500`` (1-3 digits, dot, 3 digits) means 12500: a count cannot have a fraction. Pass
    ``decimal_comma=True``/``False`` when the file's convention is known.

Multipliers (counts and decimals, not percentages)
    ``K``/``thousand``/``千`` = 10³, ``万``/``萬``/``w`` = 10⁴, ``lakh`` = 10⁵,
    ``M``/``m``/``mn``/``mio``/``million``/``百万`` = 10⁶, ``千万``/``crore`` = 10⁷,
    ``亿``/``億`` = 10⁸, ``B``/``bn``/``billion``/``十亿`` = 10⁹; optionally followed by ``+``.
    Scientific notation (``1.2E+06``, as Excel writes big numbers) is accepted too.
"""

from __future__ import annotations

import decimal
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from .errors import InvalidCount, InvalidDecimal, NormaliseError, clean_text

#: Largest count accepted: it must fit a database BigIntegerField.
MAX_COUNT = 2**63 - 1
_MAX_TEXT_LENGTH = 100
_MAX_EXPONENT = 30
_CONTEXT = decimal.Context(prec=80, rounding=ROUND_HALF_UP)

# fmt: off
_MULTIPLIERS = {
    "k": 3, "thousand": 3, "千": 3,
    "w": 4, "万": 4, "萬": 4,
    "十万": 5, "十萬": 5, "lakh": 5,
    "m": 6, "mn": 6, "mio": 6, "million": 6, "百万": 6, "百萬": 6,
    "千万": 7, "千萬": 7, "crore": 7,
    "亿": 8, "億": 8,
    "b": 9, "bn": 9, "billion": 9, "十亿": 9, "十億": 9,
}

_CURRENCY_CODES = [
    "usd", "eur", "gbp", "cny", "rmb", "jpy", "cad", "aud", "mxn", "brl", "inr", "krw", "sgd",
    "hkd", "twd", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "try", "aed", "sar", "zar",
    "nzd", "thb", "vnd", "idr", "myr", "php", "rub", "ils", "egp", "ngn", "clp", "cop", "pen",
    "ars",
]
# fmt: on
_CURRENCY_WORDS = ["美元", "人民币", "欧元", "英镑", "日元", "港币", "元", "圆", "块", "円", "원"]
_CURRENCY_SYMBOLS = "".join(
    chr(c) for c in range(0x20, 0x10000) if unicodedata.category(chr(c)) == "Sc"
)
_CURRENCY = (
    r"(?:(?:us|ca|c|a|au|mx|nz|hk|s|r|nt)?\$|["
    + re.escape(_CURRENCY_SYMBOLS)
    + "]|"
    + "|".join(sorted(_CURRENCY_CODES + _CURRENCY_WORDS, key=len, reverse=True))
    + ")"
)
_MULTIPLIER = "(?:" + "|".join(sorted(map(re.escape, _MULTIPLIERS), key=len, reverse=True)) + ")"
_MINUS = "-−–"  # hyphen-minus, minus sign, en dash
_PRE_RE = re.compile(
    rf"(?P<s1>[+{_MINUS}]?)(?P<paren>\(?)(?P<cur>{_CURRENCY})?(?P<s2>[+{_MINUS}]?)",
    re.IGNORECASE,
)
_POST_RE = re.compile(
    rf"(?P<mult>{_MULTIPLIER})?(?P<plus>\+)?(?P<cur>{_CURRENCY})?(?P<pct>[%٪])?(?P<paren>\)?)",
    re.IGNORECASE,
)
_NUM_RE = re.compile(
    r"(?P<mant>[0-9][0-9.,' ’]*|[.,][0-9][0-9.,' ’]*)(?:[eE](?P<exp>[+-]?[0-9]+))?"
)
_SPACE_GROUPED_RE = re.compile(r"([0-9]{1,3}(?:[ '’][0-9]{3})+)(?:([.,])([0-9]+))?")
_DIGITS_RE = re.compile(r"[0-9]+")
_ASCII_DIGITS = frozenset("0123456789")


class _Parsed(NamedTuple):
    number: Decimal  # with sign and multiplier applied
    percent: bool  # a % sign was present
    multiplied: bool  # a K/M/万... suffix was present
    has_point: bool  # the number was written with a fractional part


def _to_ascii_digits(text: str) -> str:
    """Map any Unicode decimal digit (Arabic-Indic, Devanagari...) to ASCII."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(rf"[1-9][0-9]{{0,2}}(?:{re.escape(sep)}[0-9]{{3}})+", text) is not None


def _looks_grouped(int_part: str, frac: str) -> bool:
    return 1 <= len(int_part) <= 3 and int_part[0] != "0" and len(frac) == 3


def _mantissa(text: str, decimal_comma: bool | None, dot_may_group: bool) -> str | None:
    """Rewrite a mantissa with separators as ``digits[.digits]``; None if malformed."""
    if any(ch in text for ch in " '’"):
        match = _SPACE_GROUPED_RE.fullmatch(text)
        if match is None:
            return None
        int_part = re.sub(r"[ '’]", "", match[1])
        if not match[3]:
            return int_part
        if decimal_comma is not None and (match[2] == ",") != decimal_comma:
            return None
        return f"{int_part}.{match[3]}"
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        point = "." if text.rfind(".") > text.rfind(",") else ","
        if decimal_comma is not None and (point == ",") != decimal_comma:
            return None
        group = "," if point == "." else "."
        int_part, frac = text.rsplit(point, 1)
        if not _DIGITS_RE.fullmatch(frac) or not _grouped(int_part, group):
            return None
        return f"{int_part.replace(group, '')}.{frac}"
    if not has_dot and not has_comma:
        return text if _DIGITS_RE.fullmatch(text) else None
    sep = "." if has_dot else ","
    if text.count(sep) > 1:
        if sep == "," and decimal_comma is True or sep == "." and decimal_comma is False:
            return None
        return text.replace(sep, "") if _grouped(text, sep) else None
    int_part, frac = text.split(sep)
    if not _DIGITS_RE.fullmatch(frac) or int_part and not _DIGITS_RE.fullmatch(int_part):
        return None
    grouped = _looks_grouped(int_part, frac)
    if sep == ",":
        is_point = decimal_comma if decimal_comma is not None else not grouped
        if not is_point and not grouped:
            return None
    elif decimal_comma is False:
        is_point = True
    elif decimal_comma is True:
        is_point = not grouped  # lenient: "1.5" can only be one and a half
    else:
        is_point = not (dot_may_group and grouped)
    return f"{int_part or '0'}.{frac}" if is_point else int_part + frac


def _parse(
    value: object,
    error: type[NormaliseError],
    *,
    allow_multiplier: bool,
    allow_percent: bool,
    allow_currency: bool,
    decimal_comma: bool | None,
    count: bool = False,
) -> _Parsed:
    bad = error(value)
    if isinstance(value, bool) or value is None:
        raise error(value, _("Not a number"), "wrong_type")
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            raise bad
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise bad
        has_point = number != number.to_integral_value() or (
            isinstance(value, Decimal) and number.as_tuple().exponent < 0
        )
        return _Parsed(number, False, False, bool(has_point))
    if not isinstance(value, str):
        raise error(value, _("Not a number"), "wrong_type")
    text = _to_ascii_digits(clean_text(value))
    if not text:
        raise error(value, _("The value is empty"), "empty")
    if len(text) > _MAX_TEXT_LENGTH:
        raise error(value, _("The value is too long"), "too_long")

    start = next(
        (
            i
            for i, ch in enumerate(text)
            if ch in _ASCII_DIGITS or ch in ".," and text[i + 1 : i + 2] in _ASCII_DIGITS
        ),
        None,
    )
    if start is None:
        raise bad
    match = _NUM_RE.match(text, start)
    if match is None:  # pragma: no cover - start always begins a match
        raise bad
    mant_text = match["mant"].rstrip(" '’")
    end = match.start("mant") + len(mant_text) if match["exp"] is None else match.end()
    if mant_text[-1] in ".,":
        raise bad
    pre = re.sub(r"\s+", "", text[:start])
    post = re.sub(r"\s+", "", text[end:])
    pre_match = _PRE_RE.fullmatch(pre)
    post_match = _POST_RE.fullmatch(post)
    if pre_match is None or post_match is None:
        raise bad
    if pre_match["s1"] and pre_match["s2"]:
        raise bad
    if bool(pre_match["paren"]) != bool(post_match["paren"]):
        raise bad
    has_currency = bool(pre_match["cur"] or post_match["cur"])
    if pre_match["cur"] and post_match["cur"] or has_currency and not allow_currency:
        raise bad
    percent = bool(post_match["pct"])
    if percent and (not allow_percent or has_currency):
        raise bad
    mult_text = (post_match["mult"] or "").lower()
    if (mult_text or post_match["plus"]) and not allow_multiplier:
        raise bad
    if post_match["plus"] and not mult_text:
        raise bad
    if mult_text and percent:
        raise bad

    mantissa = _mantissa(mant_text, decimal_comma, dot_may_group=count and not mult_text)
    if mantissa is None:
        raise bad
    number = Decimal(mantissa)
    if match["exp"] is not None:
        exponent = int(match["exp"])
        if abs(exponent) > _MAX_EXPONENT:
            raise bad
        number = number.scaleb(exponent, _CONTEXT)
    if mult_text:
        number = _CONTEXT.multiply(number, Decimal(10) ** _MULTIPLIERS[mult_text])
    sign = pre_match["s1"] or pre_match["s2"]
    negative = bool(sign) and sign in _MINUS
    if pre_match["paren"]:
        negative = not negative  # accounting style: (50) is -50
    if negative:
        number = -number
    return _Parsed(number, percent, bool(mult_text), "." in mantissa)


def parse_count(value: object) -> int:
    """Parse a non-negative whole count such as followers, views or orders.

    Accepts ints, integral floats/Decimals and text: ``"12.5K"`` -> 12500, ``"1.2M"``,
    ``"85k"``, ``"10,771"``, ``"1 234"``, ``"12.5万"`` -> 125000, ``"1.2亿"``, ``"3B"``,
    ``"10K+"``, ``"1234.0"``, ``"1.2E+06"``. A value with a multiplier is rounded half up to a
    whole number (``"1.2345K"`` -> 1235); without one it must be whole (``"12.5"`` is refused).

    Raises :class:`InvalidCount` for negative values, fractions, values above
    :data:`MAX_COUNT`, currency amounts, percentages and anything that is not a number.
    """
    parsed = _parse(
        value,
        InvalidCount,
        allow_multiplier=True,
        allow_percent=False,
        allow_currency=False,
        decimal_comma=None,
        count=True,
    )
    number = parsed.number
    if number < 0:
        raise InvalidCount(value, _("A count cannot be negative"), "negative")
    if number > MAX_COUNT:
        raise InvalidCount(value, _("The count is too large"), "too_large")
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_CONTEXT)
    if whole != number and not parsed.multiplied:
        raise InvalidCount(value, _("A count must be a whole number"), "not_whole")
    result = int(whole)
    if result > MAX_COUNT:  # pragma: no cover - rounding at the very top of the range
        raise InvalidCount(value, _("The count is too large"), "too_large")
    return result


def parse_decimal(value: object, *, decimal_comma: bool | None = None) -> Decimal:
    """Parse an amount or other decimal number exactly.

    Accepts ints, floats (via their shortest repr), Decimals and text: ``"$1,234.50"``,
    ``"1.234,50"``, ``"€12,5"``, ``"¥100"``, ``"100元"``, ``"USD 80"``, ``"-5"``, ``"(5)"``
    (accounting negative), ``"$1.2k"`` (multipliers as in :func:`parse_count`) and
    ``"12.5%"`` (-> ``Decimal("12.5")``: the number as written; use :func:`parse_percent` for
    percentages). ``decimal_comma`` forces the comma to be the decimal separator (True) or a
    thousands separator (False); None guesses as described in the module docstring.

    Negative values are returned as such. Raises :class:`InvalidDecimal`.
    """
    return _parse(
        value,
        InvalidDecimal,
        allow_multiplier=True,
        allow_percent=True,
        allow_currency=True,
        decimal_comma=decimal_comma,
    ).number


def parse_percent(
    value: object, *, fraction_ok: bool = False, decimal_comma: bool | None = None
) -> Decimal:
    """Parse a percentage and return it on the 0..100 scale.

    * With a ``%`` sign the number is the percentage: ``"4.5%"`` -> ``Decimal("4.5")``.
    * Without one the number is also taken as a percentage: ``"4.5"`` -> 4.5, ``"1"`` -> 1.
    * Only when ``fraction_ok=True``, a bare value between 0 and 1 written with a fractional
      part (``"0.045"``, ``0.045``, ``"1.0"``) is read as a fraction and multiplied by 100
      (-> 4.5, 100). Use it for exports known to give ratios; it is off by default because
      ``"0.5"`` in a sheet of percentages means half a percent.

    Raises :class:`InvalidDecimal` for non-numbers, multipliers, currency and values outside
    0..100.
    """
    parsed = _parse(
        value,
        InvalidDecimal,
        allow_multiplier=False,
        allow_percent=True,
        allow_currency=False,
        decimal_comma=decimal_comma,
    )
    number = parsed.number
    if fraction_ok and not parsed.percent and parsed.has_point and 0 <= number <= 1:
        number = _CONTEXT.multiply(number, Decimal(100))
    if number < 0 or number > 100:
        raise InvalidDecimal(value, _("A percentage must be between 0 and 100"), "out_of_range")
    return number


__all__ = ["MAX_COUNT", "parse_count", "parse_decimal", "parse_percent"]
