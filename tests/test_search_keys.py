"""Each creator's handles and email addresses, kept on its row by triggers (migration 0035)
for the search walk: whatever writes the accounts and contacts (the ORM one by one, in bulk,
COPY as imports do, a move to another creator as a merge does, deletes), the row holds
exactly what the tables hold."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from influencers.importers.kinds.base import fast_insert
from influencers.models import ContactMethod, Creator, PlatformAccount, Workspace
from tests.factories import ContactMethodFactory, CreatorFactory, PlatformAccountFactory

pytestmark = pytest.mark.django_db


def keys(creator) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_handles, search_emails FROM influencers_creator WHERE id = %s",
            [creator.pk],
        )
        return cursor.fetchone()


def account(creator, handle, platform="tiktok"):
    return PlatformAccountFactory(
        creator=creator, platform=platform, handle="@" + handle, handle_normalised=handle
    )


def test_handles_follow_every_kind_of_account_write(workspace):
    ava, bea = CreatorFactory(workspace=workspace), CreatorFactory(workspace=workspace)
    assert keys(ava) == ("", "")
    first = account(ava, "ava.b")
    account(ava, "ava.a", platform="instagram")
    assert keys(ava)[0] == " ava.a ava.b "
    first.handle_normalised = "ava.z"
    first.save()
    assert keys(ava)[0] == " ava.a ava.z "
    # A merge moves accounts to the kept creator: both rows change.
    PlatformAccount.objects.filter(pk=first.pk).update(creator=bea)
    assert keys(ava)[0] == " ava.a "
    assert keys(bea)[0] == " ava.z "
    PlatformAccount.objects.filter(creator=ava).delete()
    assert keys(ava)[0] == ""


def test_an_update_that_changes_no_key_rewrites_no_creator(workspace):
    """Followers refreshed, consent recorded: no key changes, so no creator row is written
    (and the UPDATE triggers skip rows whose key, kind and creator are unchanged)."""
    ava = CreatorFactory(workspace=workspace)
    account(ava, "ava")
    ContactMethodFactory(creator=ava, value="ava@x.io", value_normalised="ava@x.io")
    before = _creator_row_writes()
    PlatformAccount.objects.filter(creator=ava).update(followers=123)
    ContactMethod.objects.filter(creator=ava).update(consent=True)
    assert _creator_row_writes() == before
    assert keys(ava) == (" ava ", " ava@x.io ")


def test_email_addresses_only_and_every_change_of_kind(workspace):
    ava = CreatorFactory(workspace=workspace)
    phone = ContactMethodFactory(
        creator=ava, kind="phone", value="+1 646-555-0164", value_normalised="+16465550164"
    )
    ContactMethodFactory(creator=ava, value="Ava@Example.org", value_normalised="ava@example.org")
    assert keys(ava)[1] == " ava@example.org "
    ContactMethod.objects.filter(pk=phone.pk).update(
        kind="email", value_normalised="a@b.co", is_primary=False
    )
    assert keys(ava)[1] == " a@b.co ava@example.org "
    ContactMethod.objects.filter(creator=ava).delete()
    assert keys(ava)[1] == ""


def test_rows_written_by_copy_as_an_import_writes_them(workspace):
    ava = CreatorFactory(workspace=workspace)
    fast_insert(
        PlatformAccount,
        [
            PlatformAccount(
                workspace=workspace, creator=ava, platform=p, handle="@" + h, handle_normalised=h
            )
            for p, h in [("tiktok", "ava.tt"), ("youtube", "ava.yt")]
        ],
    )
    fast_insert(
        ContactMethod,
        [
            ContactMethod(
                workspace=workspace,
                creator=ava,
                kind="email",
                value="ava@x.io",
                value_normalised="ava@x.io",
            )
        ],
    )
    assert keys(ava) == (" ava.tt ava.yt ", " ava@x.io ")


def test_deleting_a_creator_deletes_its_accounts_without_error(workspace):
    ava = CreatorFactory(workspace=workspace)
    account(ava, "ava")
    ava.delete()
    assert not Creator.objects.filter(pk=ava.pk).exists()


HANDLES = st.lists(st.from_regex(r"[a-z0-9][a-z0-9._]{0,12}", fullmatch=True), max_size=4)


class TestKeysAreWhatTheTablesHold(TestCase):
    """Random accounts added, renamed and removed in bulk: the row always holds the sorted
    handles of the creator's accounts, each between spaces."""

    @settings(max_examples=25, deadline=None)
    @given(before=HANDLES, after=HANDLES)
    def test_bulk_replace(self, before, after):
        workspace = Workspace.objects.create(name="W", slug="w-keys")
        ava = CreatorFactory(workspace=workspace)
        platforms = ["tiktok", "instagram", "youtube", "twitch"]
        PlatformAccount.objects.bulk_create(
            PlatformAccount(
                workspace=workspace, creator=ava, platform=p, handle="@" + h, handle_normalised=h
            )
            for p, h in zip(platforms, before, strict=False)
        )
        for p, h in zip(platforms, after, strict=False):
            PlatformAccount.objects.filter(creator=ava, platform=p).update(handle_normalised=h)
        PlatformAccount.objects.filter(creator=ava, platform__in=platforms[len(after) :]).delete()
        held = sorted(
            PlatformAccount.objects.filter(creator=ava).values_list("handle_normalised", flat=True)
        )
        assert keys(ava)[0] == (" " + " ".join(held) + " " if held else "")


def _creator_row_writes() -> int:
    """Creator rows updated so far by this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'influencers_creator'"
        )
        row = cursor.fetchone()
        return row[0] if row else 0


def test_an_import_writes_the_keys_of_new_creators_itself(workspace, settings, tmp_path):
    """The creators an import creates carry their keys from the start: the triggers that run
    when their accounts and addresses arrive find nothing to change and rewrite no creator
    row (rewritten, each row updated all its indexes again: a 100,000-row import 34 -> 55
    s). An existing creator given a new handle is updated by the trigger."""
    from tests.test_consent import run_import

    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = CreatorFactory(workspace=workspace, display_name="Old Timer")
    account(old, "old.timer")
    header = ["name", "tiktok", "instagram", "email"]
    rows = [
        ["Zoe Park", "@zoe.park", "zoepark_", "Zoe.Park@Mail.com"],
        ["Old Timer", "@old.timer", "old.timer.ig", ""],
        ["Ann Li", "@ann.li", "", ""],
    ]
    before = _creator_row_writes()
    job = run_import(workspace, rows, header)
    assert job.state == "succeeded", job.error_message
    zoe = Creator.objects.get(workspace=workspace, display_name="Zoe Park")
    ann = Creator.objects.get(workspace=workspace, display_name="Ann Li")
    assert keys(zoe) == (" zoe.park zoepark_ ", " zoe.park@mail.com ")
    assert keys(ann) == (" ann.li ", "")
    assert keys(old)[0] == " old.timer old.timer.ig "
    # Only the existing creator's row was written again: by the import (the creator it met
    # and changed, its reach) and by the trigger (its new handle): 3. Without the keys
    # written at creation, the triggers rewrote Zoe twice and Ann once more: 6.
    assert _creator_row_writes() - before == 3
