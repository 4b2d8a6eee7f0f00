import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    text = out.getvalue()
    for path in (
        "/api/v1/creators/",
        "/api/v1/metric-snapshots/bulk/",
        "/api/v1/collaborations/{id}/advance/",
        "/api/v1/me/",
    ):
        assert path in text
    assert "application/problem+json" in text
    assert "Idempotency-Key" in text and "If-Match" in text


def test_schema_is_served_and_docs_use_local_static_files():
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "drf_spectacular_sidecar" in html
        assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


# --- The schema says what the server enforces (issue 14 item 5) ----------------------------


@pytest.fixture(scope="module")
def openapi():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _parameter(openapi, path, name, method="get"):
    found = [p for p in openapi["paths"][path][method]["parameters"] if p["name"] == name]
    assert found, f"{name} not in {method.upper()} {path}"
    return found[0]["schema"]


def _component(openapi, name):
    return openapi["components"]["schemas"][name]


def test_page_and_page_size_start_at_one_and_a_bad_page_is_a_listed_404(openapi, api):
    for path in ("/api/v1/tags/", "/api/v1/agencies/", "/api/v1/notes/", "/api/v1/members/"):
        assert _parameter(openapi, path, "page")["minimum"] == 1
        assert _parameter(openapi, path, "page_size")["minimum"] == 1
        assert "404" in openapi["paths"][path]["get"]["responses"]
    # Keyset lists: from 1, no maximum (a larger size is capped, not refused).
    size = _parameter(openapi, "/api/v1/creators/", "page_size")
    assert size["minimum"] == 1 and "maximum" not in size
    assert api.get("/api/v1/tags/", {"page": 0}).status_code == 404
    assert api.get("/api/v1/tags/", {"page_size": 0}).status_code == 400
    assert api.get("/api/v1/creators/", {"page_size": 1000}).status_code == 200


def test_id_filters_have_the_bounds_the_filter_enforces(openapi, api):
    creator = _parameter(openapi, "/api/v1/notes/", "creator")
    assert creator["minimum"] == 1 and creator["maximum"] == 2**63 - 1
    assert _parameter(openapi, "/api/v1/creators/", "engagement_max")["maximum"] == 100
    assert _parameter(openapi, "/api/v1/creators/", "country")["maxLength"] == 2
    assert api.get("/api/v1/notes/", {"creator": 0}).status_code == 400


def test_bulk_and_merge_lists_may_not_be_empty(openapi, api):
    items = _component(openapi, "BulkMetricSnapshotRequest")["properties"]["items"]
    assert items["minItems"] == 1 and items["maxItems"] == 5000
    # Each item is shaped like a single create (the schema says which fields, not just "object").
    assert items["items"] == {"$ref": "#/components/schemas/BulkMetricItemRequest"}
    others = _component(openapi, "CreatorMergeInputRequest")["properties"]["others"]
    assert others["minItems"] == 1
    response = api.post("/api/v1/metric-snapshots/bulk/", {"items": []}, format="json")
    assert response.status_code == 400


def test_request_bodies_refuse_unknown_fields_and_ids_are_positive(openapi):
    note = _component(openapi, "NoteRequest")
    assert note["additionalProperties"] is False
    assert note["properties"]["creator"]["minimum"] == 1
    fee = _component(openapi, "CollaborationRequest")["properties"]["fee"]
    assert not re.match(fee["pattern"], "") and re.match(fee["pattern"], "12.5")
    asin = _component(openapi, "ProductRequest")["properties"]["asin"]
    assert not re.match(asin["pattern"], "0") and re.match(asin["pattern"], "B000123456")


def test_if_match_has_the_shape_the_server_reads(openapi):
    pattern = _parameter(openapi, "/api/v1/tags/{id}/", "If-Match", method="patch")["pattern"]
    for good in ("*", '"abc"', '"a", "b"', 'W/"a", "b"'):
        assert re.match(pattern, good), good
    for bad in ("", "abc", '"a" "b"'):
        assert not re.match(pattern, bad), bad


def test_every_write_lists_409_and_a_duplicate_answers_it(openapi, api, workspace):
    from tests.factories import TagFactory

    for method in ("post", "put", "patch"):
        assert (
            "409"
            in openapi["paths"]["/api/v1/tags/" + ("" if method == "post" else "{id}/")][method][
                "responses"
            ]
        )
    TagFactory(workspace=workspace, name="pets")
    response = api.post("/api/v1/tags/", {"name": "PETS"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"]["__all__"] == [
        "A tag with this name already exists in this workspace."
    ]
