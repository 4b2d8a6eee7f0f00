"""Amazon identifiers a seller types by hand: Associates tracking IDs and Attribution tags.

Checked where they are entered (admin, API, import) so a typo is refused there, not first in a
switch-over dry run weeks later. The tracking ID rule is the one links.amazon_link enforces."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from .errors import InvalidAmazonId, clean_text

# Letters, digits and hyphens, ending in the marketplace's -2x suffix (e.g. "ella-20", "ella0d-21").
TRACKING_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}-2[0-9]$")
# An Attribution tag is a URL query fragment (e.g. "maas=maas_adg_123_ella"): no spaces, no
# characters that would end or split the query.
ATTRIBUTION_TAG = re.compile(r"^[A-Za-z0-9_=.:\-]{1,128}$")


def normalise_tracking_id(value: str) -> str:
    text = clean_text(str(value)).lower()
    if not TRACKING_ID.match(text):
        raise InvalidAmazonId(
            value,
            _(
                "An Associates tracking ID is letters, digits and hyphens ending in -20 "
                "(or the marketplace's -2x), e.g. ella-20"
            ),
        )
    return text


def normalise_attribution_tag(value: str) -> str:
    text = clean_text(str(value))
    if not ATTRIBUTION_TAG.match(text):
        raise InvalidAmazonId(
            value,
            _(
                "An Amazon Attribution tag is up to 128 letters, digits and _ = . : - "
                "without spaces, e.g. maas=maas_adg_123_ella"
            ),
        )
    return text
