"""Real Celery workers for tests: a subprocess on its own queue, talking to the test database
and the test Redis, so a test can watch (or SIGKILL) the thing production runs."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app

ROOT = Path(__file__).resolve().parent.parent


def new_queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def database_url(db: dict) -> str:
    """The test database as a URL. HOST may be a socket directory (the run's own server),
    which django-environ reads from the path after an empty host: postgres://user@//run/dir/db."""
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}@/{db['HOST']}/{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(queue: str, *, concurrency: int = 1, extra_env=None, output=None):
    """Start `celery worker` consuming only `queue`. concurrency 1 uses the solo pool."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "DJANGO_DEBUG": "false",
        **(extra_env or {}),
    }
    pool = (
        ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"--concurrency={concurrency}"]
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            *pool,
            "--loglevel=WARNING",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=output if output is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output is not None else subprocess.DEVNULL,
        # Its own process group, so a SIGKILL can take the prefork children with it.
        start_new_session=True,
    )


@contextlib.contextmanager
def tasks_sent_to(queue: str):
    """Within the block, .delay() goes to `queue` through Redis instead of running eagerly."""
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old


def wait_until(predicate, timeout: float, worker=None, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if worker is not None and worker.poll() is not None:
            pytest.fail("the worker exited")
        time.sleep(interval)
    return False


def stop(worker) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)
