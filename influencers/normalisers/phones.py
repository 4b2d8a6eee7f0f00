"""Phone and WhatsApp numbers, normalised to E.164 (``+14155550100``) with ``phonenumbers``.

Accepted forms: international (``+1 (415) 555-0100``), ``00``-prefixed international
(``0044 7400 123456``), national numbers with a default region (``07400 123456`` with
``"GB"``; the region's own international prefix such as ``011`` works too), ``tel:`` /
``whatsapp:`` URIs and WhatsApp click-to-chat links (``wa.me/15551234567``,
``https://api.whatsapp.com/send?phone=15551234567``). Extensions are dropped.

A string of bare digits (as Excel leaves ``+4915141879926`` once it has made it a number) is
read nationally with the default region, and internationally when that fails or when the
digits start with the region's own country code and form a valid international number.
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _
from phonenumbers import NumberParseException, PhoneNumberFormat

from .errors import InvalidCountry, InvalidPhone, clean_text

_MAX_LENGTH = 64
_URI_PREFIX_RE = re.compile(r"^(?:tel|callto|sms|whatsapp|wa)\s*:\s*/*", re.IGNORECASE)
_WHATSAPP_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?"
    r"(?:wa\.me/|(?:api\.|web\.)?whatsapp\.com/send/?\?(?:[^#]*&)?phone=)"
    r"\+?(?P<digits>[0-9]+)(?:[/?&#].*)?$",
    re.IGNORECASE,
)
_DIGITS_ONLY_RE = re.compile(r"[0-9]+")
_FORMATTING_RE = re.compile(r"[\s().\-/]")


def _region(default_region: str | None) -> str | None:
    """Map a default region (code or anything normalise_country understands) to a region."""
    if not default_region:
        return None
    code = str(default_region).strip().upper()
    if code in phonenumbers.SUPPORTED_REGIONS:
        return code
    from .countries import normalise_country

    try:
        code = normalise_country(default_region)
    except InvalidCountry:
        return None
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number):
        return number
    return None


def normalise_phone(value: object, default_region: str | None = None) -> str:
    """Return ``value`` as an E.164 phone number such as ``"+14155550100"``.

    ``default_region`` (ISO 3166-1 alpha-2, e.g. the creator's country; a country name is
    accepted too, an unknown one is ignored) is used for numbers written without a country
    code. Raises :class:`InvalidPhone` unless the number is possible and valid for its region.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = clean_text(value)
    else:
        raise InvalidPhone(value, _("A phone number must be text"), "wrong_type")
    if not text:
        raise InvalidPhone(value, _("The phone number is empty"), "empty")
    if len(text) > _MAX_LENGTH:
        raise InvalidPhone(value, _("The phone number is too long"), "too_long")
    region = _region(default_region)

    whatsapp = _WHATSAPP_RE.match(text)
    if whatsapp:
        number = _parse("+" + whatsapp["digits"], None)
    else:
        text = _URI_PREFIX_RE.sub("", text, count=1)
        compact = _FORMATTING_RE.sub("", text)
        if compact.startswith("00") and not compact.startswith("000"):
            text = "+" + compact[2:]  # the international prefix of most of the world
            compact = text
        if _DIGITS_ONLY_RE.fullmatch(compact) and not compact.startswith("0"):
            number = _bare_digits(compact, region)
        else:
            number = _parse(text, region)
    if number is None:
        raise InvalidPhone(value)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _bare_digits(digits: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """Digits with no ``+``, no ``00`` and no trunk ``0``: national or a lost ``+``."""
    international = _parse("+" + digits, None)
    if region is None:
        return international
    national = _parse(digits, region)
    if national is None:
        return international
    if international is not None and international.country_code == (
        phonenumbers.country_code_for_region(region)
    ):
        return international
    return national


__all__ = ["normalise_phone"]
