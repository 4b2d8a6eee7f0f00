"""Typed errors raised by the normalisers.

Every normaliser raises a subclass of :class:`NormaliseError` (itself a ``ValueError``) and
nothing else for bad input, so callers can write ``except NormaliseError`` around any of them.

Each error carries:

* ``value``: the original value exactly as it was passed in;
* ``reason``: a human-readable, translatable (lazy) explanation, without the value;
* ``code``: a short machine code such as ``"empty"`` or ``"bad_characters"``.

``str(err)`` gives the reason followed by the value. The reason is a lazy translation string: it
is only translated when rendered, so building an error never touches Django settings.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

_MAX_SHOWN = 80

# Characters that are never visible in a cell: zero-width spaces and joiners, word joiner,
# byte-order mark, soft hyphen, bidi marks/embeddings/isolates, variation selectors.
# Anything in Unicode category Cf (format) is removed as well; see clean_text().
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


def clean_text(value: str) -> str:
    """NFKC-normalise ``value``, drop invisible characters and strip surrounding whitespace.

    NFKC turns full-width forms (``＠ｎａｍｅ``, ``１２万``) and compatibility characters
    into their plain equivalents. Shared by all normalisers (this is the package's base module).
    """
    if value.isascii():
        # Fast path (most cells): NFKC leaves ASCII alone and every invisible character we
        # drop lies outside ASCII, so only the strip remains.
        return value.strip()
    text = unicodedata.normalize("NFKC", value)
    text = "".join(ch for ch in text if ch not in _INVISIBLE and unicodedata.category(ch) != "Cf")
    return text.strip()


def _shown(value: Any) -> str:
    text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return text


class NormaliseError(ValueError):
    """A value could not be normalised."""

    default_code = "invalid"
    default_reason = _("Invalid value")

    def __init__(self, value: Any, reason: Any = None, code: str | None = None) -> None:
        self.value = value
        self.reason = reason if reason is not None else self.default_reason
        self.code = code or self.default_code
        # Keep args == the constructor's arguments so errors pickle (e.g. across Celery).
        super().__init__(value, self.reason, self.code)

    def __str__(self) -> str:
        return f"{self.reason}: {_shown(self.value)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(value={self.value!r}, code={self.code!r})"


class InvalidHandle(NormaliseError):
    default_code = "invalid_handle"
    default_reason = _("Not a valid social media handle or profile URL")


class InvalidCount(NormaliseError):
    default_code = "invalid_count"
    default_reason = _("Not a valid count")


class InvalidDecimal(NormaliseError):
    default_code = "invalid_decimal"
    default_reason = _("Not a valid number")


class InvalidEmail(NormaliseError):
    default_code = "invalid_email"
    default_reason = _("Not a valid email address")


class InvalidPhone(NormaliseError):
    default_code = "invalid_phone"
    default_reason = _("Not a valid phone number")


class InvalidCountry(NormaliseError):
    default_code = "invalid_country"
    default_reason = _("Not a known country")


class InvalidDate(NormaliseError):
    default_code = "invalid_date"
    default_reason = _("Not a valid date")


__all__ = [
    "clean_text",
    "InvalidCount",
    "InvalidCountry",
    "InvalidDate",
    "InvalidDecimal",
    "InvalidEmail",
    "InvalidHandle",
    "InvalidPhone",
    "NormaliseError",
]


class InvalidAmazonId(NormaliseError):
    default_code = "invalid_amazon_id"
    default_reason = _("Not a valid Amazon ID")
