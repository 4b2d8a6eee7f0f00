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


def test_with_nothing_set_it_runs_on_sqlite_with_in_process_tasks_and_console_email():
    out = _run(PRINT_SETTINGS)
    assert out.returncode == 0, out.stderr
    engine, eager, email, cache = out.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert email.endswith("console.EmailBackend")
    assert cache.endswith("LocMemCache")


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


def test_production_settings_pass_the_deploy_check():
    out = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="pool.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
