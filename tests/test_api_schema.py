import io

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
