"""Pure normalisers for the messy values sellers keep in creator spreadsheets.

Each function takes a raw cell value and returns one canonical value, or raises a subclass of
:class:`NormaliseError` (a ``ValueError``) with the original ``value``, a translatable
``reason`` and a machine ``code``. They touch no database and no settings (a reason is only
translated when rendered with ``str()``), so they are safe to call anywhere: importers, forms,
serializers, management commands.
"""

from .amazon_ids import normalise_attribution_tag, normalise_tracking_id
from .booleans import InvalidYesNo, parse_yes_no
from .countries import normalise_country
from .dates import parse_date
from .emails import normalise_email, normalise_emails
from .errors import (
    InvalidAmazonId,
    InvalidCount,
    InvalidCountry,
    InvalidDate,
    InvalidDecimal,
    InvalidEmail,
    InvalidHandle,
    InvalidPhone,
    NormaliseError,
)
from .handles import (
    PLATFORMS,
    canonical_platform,
    detect_platform_from_url,
    normalise_handle,
    profile_url,
)
from .numbers import MAX_COUNT, parse_count, parse_decimal, parse_percent
from .phones import normalise_phone

__all__ = [
    "InvalidYesNo",
    "parse_yes_no",
    "InvalidAmazonId",
    "normalise_attribution_tag",
    "normalise_tracking_id",
    "MAX_COUNT",
    "PLATFORMS",
    "InvalidCount",
    "InvalidCountry",
    "InvalidDate",
    "InvalidDecimal",
    "InvalidEmail",
    "InvalidHandle",
    "InvalidPhone",
    "NormaliseError",
    "canonical_platform",
    "detect_platform_from_url",
    "normalise_country",
    "normalise_email",
    "normalise_emails",
    "normalise_handle",
    "normalise_phone",
    "parse_count",
    "parse_date",
    "parse_decimal",
    "parse_percent",
    "profile_url",
]
