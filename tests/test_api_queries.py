"""Every list endpoint costs the same number of queries for 10 rows as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.models import ActivityEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _fill(workspace, n, owner):
    for i in range(n):
        creator = f.CreatorFactory(workspace=workspace, owner=owner)
        f.PlatformAccountFactory(creator=creator)
        f.PlatformAccountFactory(creator=creator, platform="instagram")
        f.ContactMethodFactory(creator=creator)
        creator.tags.add(f.TagFactory(workspace=workspace))
        product = f.ProductFactory(workspace=workspace)
        collaboration = f.CollaborationFactory(
            creator=creator, campaign=f.CampaignFactory(workspace=workspace)
        )
        collaboration.products.add(product)
        post = f.ContentPostFactory(creator=creator, collaboration=collaboration)
        f.NoteFactory(creator=creator)
        f.MetricSnapshotFactory(creator=creator, collaboration=collaboration, post=post)
        ActivityEvent.objects.create(
            workspace=workspace, verb="note.added", creator=creator, actor=owner
        )
        if i < n - 1:
            f.MembershipFactory(workspace=workspace, role="member")


LISTS = (
    "creators",
    "notes",
    "collaborations",
    "content-posts",
    "metric-snapshots",
    "products",
    "campaigns",
    "tags",
    "members",
    "activity",
)


def _count(api, url, size):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, {"page_size": size})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("resource,role", [(r, "owner") for r in LISTS] + [("creators", "viewer")])
def test_list_query_count_does_not_grow_with_page_size(resource, role, workspace, api_as):
    caller = api_as(role)
    _fill(workspace, 100, caller.user)
    url = f"/api/v1/{resource}/"
    caller.get(url)  # warm: token last_used_at write, content types
    small, n_small = _count(caller, url, 10)
    large, n_large = _count(caller, url, 100)
    assert n_small == 10 and n_large >= 100
    assert small == large, (small, large)


def test_creators_page_is_a_handful_of_queries(workspace, api, django_assert_max_num_queries):
    _fill(workspace, 20, api.user)
    api.get("/api/v1/creators/")
    # token+role, creators, accounts, contacts, tags
    with django_assert_max_num_queries(5):
        api.get("/api/v1/creators/", {"page_size": 20, "ordering": "-followers"})
