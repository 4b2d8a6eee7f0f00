import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    """Throttle counts live in Redis for a minute: start each test from zero."""
    from django.core.cache import cache

    cache.clear()


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


def _failed_auth_rate(settings, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "failed_auth": rate,
        },
    }


def test_guessing_tokens_is_slowed_down_per_address(client, api, settings):
    _failed_auth_rate(settings, "10/min")
    statuses = [
        client.get(
            "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer ipm_guess{i}", REMOTE_ADDR="10.7.7.7"
        ).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    throttled = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer x", REMOTE_ADDR="10.7.7.7")
    assert int(throttled["Retry-After"]) >= 1
    assert throttled["Content-Type"].startswith("application/problem+json")
    # Another address, and anyone with a valid token, are not affected.
    assert client.get("/api/v1/me/", REMOTE_ADDR="10.7.7.8").status_code == 401
    assert api.get("/api/v1/me/").status_code == 200


def test_anonymous_requests_are_slowed_down_too(client, settings):
    _failed_auth_rate(settings, "3/min")
    statuses = [
        client.get("/api/v1/creators/", REMOTE_ADDR="10.6.6.6").status_code for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
