"""A real Celery worker SIGKILLed in the middle of an import: after a restart the job resumes
from its last committed batch and ends in the same state as an uninterrupted run, with no
duplicate creator, account, contact or event."""

import os
import signal
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
from tests.workers import ROOT, new_queue, start_worker, stop, tasks_sent_to, wait_until

sys.path.insert(0, str(ROOT / "bench"))
QUEUE = new_queue("test-import")


def _start_worker(media_root):
    # Every run of the job parses in a second process (importers/parse_ahead.py).
    return start_worker(
        QUEUE,
        extra_env={"DJANGO_MEDIA_ROOT": media_root, "IMPORT_PARSE_PROCESS_MIN_ROWS": "1"},
    )


def _parse_processes(job_id) -> list[int]:
    """Live processes parsing for `job_id` (their command line names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        # A zombie ("Z") has exited; it only waits for its parent's wait().
        ours = b"influencers.importers.parse_child" in argv and str(job_id).encode() in argv
        if ours and state != "Z":
            found.append(int(entry.name))
    return found


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
    worker = _start_worker(settings.MEDIA_ROOT)
    try:
        with tasks_sent_to(QUEUE):
            import_job_confirm(job=job)
            assert wait_until(
                lambda: ImportJob.objects.get(pk=job.pk).rows_done >= 2000, 120, worker
            ), "the worker never committed a batch"
            assert _parse_processes(job.pk), "the job was not parsed in a second process"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            # The parse process finds its reader gone and exits on its own.
            assert wait_until(lambda: not _parse_processes(job.pk), 30), _parse_processes(job.pk)
            killed = ImportJob.objects.get(pk=job.pk)
            assert killed.state == "running" and 0 < killed.rows_done < killed.rows_total

            worker = _start_worker(settings.MEDIA_ROOT)
            # The beat task finds the stalled job (here without waiting 5 minutes).
            import datetime as dt

            assert job.pk in import_jobs_requeue_stalled(older_than=dt.timedelta(0))
            assert wait_until(
                lambda: ImportJob.objects.get(pk=job.pk).state == "succeeded", 180, worker
            ), "the restarted worker did not finish the job"
    finally:
        stop(worker)

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
