import pytest

pytestmark = pytest.mark.django_db


def test_too_many_requests_is_429_with_retry_after(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/min"},
    }
    statuses = [api.get("/api/v1/me/").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    response = api.get("/api/v1/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["status"] == 429


def test_throttling_is_per_token(api, api_as, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/min"},
    }
    for _ in range(3):
        api.get("/api/v1/me/")
    assert api.get("/api/v1/me/").status_code == 429
    assert api_as("member").get("/api/v1/me/").status_code == 200
