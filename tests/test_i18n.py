"""Simplified Chinese: the catalogue is complete, compiled, and the admin actually speaks it.

The .po is influencers/locale/zh_Hans/LC_MESSAGES/django.po (LOCALE_PATHS). After changing a
user-facing string, refresh and translate it:

    .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var \
        --ignore=tests --ignore=bench --ignore=staticfiles
    make messages        # compilemessages; the .mo is git-ignored and built by `make install`
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from influencers import models as m
from tests.factories import (
    CollaborationFactory,
    ContactMethodFactory,
    CreatorFactory,
    PlatformAccountFactory,
)

CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO = CATALOGUE_DIR / "django.po"
MO = CATALOGUE_DIR / "django.mo"

CJK = re.compile(r"[\u4e00-\u9fff]")
# Placeholders that must survive translation unchanged: %(name)s, %s/%d, {name}/{}, HTML tags.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[^{}]*\}|<[^>]+>")


# --- a small .po reader (the format is simple; no extra dependency) ---------------------------


def _read_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (list), flags, line."""
    entries, entry, field = [], None, None

    def flush():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):  # blank line, or an obsolete entry
            if not line:
                flush()
                entry, field = None, None
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:  # comments start a new entry
                flush()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}, "line": number}
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        entry = entry or {"flags": set(), "msgstr": {}, "line": number}
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = value
            else:
                field = keyword
                entry[keyword] = value
        else:  # a continuation line: "..."
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
    flush()
    return entries


def _messages():
    return [e for e in _read_po(PO) if e["msgid"] != "" or e.get("msgctxt")]


def _where(entry):
    return f"{PO.name}:{entry['line']} {entry['msgid']!r}"


@pytest.fixture(scope="module")
def compiled_catalogue():
    if not MO.exists():
        pytest.fail(f"{MO} is missing: run `make install` (or `make messages`) to compile it.")


# --- (a) the .po is complete --------------------------------------------------------------------


def test_the_po_file_exists_and_declares_chinese_plural_forms():
    assert PO.exists(), f"{PO} is missing: run makemessages -l zh_Hans"
    header = next(e for e in _read_po(PO) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"], "the .po header is still marked fuzzy"
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = _messages()
    assert len(messages) > 100  # sanity: the parser found the catalogue

    fuzzy = [_where(e) for e in messages if "fuzzy" in e["flags"]]
    empty = [_where(e) for e in messages if not all(s.strip() for s in e["msgstr"].values())]

    assert not fuzzy, "fuzzy entries (check and translate, then drop the flag):\n" + "\n".join(
        fuzzy
    )
    assert not empty, "untranslated entries (fill in msgstr):\n" + "\n".join(empty)


def test_plural_entries_have_the_single_chinese_form():
    plurals = [e for e in _messages() if "msgid_plural" in e]
    assert all(sorted(e["msgstr"]) == [0] for e in plurals), [_where(e) for e in plurals]


def test_translations_keep_placeholders_and_html():
    broken = []
    for entry in _messages():
        expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            if sorted(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"{_where(entry)} -> {text!r}")
    assert not broken, "placeholders changed:\n" + "\n".join(broken)


# --- (d) the catalogue is compiled ---------------------------------------------------------------


def test_the_compiled_catalogue_exists():
    assert MO.exists(), f"{MO} is missing: run `make install` (or `make messages`) to compile it."
    assert MO.stat().st_size > 0


# --- (b) key strings come out in Chinese ---------------------------------------------------------


def _key_strings():
    models = (
        m.Creator,
        m.PlatformAccount,
        m.ContactMethod,
        m.Collaboration,
        m.ContentPost,
        m.Campaign,
        m.Note,
        m.MetricSnapshot,
        m.Workspace,
    )
    for model in models:
        yield model._meta.verbose_name
        yield model._meta.verbose_name_plural
    yield from m.CreatorStatus.labels
    yield from m.CollaborationStatus.labels
    # Dashboard and sidebar (influencers/templates/admin/index.html, influencers/admin/site.py).
    for text in (
        "Pool health: all workspaces",
        "Follow-ups due",
        "Samples shipped, no post yet",
        "Creators by status",
        "Collaborations by status",
        "Creators",
        "Platform accounts",
        "Contact methods",
        "Collaborations",
        "Campaigns",
        "Workspaces",
        "Influencer Pool Manager",
    ):
        yield gettext(text)


@pytest.mark.usefixtures("compiled_catalogue")
def test_key_strings_are_chinese():
    with translation.override("zh-hans"):
        texts = {str(text) for text in _key_strings()}
    english = sorted(text for text in texts if not CJK.search(text))
    assert not english, f"not translated to Chinese: {english}"


@pytest.mark.usefixtures("compiled_catalogue")
def test_domain_words_use_the_agreed_terms():
    with translation.override("zh-hans"):
        assert str(m.Creator._meta.verbose_name) == "达人"
        assert str(m.PlatformAccount._meta.verbose_name) == "平台账号"
        assert str(m.ContactMethod._meta.verbose_name) == "联系方式"
        assert str(m.Collaboration._meta.verbose_name) == "合作"
        assert str(m.Workspace._meta.verbose_name) == "工作区"
        assert str(m.CreatorStatus.PROSPECT.label) == "潜在达人"
        assert str(m.CreatorStatus.DO_NOT_CONTACT.label) == "请勿联系"
    # and English stays English
    with translation.override("en"):
        assert str(m.Creator._meta.verbose_name) == "creator"


# --- (c) the admin renders in Chinese ------------------------------------------------------------

ENGLISH_NAMES = (
    "Platform accounts",
    "Contact methods",
    "Collaborations",
    "Content posts",
    "Metric snapshots",
    "Campaigns",
    "Pool health",
    "Follow-ups due",
    "Creators by status",
)


@pytest.fixture
def zh_admin(client, superuser, workspace):
    creator = CreatorFactory(workspace=workspace, status=m.CreatorStatus.PROSPECT)
    PlatformAccountFactory(creator=creator)
    ContactMethodFactory(creator=creator)
    CollaborationFactory(creator=creator)
    client.force_login(superuser)

    def get(url):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.mark.usefixtures("compiled_catalogue")
@pytest.mark.parametrize(
    "url_name", ["admin:index", "admin:influencers_creator_changelist"], ids=["index", "creators"]
)
def test_the_admin_pages_are_in_chinese(zh_admin, url_name):
    content = zh_admin(reverse(url_name))

    assert '<html lang="zh-hans"' in content
    assert "达人" in content
    assert "平台账号" in content  # the sidebar
    left_in_english = [name for name in ENGLISH_NAMES if name in content]
    assert not left_in_english, f"English left on the page: {left_in_english}"


@pytest.mark.usefixtures("compiled_catalogue")
def test_the_dashboard_is_in_chinese(zh_admin):
    content = zh_admin(reverse("admin:index"))

    for text in ("达人库概况", "待跟进", "达人状态分布", "合作状态分布", "潜在达人"):
        assert text in content


@pytest.mark.usefixtures("compiled_catalogue")
def test_the_creator_list_shows_chinese_labels(zh_admin):
    content = zh_admin(reverse("admin:influencers_creator_changelist"))

    assert "潜在达人" in content  # the status badge / filter
    assert "成交额(GMV)" in content
