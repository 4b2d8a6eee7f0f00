from django.db import connection


def test_suite_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_cache_is_redis(settings):
    from django.core.cache import cache

    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache.set("ipm-test-key", "ok", 5)
    assert cache.get("ipm-test-key") == "ok"
