"""Settings come from the environment: defaults for a laptop, refusals for production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
}


def _run(code_or_args, **env):
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**CLEAN_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTINGS = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings.local');"
    "django.setup(); from django.conf import settings as s;"
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
    " s.CACHES['default']['BACKEND'])"
)


def test_with_nothing_set_it_runs_on_embedded_postgresql_with_in_process_tasks_and_console_email():
    out = _run(PRINT_SETTINGS)
    assert out.returncode == 0, out.stderr
    engine, eager, email, cache = out.stdout.split()
    assert engine == "config.embedded_postgres"
    assert eager == "True"
    assert email.endswith("console.EmailBackend")
    assert cache.endswith("LocMemCache")


def test_with_nothing_set_the_first_query_starts_the_embedded_server_in_its_data_directory(
    tmp_path,
):
    from config.embedded_postgres import server

    pgdata = tmp_path / "postgres"
    query = (
        "from django.db import connection;"
        "cursor = connection.cursor();"
        "cursor.execute('SELECT current_database(), current_setting(%s)', ['server_version_num']);"
        "print(*cursor.fetchone())"
    )
    try:
        out = _run(["manage.py", "shell", "-c", query], EMBEDDED_POSTGRES_DIR=str(pgdata))
        assert out.returncode == 0, out.stderr
        database, version = out.stdout.splitlines()[-1].split()
        assert database == "ipm"
        assert int(version) // 10000 == server.POSTGRES_MAJOR
        assert (pgdata / "PG_VERSION").read_text().strip() == str(server.POSTGRES_MAJOR)
        # A second process finds it running and reuses it (same server, no second start).
        first_pid = server.ensure_running(pgdata).pid
        again = _run(["manage.py", "shell", "-c", query], EMBEDDED_POSTGRES_DIR=str(pgdata))
        assert again.returncode == 0, again.stderr
        assert server.ensure_running(pgdata).pid == first_pid
    finally:
        assert server.stop(pgdata) is True
    assert server.stop(pgdata) is False  # stopped cleanly: nothing left to stop


def test_the_embedded_server_keeps_its_data_across_a_stop_and_start(tmp_path):
    import psycopg

    from config.embedded_postgres import server

    pgdata = tmp_path / "postgres"
    try:
        running = server.ensure_running(pgdata)
        assert running.started_now
        server.ensure_database(running, "kept")
        with psycopg.connect(host=str(running.socket_dir), user="postgres", dbname="kept") as c:
            c.execute("CREATE TABLE t (v text)")
            c.execute("INSERT INTO t VALUES ('still here')")
        assert server.stop(pgdata)
        restarted = server.ensure_running(pgdata)
        assert restarted.started_now
        with psycopg.connect(host=str(restarted.socket_dir), user="postgres", dbname="kept") as c:
            assert c.execute("SELECT v FROM t").fetchall() == [("still here",)]
    finally:
        server.stop(pgdata)


def test_with_urls_set_it_uses_postgresql_redis_and_a_real_broker():
    out = _run(
        PRINT_SETTINGS,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert out.returncode == 0, out.stderr
    engine, eager, _email, cache = out.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert eager == "False"
    assert cache.endswith("RedisCache")


def test_production_refuses_to_start_without_a_secret_key():
    out = _run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_ALLOWED_HOSTS="pool.example.com",
    )
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY" in out.stderr


def test_production_refuses_to_start_on_the_embedded_database():
    out = _run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="pool.example.com",
    )
    assert out.returncode != 0
    assert "Set DATABASE_URL" in out.stderr


def test_production_settings_pass_the_deploy_check():
    out = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="pool.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        SWITCHOVER_PUBLIC_BASE_URL="https://pool.example.com",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_the_deploy_check_refuses_answer_links_to_localhost():
    out = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="pool.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        SWITCHOVER_PUBLIC_BASE_URL="http://localhost:8000",
    )
    assert out.returncode != 0
    assert "influencers.W001" in out.stderr + out.stdout


def test_a_test_run_without_servers_named_starts_its_own_says_so_and_deletes_them():
    """`make test` on a machine with no PostgreSQL or Redis: tests/own_servers.py starts a
    throwaway PostgreSQL and a Redis from pip wheels; the worker test proves Celery talks to it."""
    import re

    out = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_database.py",
         "tests/test_celery_worker.py"],
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    said = [line for line in out.stderr.splitlines() if line.startswith("own servers")]
    assert len(said) == 1, out.stderr
    assert "PostgreSQL 18" in said[0] and "Redis" in said[0]
    data_dir = Path(re.search(r" at (/\S+)/data;", said[0]).group(1))
    assert not data_dir.exists(), "the throwaway PostgreSQL directory was left behind"
    assert re.search(r"\b4 passed\b", out.stdout), out.stdout[-2000:]


def test_the_cache_reuses_one_redis_client_and_talks_to_redis():
    """config.redis_cache: one client object per pool (Django's builds one per call), and
    values still go through the real Redis."""
    from django.core.cache import cache

    backend = cache._cache
    assert backend.get_client(write=True) is backend.get_client(write=False)
    cache.set("redis-cache-test", {"n": 1}, 5)
    assert cache.get("redis-cache-test") == {"n": 1}
    assert backend.get_client().ttl(cache.make_key("redis-cache-test")) in range(1, 6)
