"""Email addresses as found in spreadsheet cells.

A cell may hold ``"Jane Doe" <JANE@Example.com>``, ``mailto:jane@x.com`` or several addresses
separated by ``,`` ``;`` ``/`` ``|``, whitespace or new lines. Addresses are found by pattern,
checked (dot-atom local part of at most 64 characters, ASCII domain with a real top-level
label, at most 254 characters in all) and lower-cased as a whole: that is what deduplication
needs, even though the local part is case-sensitive in theory.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from .errors import InvalidEmail, clean_text

# RFC 5322 atext, less "|" and "/" which spreadsheets use to separate addresses.
_ATEXT = r"[a-z0-9!#$%&*+=?^_`{}~-]"
_LOCAL_CHARS = r"a-z0-9!#$%&*+=?^_`{}~'.\-"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_CANDIDATE_RE = re.compile(
    rf"(?<![{_LOCAL_CHARS}@])"  # not in the middle of a longer token
    rf"(?P<local>{_ATEXT}+(?:['.]{_ATEXT}+)*)"
    r"@"
    rf"(?P<domain>(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}}))"
    r"(?![a-z0-9@_-]|\.[a-z0-9-])",  # nor followed by more address characters
    re.IGNORECASE,
)
_MAX_LOCAL = 64
_MAX_ADDRESS = 254


def _valid(local: str, domain: str) -> bool:
    return len(local) <= _MAX_LOCAL and len(local) + 1 + len(domain) <= _MAX_ADDRESS


def normalise_emails(value: object) -> list[str]:
    """Return the valid email addresses in ``value``, lower-cased, deduplicated, in order.

    Blank values (None, empty or whitespace-only text) give ``[]``. Display names, angle
    brackets, quotes, ``mailto:`` and any of the usual separators are handled. Invalid tokens
    next to valid addresses are ignored.

    Raises :class:`InvalidEmail` when a non-blank value holds no valid address.
    """
    if value is None:
        return []
    if not isinstance(value, str):
        raise InvalidEmail(value, _("An email address must be text"), "wrong_type")
    text = clean_text(value)
    if not text:
        return []
    found: list[str] = []
    for match in _CANDIDATE_RE.finditer(text):
        local, domain = match["local"], match["domain"]
        if not _valid(local, domain):
            continue
        address = f"{local}@{domain}".lower()
        if address not in found:
            found.append(address)
    if not found:
        raise InvalidEmail(value)
    return found


def normalise_email(value: object) -> str:
    """Return the one email address in ``value``, lower-cased.

    Raises :class:`InvalidEmail` when ``value`` is blank, holds no valid address or holds more
    than one different address (use :func:`normalise_emails` for cells that may hold several).
    """
    addresses = normalise_emails(value)
    if not addresses:
        raise InvalidEmail(value, _("The email address is empty"), "empty")
    if len(addresses) > 1:
        raise InvalidEmail(value, _("More than one email address"), "multiple")
    return addresses[0]


__all__ = ["normalise_email", "normalise_emails"]
