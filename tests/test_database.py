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


def test_the_run_uses_the_test_settings_and_the_server_database_url_names(db, settings):
    """Whoever started the servers (CI through DATABASE_URL, or tests/own_servers.py), the
    run talks to exactly that server: a socket directory that silently became "" would fall
    back to the machine's default socket and test against some other PostgreSQL."""
    from config.env import env

    assert settings.SETTINGS_MODULE == "config.settings.test"
    named = env.db("DATABASE_URL")
    assert connection.settings_dict["HOST"] == named["HOST"]
    assert named["HOST"], "DATABASE_URL names no host or socket directory"
    with connection.cursor() as cursor:
        if named["HOST"].startswith("/"):
            cursor.execute("SELECT current_setting('unix_socket_directories')")
            assert named["HOST"] in cursor.fetchone()[0].split(",")
        else:
            cursor.execute("SELECT current_setting('port')")
            assert int(cursor.fetchone()[0]) == int(named["PORT"] or 5432)
