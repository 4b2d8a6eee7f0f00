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


def _rate(settings, scope, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            scope: rate,
        },
    }


def test_guessing_tokens_is_slowed_down_per_address(client, api, settings):
    _rate(settings, "failed_auth", "10/min")
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
    _rate(settings, "failed_auth", "3/min")
    statuses = [
        client.get("/api/v1/creators/", REMOTE_ADDR="10.6.6.6").status_code for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_requests_at_the_same_moment_are_each_counted(settings):
    """Twenty requests at once (threads here; gunicorn processes in production) with room for
    five: exactly five pass. Counting by read-then-write, as DRF's own throttle does, lets
    most of them through (encode/django-rest-framework#5181)."""
    import threading

    from django.test import RequestFactory
    from rest_framework.request import Request

    from influencers.api.throttling import PerTokenRateThrottle

    _rate(settings, "api", "5/min")
    start = threading.Barrier(20)
    passed = []

    def one():
        throttle = PerTokenRateThrottle()
        request = Request(RequestFactory().get("/api/v1/me/", REMOTE_ADDR="10.9.9.9"))
        start.wait()
        passed.append(throttle.allow_request(request, None))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(passed) == [False] * 15 + [True] * 5


def test_retry_after_is_when_the_oldest_request_leaves_the_minute(api, settings):
    _rate(settings, "api", "2/min")
    assert [api.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/me/")
    assert response.status_code == 429
    assert 58 <= int(response["Retry-After"]) <= 60


def test_a_count_kept_by_the_previous_throttle_does_not_break_requests(api, settings):
    """Right after an upgrade Redis still holds DRF's pickled lists under the old keys."""
    import time

    from django.core.cache import cache

    from influencers.models import ApiToken

    api.get("/api/v1/me/")  # (the fixture's token exists once a request has used it)
    tokens = list(ApiToken.objects.all())
    assert tokens
    for token in tokens:
        cache.set(f"throttle:api:t{token.key_hash[:24]}", [time.time()] * 3)
    _rate(settings, "api", "3/min")
    assert [api.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    assert api.get("/api/v1/me/").status_code == 429


def test_without_redis_the_count_is_kept_in_process(api, settings):
    """The embedded default with no Redis configured uses Django's in-process cache, which
    runs no scripts: DRF's own counting, the same answers."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    assert not hasattr(cache, "run_script")
    _rate(settings, "api", "2/min")
    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]
