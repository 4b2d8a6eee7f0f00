"""Property-based and example tests for influencers.normalisers (no database needed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pickle
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pycountry
import pytest
from django.conf import settings
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    # Error reasons are lazy translations: rendering them needs settings of some kind.
    settings.configure(USE_I18N=False)

from influencers.normalisers import (  # noqa: E402
    MAX_COUNT,
    InvalidCount,
    InvalidCountry,
    InvalidDate,
    InvalidDecimal,
    InvalidEmail,
    InvalidHandle,
    InvalidPhone,
    NormaliseError,
    detect_platform_from_url,
    normalise_country,
    normalise_email,
    normalise_emails,
    normalise_handle,
    normalise_phone,
    parse_count,
    parse_date,
    parse_decimal,
    parse_percent,
    profile_url,
)
from influencers.normalisers import handles as handles_module  # noqa: E402

# NORMALISER_EXAMPLES=5000 runs a deeper search locally; the default keeps the file fast.
_EXAMPLES = int(os.environ.get("NORMALISER_EXAMPLES", "60"))
PROPERTY = hsettings(
    max_examples=_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Copies of ../shared/data, kept in the repo so a clone anywhere runs the same tests.
DATA_DIR = Path(__file__).resolve().parent / "fixtures" / "data"
EN_SHEET = DATA_DIR / "creators_sheet_en.csv"
ZH_SHEET = DATA_DIR / "creators_sheet_zh_gb18030.csv"

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202c"]

# Any text, plus text biased towards the shapes the normalisers look for.
messy_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,' +-$%€¥kKmMbB万亿eE()@/:_ ", max_size=25),
    st.text(alphabet="abcXYZ@./:?#=&-_ 0123456789<>\"';,\n", max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\u200b",
            "-",
            "n/a",
            "N/A",
            "@",
            "@@",
            "/",
            "//",
            "http://",
            "https:///",
            "tiktok.com/",
            "tiktok.com/@",
            "instagram.com//",
            "youtube.com/channel/",
            "x.com/i",
            "1e999999",
            "1E-999999",
            "NaN",
            "inf",
            "-0",
            "(",
            ")",
            "()",
            "$",
            "%",
            "万",
            "\x00",
            "\ud7ff",
            "ǅ",
            "ß",
            "İ",
            "ﬀ",
            "⑫",
            "¹²",
            "٣",
            "１２",
            "0x1F",
            "1_000",
        ]
    ),
)


def _assume_not_error(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except NormaliseError:
        assume(False)


# --------------------------------------------------------------------------------------------
# errors


def test_error_carries_value_reason_and_code():
    with pytest.raises(InvalidCount) as info:
        parse_count("lots")
    err = info.value
    assert isinstance(err, NormaliseError)
    assert isinstance(err, ValueError)
    assert err.value == "lots"
    assert err.code == "invalid_count"
    assert str(err.reason) == "Not a valid count"
    assert str(err) == "Not a valid count: 'lots'"


def test_error_specific_codes_and_pickle():
    with pytest.raises(InvalidCount) as info:
        parse_count("-5")
    assert info.value.code == "negative"
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is InvalidCount
    assert (clone.value, clone.code, str(clone)) == ("-5", "negative", str(info.value))


def test_error_str_truncates_long_values():
    with pytest.raises(InvalidHandle) as info:
        normalise_handle("x y" * 100)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize(
    "cls",
    [
        InvalidHandle,
        InvalidCount,
        InvalidDecimal,
        InvalidEmail,
        InvalidPhone,
        InvalidCountry,
        InvalidDate,
    ],
)
def test_every_error_type_is_a_normalise_error(cls):
    err = cls("v")
    assert isinstance(err, NormaliseError)
    assert err.code and str(err.reason)
    assert str(err).endswith("'v'")


# --------------------------------------------------------------------------------------------
# handles

handle_text = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=30
).filter(lambda h: any(c.isalnum() for c in h))

URL_FORMS = {
    "tiktok": [
        "https://www.tiktok.com/@{}?lang=en",
        "tiktok.com/@{}",
        "http://m.tiktok.com/@{}/",
        "www.tiktok.com/@{}/video/7300000000000000000",
        "https://www.tiktok.com/@{}#top",
    ],
    "instagram": [
        "https://instagram.com/{}/",
        "instagram.com/{}?igshid=abc123",
        "https://www.instagram.com/{}/?lang=en",
        "instagram.com/stories/{}/3200000000",
    ],
    "youtube": [
        "youtube.com/@{}",
        "https://www.youtube.com/c/{}/videos",
        "https://m.youtube.com/user/{}",
        "www.youtube.com/@{}/shorts?x=1",
    ],
    "x": ["x.com/{}", "https://twitter.com/{}", "https://mobile.twitter.com/{}/status/1"],
    "twitch": ["twitch.tv/{}", "https://www.twitch.tv/{}/videos"],
    "linkedin": ["linkedin.com/in/{}", "https://www.linkedin.com/in/{}/"],
    "amazon": ["amazon.com/shop/{}", "https://www.amazon.co.uk/shop/{}?ref=x"],
}


def _not_channel_id(handle: str) -> bool:
    # A bare "tiktok.com" is refused as a link, and UC + 22 characters keeps its case.
    is_site = detect_platform_from_url(handle) is not None
    return not is_site and not (len(handle) == 24 and handle.startswith("uc"))


def _usable_on(platform: str, handle: str) -> bool:
    reserved = handles_module._RESERVED.get(platform, set()) | {"c", "user", "channel"}
    return handle not in reserved or platform in {"tiktok", "linkedin", "amazon"}


@PROPERTY
@given(
    handle=handle_text.filter(_not_channel_id),
    pad_left=st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u3000"]),
    pad_right=st.sampled_from(["", " ", "   ", "\n", "\u00a0"]),
    invisible=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(ZERO_WIDTH)), max_size=3),
    at=st.booleans(),
    upper=st.booleans(),
)
def test_handle_plain_forms_are_equivalent(handle, pad_left, pad_right, invisible, at, upper):
    text = handle.upper() if upper else handle
    text = ("@" if at else "") + text
    for position, char in invisible:
        position = min(position, len(text))
        text = text[:position] + char + text[position:]
    assert normalise_handle(pad_left + text + pad_right) == handle


@PROPERTY
@given(
    handle=handle_text.filter(_not_channel_id),
    platform=st.sampled_from(sorted(URL_FORMS)),
    data=st.data(),
)
def test_handle_url_forms_are_equivalent(handle, platform, data):
    assume(_usable_on(platform, handle))
    form = data.draw(st.sampled_from(URL_FORMS[platform]))
    url = form.format(handle)
    if data.draw(st.booleans()):
        url = url.upper().replace("HTTPS://", "https://").replace("HTTP://", "http://")
    assert normalise_handle(url) == handle
    assert normalise_handle(url, platform) == handle
    assert normalise_handle(url, platform) == normalise_handle("@" + handle, platform)
    assert detect_platform_from_url(url) == platform
    # the canonical URL normalises back to the handle
    canonical = profile_url(platform, handle)
    assert normalise_handle(canonical, platform) == handle
    assert detect_platform_from_url(canonical) == platform


@PROPERTY
@given(value=messy_text)
def test_handle_only_raises_invalid_handle_and_is_idempotent(value):
    try:
        result = normalise_handle(value)
    except InvalidHandle as err:
        assert err.value == value
        return
    assert normalise_handle(result) == result
    assert 1 <= len(result) <= 100
    assert result == result.lower() or handles_module._CHANNEL_ID_RE.fullmatch(result)


@PROPERTY
@given(value=messy_text, platform=st.sampled_from(sorted(URL_FORMS)))
def test_handle_with_platform_is_idempotent(value, platform):
    result = _assume_not_error(normalise_handle, value, platform)
    assert normalise_handle(result, platform) == result
    assert normalise_handle("@" + result, platform) == result
    detect_platform_from_url(value)  # never raises


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("@Name", "name"),
        ("name", "name"),
        (" @NAME  ", "name"),
        ("\u200b@na\u200cme\ufeff", "name"),
        ("＠ＮＡＭＥ", "name"),
        ("https://www.tiktok.com/@name?lang=en", "name"),
        ("tiktok.com/@name", "name"),
        ("https://instagram.com/name/", "name"),
        ("instagram.com/name?igshid=abc", "name"),
        ("youtube.com/@name", "name"),
        ("youtube.com/c/name", "name"),
        ("youtube.com/user/Name", "name"),
        ("x.com/name", "name"),
        ("twitter.com/Name", "name"),
        ("https://www.twitch.tv/name/", "name"),
        ("jane.doe_1-2", "jane.doe_1-2"),
        (12345, "12345"),
        (
            "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
            "UCabcdefghijklmnopqrstuv",
        ),
    ],
)
def test_handle_examples(value, expected):
    assert normalise_handle(value) == expected


@pytest.mark.parametrize(
    ("value", "platform", "code"),
    [
        ("", None, "empty"),
        ("  \u200b ", None, "empty"),
        ("@", None, "empty"),
        ("jane doe", None, "spaces"),
        ("-", None, "bad_characters"),
        ("n/a", None, "bad_characters"),
        ("jane@example.com", None, "bad_characters"),
        ("#tag", None, "bad_characters"),
        ("жанна", None, "bad_characters"),
        ("a" * 101, None, "too_long"),
        ("tiktok.com", None, "not_profile"),
        ("https://vm.tiktok.com/ZMabcdef/", None, "not_profile"),
        ("https://www.instagram.com/p/Cabc123/", None, "not_profile"),
        ("https://youtu.be/dQw4w9WgXcQ", None, "not_profile"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None, "not_profile"),
        ("https://linktr.ee/jane", None, "unknown_site"),
        ("instagram.com/jane", "tiktok", "platform_mismatch"),
        (None, None, "wrong_type"),
    ],
)
def test_handle_rejects(value, platform, code):
    with pytest.raises(InvalidHandle) as info:
        normalise_handle(value, platform)
    assert info.value.code == code
    assert info.value.value == value


def test_detect_platform_from_url():
    assert detect_platform_from_url("https://www.tiktok.com/@a") == "tiktok"
    assert detect_platform_from_url("instagr.am/a") == "instagram"
    assert detect_platform_from_url("https://youtu.be/abc") == "youtube"
    assert detect_platform_from_url("twitter.com/a") == "x"
    assert detect_platform_from_url("https://www.linkedin.com/in/a") == "linkedin"
    assert detect_platform_from_url("https://www.amazon.de/shop/a") == "amazon"
    assert detect_platform_from_url("https://amzn.to/3abc") == "amazon"
    assert detect_platform_from_url("@jane") is None
    assert detect_platform_from_url("jane.doe") is None
    assert detect_platform_from_url("https://example.com/a") is None
    assert detect_platform_from_url(None) is None


def test_profile_url():
    assert profile_url("tiktok", "@Jane") == "https://www.tiktok.com/@jane"
    assert profile_url("Instagram", "instagram.com/jane?x=1") == "https://www.instagram.com/jane/"
    assert profile_url("twitter", "JACK") == "https://x.com/jack"
    assert (
        profile_url("youtube", "UCabcdefghijklmnopqrstuv")
        == "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv"
    )
    with pytest.raises(ValueError):
        profile_url("myspace", "jane")
    with pytest.raises(InvalidHandle):
        profile_url("tiktok", "")


# --------------------------------------------------------------------------------------------
# counts and decimals

counts = st.integers(min_value=0, max_value=10**15)


@PROPERTY
@given(n=counts)
def test_count_round_trips_plain_and_grouped(n):
    assert parse_count(str(n)) == n
    assert parse_count(f"{n:,}") == n
    assert parse_count(f" {n:,} ".replace(",", " ")) == n
    assert parse_count(f"{n:,}".replace(",", "\u00a0")) == n
    assert parse_count(f"{n:,}".replace(",", "\u202f")) == n
    assert parse_count(f"{n:,}".replace(",", "'")) == n
    assert parse_count(f"{n:,}".replace(",", ".")) == n
    assert parse_count(n) == n
    assert parse_count(Decimal(n)) == n
    assert parse_count(f"{n}.0") == n
    if n < 2**53:
        assert parse_count(float(n)) == n


@PROPERTY
@given(
    n=counts,
    unit=st.sampled_from(
        [("K", 3), ("k", 3), ("万", 4), ("w", 4), ("M", 6), ("m", 6), ("亿", 8), ("B", 9)]
    ),
    space=st.sampled_from(["", " "]),
)
def test_count_round_trips_with_multipliers(n, unit, space):
    suffix, power = unit
    exact = Decimal(n).scaleb(-power)
    assert parse_count(f"{exact}{space}{suffix}") == n
    assert parse_count(f"{exact}{suffix}+") == n
    approx = parse_count(f"{n / 10**power}{suffix}")
    assert abs(approx - n) <= max(1, n * 10**-12)


@PROPERTY
@given(n=st.integers(min_value=1, max_value=10**12))
def test_negative_counts_are_refused(n):
    for text in (f"-{n}", f"−{n:,}", f"({n})", f"-{n}K"):
        with pytest.raises(InvalidCount):
            parse_count(text)
    with pytest.raises(InvalidCount):
        parse_count(-n)


@PROPERTY
@given(value=messy_text)
def test_count_only_raises_invalid_count_and_is_stable(value):
    try:
        result = parse_count(value)
    except InvalidCount as err:
        assert err.value == value
        return
    assert isinstance(result, int) and 0 <= result <= MAX_COUNT
    assert parse_count(str(result)) == result
    assert parse_count(f"{result:,}") == result


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5K", 12_500),
        ("1.2M", 1_200_000),
        ("85k", 85_000),
        ("2296k", 2_296_000),
        ("10,771", 10_771),
        ("12.5万", 125_000),
        ("150.7万", 1_507_000),
        ("1.2亿", 120_000_000),
        ("3B", 3_000_000_000),
        ("1234.0", 1234),
        ("134.0K", 134_000),
        ("1 234", 1234),
        ("1\u00a0234\u00a0567", 1_234_567),
        ("  42 ", 42),
        ("12.500", 12_500),
        ("1.200.000", 1_200_000),
        ("1,5K", 1500),
        ("10K+", 10_000),
        ("1.2E+06", 1_200_000),
        ("1.2345K", 1235),
        ("１２万", 120_000),
        ("٣٠٠", 300),
        (0, 0),
        (1234.0, 1234),
        (Decimal("5"), 5),
    ],
)
def test_count_examples(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("lots", "invalid_count"),
        ("", "empty"),
        ("-50", "negative"),
        ("12.5", "not_whole"),
        (12.5, "not_whole"),
        ("$5", "invalid_count"),
        ("5%", "invalid_count"),
        ("1.2.3", "invalid_count"),
        ("1,23,4", "invalid_count"),
        ("12 apples", "invalid_count"),
        ("2025-11-12", "invalid_count"),
        ("1e400", "invalid_count"),
        (str(2**63), "too_large"),
        (float("nan"), "invalid_count"),
        (True, "wrong_type"),
        (None, "wrong_type"),
    ],
)
def test_count_rejects(value, code):
    with pytest.raises(InvalidCount) as info:
        parse_count(value)
    assert info.value.code == code


money = st.decimals(min_value=Decimal("-1000000000"), max_value=Decimal("1000000000"), places=2)
_SWAP = str.maketrans({",": ".", ".": ","})


@PROPERTY
@given(amount=money)
def test_decimal_round_trips(amount):
    assert parse_decimal(str(amount)) == amount
    assert parse_decimal(f"{amount:,}") == amount
    assert parse_decimal(f"{amount:,.2f}".translate(_SWAP), decimal_comma=True) == amount
    assert parse_decimal(amount) == amount
    if amount >= 0:
        assert parse_decimal(f"${amount:,.2f}") == amount
        assert parse_decimal(f"€ {amount:,.2f}".translate(_SWAP)) == amount
        assert parse_decimal(f"{amount:,.2f} USD") == amount
        assert parse_decimal(f"({amount:,.2f})") == -amount


@PROPERTY
@given(value=messy_text, decimal_comma=st.sampled_from([None, True, False]))
def test_decimal_only_raises_invalid_decimal(value, decimal_comma):
    try:
        result = parse_decimal(value, decimal_comma=decimal_comma)
    except InvalidDecimal as err:
        assert err.value == value
        return
    assert isinstance(result, Decimal) and result.is_finite()
    assert parse_decimal(str(result)) == result


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("$1,234.50", {}, Decimal("1234.50")),
        ("1.234,50", {}, Decimal("1234.50")),
        ("€12,5", {}, Decimal("12.5")),
        ("¥100", {}, Decimal("100")),
        ("100元", {}, Decimal("100")),
        ("US$ 80", {}, Decimal("80")),
        ("12.5%", {}, Decimal("12.5")),
        ("$1500", {}, Decimal("1500")),
        ("-50", {}, Decimal("-50")),
        ("(5.00)", {}, Decimal("-5.00")),
        ("$1.2k", {}, Decimal("1200")),
        ("1,234", {}, Decimal("1234")),
        ("1.234", {}, Decimal("1.234")),
        ("12,50", {}, Decimal("12.50")),
        ("12,500", {"decimal_comma": True}, Decimal("12.5")),
        ("12.500", {"decimal_comma": True}, Decimal("12500")),
        ("1 234,5", {}, Decimal("1234.5")),
        (0.1, {}, Decimal("0.1")),
        (7, {}, Decimal(7)),
    ],
)
def test_decimal_examples(value, kwargs, expected):
    assert parse_decimal(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        ("+SUM(1,1)", {}),
        ("=1+1", {}),
        ("abc", {}),
        ("$5€", {}),
        ("12,5", {"decimal_comma": False}),
        ("1,234.5", {"decimal_comma": True}),
        ("1.2.3,4", {}),
        (float("inf"), {}),
        ("", {}),
    ],
)
def test_decimal_rejects(value, kwargs):
    with pytest.raises(InvalidDecimal):
        parse_decimal(value, **kwargs)


@PROPERTY
@given(pct=st.decimals(min_value=0, max_value=100, places=2))
def test_percent_round_trips(pct):
    assert parse_percent(f"{pct}%") == pct
    assert parse_percent(f"{pct} %") == pct
    assert parse_percent(str(pct)) == pct
    assert parse_percent(f"{pct}".replace(".", ",")) == pct
    fraction = pct / 100
    if fraction <= 1 and "." in str(fraction):
        assert parse_percent(str(fraction), fraction_ok=True) == pct


@PROPERTY
@given(value=messy_text, fraction_ok=st.booleans())
def test_percent_only_raises_invalid_decimal(value, fraction_ok):
    try:
        result = parse_percent(value, fraction_ok=fraction_ok)
    except InvalidDecimal:
        return
    assert 0 <= result <= 100


def test_percent_examples():
    assert parse_percent("4.5%") == Decimal("4.5")
    assert parse_percent("4.5") == Decimal("4.5")
    assert parse_percent("0.045") == Decimal("0.045")
    assert parse_percent("0.045", fraction_ok=True) == Decimal("4.5")
    assert parse_percent(0.045, fraction_ok=True) == Decimal("4.5")
    assert parse_percent("1.0", fraction_ok=True) == 100
    assert parse_percent("1", fraction_ok=True) == 1
    assert parse_percent("0.5%", fraction_ok=True) == Decimal("0.5")
    assert parse_percent("4,5") == Decimal("4.5")
    for bad in ("130%", "-1%", "5K", "$5", "abc"):
        with pytest.raises(InvalidDecimal):
            parse_percent(bad)


# --------------------------------------------------------------------------------------------
# emails

local_parts = st.from_regex(r"[a-z0-9]{1,10}(?:[._+-][a-z0-9]{1,8}){0,2}", fullmatch=True)
domains = st.from_regex(r"[a-z0-9]{1,10}(?:-[a-z0-9]{1,5})?(?:\.[a-z]{2,8}){1,2}", fullmatch=True)
emails = st.builds(lambda local, domain: f"{local}@{domain}", local_parts, domains)
display_names = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters='<>@"\\'),
    max_size=15,
)


@PROPERTY
@given(email=emails, name=display_names, data=st.data())
def test_email_forms_are_equivalent(email, name, data):
    forms = [
        email,
        email.upper(),
        f"  {email.upper()} ",
        f"<{email}>",
        f'"{name}" <{email}>',
        f"{name.strip('<>@')} <{email.title()}>",
        f"mailto:{email}",
        f"MAILTO:{email.upper()}",
        "\u200b" + email + "\ufeff",
    ]
    form = data.draw(st.sampled_from(forms))
    assert normalise_emails(form) == [email]
    assert normalise_email(form) == email


@PROPERTY
@given(
    first=emails,
    second=emails,
    sep=st.sampled_from([",", ";", "/", " ", "\n", "\r\n", " ; ", ", ", " / ", "|", "\t"]),
)
def test_two_emails_in_one_cell(first, second, sep):
    result = normalise_emails(f"{first}{sep}{second.upper()}")
    expected = [first] if first == second else [first, second]
    assert result == expected
    assert normalise_emails(", ".join(result)) == result


@PROPERTY
@given(value=messy_text)
def test_email_only_raises_invalid_email_and_is_idempotent(value):
    try:
        result = normalise_emails(value)
    except InvalidEmail as err:
        assert err.value == value
        return
    assert len(result) == len(set(result))
    assert all(address == address.lower() for address in result)
    assert normalise_emails(" ; ".join(result)) == result


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"Jane Doe" <JANE@Example.com>', ["jane@example.com"]),
        ("Jane <jane@x.com>", ["jane@x.com"]),
        ("小林 春香 🌸 <lgordon693@yahoo.com>", ["lgordon693@yahoo.com"]),
        ("a@b.com; mgmt+a@b.com", ["a@b.com", "mgmt+a@b.com"]),
        ("a@b.com / c@d.org", ["a@b.com", "c@d.org"]),
        ("a@b.com\nA@B.COM", ["a@b.com"]),
        ("mailto:Jane@X.com", ["jane@x.com"]),
        ("PPARKER27@CREATORMAIL.CO ", ["pparker27@creatormail.co"]),
        ("邮箱：jane@x.com", ["jane@x.com"]),
        ("o'brien@example.ie", ["o'brien@example.ie"]),
        ("a@b.com, junk@, x@", ["a@b.com"]),
        ("", []),
        ("   ", []),
        (None, []),
    ],
)
def test_email_examples(value, expected):
    assert normalise_emails(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "not-an-email",
        "jane@",
        "@x.com",
        "jane@x",
        "jane@x.c",
        "a..b@x.com",
        "jane.@x.com",
        "a@b@c.com",
        "x" * 65 + "@example.com",
        42,
    ],
)
def test_email_rejects(value):
    with pytest.raises(InvalidEmail):
        normalise_emails(value)


def test_normalise_email_single():
    assert normalise_email(" Jane <JANE@x.com> ") == "jane@x.com"
    with pytest.raises(InvalidEmail) as info:
        normalise_email("a@b.com; c@d.com")
    assert info.value.code == "multiple"
    with pytest.raises(InvalidEmail) as info:
        normalise_email("")
    assert info.value.code == "empty"


# --------------------------------------------------------------------------------------------
# phones

PHONE_REGIONS = [
    "US",
    "CA",
    "GB",
    "DE",
    "FR",
    "MX",
    "ES",
    "IT",
    "JP",
    "AU",
    "BR",
    "IN",
    "CN",
    "SG",
    "NL",
    "AE",
]


def _example_numbers():
    examples = []
    for region in PHONE_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                examples.append((region, number))
    return examples


EXAMPLE_NUMBERS = _example_numbers()


@PROPERTY
@given(example=st.sampled_from(EXAMPLE_NUMBERS), tail=st.integers(0, 99), data=st.data())
def test_phone_formats_map_to_the_same_e164(example, tail, data):
    region, base = example
    number = phonenumbers.PhoneNumber()
    number.merge_from(base)
    number.national_number = base.national_number // 100 * 100 + tail
    assume(phonenumbers.is_valid_number(number))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    fmt = phonenumbers.PhoneNumberFormat
    forms = [
        (phonenumbers.format_number(number, fmt.INTERNATIONAL), None),
        (phonenumbers.format_number(number, fmt.INTERNATIONAL), region),
        (phonenumbers.format_number(number, fmt.E164), None),
        (phonenumbers.format_number(number, fmt.RFC3966), None),
        (phonenumbers.format_number(number, fmt.NATIONAL), region),
        ("00" + e164[1:], None),
        ("00" + e164[1:], region),
        (f"wa.me/{e164[1:]}", None),
        (f"https://wa.me/{e164[1:]}?text=hi", region),
        (f"tel:{e164}", None),
        (f" \u200b{e164} ", None),
    ]
    form, default_region = data.draw(st.sampled_from(forms))
    assert normalise_phone(form, default_region) == e164
    assert normalise_phone(e164) == e164  # idempotent


@PROPERTY
@given(value=messy_text, region=st.sampled_from([None, "US", "GB", "DE", "xx", "Atlantis"]))
def test_phone_only_raises_invalid_phone(value, region):
    try:
        result = normalise_phone(value, region)
    except InvalidPhone as err:
        assert err.value == value
        return
    assert result.startswith("+") and result[1:].isdigit()
    assert normalise_phone(result) == result


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("+1 (415) 555-0100", None, "+14155550100"),
        ("+1 415 555 0100", "GB", "+14155550100"),
        ("(506) 239-8026", "CA", "+15062398026"),
        ("(506) 239-8026", "Canada", "+15062398026"),
        ("222 279 3487", "MX", "+522222793487"),
        ("06 12 37 57 85", "FR", "+33612375785"),
        ("01517 4170261", "DE", "+4915174170261"),
        ("07403 031300", "GB", "+447403031300"),
        ("07403 031300", "United Kingdom", "+447403031300"),
        ("0015068178472", "CA", "+15068178472"),
        ("00447408485295", None, "+447408485295"),
        ("011 44 7400 379714", "US", "+447400379714"),
        ("wa.me/33612698742", None, "+33612698742"),
        ("https://wa.me/4915129985078", "DE", "+4915129985078"),
        ("https://api.whatsapp.com/send?phone=4915129985078&text=hi", None, "+4915129985078"),
        ("tel:+1-415-555-0100", None, "+14155550100"),
        ("4915141879926", "DE", "+4915141879926"),
        (4915141879926, None, "+4915141879926"),
        ("15065738253", "CA", "+15065738253"),
        ("+１ ４１５ ５５５ ０１００", None, "+14155550100"),
    ],
)
def test_phone_examples(value, region, expected):
    assert normalise_phone(value, region) == expected


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("call me", "MX"),
        ("n/a", "CA"),
        ("12345", "GB"),
        ("+1 (711) 555-0100", "US"),
        ("07403 031300", None),
        ("", "US"),
        ("+", None),
        (None, None),
        ("1" * 80, None),
    ],
)
def test_phone_rejects(value, region):
    with pytest.raises(InvalidPhone):
        normalise_phone(value, region)


# --------------------------------------------------------------------------------------------
# countries


def test_every_pycountry_code_and_name_is_recognised():
    for country in pycountry.countries:
        code = country.alpha_2
        assert normalise_country(code) == code
        assert normalise_country(code.lower()) == code
        assert normalise_country(country.alpha_3) == code
        assert normalise_country(country.name) == code
        assert normalise_country(f"  {country.name.upper()} ") == code
        if getattr(country, "common_name", None):
            assert normalise_country(country.common_name) == code


@PROPERTY
@given(
    country=st.sampled_from(list(pycountry.countries)),
    case=st.sampled_from([str.lower, str.upper, str.title, str]),
    pad=st.sampled_from(["", " ", "\u200b", "\u00a0"]),
)
def test_country_names_are_case_and_padding_insensitive(country, case, pad):
    assert normalise_country(pad + case(country.name) + pad) == country.alpha_2
    assert normalise_country(country.flag) == country.alpha_2


@PROPERTY
@given(value=messy_text)
def test_country_only_raises_invalid_country_and_is_idempotent(value):
    try:
        code = normalise_country(value)
    except InvalidCountry as err:
        assert err.value == value
        return
    assert len(code) == 2 and code.isupper()
    assert normalise_country(code) == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("us", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("u.s.a.", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("México", "MX"),
        ("mexico", "MX"),
        ("Brasil", "BR"),
        ("日本", "JP"),
        ("Italia", "IT"),
        ("The Netherlands", "NL"),
        ("Holland", "NL"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Russia", "RU"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Côte d’Ivoire", "CI"),
        ("UAE", "AE"),
        ("Germany (DE)", "DE"),
        ("🇫🇷", "FR"),
        ("France 🇫🇷", "FR"),
        ("840", "US"),
        ("美国", "US"),
        ("英国", "GB"),
        ("德国", "DE"),
        ("法国", "FR"),
        ("加拿大", "CA"),
        ("澳大利亚", "AU"),
        ("墨西哥", "MX"),
        ("西班牙", "ES"),
        ("意大利", "IT"),
        ("巴西", "BR"),
        ("中国", "CN"),
        ("印度", "IN"),
        ("韩国", "KR"),
        ("新加坡", "SG"),
        ("马来西亚", "MY"),
        ("泰国", "TH"),
        ("越南", "VN"),
        ("印度尼西亚", "ID"),
        ("菲律宾", "PH"),
        ("沙特阿拉伯", "SA"),
        ("阿联酋", "AE"),
        ("荷兰", "NL"),
        ("瑞典", "SE"),
        ("波兰", "PL"),
        ("土耳其", "TR"),
        ("俄罗斯", "RU"),
        ("美國", "US"),
        ("台灣", "TW"),
        ("香港", "HK"),
    ],
)
def test_country_examples(value, expected):
    assert normalise_country(value) == expected


@pytest.mark.parametrize("value", ["Atlantis", "", "   ", "???", "XX", "US / Germany", None, 1])
def test_country_rejects(value):
    with pytest.raises(InvalidCountry):
        normalise_country(value)


# --------------------------------------------------------------------------------------------
# dates

dates = st.dates(min_value=dt.date(1954, 10, 3), max_value=dt.date(2119, 1, 1))
EXCEL_EPOCH = dt.date(1899, 12, 30)


@PROPERTY
@given(day=dates)
def test_date_formats_round_trip(day):
    y, m, d = day.year, day.month, day.day
    assert parse_date(day) == day
    assert parse_date(dt.datetime(y, m, d, 23, 59)) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.isoformat()}T12:30:00Z") == day
    assert parse_date(f"{day.isoformat()} 08:00") == day
    assert parse_date(f"{y}/{m}/{d}") == day
    assert parse_date(f"{m:02d}/{d:02d}/{y}") == day
    assert parse_date(f"{m}/{d}/{y}") == day
    assert parse_date(f"{d:02d}/{m:02d}/{y}", dayfirst=True) == day
    assert parse_date(f"{d}.{m}.{y}") == day
    assert parse_date(day.strftime("%b %d, %Y")) == day
    assert parse_date(day.strftime("%B %d %Y")) == day
    assert parse_date(day.strftime("%d %b %Y")) == day
    assert parse_date(day.strftime("%d-%b-%Y")) == day
    assert parse_date(day.strftime("%A, %B %d, %Y")) == day
    assert parse_date(f"{y}年{m}月{d}日") == day
    assert parse_date(day.strftime("%Y%m%d")) == day
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(serial) == day
    assert parse_date(str(serial)) == day
    assert parse_date(f"{serial}.0") == day
    assert parse_date(float(serial) + 0.75) == day
    if d > 12:  # unambiguous day-first dates are read without the flag
        assert parse_date(f"{d}/{m}/{y}") == day


@PROPERTY
@given(value=messy_text, dayfirst=st.booleans())
def test_date_only_raises_invalid_date(value, dayfirst):
    try:
        result = parse_date(value, dayfirst=dayfirst)
    except InvalidDate as err:
        assert err.value == value
        return
    assert isinstance(result, dt.date)
    assert parse_date(result.isoformat()) == result


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("2025-11-12", {}, dt.date(2025, 11, 12)),
        ("2025/11/12", {}, dt.date(2025, 11, 12)),
        ("2025/12/4", {}, dt.date(2025, 12, 4)),
        ("03/25/2026", {}, dt.date(2026, 3, 25)),
        ("25/03/2026", {}, dt.date(2026, 3, 25)),
        ("03/04/2026", {}, dt.date(2026, 3, 4)),
        ("03/04/2026", {"dayfirst": True}, dt.date(2026, 4, 3)),
        ("Aug 15, 2026", {}, dt.date(2026, 8, 15)),
        ("Sep 16, 2026", {}, dt.date(2026, 9, 16)),
        ("Sept 16 2026", {}, dt.date(2026, 9, 16)),
        ("15 Aug 2026", {}, dt.date(2026, 8, 15)),
        ("August 15th, 2026", {}, dt.date(2026, 8, 15)),
        ("15. März 2026", {}, dt.date(2026, 3, 15)),
        ("15 de agosto de 2026", {}, dt.date(2026, 8, 15)),
        ("2026年3月25日", {}, dt.date(2026, 3, 25)),
        ("２０２６年３月２５日", {}, dt.date(2026, 3, 25)),
        ("46097", {}, dt.date(2026, 3, 16)),
        ("46097.0", {}, dt.date(2026, 3, 16)),
        (46097, {}, dt.date(2026, 3, 16)),
        (46097.5, {}, dt.date(2026, 3, 16)),
        (Decimal("46097"), {}, dt.date(2026, 3, 16)),
        ("2025-11-12T23:30:00-05:00", {}, dt.date(2025, 11, 12)),
        ("3/4/26", {}, dt.date(2026, 3, 4)),
    ],
)
def test_date_examples(value, kwargs, expected):
    assert parse_date(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31/02/2026", "no_such_date"),
        ("13/13/2026", "no_such_date"),
        ("2026-02-30", "no_such_date"),
        ("August 2026", "invalid_date"),
        ("Foo 15, 2026", "invalid_date"),
        ("hello", "invalid_date"),
        ("", "empty"),
        ("12345", "out_of_range"),
        (100, "out_of_range"),
        ("0001-01-01", "out_of_range"),
        (True, "wrong_type"),
        (None, "wrong_type"),
        (float("nan"), "wrong_type"),
    ],
)
def test_date_rejects(value, code):
    with pytest.raises(InvalidDate) as info:
        parse_date(value)
    assert info.value.code == code


# --------------------------------------------------------------------------------------------
# the sample sheets (tests/fixtures/data, copied from ../shared/data)


def _rows(path: Path, encoding: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [row for row in reader if any((cell or "").strip() for cell in row.values())]


def _outcome(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except NormaliseError as err:
        return err


def _failures(rows, column, func):
    """The distinct cell values of ``column`` that ``func`` refuses (blank cells skipped)."""
    failed = set()
    for row in rows:
        value = row.get(column) or ""
        if value.strip() and isinstance(_outcome(func, value, row), NormaliseError):
            failed.add(value)
    return failed


@pytest.fixture(scope="module")
def en_rows():
    return _rows(EN_SHEET, "utf-8-sig")


@pytest.fixture(scope="module")
def zh_rows():
    return _rows(ZH_SHEET, "gb18030")


def test_en_sheet_is_read_with_its_bom(en_rows):
    assert "Creator Name" in en_rows[0]  # no "\ufeffCreator Name"
    assert len(en_rows) > 100


def test_en_sheet_handles(en_rows):
    assert _failures(en_rows, "TikTok", lambda v, r: normalise_handle(v, "tiktok")) == set()
    assert _failures(en_rows, "Instagram", lambda v, r: normalise_handle(v, "instagram")) == set()
    for row in en_rows:
        tiktok, instagram = row["TikTok"], row["Instagram"]
        if tiktok.strip() and instagram.strip():
            assert normalise_handle(tiktok, "tiktok") == normalise_handle(instagram, "instagram")
        emails_in_row = _outcome(normalise_emails, row["Email"])
        if (
            tiktok.strip()
            and isinstance(emails_in_row, list)
            and emails_in_row
            and "example.com" not in emails_in_row[0]
        ):
            assert normalise_handle(tiktok) == emails_in_row[0].split("@")[0]


def test_en_sheet_handle_spellings_fold_together(en_rows):
    handles_by_name: dict[str, set[str]] = {}
    for row in en_rows:
        if row["TikTok"].strip():
            handles_by_name.setdefault(row["Creator Name"], set()).add(
                normalise_handle(row["TikTok"])
            )
    # the "dup row from old sheet" rows spell the handle differently but fold together
    assert handles_by_name["陈敏"] == {"richardsallison630"}
    assert handles_by_name["王杰"] == {"klopez95"}
    assert handles_by_name["Jodie Fisher"] == {"eugene61694"}
    assert handles_by_name["Elisa Conchita Arriaga Lucio"] == {"kyle95825"}


def test_en_sheet_counts(en_rows):
    assert _failures(en_rows, "Followers", lambda v, r: parse_count(v)) == {"lots"}
    by_value = {
        row["Followers"]: parse_count(row["Followers"])
        for row in en_rows
        if row["Followers"].strip() and row["Followers"] != "lots"
    }
    assert by_value["31.9K"] == 31_900
    assert by_value["28,415"] == 28_415
    assert by_value["2296k"] == 2_296_000
    assert by_value["134.0K"] == 134_000
    assert by_value["1710680"] == 1_710_680


def test_en_sheet_emails(en_rows):
    assert _failures(en_rows, "Email", lambda v, r: normalise_emails(v)) == {"not-an-email"}
    cells = {row["Email"] for row in en_rows}
    assert normalise_emails("小林 春香 🌸 <lgordon693@yahoo.com>") == ["lgordon693@yahoo.com"]
    assert "omarmack645@qq.com; mgmt+omarmack645@qq.com" in cells
    assert normalise_emails("omarmack645@qq.com; mgmt+omarmack645@qq.com") == [
        "omarmack645@qq.com",
        "mgmt+omarmack645@qq.com",
    ]
    assert normalise_emails("PPARKER27@CREATORMAIL.CO ") == ["pparker27@creatormail.co"]


def test_en_sheet_phones_use_the_row_country(en_rows):
    def phone(value, row):
        return normalise_phone(value, row["Country"])

    assert _failures(en_rows, "Phone / WhatsApp", phone) == {
        "call me",
        "12345",
        "n/a",
        "+1 (711) 555-0100",
    }
    results = {
        (row["Phone / WhatsApp"], row["Country"]): phone(row["Phone / WhatsApp"], row)
        for row in en_rows
        if row["Phone / WhatsApp"]
        in {
            "01517 4170261",
            "07403 031300",
            "(506) 239-8026",
            "0015068178472",
            "wa.me/33612698742",
            "06 12 37 57 85",
            "222 279 3487",
            "00447408485295",
        }
    }
    assert results[("01517 4170261", "Germany")] == "+4915174170261"
    assert results[("07403 031300", "UK")] == "+447403031300"
    assert results[("(506) 239-8026", "canada")] == "+15062398026"
    assert results[("0015068178472", "Canada")] == "+15068178472"
    assert results[("wa.me/33612698742", "France")] == "+33612698742"
    assert results[("06 12 37 57 85", "FR")] == "+33612375785"
    assert results[("222 279 3487", "México")] == "+522222793487"
    assert results[("00447408485295", "UK")] == "+447408485295"


def test_en_sheet_countries(en_rows):
    assert _failures(en_rows, "Country", lambda v, r: normalise_country(v)) == {"Atlantis"}
    codes = {normalise_country(row["Country"]) for row in en_rows if row["Country"] != "Atlantis"}
    assert codes == {"US", "GB", "DE", "FR", "MX", "CA"}


def test_en_sheet_rates_and_engagement(en_rows):
    assert _failures(en_rows, "Rate (USD)", lambda v, r: parse_decimal(v)) == {"+SUM(1,1)"}
    assert parse_decimal("$1500") == 1500
    assert parse_decimal("-50") == -50  # parsed; refusing a negative rate is the caller's job
    assert _failures(en_rows, "Engagement %", lambda v, r: parse_percent(v)) == {"130%"}
    assert parse_percent("3.25%") == parse_percent("3.25") == Decimal("3.25")


def test_en_sheet_dates(en_rows):
    assert _failures(en_rows, "Last contacted", lambda v, r: parse_date(v)) == {"31/02/2026"}
    assert parse_date("Sep 16, 2026") == dt.date(2026, 9, 16)
    assert parse_date("10/29/2026") == dt.date(2026, 10, 29)
    assert parse_date("2025/12/4") == dt.date(2025, 12, 4)
    assert parse_date("46105") == dt.date(2026, 3, 24)


def test_zh_sheet(zh_rows):
    assert "达人昵称" in zh_rows[0]
    assert _failures(zh_rows, "TikTok账号", lambda v, r: normalise_handle(v, "tiktok")) == set()
    assert _failures(zh_rows, "粉丝数", lambda v, r: parse_count(v)) == set()
    assert _failures(zh_rows, "邮箱", lambda v, r: normalise_emails(v)) == set()
    assert _failures(zh_rows, "国家/地区", lambda v, r: normalise_country(v)) == set()
    assert _failures(zh_rows, "报价(美元)", lambda v, r: parse_decimal(v)) == set()
    assert _failures(zh_rows, "最近联系", lambda v, r: parse_date(v)) == set()
    assert _failures(zh_rows, "WhatsApp", lambda v, r: normalise_phone(v, r["国家/地区"])) == {
        "+1 (711) 555-0100",
        "12345",
        "n/a",
    }
    counts_by_cell = {row["粉丝数"]: parse_count(row["粉丝数"]) for row in zh_rows}
    assert counts_by_cell["40.7万"] == 407_000
    assert counts_by_cell["150.7万"] == 1_507_000
    assert counts_by_cell["1万"] == 10_000
    assert counts_by_cell["181,010"] == 181_010
    countries = {normalise_country(row["国家/地区"]) for row in zh_rows}
    assert countries == {"US", "GB", "DE", "FR", "MX", "CA"}
    assert normalise_handle(" RODRIGUEZSARAH369 ") == "rodriguezsarah369"
    assert normalise_phone("(201) 727-7061", "美国") == "+12017277061"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_clean_text_fast_path_for_ascii_matches_the_full_path(value):
    import unicodedata

    from influencers.normalisers.errors import _INVISIBLE, clean_text

    full = unicodedata.normalize("NFKC", value)
    full = "".join(
        ch for ch in full if ch not in _INVISIBLE and unicodedata.category(ch) != "Cf"
    ).strip()
    assert clean_text(value) == full
