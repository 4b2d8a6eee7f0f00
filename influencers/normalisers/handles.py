"""Social media handles and profile URLs.

``normalise_handle`` turns whatever a seller typed into a spreadsheet cell into one canonical
handle, so that ``@Jane.Doe``, ``jane.doe``, `` JANE.DOE `` and
``https://www.tiktok.com/@jane.doe?lang=en`` all compare equal:

* full-width forms are folded (NFKC), invisible characters (zero-width spaces/joiners, BOM,
  bidi marks, soft hyphens...) are dropped, surrounding whitespace is stripped;
* a profile URL of a known platform (with or without scheme, ``www.``/``m.``, query string,
  fragment or trailing slash) is reduced to its handle;
* one leading ``@`` is dropped and the result is lower-cased;
* the result must be 1..100 characters of ``[a-z0-9._-]`` with at least one letter or digit.

The one exception to lower-casing is a YouTube channel id (``UC`` + 22 characters, from a
``/channel/`` URL or typed bare): channel ids are case-sensitive, so they are kept as they are.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.utils.translation import gettext_lazy as _

from .errors import InvalidHandle, clean_text

PLATFORMS = ("tiktok", "instagram", "youtube", "x", "twitch", "linkedin", "amazon")

_PLATFORM_ALIASES = {
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "tt": "tiktok",
    "douyin": "tiktok",
    "instagram": "instagram",
    "ig": "instagram",
    "insta": "instagram",
    "youtube": "youtube",
    "yt": "youtube",
    "x": "x",
    "twitter": "x",
    "twitch": "twitch",
    "linkedin": "linkedin",
    "amazon": "amazon",
}

MAX_HANDLE_LENGTH = 100

_HANDLE_RE = re.compile(r"[a-z0-9._-]{1,100}")
_HAS_ALNUM_RE = re.compile(r"[a-z0-9]")
_CHANNEL_ID_RE = re.compile(r"UC[A-Za-z0-9_-]{22}")
_HOST_RE = re.compile(r"[a-z0-9.-]+")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_AMAZON_HOST_RE = re.compile(r"(?:^|\.)amazon\.(?:[a-z]{2,3}|com?\.[a-z]{2})$")

# host (without www./m./mobile.) -> platform
_HOSTS = {
    "tiktok.com": "tiktok",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "x.com": "x",
    "twitter.com": "x",
    "twitch.tv": "twitch",
    "linkedin.com": "linkedin",
    "amzn.to": "amazon",
}
_STRIPPED_SUBDOMAINS = ("www.", "m.", "mobile.", "web.")

# First path segments that are site pages rather than profiles.
# fmt: off
_RESERVED = {
    "instagram": {
        "p", "reel", "reels", "tv", "explore", "accounts", "direct", "about", "legal",
        "developer", "web", "challenge",
    },
    "youtube": {
        "watch", "shorts", "playlist", "results", "feed", "embed", "live", "hashtag",
        "premium", "account", "gaming", "redirect", "t", "about",
    },
    "x": {
        "home", "i", "intent", "share", "search", "hashtag", "explore", "settings",
        "notifications", "messages", "login", "signup", "tos", "privacy", "compose",
    },
    "twitch": {"videos", "directory", "p", "search", "settings", "downloads", "jobs"},
}
# fmt: on

_CANONICAL_URLS = {
    "tiktok": "https://www.tiktok.com/@{}",
    "instagram": "https://www.instagram.com/{}/",
    "youtube": "https://www.youtube.com/@{}",
    "x": "https://x.com/{}",
    "twitch": "https://www.twitch.tv/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "amazon": "https://www.amazon.com/shop/{}",
}


def canonical_platform(platform: str) -> str:
    """Return the canonical platform name for ``platform`` (``"Twitter"`` -> ``"x"``).

    Raises ``ValueError`` (a programming error, not bad data) for an unknown platform.
    """
    key = " ".join(str(platform).strip().lower().replace("_", " ").split())
    try:
        return _PLATFORM_ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}") from None


def _split_url(text: str) -> tuple[str, list[str]] | None:
    """Split a URL-ish string into (host, path segments); None if it has no host part."""
    rest = _SCHEME_RE.sub("", text, count=1)
    rest = re.split(r"[?#]", rest, maxsplit=1)[0]
    host, _sep, path = rest.partition("/")
    host = host.split(":", 1)[0].lower().rstrip(".")
    if "." not in host or not _HOST_RE.fullmatch(host):
        return None
    for prefix in _STRIPPED_SUBDOMAINS:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    segments = [unquote(seg) for seg in path.split("/") if seg]
    return host, segments


def _platform_for_host(host: str) -> str | None:
    for domain, platform in _HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return platform
    if _AMAZON_HOST_RE.search(host):
        return "amazon"
    return None


def detect_platform_from_url(value: object) -> str | None:
    """Return the platform a profile URL belongs to, or None.

    One of ``"tiktok"``, ``"instagram"``, ``"youtube"``, ``"x"``, ``"twitch"``, ``"linkedin"``,
    ``"amazon"``; None for a bare handle, an unknown site or anything that is not text.
    Never raises.
    """
    if not isinstance(value, str):
        return None
    text = clean_text(value)
    if not text or any(ch.isspace() for ch in text):
        return None
    parts = _split_url(text)
    if parts is None:
        return None
    return _platform_for_host(parts[0])


def _handle_from_url(value: object, text: str, expected: str | None) -> tuple[str, str]:
    """Extract (platform, raw handle) from a profile URL."""
    parts = _split_url(text)
    if parts is None:
        raise InvalidHandle(value, _("Not a profile URL or handle"), "bad_characters")
    host, segments = parts
    platform = _platform_for_host(host)
    if platform is None:
        raise InvalidHandle(value, _("Not a profile URL of a supported platform"), "unknown_site")
    if expected is not None and platform != expected:
        raise InvalidHandle(
            value, _("This profile URL belongs to another platform"), "platform_mismatch"
        )
    not_profile = InvalidHandle(value, _("This link is not a profile URL"), "not_profile")
    if not segments:
        raise not_profile
    first = segments[0]
    lowered = first.lower()
    reserved = _RESERVED.get(platform, set())
    if platform == "tiktok":
        if host != "tiktok.com" or not first.startswith("@"):
            # vm.tiktok.com / vt.tiktok.com short links and video pages hide the handle.
            raise not_profile
        return platform, first
    if platform == "instagram":
        if lowered == "stories" and len(segments) > 1:
            return platform, segments[1]
        if lowered in reserved:
            raise not_profile
        return platform, first
    if platform == "youtube":
        if host == "youtu.be":
            raise not_profile
        if lowered in {"c", "user"} and len(segments) > 1:
            return platform, segments[1]
        if lowered == "channel" and len(segments) > 1:
            return platform, segments[1]
        if lowered in reserved or lowered in {"c", "user", "channel"}:
            raise not_profile
        return platform, first
    if platform == "linkedin":
        if lowered in {"in", "company", "school", "showcase"} and len(segments) > 1:
            return platform, segments[1]
        raise not_profile
    if platform == "amazon":
        if lowered == "shop" and len(segments) > 1:
            return platform, segments[1]
        raise not_profile
    # x, twitch: the first segment is the profile.
    if lowered in reserved:
        raise not_profile
    return platform, first


def normalise_handle(value: str, platform: str | None = None) -> str:
    """Return the canonical handle for ``value`` (a handle or a profile URL).

    ``platform`` (``"tiktok"``, ``"instagram"``, ``"youtube"``, ``"x"``/``"twitter"``,
    ``"twitch"``, ``"linkedin"``, ``"amazon"``) is optional; when given, a URL of another
    platform is refused. Idempotent: ``normalise_handle(normalise_handle(v)) ==
    normalise_handle(v)``.

    Raises :class:`InvalidHandle` for blank values, values with spaces inside, links that are
    not profiles (video pages, short links), unknown sites and any other character.
    """
    expected = canonical_platform(platform) if platform is not None else None
    if isinstance(value, int) and not isinstance(value, bool):
        value_text = str(value)  # a numeric handle that a spreadsheet turned into a number
    elif isinstance(value, str):
        value_text = value
    else:
        raise InvalidHandle(value, _("A handle must be text"), "wrong_type")
    text = clean_text(value_text)
    if not text:
        raise InvalidHandle(value, _("The handle is empty"), "empty")
    if any(ch.isspace() for ch in text):
        raise InvalidHandle(value, _("A handle cannot contain spaces"), "spaces")
    url_platform = None
    if "/" in text or "://" in text:
        url_platform, text = _handle_from_url(value, text, expected)
        text = text.strip()
    else:
        parts = _split_url(text)
        if parts is not None and _platform_for_host(parts[0]) is not None:
            # "tiktok.com" or "www.instagram.com" alone: a site, not somebody's handle.
            raise InvalidHandle(value, _("This link is not a profile URL"), "not_profile")
    if text.startswith("@"):
        text = text[1:]
    effective = expected or url_platform
    if effective in (None, "youtube") and _CHANNEL_ID_RE.fullmatch(text):
        return text
    handle = text.lower()
    if len(handle) > MAX_HANDLE_LENGTH:
        raise InvalidHandle(value, _("The handle is too long"), "too_long")
    if not handle:
        raise InvalidHandle(value, _("The handle is empty"), "empty")
    if not _HANDLE_RE.fullmatch(handle) or not _HAS_ALNUM_RE.search(handle):
        raise InvalidHandle(
            value,
            _("A handle can only contain letters a-z, digits, dots, underscores and hyphens"),
            "bad_characters",
        )
    return handle


def profile_url(platform: str, handle: str) -> str:
    """Build the canonical profile URL of ``handle`` on ``platform``.

    ``handle`` is normalised first (so a URL or ``@Name`` is fine); a YouTube channel id gives
    a ``/channel/`` URL. Raises :class:`InvalidHandle` for a bad handle and ``ValueError`` for
    an unknown platform.
    """
    name = canonical_platform(platform)
    normalised = normalise_handle(handle, name)
    if name == "youtube" and _CHANNEL_ID_RE.fullmatch(normalised):
        return f"https://www.youtube.com/channel/{normalised}"
    return _CANONICAL_URLS[name].format(normalised)


__all__ = [
    "PLATFORMS",
    "canonical_platform",
    "detect_platform_from_url",
    "normalise_handle",
    "profile_url",
]
