import pytest

from influencers.models import Tag

pytestmark = pytest.mark.django_db


def test_replay_returns_the_first_response_and_creates_once(api, workspace):
    first = api.post("/api/v1/tags/", {"name": "pets"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/tags/", {"name": "pets"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Tag.objects.filter(workspace=workspace).count() == 1


def test_same_key_different_body_is_422(api):
    api.post("/api/v1/tags/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post("/api/v1/tags/", {"name": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["status"] == 422


def test_keys_are_per_caller(api, api_as, workspace):
    api.post("/api/v1/tags/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    other = api_as("member").post(
        "/api/v1/tags/", {"name": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert other.status_code == 201
    assert Tag.objects.filter(workspace=workspace).count() == 2


def test_no_key_creates_each_time(api, workspace):
    api.post("/api/v1/creators/", {"display_name": "A"}, format="json")
    api.post("/api/v1/creators/", {"display_name": "A"}, format="json")
    assert workspace and api.get("/api/v1/creators/").json()["results"].__len__() == 2


def test_bulk_replay_creates_once(api, workspace):
    from tests.factories import CreatorFactory

    creator = CreatorFactory(workspace=workspace)
    body = {"items": [{"creator": creator.pk, "views": i} for i in range(3)]}
    first = api.post(
        "/api/v1/metric-snapshots/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1"
    )
    again = api.post(
        "/api/v1/metric-snapshots/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1"
    )
    assert first.json() == again.json()
    assert creator.metric_snapshots.count() == 3


def test_an_invalid_key_is_400(api):
    response = api.post(
        "/api/v1/tags/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert response.status_code == 400


def test_a_key_in_flight_is_409(api, workspace):
    from django.core.cache import cache

    from influencers.api import idempotency

    class Req:
        method = "POST"
        path = "/api/v1/tags/"
        META = {idempotency.HEADER: "k-4"}
        auth = None
        api_workspace = workspace

        class _request:
            body = b'{"name": "a"}'

    Req.user = api.user
    Req.auth = api.user.api_tokens.get()
    pending = idempotency.begin(Req)
    try:
        response = api.client.generic(
            "POST",
            "/api/v1/tags/",
            b'{"name": "a"}',
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-4",
        )
        assert response.status_code == 409
    finally:
        cache.delete(pending["cache_key"])
