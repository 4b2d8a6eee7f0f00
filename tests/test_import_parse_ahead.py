"""A big creator sheet is parsed in a second process while the importing one writes
(importers/parse_ahead.py). The pool, the counts and the error report are exactly those of
parsing in place; a resumed job, a file that changes under the import and a dead importing
process behave as they do without it."""

import shutil
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from influencers.importers import parse_ahead, pipeline
from influencers.models import Creator, ImportJob, ImportState, Workspace
from influencers.services.imports import import_job_create
from tests.workers import ROOT, new_queue, start_worker, stop, tasks_sent_to, wait_until

sys.path.insert(0, str(ROOT / "bench"))
DATA = Path(__file__).parent / "fixtures" / "data"
BATCH = 700


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture
def sheet(tmp_path):
    """3,000 rows with the sample's mess: handle forms, duplicates, bad cells, rows naming
    no creator."""
    import import_creators as bench

    path = tmp_path / "sheet.csv"
    bench.generate(path, 3000, seed=11)
    return path


@pytest.fixture
def children(monkeypatch):
    """How many parse processes the pipeline started."""
    started = []
    real = parse_ahead.parsed_batches

    def counting(*args, **kwargs):
        started.append(args[1].job.pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "parsed_batches", counting)
    return started


def _job(slug, path):
    workspace = Workspace.objects.create(name=slug, slug=slug)
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    return import_job_create(workspace=workspace, actor=None, upload=upload)


def _parsed_in_place(settings, path):
    """The sheet imported without a parse process, for comparison; from then on every
    import of a sheet parses in a second process."""
    settings.IMPORT_PARSE_PROCESS_MIN_ROWS = 0
    reference = pipeline.run(_job("reference", path).pk, batch_size=BATCH)
    settings.IMPORT_PARSE_PROCESS_MIN_ROWS = 1
    return reference


def _outcome(job):
    job = ImportJob.objects.get(pk=job.pk)
    counts = [
        job.state,
        job.rows_total,
        job.rows_done,
        job.created_count,
        job.updated_count,
        job.unchanged_count,
        job.skipped_count,
        job.failed_count,
        job.warning_count,
    ]
    issues = sorted(job.issues.values_list("line", "column", "value", "reason", "level"))
    return counts, issues


def _pool(workspace):
    """Every creator as the seller sees it, keyed by nothing the database chose."""
    creators = Creator.objects.filter(workspace=workspace).prefetch_related(
        "accounts", "contacts", "tags"
    )
    return sorted(
        (
            sorted((a.platform, a.handle_normalised, a.followers) for a in c.accounts.all()),
            sorted((m.kind, m.value_normalised, m.is_primary) for m in c.contacts.all()),
            sorted(t.name for t in c.tags.all()),
            c.display_name,
            c.status,
            c.country,
            c.remarks,
            c.followers,
            str(c.engagement_rate),
            c.last_contacted_at,
            c.associates_tracking_id,
            c.attribution_tag,
        )
        for c in creators
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name", ["sheet", "creators_sheet_en.csv", "creators_sheet_zh_gb18030.csv"]
)
def test_parsed_ahead_is_parsed_in_place(settings, sheet, children, name):
    path = sheet if name == "sheet" else DATA / name
    in_place = _parsed_in_place(settings, path)
    assert children == []
    ahead = pipeline.run(_job("ahead", path).pk, batch_size=BATCH)
    assert children == [ahead.pk]

    assert in_place.state == ImportState.SUCCEEDED
    assert _outcome(ahead) == _outcome(in_place)
    assert _pool(ahead.workspace) == _pool(in_place.workspace)
    if name == "sheet":
        counts, issues = _outcome(ahead)
        assert counts[3] > 2000 and counts[7] > 0 and len(issues) > 100  # the mess was there
    # Imported again through the second process: nothing new, every row unchanged or failed.
    again = pipeline.run(
        import_job_create(
            workspace=ahead.workspace,
            actor=None,
            upload=SimpleUploadedFile(path.name, path.read_bytes()),
        ).pk,
        batch_size=BATCH,
    )
    assert again.created_count == again.updated_count == 0
    assert _pool(ahead.workspace) == _pool(in_place.workspace)


