"""Role x endpoint x verb, and workspace isolation for every endpoint and verb."""

import pytest

from tests.api_world import build_world

pytestmark = pytest.mark.django_db

ROLES = ("viewer", "member", "manager", "owner")
RANK = {r: i for i, r in enumerate(ROLES)}


def bodies(w):
    """A valid create body per resource (w: the caller's world)."""
    return {
        "creators": {
            "display_name": "New One",
            "accounts": [{"platform": "tiktok", "handle": "@brand.new"}],
        },
        "notes": {"creator": w.creator.pk, "kind": "email", "body": "hi"},
        "collaborations": {
            "creator": w.creator.pk,
            "kind": "gifted_sample",
            "products": [w.product.pk],
            "campaign": w.campaign.pk,
        },
        "content-posts": {
            "creator": w.creator.pk,
            "platform": "tiktok",
            "url": "https://www.tiktok.com/@x/video/1",
        },
        "metric-snapshots": {"creator": w.creator.pk, "views": 10},
        "products": {"asin": "B0NEWNEW01", "title": "Mug"},
        "campaigns": {"name": "Prime Day"},
        "tags": {"name": "pets"},
    }


def patches():
    return {
        "creators": {"remarks": "changed"},
        "notes": {"body": "changed"},
        "collaborations": {"deliverables": "2 videos"},
        "content-posts": {"caption": "changed"},
        "products": {"title": "changed"},
        "campaigns": {"name": "changed"},
        "tags": {"name": "changed"},
    }


def detail_ids(w):
    return {
        "creators": w.creator.pk,
        "notes": w.note.pk,
        "collaborations": w.collaboration.pk,
        "content-posts": w.post.pk,
        "metric-snapshots": w.snapshot.pk,
        "products": w.product.pk,
        "campaigns": w.campaign.pk,
        "tags": w.tag.pk,
        "members": w.member.pk,
        "activity": w.event.pk,
    }


CRUD = ("creators", "notes", "collaborations", "content-posts", "products", "campaigns", "tags")
READ_ONLY = ("members", "activity")
ALL = (*CRUD, "metric-snapshots", *READ_ONLY)


def expected(role, verb):
    need = {
        "get": "viewer",
        "post": "member",
        "patch": "member",
        "put": "member",
        "delete": "manager",
    }[verb]
    return RANK[role] >= RANK[need]


@pytest.fixture
def world(workspace, api_as):
    api_as("owner")  # make sure the workspace has a member for `members`
    return build_world(workspace)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", ALL)
