"""A creator's Amazon link for a product, from the workspace's Amazon link settings."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from influencers.normalisers.amazon_ids import TRACKING_ID

DOMAINS = {
    "US": "www.amazon.com",
    "CA": "www.amazon.ca",
    "MX": "www.amazon.com.mx",
    "UK": "www.amazon.co.uk",
    "DE": "www.amazon.de",
    "FR": "www.amazon.fr",
    "IT": "www.amazon.it",
    "ES": "www.amazon.es",
    "JP": "www.amazon.co.jp",
    "AU": "www.amazon.com.au",
}
ASIN = re.compile(r"^[A-Z0-9]{10}$")


class LinkError(ValidationError):
    pass


def _slug(handle: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", handle.lower())[:40]


def tracking_id(
    *, pattern: str, handle: str, creator_id: int, store_id: str = "", own_tracking_id: str = ""
) -> str:
    """The creator's Associates tracking ID: their own if recorded, else built from the pattern.
    Raises LinkError if the result is not a valid tracking ID."""
    value = own_tracking_id.strip().lower()
    if not value:
        slug = _slug(handle)
        if "{handle}" in pattern and not slug:
            raise LinkError(_("No TikTok handle to build a tracking ID from."))
        value = (
            pattern.replace("{handle}", slug)
            .replace("{creator_id}", str(creator_id))
            .replace("{store_id}", _slug(store_id))
            .lower()
        )
    if not TRACKING_ID.match(value):
        raise LinkError(_("%(value)s is not a valid Associates tracking ID.") % {"value": value})
    return value


def attribution_tag(*, template: str, handle: str, creator_id: int) -> str:
    if not template:
        return ""
    return template.replace("{handle}", _slug(handle)).replace("{creator_id}", str(creator_id))


def amazon_link(*, asin: str, marketplace: str, tag: str, marketplaces=()) -> str:
    """https://www.amazon.<tld>/dp/<ASIN>?tag=<tracking ID>, validated."""
    if marketplaces and marketplace not in marketplaces:
        raise LinkError(
            _("Marketplace %(m)s is not enabled in the Amazon link settings.") % {"m": marketplace}
        )
    domain = DOMAINS.get(marketplace)
    if domain is None:
        raise LinkError(_("Unknown marketplace %(m)s.") % {"m": marketplace})
    if not ASIN.match(asin or ""):
        raise LinkError(_("%(asin)s is not a valid ASIN.") % {"asin": asin})
    if not TRACKING_ID.match(tag):
        raise LinkError(_("%(value)s is not a valid Associates tracking ID.") % {"value": tag})
    return f"https://{domain}/dp/{asin}?tag={quote(tag)}"