@pytest.mark.django_db(transaction=True)
def test_a_job_resumed_through_the_second_process_ends_as_one_run(
    settings, sheet, children, monkeypatch
):
    settings.IMPORT_PARSE_PROCESS_MIN_ROWS = 1
    whole = pipeline.run(_job("whole", sheet).pk, batch_size=BATCH)

    # The first run stops after two committed batches, as a worker killed there would.
    real_commit = pipeline._commit_batch
    commits = []

    def dying(*args, **kwargs):
        if len(commits) == 2:
            raise SystemExit("killed")
        commits.append(1)
        return real_commit(*args, **kwargs)

    job = _job("resumed", sheet)
    monkeypatch.setattr(pipeline, "_commit_batch", dying)
    with pytest.raises(SystemExit):
        pipeline.run(job.pk, batch_size=BATCH)
    assert ImportJob.objects.get(pk=job.pk).rows_done == 2 * BATCH
    monkeypatch.setattr(pipeline, "_commit_batch", real_commit)
    resumed = pipeline.run(job.pk, batch_size=BATCH)

    assert children == [whole.pk, job.pk, job.pk]
    assert _outcome(resumed) == _outcome(whole)
    assert _pool(resumed.workspace) == _pool(whole.workspace)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("minimum", [0, 1], ids=["in-place", "ahead"])
def test_a_file_that_changes_under_the_import_fails_it_with_the_reason(
    settings, sheet, children, monkeypatch, minimum
):
    """The rows are read again after they were counted (by the child, or by this process);
    if the file is no longer the one that was counted, the job fails and says so instead of
    ending "succeeded" with rows missing."""
    settings.IMPORT_PARSE_PROCESS_MIN_ROWS = minimum
    job = _job("changed", sheet)
    real_count = pipeline.count_rows

    def count_then_replace(prepared):
        total = real_count(prepared)
        Path(prepared.table.path).write_bytes(b"\x00\x01PK\x03\x04 not a sheet any more" * 50)
        return total

    monkeypatch.setattr(pipeline, "count_rows", count_then_replace)
    done = pipeline.run(job.pk, batch_size=BATCH)

    assert children == ([job.pk] if minimum else [])
    assert done.state == ImportState.FAILED
    assert "The file changed while it was being imported: 0 of the 3000 rows" in (
        done.error_message
    )
    assert Creator.objects.filter(workspace=job.workspace).count() == 0
    assert ImportJob.objects.get(pk=job.pk).rows_done == 0


@pytest.mark.django_db(transaction=True)
def test_a_parse_process_that_cannot_start_leaves_the_parsing_here(
    settings, sheet, children, monkeypatch
):
    reference = _parsed_in_place(settings, sheet)
    job = _job("no-child", sheet)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # exits at once, reads nothing
    done = pipeline.run(job.pk, batch_size=BATCH)
    assert children == [job.pk]
    assert _outcome(done) == _outcome(reference)
    assert _pool(done.workspace) == _pool(reference.workspace)


@pytest.mark.django_db(transaction=True)
def test_a_parse_process_killed_mid_job_leaves_the_rest_to_this_process(
    settings, sheet, children, monkeypatch
):
    reference = _parsed_in_place(settings, sheet)
    started = []
    real_popen = parse_ahead.subprocess.Popen

    def remembering(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    real_commit = pipeline._commit_batch

    def commit_then_kill(*args, **kwargs):
        cursor = real_commit(*args, **kwargs)
        if started[0].poll() is None:
            started[0].kill()  # after the first batch
        return cursor

    monkeypatch.setattr(parse_ahead.subprocess, "Popen", remembering)
    monkeypatch.setattr(pipeline, "_commit_batch", commit_then_kill)
    job = _job("killed-child", sheet)
    done = pipeline.run(job.pk, batch_size=BATCH)

    assert children == [job.pk] and started[0].returncode == -9
    assert _outcome(done) == _outcome(reference)
    assert _pool(done.workspace) == _pool(reference.workspace)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_prefork_worker_parses_in_a_second_process(settings, sheet):
    """Celery's prefork children are daemon processes; the parse process is started with
    subprocess, which they may do."""
    settings.IMPORT_PARSE_PROCESS_MIN_ROWS = 0
    reference = pipeline.run(_job("reference", sheet).pk)
    queue = new_queue("test-parse-ahead")
    job = _job("prefork", sheet)
    worker = start_worker(
        queue,
        concurrency=2,
        extra_env={"DJANGO_MEDIA_ROOT": settings.MEDIA_ROOT, "IMPORT_PARSE_PROCESS_MIN_ROWS": "1"},
    )
    try:
        with tasks_sent_to(queue):
            from influencers.services.imports import import_job_confirm

            import_job_confirm(job=job)
            assert wait_until(lambda: ImportJob.objects.get(pk=job.pk).is_finished, 180, worker), (
                "the worker did not finish the job"
            )
    finally:
        stop(worker)
    assert _outcome(job) == _outcome(reference)
    assert _pool(job.workspace) == _pool(reference.workspace)