def test_everyone_may_list_and_read(role, resource, world, api_as):
    caller = api_as(role)
    assert caller.get(f"/api/v1/{resource}/").status_code == 200
    response = caller.get(f"/api/v1/{resource}/{detail_ids(world)[resource]}/")
    assert response.status_code == 200
    assert response["ETag"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", (*CRUD, "metric-snapshots"))
def test_create_needs_member(role, resource, world, api_as):
    response = api_as(role).post(f"/api/v1/{resource}/", bodies(world)[resource], format="json")
    if expected(role, "post"):
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 403
        assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", CRUD)
def test_change_needs_member(role, resource, world, api_as):
    url = f"/api/v1/{resource}/{detail_ids(world)[resource]}/"
    response = api_as(role).patch(url, patches()[resource], format="json")
    assert response.status_code == (200 if expected(role, "patch") else 403), response.json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", CRUD)
def test_delete_needs_manager(role, resource, world, api_as):
    url = f"/api/v1/{resource}/{detail_ids(world)[resource]}/"
    response = api_as(role).delete(url)
    assert response.status_code == (204 if expected(role, "delete") else 403)


@pytest.mark.parametrize("resource", (*READ_ONLY, "metric-snapshots"))
@pytest.mark.parametrize("verb", ("put", "patch", "delete"))
def test_read_only_resources_refuse_writes(resource, verb, world, api):
    url = f"/api/v1/{resource}/{detail_ids(world)[resource]}/"
    response = getattr(api, verb)(url, {}, format="json")
    assert response.status_code == 405
    assert response.json()["status"] == 405


@pytest.mark.parametrize("role", ROLES)
def test_collaboration_advance_needs_member(role, world, api_as):
    url = f"/api/v1/collaborations/{world.collaboration.pk}/advance/"
    response = api_as(role).post(url, {"status": "agreed"}, format="json")
    assert response.status_code == (200 if expected(role, "post") else 403)


def test_viewer_sees_contacts_masked_member_sees_them(world, api_as):
    viewer = api_as("viewer").get(f"/api/v1/creators/{world.creator.pk}/").json()
    member = api_as("member").get(f"/api/v1/creators/{world.creator.pk}/").json()
    assert member["contacts"][0]["value"] == "lena@example.com"
    assert viewer["contacts"][0]["value"] == "l***@example.com"
    listed = api_as("viewer").get("/api/v1/creators/").json()["results"][0]
    assert listed["contacts"][0]["value"] == "l***@example.com"


# --- isolation ------------------------------------------------------------------------------


@pytest.fixture
def two_worlds(workspace, other_workspace, api_as):
    api_as("owner")
    api_as("owner", other_workspace)
    return build_world(workspace, "a"), build_world(other_workspace, "b")


@pytest.mark.parametrize("resource", ALL)
def test_lists_never_include_another_workspaces_rows(resource, two_worlds, api):
    mine, theirs = two_worlds
    response = api.get(f"/api/v1/{resource}/", {"page_size": 100})
    ids = {row["id"] for row in response.json()["results"]}
    assert detail_ids(mine)[resource] in ids
    assert detail_ids(theirs)[resource] not in ids


@pytest.mark.parametrize("resource", ALL)
@pytest.mark.parametrize("verb", ("get", "put", "patch", "delete"))
def test_another_workspaces_record_is_404_and_untouched(resource, verb, two_worlds, api):
    mine, theirs = two_worlds
    url = f"/api/v1/{resource}/{detail_ids(theirs)[resource]}/"
    body = patches().get(resource, {})
    response = getattr(api, verb)(url, body, format="json")
    if resource in CRUD or verb == "get":
        assert response.status_code == 404
        assert response.json()["status"] == 404
    else:
        assert response.status_code in (404, 405)
    record = getattr(
        theirs,
        {
            "creators": "creator",
            "notes": "note",
            "collaborations": "collaboration",
            "content-posts": "post",
            "metric-snapshots": "snapshot",
            "products": "product",
            "campaigns": "campaign",
            "tags": "tag",
            "members": "member",
            "activity": "event",
        }[resource],
    )
    before = type(record).objects.filter(pk=record.pk).values().first()
    assert before is not None  # not deleted
    if hasattr(record, "updated_at"):
        assert before["updated_at"] == record.updated_at  # not changed


def test_advance_of_another_workspaces_collaboration_is_404(two_worlds, api):
    _mine, theirs = two_worlds
    url = f"/api/v1/collaborations/{theirs.collaboration.pk}/advance/"
    assert api.post(url, {"status": "agreed"}, format="json").status_code == 404
    theirs.collaboration.refresh_from_db()
    assert theirs.collaboration.status == "proposed"


@pytest.mark.parametrize(
    "resource,field",
    [
        ("notes", "creator"),
        ("collaborations", "creator"),
        ("collaborations", "campaign"),
        ("collaborations", "products"),
        ("content-posts", "creator"),
        ("metric-snapshots", "creator"),
        ("metric-snapshots", "collaboration"),
        ("metric-snapshots", "post"),
    ],
)
def test_writes_cannot_attach_another_workspaces_records(resource, field, two_worlds, api):
    mine, theirs = two_worlds
    body = bodies(mine)[resource]
    foreign = {
        "creator": theirs.creator.pk,
        "campaign": theirs.campaign.pk,
        "products": [theirs.product.pk],
        "collaboration": theirs.collaboration.pk,
        "post": theirs.post.pk,
    }[field]
    body[field] = foreign
    response = api.post(f"/api/v1/{resource}/", body, format="json")
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["errors"])


def test_bulk_cannot_attach_another_workspaces_creator(two_worlds, api):
    mine, theirs = two_worlds
    items = [{"creator": mine.creator.pk, "views": 1}, {"creator": theirs.creator.pk, "views": 2}]
    response = api.post("/api/v1/metric-snapshots/bulk/", {"items": items}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]


def test_creator_tags_by_name_stay_in_the_workspace(two_worlds, api):
    mine, theirs = two_worlds
    response = api.post(
        "/api/v1/creators/", {"display_name": "T", "tags": [theirs.tag.name]}, format="json"
    )
    assert response.status_code == 201
    from influencers.models import Creator

    created = Creator.objects.get(pk=response.json()["id"])
    assert created.tags.get().workspace_id == mine.creator.workspace_id
    assert created.tags.get().pk != theirs.tag.pk


def test_creator_owner_must_be_a_member_of_the_workspace(two_worlds, api, api_as, other_workspace):
    outsider = api_as("owner", other_workspace).user
    response = api.patch(
        f"/api/v1/creators/{two_worlds[0].creator.pk}/", {"owner": outsider.pk}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()["errors"]
