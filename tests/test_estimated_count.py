"""Issue 13 item 7: the creator list never COUNTs a huge list — above a threshold the number
is PostgreSQL's estimate, and the page says it is one; small lists are counted exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencers.admin import paginators
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

LIST = "admin:influencers_creator_changelist"


@pytest.fixture
def pool(workspace):
    for i in range(7):
        CreatorFactory(workspace=workspace, display_name=f"C{i}")


def _counts(queries):
    return [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and "influencers_creator" in q["sql"]
    ]


def test_a_small_list_is_counted_exactly(client, member, pool):
    client.force_login(member)
    response = client.get(reverse(LIST))
    assert response.context["cl"].result_count == 7
    assert not response.context["cl"].paginator.estimated
    assert "data-estimated" not in response.content.decode()


def test_a_large_list_shows_the_estimate_and_never_counts(client, member, pool, monkeypatch):
    monkeypatch.setattr(paginators, "EXACT_BELOW", 0)  # every list counts as "large"
    client.force_login(member)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(LIST), {"status__exact": "prospect"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["cl"].paginator.estimated
    assert 'id="result-count" data-estimated="1"' in html and "about" in html
    assert _counts(ctx.captured_queries) == []
    zh = client.get(reverse(LIST), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "约" in zh
