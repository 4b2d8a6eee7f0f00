"""POST /api/v1/creators/{id}/merge/ and GET /api/v1/merge-suggestions/: roles, workspaces kept
apart, nothing lost, idempotent, and a suggestions page that costs the same whatever the pool."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.models import (
    ActivityEvent,
    Collaboration,
    ContactMethod,
    ContentPost,
    Creator,
    CreatorMerge,
    MetricSnapshot,
    Note,
    PlatformAccount,
)
from influencers.selectors.merge_suggestions import merge_suggestions
from tests.factories import ContactMethodFactory, CreatorFactory, PlatformAccountFactory, TagFactory
from tests.test_merge_creators import _populate

pytestmark = pytest.mark.django_db

SUGGESTIONS = "/api/v1/merge-suggestions/"
CHILDREN = (
    PlatformAccount,
    ContactMethod,
    Collaboration,
    ContentPost,
    Note,
    MetricSnapshot,
    ActivityEvent,
)


def _url(pk):
    return f"/api/v1/creators/{pk}/merge/"


def _rows(workspace):
    """Every child row of the workspace's creators: (model, id) -> creator id."""
    return {
        (model.__name__, pk): creator_id
        for model in CHILDREN
        for pk, creator_id in model.objects.filter(workspace=workspace).values_list(
            "pk", "creator_id"
        )
    }


@pytest.fixture
def trio(workspace):
    survivor = CreatorFactory(workspace=workspace, display_name="Sue", country="")
    a = CreatorFactory(workspace=workspace, display_name="Ann", country="DE")
    b = CreatorFactory(workspace=workspace, display_name="Bob")
    for creator, tag in ((survivor, "sue"), (a, "ann"), (b, "bob")):
        _populate(creator, tag)
    b.tags.add(TagFactory(workspace=workspace, name="beauty"))
    return survivor, a, b


def test_a_manager_merges_and_every_child_row_is_kept(api_as, workspace, trio):
    survivor, a, b = trio
    api = api_as("manager")
    before = _rows(workspace)
    listed_before = api.get(f"/api/v1/creators/{survivor.pk}/").json()

    response = api.post(_url(survivor.pk), {"others": [a.pk, b.pk]}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == survivor.pk
    assert body["country"] == "DE"  # filled from a merged creator
    assert "beauty" in body["tags"]
    assert response.has_header("ETag")
    after = _rows(workspace)
    # Every row that existed is still there, now on the survivor; one event was added.
    assert set(before) <= set(after)
    assert set(after.values()) == {survivor.pk}
    added = set(after) - set(before)
    assert [name for name, _pk in added] == ["ActivityEvent"]
    assert ActivityEvent.objects.get(pk=next(iter(added))[1]).verb == "creators.merged"
    # ... and the API shows them on the survivor.
    handles = {account["handle_normalised"] for account in body["accounts"]}
    assert handles == {"sue", "sue.ig", "ann", "ann.ig", "bob", "bob.ig"}
    assert len(body["contacts"]) == 3 > len(listed_before["contacts"])
    assert api.get(f"/api/v1/creators/{a.pk}/").status_code == 404
    assert not Creator.objects.filter(pk__in=[a.pk, b.pk]).exists()
    merge = CreatorMerge.objects.get()
    assert merge.survivor_id == survivor.pk and merge.actor == api.user
    assert sorted(m["id"] for m in merge.merged) == sorted([a.pk, b.pk])


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_viewers_and_members_may_not_merge(api_as, workspace, trio, role):
    survivor, a, _b = trio
    before = _rows(workspace)

    response = api_as(role).post(_url(survivor.pk), {"others": [a.pk]}, format="json")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert _rows(workspace) == before
    assert Creator.objects.filter(pk=a.pk).exists()


def test_an_owner_may_merge(api_as, trio):
    survivor, a, _b = trio
    response = api_as("owner").post(_url(survivor.pk), {"others": [a.pk]}, format="json")
    assert response.status_code == 200


def test_creators_of_another_workspace_do_not_exist_here(api_as, workspace, other_workspace, trio):
    survivor, a, _b = trio
    theirs = CreatorFactory(workspace=other_workspace)
    _populate(theirs, "zed")
    api = api_as("owner")
    before = (_rows(workspace), _rows(other_workspace))

    as_other = api.post(_url(survivor.pk), {"others": [a.pk, theirs.pk]}, format="json")
    as_survivor = api.post(_url(theirs.pk), {"others": [a.pk]}, format="json")

    assert as_other.status_code == 400
    assert as_other["Content-Type"].startswith("application/problem+json")
    assert str(theirs.pk) in as_other.json()["errors"]["others"][0]
    assert as_survivor.status_code == 404
    assert (_rows(workspace), _rows(other_workspace)) == before
    assert Creator.objects.filter(pk__in=[a.pk, theirs.pk]).count() == 2
    assert not CreatorMerge.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"others": []},
        {"others": "1"},
        {"others": ["x"]},
        {"others": [0]},
        {"others": [2**63]},
        {"others": [1], "survivor": 2},
        {"others": list(range(1, 30))},
    ],
)
def test_bad_bodies_are_problems_and_change_nothing(api, workspace, trio, body):
    survivor, _a, _b = trio
    before = _rows(workspace)
    response = api.post(_url(survivor.pk), body, format="json")
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert _rows(workspace) == before


def test_a_creator_cannot_be_merged_into_itself(api, trio):
    survivor, a, _b = trio
    response = api.post(_url(survivor.pk), {"others": [a.pk, survivor.pk]}, format="json")
    assert response.status_code == 400
    assert "others" in response.json()["errors"]
    assert Creator.objects.filter(pk=a.pk).exists()


