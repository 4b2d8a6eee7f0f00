"""Merging in the admin: the "Merge selected creators" action and its confirmation page, the
"Merge suggestions" page, and the read-only record of merges. Managers and owners only, one
workspace at a time, refusals as messages."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencers.models import ActivityEvent, ContactMethod, Creator, CreatorMerge, PlatformAccount
from tests.factories import (
    ContactMethodFactory,
    CreatorFactory,
    MembershipFactory,
    PlatformAccountFactory,
    UserFactory,
)
from tests.test_merge_creators import _counts, _populate

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/influencers/creator/"
MERGE = "/admin/influencers/creator/merge/"
SUGGESTIONS = "/admin/influencers/creator/merge-suggestions/"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def manager_client(client, member):
    client.force_login(member)  # `member` is a manager of `workspace`
    return client


def _client_for(client, workspace, role):
    user = UserFactory(username=f"staff-{role}", is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role=role)
    client.force_login(user)
    return client


@pytest.fixture
def pair(workspace):
    old = CreatorFactory(workspace=workspace, display_name="Old Jane")
    rich = CreatorFactory(workspace=workspace, display_name="Rich Jane")
    _populate(rich, "jane")
    PlatformAccountFactory(creator=old, platform="youtube", handle="janeyt")
    return old, rich


def test_the_action_leads_to_a_confirmation_with_counts_and_a_default(manager_client, pair):
    old, rich = pair

    response = manager_client.post(
        CHANGELIST,
        {"action": "merge_selected_creators", "_selected_action": [old.pk, rich.pk]},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"{MERGE}?ids={old.pk},{rich.pk}")
    page = manager_client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "Old Jane" in content and "Rich Jane" in content
    rows = {c.pk: c for c in page.context["creators"]}
    assert (rows[rich.pk].accounts_count, rows[rich.pk].contacts_count) == (2, 1)
    assert (rows[old.pk].accounts_count, rows[old.pk].contacts_count) == (1, 0)
    # The most complete is preselected, not merely the oldest.
    assert page.context["chosen"] == rich
    assert f'value="{rich.pk}" id="survivor-{rich.pk}" checked' in content


def test_confirming_merges_and_says_so(manager_client, workspace, pair):
    old, rich = pair
    before = _counts(workspace)

    response = manager_client.post(MERGE, {"ids": f"{old.pk},{rich.pk}", "survivor": old.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:influencers_creator_change", args=[old.pk])
    assert _messages(response) == ["1 creator was merged into Old Jane."]
    assert not Creator.objects.filter(pk=rich.pk).exists()
    assert _counts(workspace) == before
    assert PlatformAccount.objects.filter(creator=old).count() == 3
    merge = CreatorMerge.objects.get()
    assert merge.survivor == old and merge.merged[0]["id"] == rich.pk
    assert ActivityEvent.objects.filter(creator=old, verb="creators.merged").exists()


def test_the_confirmation_returns_to_where_it_came_from(manager_client, pair):
    old, rich = pair
    response = manager_client.post(
        MERGE, {"ids": f"{old.pk},{rich.pk}", "survivor": rich.pk, "next": SUGGESTIONS}
    )
    assert response["Location"] == SUGGESTIONS
    unsafe = manager_client.post(
        MERGE,
        {"ids": f"{old.pk},{rich.pk}", "survivor": rich.pk, "next": "https://evil.example/"},
    )
    assert unsafe["Location"] == CHANGELIST  # refused (nothing left to merge), no open redirect


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_merge(client, workspace, pair, role):
    old, rich = pair
    client = _client_for(client, workspace, role)

    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert b"merge_selected_creators" not in changelist.content
    assert b"merge-suggestions" not in changelist.content
    posted = client.post(
        CHANGELIST, {"action": "merge_selected_creators", "_selected_action": [old.pk, rich.pk]}
    )
    assert posted.status_code in (200, 302, 403)
    assert client.get(f"{MERGE}?ids={old.pk},{rich.pk}").status_code == 403
    assert client.post(MERGE, {"ids": f"{old.pk},{rich.pk}", "survivor": old.pk}).status_code == 403
    assert client.get(SUGGESTIONS).status_code == 403
    assert Creator.objects.filter(pk__in=[old.pk, rich.pk]).count() == 2


def test_managers_see_the_action_and_the_suggestions_button(manager_client):
    content = manager_client.get(CHANGELIST).content.decode()
    assert "merge_selected_creators" in content
    assert SUGGESTIONS in content


def test_another_workspace_creator_is_refused_with_a_message(
    manager_client, workspace, other_workspace, pair
):
    old, _rich = pair
    theirs = CreatorFactory(workspace=other_workspace, display_name="Boris")

    page = manager_client.get(f"{MERGE}?ids={old.pk},{theirs.pk}")
    posted = manager_client.post(MERGE, {"ids": f"{old.pk},{theirs.pk}", "survivor": old.pk})

    for response in (page, posted):
        assert response.status_code == 302
        assert response["Location"] == CHANGELIST
        assert (
            "Some of these creators no longer exist or belong to another workspace."
            in _messages(response)
        )
    assert Creator.objects.filter(pk__in=[old.pk, theirs.pk]).count() == 2


def test_a_superuser_cannot_merge_across_workspaces(client, superuser, other_workspace, pair):
    old, _rich = pair
    theirs = CreatorFactory(workspace=other_workspace)
    client.force_login(superuser)  # "All workspaces": both creators are in the list

    response = client.post(
        CHANGELIST, {"action": "merge_selected_creators", "_selected_action": [old.pk, theirs.pk]}
    )
    response = client.post(
        response["Location"].split("?")[0], {"ids": f"{old.pk},{theirs.pk}", "survivor": old.pk}
    )

    assert response.status_code == 302
    assert _messages(response) == ["Creators of different workspaces cannot be merged."]
    assert Creator.objects.filter(pk__in=[old.pk, theirs.pk]).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"ids": "", "survivor": "1"},
        {"ids": "abc,1"},
        {"ids": "1;2"},
        {"ids": "99999999999999999999,1"},
    ],
)
def test_bad_requests_are_messages_not_errors(manager_client, data):
    response = manager_client.post(MERGE, data)
    assert response.status_code == 302
    assert _messages(response) == ["Select at least two creators to merge."]


def test_one_selected_creator_is_a_message(manager_client, pair):
    old, _rich = pair
    response = manager_client.post(
        CHANGELIST, {"action": "merge_selected_creators", "_selected_action": [old.pk]}
    )
    assert response.status_code == 302
    assert "Select at least two creators to merge." in _messages(response)


def test_a_survivor_outside_the_selection_is_a_message(manager_client, workspace, pair):
    old, rich = pair
    outsider = CreatorFactory(workspace=workspace)

    response = manager_client.post(MERGE, {"ids": f"{old.pk},{rich.pk}", "survivor": outsider.pk})

    assert response.status_code == 200
    assert "Choose the creator to keep." in _messages(response)
    assert Creator.objects.filter(pk__in=[old.pk, rich.pk]).count() == 2


def test_a_failed_merge_is_a_message_and_changes_nothing(
    manager_client, workspace, pair, monkeypatch
):
    from django.core.exceptions import ValidationError

    from influencers.admin import merge as merge_admin

    old, rich = pair

    def refuse(**kwargs):
        raise ValidationError("One of these creators no longer exists.")

    monkeypatch.setattr(merge_admin, "creators_merge", refuse)
    response = manager_client.post(MERGE, {"ids": f"{old.pk},{rich.pk}", "survivor": old.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{MERGE}?ids=")
    assert _messages(response) == ["One of these creators no longer exists."]
    assert Creator.objects.filter(pk__in=[old.pk, rich.pk]).count() == 2


# --- suggestions ----------------------------------------------------------------------------------


def _email_pair(workspace, n):
    email = f"twin{n}@example.com"
    first = CreatorFactory(workspace=workspace, display_name=f"Twin A{n}")
    second = CreatorFactory(workspace=workspace, display_name=f"Twin B{n}")
    ContactMethodFactory(creator=first, value=email)
    ContactMethodFactory(creator=second, value=email)
    return first, second


def test_suggestions_show_reasons_and_lead_to_the_confirmation(manager_client, workspace):
    a, b = _email_pair(workspace, 1)

    response = manager_client.get(SUGGESTIONS)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Same email address" in content and "twin1@example.com" in content
    assert "Twin A1" in content and "Twin B1" in content
    row = response.context["rows"][0]
    assert row["merge_url"].startswith(f"{MERGE}?ids={a.pk},{b.pk}&next=")
    confirm = manager_client.get(row["merge_url"])
    assert confirm.status_code == 200
    merged = manager_client.post(
        MERGE, {"ids": f"{a.pk},{b.pk}", "survivor": a.pk, "next": confirm.context["next_url"]}
    )
    assert merged["Location"] == SUGGESTIONS
    assert manager_client.get(SUGGESTIONS).context["rows"] == []
    assert ContactMethod.objects.filter(creator=a).count() == 1  # the same email, kept once


def test_suggestions_are_paged_and_filtered_by_reason(manager_client, workspace):
    for n in range(30):
        _email_pair(workspace, n)

    first = manager_client.get(SUGGESTIONS)
    second = manager_client.get(SUGGESTIONS, {"page": 2})
    phones = manager_client.get(SUGGESTIONS, {"reason": "phone"})

    assert first.context["page"].paginator.count == 30
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert phones.context["rows"] == []


def test_the_suggestions_page_costs_the_same_whatever_the_pool(manager_client, workspace):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = manager_client.get(SUGGESTIONS)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        _email_pair(workspace, n)
    manager_client.get(SUGGESTIONS)
    small = queries()
    for n in range(2, 40):
        _email_pair(workspace, n)
    assert queries() <= small


def test_without_a_workspace_the_suggestions_page_asks_for_one(client, superuser):
    client.force_login(superuser)
    response = client.get(SUGGESTIONS)
    assert response.status_code == 200
    assert "Choose a workspace to see its merge suggestions." in _messages(response)


# --- the record ---------------------------------------------------------------------------------


def test_merges_are_listed_read_only(manager_client, workspace, pair):
    old, rich = pair
    manager_client.post(MERGE, {"ids": f"{old.pk},{rich.pk}", "survivor": old.pk})
    merge = CreatorMerge.objects.get()

    listing = manager_client.get(reverse("admin:influencers_creatormerge_changelist"))
    detail = manager_client.get(reverse("admin:influencers_creatormerge_change", args=[merge.pk]))

    assert listing.status_code == detail.status_code == 200
    assert "Rich Jane" in listing.content.decode()
    assert manager_client.get(reverse("admin:influencers_creatormerge_add")).status_code == 403
    assert b'name="_save"' not in detail.content
    deleted = manager_client.post(
        reverse("admin:influencers_creatormerge_delete", args=[merge.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert CreatorMerge.objects.filter(pk=merge.pk).exists()
