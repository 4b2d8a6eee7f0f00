"""Every admin page in Simplified Chinese: no English left in the chrome.

The pages are found from the URL conf (every registered model admin's own URLs, custom views
included), rendered for an owner whose browser asks for zh-hans, and read as a person reads
them: text nodes plus the attributes a person sees (placeholder, title, aria-label, alt, button
values). A piece of text that is exactly a message of one of the catalogues in use (ours, the
theme's, Django admin's) and has a Chinese translation is English left on the page. Data (creator
names, handles) is not chrome: it is not a catalogue message, so it does not count.

The theme (django-unfold) ships no translations; its strings are translated in
influencers/theme_locale (extracted from the pinned release with makemessages).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import django.contrib.admin as django_admin_package
import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from influencers.demo.builder import seed_demo
from influencers.models import Membership, Workspace
from tests.factories import UserFactory
from tests.test_i18n import _read_po

pytestmark = pytest.mark.django_db

# The theme's strings the issue names: the first English a Chinese user met.
THEME_STRINGS = ("Search apps and models", "All applications", "Select action")

# Text that is legitimately English on a Chinese page: the language switch names each language
# in itself, and single letters / units are not words.
ALLOWED = {"English", "ID", "URL", "API", "CSV", "XLSX", "ASIN", "GMV", "ROI", "TikTok", "OK"}

# Admin URLs that are not pages: JSON endpoints, downloads, POST-only actions, log out.
NOT_PAGES = re.compile(
    r"autocomplete|jsi18n|logout|password_change|/export|download|\.csv|\.xlsx|/send|/launch/go"
)

SEEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SPACE = re.compile(r"\s+")


class _VisibleText(HTMLParser):
    """Text nodes and visible attributes, outside <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0
        self._icon = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attributes = dict(attrs)
        # Material Symbols icons are ligatures: the word ("campaign") is drawn as a picture.
        self._icon = "material-symbols" in (attributes.get("class") or "")
        for name in SEEN_ATTRIBUTES:
            if attributes.get(name):
                self.pieces.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.pieces.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        self._icon = False
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and not self._icon:
            self.pieces.append(data)


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [text for piece in parser.pieces if (text := SPACE.sub(" ", piece).strip())]


def _catalogues() -> list[Path]:
    admin_po = Path(django_admin_package.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
    ours = [Path(p) / "zh_Hans" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS]
    return [*ours, admin_po]


@pytest.fixture(scope="module")
def translatable_messages() -> set[str]:
    """Every catalogue message (whitespace-normalised) that has a Chinese translation."""
    messages = set()
    with translation.override("zh-hans"):
        for po in _catalogues():
            for entry in _read_po(po):
                msgid = entry["msgid"]
                if not msgid or "%" in msgid or "{" in msgid:
                    continue  # placeholders: the page shows them filled in
                context = entry.get("msgctxt")
                translated = pgettext(context, msgid) if context else gettext(msgid)
                if translated != msgid:
                    messages.add(SPACE.sub(" ", msgid).strip())
    return messages - ALLOWED


@pytest.fixture(scope="module")
def chinese_owner(django_db_setup, django_db_blocker):
    """The demo pool (every kind of record) and its owner, loaded once for the module."""
    with django_db_blocker.unblock():
        seed_demo(creators=30)
        workspace = Workspace.objects.get(slug="demo")
        user = UserFactory(username="zh-owner", is_staff=True, is_superuser=True)
        Membership.objects.create(workspace=workspace, user=user, role=Membership.Role.OWNER)
    yield user
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", "--noinput")


def admin_pages() -> list[tuple[str, str, str]]:
    """(label, url, the shown record's name) for every page of every registered model admin,
    from the URL conf. The record's own name is data (a tag called "Home"), not chrome."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        first = model_admin.get_queryset.__self__.model._default_manager.order_by("pk").first()
        info = model._meta.app_label, model._meta.model_name
        for pattern in model_admin.get_urls():
            name = pattern.name
            if not name:
                continue
            route = str(pattern.pattern)
            try:
                if "<" not in route:
                    url = reverse(f"admin:{name}")
                elif first is None:
                    continue
                else:
                    url = reverse(f"admin:{name}", args=[first.pk])
            except NoReverseMatch:
                continue
            if NOT_PAGES.search(url) or name.endswith("_delete"):
                continue
            shown = str(first) if "<" in route else ""
            pages.append((f"{info[1]}:{name}", url, shown))
    pages.append(("index", reverse("admin:index"), ""))
    return sorted(set(pages))


def test_every_admin_page_is_chinese(client, chinese_owner, translatable_messages):
    client.force_login(chinese_owner)
    pages = admin_pages()
    assert len(pages) > 40, pages  # sanity: the walk found the admin

    english, rendered = {}, 0
    for label, url, shown in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code < 500, f"{label} {url} answered {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        html = response.content.decode()
        assert '<html lang="zh-hans"' in html, f"{label} is not served in Chinese"
        left = sorted(
            {
                text
                for text in visible_text(html)
                if text in translatable_messages and text.casefold() != shown.casefold()
            }
            | {text for text in THEME_STRINGS if text in html}
        )
        if left:
            english[f"{label} {url}"] = left
    assert rendered > 30, f"only {rendered} pages rendered"
    assert not english, "English left in the chrome:\n" + "\n".join(
        f"  {page}: {texts}" for page, texts in english.items()
    )


def test_the_detector_sees_english(translatable_messages):
    """The walk above can fail: an English theme string in a page is found."""
    html = '<input placeholder="Search apps and models..."><span>All applications</span>'
    found = {text for text in visible_text(html) if text in translatable_messages}
    assert found == {"Search apps and models...", "All applications"}