def test_a_repeated_idempotency_key_merges_once(api, trio):
    survivor, a, b = trio
    key = f"merge-{uuid.uuid4()}"
    first = api.post(
        _url(survivor.pk), {"others": [a.pk, b.pk]}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    again = api.post(
        _url(survivor.pk), {"others": [a.pk, b.pk]}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert CreatorMerge.objects.count() == 1


def test_a_stale_if_match_changes_nothing(api, workspace, trio):
    survivor, a, _b = trio
    etag = api.get(f"/api/v1/creators/{survivor.pk}/")["ETag"]
    api.patch(f"/api/v1/creators/{survivor.pk}/", {"remarks": "changed"}, format="json")
    before = _rows(workspace)

    response = api.post(_url(survivor.pk), {"others": [a.pk]}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert _rows(workspace) == before


def test_merging_again_after_a_merge_is_a_clean_400(api, trio):
    survivor, a, _b = trio
    assert api.post(_url(survivor.pk), {"others": [a.pk]}, format="json").status_code == 200
    response = api.post(_url(survivor.pk), {"others": [a.pk]}, format="json")
    assert response.status_code == 400


# --- suggestions ----------------------------------------------------------------------------------


def _email_pair(workspace, n):
    email = f"dup{n}@example.com"
    first = CreatorFactory(workspace=workspace)
    second = CreatorFactory(workspace=workspace)
    ContactMethodFactory(creator=first, value=email)
    ContactMethodFactory(creator=second, value=email.upper(), value_normalised=email)
    return first, second


def test_suggestions_list_groups_with_their_reason(api, workspace):
    a, b = _email_pair(workspace, 1)
    c = CreatorFactory(workspace=workspace, display_name="Cat")
    d = CreatorFactory(workspace=workspace, display_name="Dee")
    ContactMethodFactory(creator=c, kind="phone", value="+14155550100")
    ContactMethodFactory(creator=d, kind="whatsapp", value="+14155550100")
    e = CreatorFactory(workspace=workspace)
    f = CreatorFactory(workspace=workspace)
    PlatformAccountFactory(creator=e, platform="tiktok", handle="jane.doe")
    PlatformAccountFactory(creator=f, platform="instagram", handle="jane_doe")

    response = api.get(SUGGESTIONS)

    assert response.status_code == 200
    body = response.json()
    found = {(r["reason"], tuple(x["id"] for x in r["creators"])) for r in body["results"]}
    assert found == {
        ("email", (a.pk, b.pk)),
        ("phone", (c.pk, d.pk)),
        ("handle", (e.pk, f.pk)),
    }
    phone = next(r for r in body["results"] if r["reason"] == "phone")
    assert phone["value"] == "+14155550100"
    assert phone["reason_display"] == "Same phone number"
    assert [x["display_name"] for x in phone["creators"]] == ["Cat", "Dee"]
    assert body["count"] == 3

    only = api.get(SUGGESTIONS, {"reason": "handle"}).json()["results"]
    assert [r["reason"] for r in only] == ["handle"]
    bad = api.get(SUGGESTIONS, {"reason": "nope"})
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]


def test_viewers_see_suggestions_with_masked_contacts(api_as, workspace):
    _email_pair(workspace, 7)
    results = api_as("viewer").get(SUGGESTIONS).json()["results"]
    assert results[0]["value"] == "d***@example.com"


def test_suggestions_stay_within_the_workspace(api, workspace, other_workspace):
    ours = CreatorFactory(workspace=workspace)
    ContactMethodFactory(creator=ours, value="shared@example.com")
    _email_pair(other_workspace, 2)
    theirs = CreatorFactory(workspace=other_workspace)
    ContactMethodFactory(creator=theirs, value="shared@example.com")

    assert api.get(SUGGESTIONS).json()["results"] == []


def test_similar_handles_on_one_platform_are_not_suggested(workspace):
    a, b = CreatorFactory(workspace=workspace), CreatorFactory(workspace=workspace)
    PlatformAccountFactory(creator=a, platform="tiktok", handle="jane.doe")
    PlatformAccountFactory(creator=b, platform="tiktok", handle="jane_doe")
    assert merge_suggestions(workspace=workspace) == []


def test_suggestions_are_paged_and_bounded(api, workspace):
    for n in range(7):
        _email_pair(workspace, n)
    first = api.get(SUGGESTIONS, {"page_size": 5}).json()
    second = api.get(first["next"]).json()
    assert first["count"] == 7
    assert len(first["results"]) == 5 and len(second["results"]) == 2
    assert len(merge_suggestions(workspace=workspace, limit=3)) == 3


def _suggestion_queries(api):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(SUGGESTIONS, {"page_size": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def test_the_suggestions_query_count_does_not_grow_with_the_pool(api, workspace):
    def add(n):
        a, b = _email_pair(workspace, n)
        ContactMethodFactory(creator=a, kind="phone", value=f"+1415555{n:04d}")
        ContactMethodFactory(creator=b, kind="phone", value=f"+1415555{n:04d}")
        PlatformAccountFactory(creator=a, platform="tiktok", handle=f"jo.{n}")
        PlatformAccountFactory(creator=b, platform="instagram", handle=f"jo_{n}")

    for n in range(2):
        add(n)
    api.get(SUGGESTIONS)  # warm per-process caches
    small, small_count = _suggestion_queries(api)
    for n in range(2, 40):
        add(n)
    large, large_count = _suggestion_queries(api)
    assert (small_count, large_count) == (2, 40)  # one group per pair: reasons not repeated
    assert large <= small, f"{small} queries for 2 groups, {large} for 40"
