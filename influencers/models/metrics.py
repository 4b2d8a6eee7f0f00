from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import Currency, OneCreatorModel, WorkspaceOwnedModel

COUNT_FIELDS = (
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "detail_page_views",
    "add_to_carts",
    "orders",
    "units",
)


class AppendOnlyError(Exception):
    pass


class MetricSnapshot(OneCreatorModel, WorkspaceOwnedModel):
    """Numbers for a creator, post or collaboration. Never edited: a new reading is a new row,
    so history (and every chart drawn from it) stays true.

    A snapshot is one of two kinds, because sources report numbers two ways:
    - a running *total* (TikTok's lifetime counts, a manual reading): a later reading supersedes
      an earlier one, so roll-ups take the latest;
    - a *period* (one day, or one date range, of an Amazon report): each period adds to the
      others, so roll-ups sum them. A period is identified by creator + report kind + dates +
      `period_key` (tag / ASIN / ad group of the report row): importing the same report again
      finds it, and a corrected re-export of the same days replaces it instead of adding.
    """

    SAME_CREATOR_FIELDS = ("collaboration", "post")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        IMPORT = "import", _("Import")
        API = "api", _("API")

    class Kind(models.TextChoices):
        TOTAL = "total", _("Running total")
        PERIOD = "period", _("Period")

    creator = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.CASCADE,
        related_name="metric_snapshots",
        verbose_name=_("creator"),
        db_index=False,  # snapshot_creator_time (creator, captured_at)
    )
    collaboration = models.ForeignKey(
        "influencers.Collaboration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="metric_snapshots",
        verbose_name=_("collaboration"),
        db_index=False,  # snapshot_collab_time (collaboration, captured_at)
    )
    post = models.ForeignKey(
        "influencers.ContentPost",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="metric_snapshots",
        verbose_name=_("content post"),
    )
    captured_at = models.DateTimeField(_("captured at"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    kind = models.CharField(
        _("kind"),
        max_length=6,
        choices=Kind.choices,
        default=Kind.TOTAL,
        help_text=_(
            "A running total supersedes earlier readings; periods (days of a report) add up."
        ),
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    # Which report a period came from (an ImportKind value), shown as "Amazon Attribution:
    # 2026-11-01 - 2026-11-03" on the creator page, and part of the period's identity.
    report_kind = models.CharField(_("report"), max_length=20, blank=True, default="")
    # What the period row measures within the report (a hash of tag, ASIN, ad group and
    # campaign), so two ASINs of one day are two periods, not one replacing the other.
    period_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    views = models.PositiveBigIntegerField(_("views"), null=True, blank=True)
    likes = models.PositiveBigIntegerField(_("likes"), null=True, blank=True)
    comments = models.PositiveBigIntegerField(_("comments"), null=True, blank=True)
    shares = models.PositiveBigIntegerField(_("shares"), null=True, blank=True)
    saves = models.PositiveBigIntegerField(_("saves"), null=True, blank=True)
    clicks = models.PositiveBigIntegerField(_("clicks"), null=True, blank=True)
    detail_page_views = models.PositiveBigIntegerField(
        _("detail page views"), null=True, blank=True
    )
    add_to_carts = models.PositiveBigIntegerField(_("add-to-carts"), null=True, blank=True)
    orders = models.PositiveBigIntegerField(_("orders"), null=True, blank=True)
    units = models.PositiveBigIntegerField(_("units"), null=True, blank=True)
    sales = models.DecimalField(
        _("sales (GMV)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    commission = models.DecimalField(
        _("commission"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        ordering = ["-captured_at"]
        get_latest_by = "captured_at"
        constraints = [
            models.CheckConstraint(
                condition=(Q(sales__isnull=True) | Q(sales__gte=0))
                & (Q(commission__isnull=True) | Q(commission__gte=0)),
                name="snapshot_money_non_negative",
                violation_error_message=_("Sales and commission cannot be negative."),
            ),
            # A period has its dates (in order); a running total has none.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="period",
                        period_start__isnull=False,
                        period_end__isnull=False,
                        period_start__lte=models.F("period_end"),
                    )
                    | Q(kind="total", period_start__isnull=True, period_end__isnull=True)
                ),
                name="snapshot_period_dates",
                violation_error_message=_("A period ends on or after the day it starts."),
            ),
            # Idempotent re-import: one snapshot per creator, report, dates and row identity.
            models.UniqueConstraint(
                fields=[
                    "workspace",
                    "creator",
                    "report_kind",
                    "period_start",
                    "period_end",
                    "period_key",
                ],
                condition=Q(kind="period"),
                name="snapshot_period_unique",
                violation_error_message=_("These numbers for this period were already recorded."),
            ),
        ]
        indexes = [
            models.Index(fields=["creator", "captured_at"], name="snapshot_creator_time"),
            models.Index(fields=["workspace", "captured_at"], name="snapshot_ws_time"),
            models.Index(fields=["collaboration", "captured_at"], name="snapshot_collab_time"),
            models.Index(fields=["workspace", "source"], name="snapshot_ws_source"),
        ]

    def __str__(self):
        if self.kind == self.Kind.PERIOD and self.period_start and self.period_end:
            return f"{self.period_start:%Y-%m-%d} - {self.period_end:%Y-%m-%d} ({self.source})"
        return f"{self.captured_at:%Y-%m-%d %H:%M} ({self.source})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Metric snapshots are append-only; record a new snapshot.")
        super().save(*args, **kwargs)
