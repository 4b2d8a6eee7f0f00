"""Writes for import jobs: create from an upload, confirm (queue), run, requeue stalled ones."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from influencers import background, policy
from influencers.importers import pipeline
from influencers.importers.columns import ALIASES
from influencers.importers.errors import FileRefused
from influencers.models import ImportJob, ImportKind, ImportPolicy, ImportState

STALL_AFTER = dt.timedelta(minutes=5)


class FileTooLarge(ValidationError):
    pass


def import_max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def _require_import(actor, workspace) -> None:
    # A helper because import_job_create's `policy` argument (the import policy) hides the
    # module inside it.
    policy.require(actor, workspace, policy.Action.IMPORT)


def import_job_create(
    *,
    workspace,
    actor,
    upload: UploadedFile,
    kind: str = ImportKind.AUTO,
    policy: str = ImportPolicy.FILL_EMPTY,
    sheet: str = "",
    column_mapping: dict | None = None,
    language: str | None = None,
) -> ImportJob:
    """Store the upload and create a pending job. Raises FileTooLarge / ValidationError.

    `language` is the starter's language; by default the active one (the admin's or API's
    request language, set by LocaleMiddleware), so the worker reports in it later."""
    _require_import(actor, workspace)
    if upload.size is not None and upload.size > import_max_bytes():
        raise FileTooLarge(
            _("The file is larger than the limit of %(mb)s MB.")
            % {"mb": import_max_bytes() // (1024 * 1024)}
        )
    if kind not in ImportKind.values:
        raise ValidationError({"kind": [_("Unknown kind of file.")]})
    if policy not in ImportPolicy.values:
        raise ValidationError({"policy": [_("Unknown policy.")]})
    mapping = _clean_mapping(column_mapping)
    name = os.path.basename(upload.name or "upload")[:200]
    job = ImportJob(
        workspace=workspace,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        policy=policy,
        sheet=sheet[:100],
        column_mapping=mapping,
        original_filename=name,
        size=upload.size or 0,
        language=_job_language(language),
    )
    job.file.save(name, upload, save=False)
    job.save()
    return job


def _job_language(language: str | None) -> str:
    language = language if language is not None else translation.get_language()
    if not language:
        return ""
    try:
        return translation.get_supported_language_variant(language.lower())
    except LookupError:  # a language we have no translation for: the site's default
        return ""


def _clean_mapping(mapping: dict | None) -> dict:
    mapping = {} if mapping is None else mapping
    if not isinstance(mapping, dict):
        raise ValidationError({"column_mapping": [_("Expected an object: header -> field.")]})
    clean = {}
    for header, field in mapping.items():
        field = "" if field is None else field
        # A field is named by text: 0, false or [] name none (refused, not taken for "").
        if not isinstance(field, str) or field and field not in ALIASES:
            raise ValidationError({"column_mapping": [_("Unknown field: %s") % field]})
        # No header holds a NUL (nor can PostgreSQL store one in JSON): it is dropped.
        clean[str(header).replace("\x00", "")[:200]] = field
    return clean


def import_job_preview(*, job: ImportJob) -> pipeline.Preview:
    """The detected layout and first rows. Marks the job previewed; raises FileRefused."""
    result = pipeline.preview(job)
    if job.state == ImportState.PENDING:
        job.state = ImportState.PREVIEWED
        job.save(update_fields=["state", "updated_at"])
    return result


def import_job_update_settings(
    *, job: ImportJob, column_mapping=None, kind=None, policy=None, sheet=None
) -> ImportJob:
    if job.state not in (ImportState.PENDING, ImportState.PREVIEWED):
        raise ValidationError(_("This import has already started."))
    if column_mapping is not None:
        job.column_mapping = _clean_mapping(column_mapping)
    if kind:
        job.kind = kind
    if policy:
        job.policy = policy
    if sheet is not None:
        job.sheet = sheet[:100]
    job.full_clean(exclude=["file", "workspace", "created_by"])
    job.save()
    return job


def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """Queue the job (after commit). Confirming twice queues it once."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.state not in (ImportState.PENDING, ImportState.PREVIEWED):
            return locked
        locked.state = ImportState.QUEUED
        locked.save(update_fields=["state", "updated_at"])
        background.after_commit(background.IMPORT_RUN, locked.pk)
    return locked


def import_job_run(*, job_id: int) -> ImportJob:
    """Run or resume a job (called by the Celery task). The pipeline reports the creators
    each batch changed; their roll-ups (and, through them, readiness) are refreshed here."""
    return pipeline.run(job_id, touched=background.rollups_refresh)


def import_jobs_requeue_stalled(*, older_than: dt.timedelta = STALL_AFTER) -> list[int]:
    """Queue again the jobs whose worker died (queued or running, no progress for a while).
    Resuming is safe: the job restarts after its last committed batch."""
    limit = timezone.now() - older_than
    ids = list(
        ImportJob.objects.filter(
            state__in=[ImportState.QUEUED, ImportState.RUNNING], updated_at__lt=limit
        )
        .exclude(heartbeat_at__gte=limit)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        background.send(background.IMPORT_RUN, pk)
    return ids


class _Echo:
    def write(self, value):
        return value


def import_job_errors_csv(*, job: ImportJob, role) -> Iterator[str]:
    """The job's issues as CSV rows (UTF-8 with BOM for Excel), streamed. A cell's value is
    the seller's own data (often an email or phone that failed to parse): masked for the
    roles the policy masks for."""
    from influencers.exporters.safety import neutralise

    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_("line"), _("column"), _("value"), _("reason"), _("level")])
    issues = job.issues.order_by("line", "pk").values_list(
        "line", "column", "value", "reason", "level"
    )
    for line, column, value, reason, level in issues.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                "" if line is None else line,
                neutralise(column),
                neutralise(policy.text_for(role, value)),
                neutralise(policy.text_for(role, reason)),
                level,
            ]
        )
    if job.error_message:
        message = policy.text_for(role, job.error_message)
        yield writer.writerow(["", "", "", neutralise(message), "error"])


def import_job_status(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": job.get_state_display(),
        "kind": job.kind,
        "file_name": job.original_filename,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "counts": {
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "skipped": job.skipped_count,
            "failed": job.failed_count,
        },
        "warnings": job.warning_count,
        "error": job.error_message,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


__all__ = [
    "FileRefused",
    "FileTooLarge",
    "import_job_confirm",
    "import_job_create",
    "import_job_errors_csv",
    "import_job_preview",
    "import_job_run",
    "import_job_status",
    "import_jobs_requeue_stalled",
    "import_job_update_settings",
]
