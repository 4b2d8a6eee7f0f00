"""A language as people type it in a filter: its code ("es", "zh-hans"), its English name
("Spanish"), its own name ("español") or its name in a product language ("西班牙语")."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation

from .folding import fold


@lru_cache(maxsize=1)
def _names() -> dict[str, set[str]]:
    """folded name -> codes, over every language Django knows, in every product language."""
    names: dict[str, set[str]] = {}
    for code, info in LANG_INFO.items():
        if "name" not in info:  # an alias entry ({"fallback": [...]})
            continue
        spelled = {code, info["name"], info.get("name_local", "")}
        for product_language, _label in settings.LANGUAGES:
            with translation.override(product_language):
                spelled.add(translation.gettext(info["name"]))
        for name in filter(None, spelled):
            names.setdefault(fold(name), set()).add(code.split("-")[0])
            names.setdefault(fold(name), set()).add(code)
    return names


def language_codes_named(value: str) -> list[str]:
    """The codes a typed language may mean (stored codes are lower-case ISO, e.g. "zh" or
    "zh-hans"); [] when it names no language."""
    key = fold(" ".join(value.split()))
    if not key:
        return []
    codes = set(_names().get(key, ()))
    if not codes and len(key) <= 8 and key.replace("-", "").isalpha():
        codes = {key}  # a code Django does not list is still a code
    return sorted(codes)
