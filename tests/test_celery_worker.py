"""A real Celery worker on Redis recomputes roll-ups after a collaboration is created."""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from config.celery_app import app
from influencers.models import Creator
from influencers.services.collaborations import collaboration_create
from tests.factories import CreatorFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def real_worker(settings):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "DJANGO_DEBUG": "false",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield proc
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_collaboration_change_is_rolled_up_by_a_real_worker(real_worker):
    creator = CreatorFactory()
    assert creator.rollup_cost == 0
    collaboration_create(creator=creator, kind="paid_post", fee=Decimal("250.00"))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        creator.refresh_from_db()
        if creator.rollups_updated_at is not None:
            break
        assert real_worker.poll() is None, real_worker.stdout.read().decode()
        time.sleep(0.2)
    else:
        real_worker.terminate()
        pytest.fail("worker never recomputed: " + real_worker.communicate()[0].decode()[-3000:])
    assert creator.rollup_collaborations == 1
    assert creator.rollup_cost == Decimal("250.00")
    assert Creator.objects.get(pk=creator.pk).rollup_roi == Decimal("-1.0000")
