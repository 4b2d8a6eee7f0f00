"""Import jobs: an uploaded file processed in the background, its row-level issues, and the
natural keys of the metric rows it recorded (so importing a report twice records nothing twice).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel, WorkspaceOwnedModel


def import_upload_to(instance, filename):
    return f"imports/{instance.workspace_id}/{filename}"


class ImportKind(models.TextChoices):
    AUTO = "auto", _("Detect from the columns")
    CREATORS = "creators", _("Creator sheet")
    TIKTOK_SHOP = "tiktok_shop", _("TikTok Shop affiliate export")
    AMAZON_ATTRIBUTION = "amazon_attribution", _("Amazon Attribution report")
    AMAZON_ASSOCIATES = "amazon_associates", _("Amazon Associates tracking-ID report")


class ImportPolicy(models.TextChoices):
    FILL_EMPTY = "fill_empty", _("Fill empty fields only")
    OVERWRITE = "overwrite", _("Overwrite with the file's values")
    SKIP = "skip", _("Skip creators that already exist")


class ImportState(models.TextChoices):
    PENDING = "pending", _("Uploaded")
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ImportJob(WorkspaceOwnedModel):
    Kind = ImportKind
    Policy = ImportPolicy
    State = ImportState

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    kind = models.CharField(
        _("kind"), max_length=24, choices=ImportKind.choices, default=ImportKind.AUTO
    )
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True, default="")
    delimiter = models.CharField(_("delimiter"), max_length=4, blank=True, default="")
    sheet = models.CharField(_("sheet"), max_length=100, blank=True, default="")
    header_line = models.PositiveIntegerField(_("header line"), null=True, blank=True)
    # {"<header as written>": "<field>" or ""}: the user's choices for columns the aliases do
    # not know (or overrides); "" ignores a column.
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    policy = models.CharField(
        _("policy"), max_length=16, choices=ImportPolicy.choices, default=ImportPolicy.FILL_EMPTY
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ImportState.choices, default=ImportState.PENDING
    )
    # The language of the person who started the import: the worker has no request, so it
    # writes the job's reasons and messages in this one ("" = the site's default).
    language = models.CharField(_("language"), max_length=16, blank=True, default="")
    # The cursor: data rows committed so far. Written in the same transaction as each batch,
    # so a restarted job resumes exactly after the last committed row.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in file"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    error_message = models.TextField(_("error"), blank=True, default="")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "created_at"], name="importjob_ws_time"),
            models.Index(fields=["state", "heartbeat_at"], name="importjob_state_beat"),
        ]

    def __str__(self):
        return self.original_filename or f"#{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (ImportState.SUCCEEDED, ImportState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == ImportState.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_done * 100 / self.rows_total))


class ImportIssue(TimeStampedModel):
    class Level(models.TextChoices):
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Error")

    job = models.ForeignKey(
        ImportJob,
        on_delete=models.CASCADE,
        related_name="issues",
        verbose_name=_("import job"),
        db_index=False,  # importissue_job_line (job, line)
    )
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    column = models.CharField(_("column"), max_length=200, blank=True, default="")
    value = models.TextField(_("value"), blank=True, default="")
    reason = models.CharField(_("reason"), max_length=500)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        ordering = ["job", "line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="importissue_job_line")]

    def __str__(self):
        return f"{self.line}: {self.reason}"


class ImportRecordKey(models.Model):
    """The natural key of one imported report row that became a metric snapshot.

    Metric snapshots are append-only and have no natural key of their own; this table gives
    imported ones one, so re-importing the same report (or resuming a killed job) finds the row
    already recorded instead of appending a second snapshot.
    """

    workspace = models.ForeignKey(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # import_record_key_unique (workspace, key)
    )
    key = models.CharField(max_length=64)
    snapshot = models.ForeignKey(
        "influencers.MetricSnapshot", on_delete=models.CASCADE, related_name="+"
    )
    job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("imported row key")
        verbose_name_plural = _("imported row keys")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="import_record_key_unique"),
        ]

    def __str__(self):
        return self.key
