"""A real Celery worker SIGKILLed in the middle of an import: after a restart the job resumes
from its last committed batch and ends in the same state as an uninterrupted run, with no
duplicate creator, account, contact or event."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from config.celery_app import app
from influencers.importers import pipeline
from influencers.models import (
    ActivityEvent,
    ContactMethod,
    Creator,
    ImportJob,
    PlatformAccount,
    Workspace,
)
from influencers.services.imports import (
    import_job_confirm,
    import_job_create,
    import_jobs_requeue_stalled,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _start_worker(settings, queue, media_root):
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
        "DJANGO_MEDIA_ROOT": media_root,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(predicate, timeout, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            pytest.fail("the worker exited")
        time.sleep(0.05)
    return False


def _state(workspace):
    return {
        "creators": Creator.objects.filter(workspace=workspace).count(),
        "accounts": PlatformAccount.objects.filter(workspace=workspace).count(),
        "contacts": ContactMethod.objects.filter(workspace=workspace).count(),
        "events": ActivityEvent.objects.filter(workspace=workspace).count(),
    }


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sigkilled_worker_resumes_to_the_same_end_state(settings, tmp_path):
    import import_creators as bench

    settings.MEDIA_ROOT = str(tmp_path / "media")
    sheet = tmp_path / "sheet.csv"
    bench.generate(sheet, 24_000)
    data = sheet.read_bytes()

    reference_ws = Workspace.objects.create(name="Reference", slug="reference")
    reference_job = import_job_create(
        workspace=reference_ws, actor=None, upload=SimpleUploadedFile("sheet.csv", data)
    )
    reference = pipeline.run(reference_job.pk)
    assert reference.state == "succeeded"

    workspace = Workspace.objects.create(name="Killed", slug="killed")
    job = import_job_create(
        workspace=workspace, actor=None, upload=SimpleUploadedFile("sheet.csv", data)
    )
    queue = f"test-import-{uuid.uuid4().hex[:8]}"
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    worker = _start_worker(settings, queue, settings.MEDIA_ROOT)
    try:
        import_job_confirm(job=job)
        assert _wait(lambda: ImportJob.objects.get(pk=job.pk).rows_done >= 2000, 120, worker), (
            "the worker never committed a batch"
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed = ImportJob.objects.get(pk=job.pk)
        assert killed.state == "running" and 0 < killed.rows_done < killed.rows_total

        worker = _start_worker(settings, queue, settings.MEDIA_ROOT)
        # The beat task finds the stalled job (here without waiting 5 minutes).
        import datetime as dt

        assert job.pk in import_jobs_requeue_stalled(older_than=dt.timedelta(0))
        assert _wait(lambda: ImportJob.objects.get(pk=job.pk).state == "succeeded", 180, worker), (
            "the restarted worker did not finish the job"
        )
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)

    done = ImportJob.objects.get(pk=job.pk)
    fields = (
        "created_count",
        "updated_count",
        "unchanged_count",
        "skipped_count",
        "failed_count",
        "rows_done",
        "rows_total",
    )
    assert [getattr(done, f) for f in fields] == [getattr(reference, f) for f in fields]
    assert _state(workspace) == _state(reference_ws)
    # No duplicate: one account per handle, one creator per account set.
    handles = PlatformAccount.objects.filter(workspace=workspace).values_list(
        "platform", "handle_normalised"
    )
    assert len(set(handles)) == len(handles)
