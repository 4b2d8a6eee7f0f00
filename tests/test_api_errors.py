"""Bad input of every kind answers a 4xx problem+json, never a 500."""

import json

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


RAW_BODIES = [
    b"{not json",
    b"",
    b"null",
    b"[]",
    b"123",
    b'"text"',
    b'{"display_name": "\\u0000"}',
    b'{"display_name": "a\\u0000b"}',
    b'{"display_name": "\\ud800"}',
    b"\xff\xfe\x00bad utf8",
    b'{"display_name": "ok", "surprise": 1}',
    b'{"display_name": ["list"]}',
    b'{"display_name": {"x": 1}}',
    b'{"display_name": 12}',
    b'{"display_name": "x", "rating": "five"}',
    b'{"display_name": "x", "rating": 1e400}',
    b'{"display_name": "x", "accounts": "tiktok"}',
    b'{"display_name": "x", "accounts": [{"platform": "tiktok"}]}',
    b'{"display_name": "x", "accounts": [{"platform": "mars", "handle": "a"}]}',
    b'{"display_name": "x", "accounts": [{"platform": "tiktok", "handle": "a", "followers": '
    b"99999999999999999999999}]}",
    b'{"display_name": "x", "contacts": [{"kind": "email", "value": "nope"}]}',
    b'{"display_name": "x", "languages": ["\\u0000"]}',
    b'{"display_name": "x", "owner": 99999999999999999999999}',
    b'{"display_name": "x", "owner": "abc"}',
    b'{"display_name": "x", "country": "Atlantis"}',
    b'{"display_name": "' + b"x" * 100_000 + b'"}',
    b'{"display_name": "x", "remarks": "' + b"y" * 20_000 + b'"}',
]


@pytest.mark.parametrize("body", RAW_BODIES, ids=range(len(RAW_BODIES)))
def test_bad_creator_bodies_are_400(api, body):
    response = api.client.generic(
        "POST", "/api/v1/creators/", body, content_type="application/json"
    )
    _problem(response, 400)


def test_unknown_fields_are_named(api):
    body = _problem(api.post("/api/v1/tags/", {"name": "x", "colour": "red"}, format="json"), 400)
    assert body["errors"] == {"colour": ["Unknown field."]}


def test_wrong_content_type_is_415(api):
    response = api.client.generic(
        "POST", "/api/v1/tags/", "name=x", content_type="application/x-www-form-urlencoded"
    )
    _problem(response, 415)


def test_unknown_endpoint_is_problem_404(api):
    _problem(api.get("/api/v1/nope/"), 404)
    _problem(api.get("/api/v1/creators/abc/"), 404)
    _problem(api.get("/api/v1/creators/99999999999999999/"), 404)


def test_method_not_allowed_is_405(api):
    _problem(
        api.client.generic("PUT", "/api/v1/creators/", b"{}", content_type="application/json"), 405
    )


@pytest.mark.parametrize(
    "query",
    [
        {"search": "a\x00b"},
        {"status": "\x00"},
        {"followers_min": "lots"},
        {"followers_min": "1e999"},
        {"followers_min": "NaN"},
        {"followers_max": str(10**30)},
        {"owner": str(10**30)},
        {"owner": "-1"},
        {"engagement_min": "500"},
        {"last_contacted_before": "yesterday"},
        {"created_since": "2026-13-45"},
        {"status": "flying"},
        {"platform": "myspace"},
        {"country": "USA"},
        {"cursor": "eyJvIjoiLWNyZWF0ZWQiLCJ2Ijoibm9wZSIsImlkIjoxfQ"},
        {"ordering": "\u202e"},
    ],
)
def test_bad_query_parameters_are_400(api, query):
    _problem(api.get("/api/v1/creators/", query), 400)


@pytest.mark.parametrize(
    "resource",
    [
        "notes",
        "collaborations",
        "content-posts",
        "metric-snapshots",
        "products",
        "campaigns",
        "tags",
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"creator": "x"},
        {"creator": -1},
        {"creator": 10**30},
        {"creator": True},
        {"creator": [1]},
        {"name": "\x00"},
        {"asin": "\x00\x00"},
        {"url": "javascript:x"},
    ],
)
def test_bad_bodies_on_other_resources_are_400(api, resource, body):
    _problem(api.post(f"/api/v1/{resource}/", body, format="json"), 400)


def test_model_rules_become_field_errors(workspace, api):
    f.ProductFactory(workspace=workspace, asin="B000000001")
    # Another product holds the ASIN: a conflict with the current state, the field errors kept.
    body = _problem(api.post("/api/v1/products/", {"asin": "b000000001"}, format="json"), 409)
    assert body["errors"]
    body = _problem(
        api.post(
            "/api/v1/campaigns/",
            {"name": "x", "starts_on": "2026-02-01", "ends_on": "2026-01-01"},
            format="json",
        ),
        400,
    )
    assert body["errors"]


def test_invalid_collaboration_move_is_400(workspace, api):
    collaboration = f.CollaborationFactory(creator=f.CreatorFactory(workspace=workspace))
    url = f"/api/v1/collaborations/{collaboration.pk}/advance/"
    body = _problem(api.post(url, {"status": "completed"}, format="json"), 400)
    assert "status" in body["errors"]
    assert api.post(url, {"status": "agreed"}, format="json").json()["status"] == "agreed"


def test_too_large_body_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = json.dumps({"name": "x" * 2000})
    _problem(
        api.client.generic("POST", "/api/v1/tags/", payload, content_type="application/json"), 413
    )


def test_an_error_asked_for_as_csv_is_still_a_problem_document(api):
    body = _problem(api.get("/api/v1/creators/", {"format": "csv", "owner": "0"}), 400)
    assert "owner" in body["errors"]
