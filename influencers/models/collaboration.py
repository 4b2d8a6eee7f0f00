from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import Currency, OneCreatorModel, WorkspaceOwnedModel
from .creator import Platform


class CollaborationType(models.TextChoices):
    GIFTED_SAMPLE = "gifted_sample", _("Gifted sample")
    PAID_POST = "paid_post", _("Paid post")
    TIKTOK_SHOP_AFFILIATE = "tiktok_shop_affiliate", _("TikTok Shop affiliate")
    CREATOR_CONNECTIONS = "creator_connections", _("Amazon Creator Connections")
    AMAZON_AFFILIATE_TIKTOK = "amazon_affiliate_tiktok", _("Amazon affiliate on TikTok")
    OTHER = "other", _("Other")


class CollaborationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    SAMPLE_SHIPPED = "sample_shipped", _("Sample shipped")
    CONTENT_LIVE = "content_live", _("Content live")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Collaboration(WorkspaceOwnedModel):
    """One deal with one creator."""

    Type = CollaborationType
    Status = CollaborationStatus

    creator = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.CASCADE,
        related_name="collaborations",
        verbose_name=_("creator"),
    )
    campaign = models.ForeignKey(
        "influencers.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborations",
        verbose_name=_("campaign"),
    )
    products = models.ManyToManyField(
        "influencers.Product", blank=True, related_name="collaborations", verbose_name=_("products")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("type"), max_length=32, choices=CollaborationType.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CollaborationStatus.choices,
        default=CollaborationStatus.PROPOSED,
    )
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    commission_rate = models.DecimalField(
        _("commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sample_quantity = models.PositiveIntegerField(_("sample quantity"), default=0)
    sample_cost = models.DecimalField(_("sample cost"), max_digits=12, decimal_places=2, default=0)
    sample_shipped_on = models.DateField(_("sample shipped on"), null=True, blank=True)
    sample_carrier = models.CharField(_("carrier"), max_length=60, blank=True, default="")
    sample_tracking_number = models.CharField(
        _("shipment tracking number"), max_length=80, blank=True, default=""
    )
    # The sample ledger: shipped -> delivered -> posted. The post-by date is fixed when the
    # sample ships (shipped date + the workspace's default), so changing the default later does
    # not move promises already made; overdue = shipped, not posted, post-by passed.
    sample_delivered_on = models.DateField(_("sample delivered on"), null=True, blank=True)
    sample_posted_on = models.DateField(_("sample posted on"), null=True, blank=True)
    sample_post_by = models.DateField(
        _("sample post by"),
        null=True,
        blank=True,
        help_text=_("Set from the shipping date and the workspace's default when shipped."),
    )
    deliverables = models.TextField(_("deliverables"), blank=True, default="")
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    post_by = models.DateField(_("post by"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    tracking_link = models.URLField(_("tracking link"), max_length=500, blank=True, default="")
    promo_code = models.CharField(_("promo code"), max_length=60, blank=True, default="")
    amazon_tracking_tag = models.CharField(
        _("Amazon tracking tag"), max_length=128, blank=True, default=""
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__gte=0) & Q(sample_cost__gte=0),
                name="collab_money_non_negative",
                violation_error_message=_("Fees and sample costs cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__isnull=True)
                | Q(commission_rate__gte=0, commission_rate__lte=100),
                name="collab_commission_percent",
                violation_error_message=_("A commission is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True)
                | Q(completed_on__isnull=True)
                | Q(completed_on__gte=F("agreed_on")),
                name="collab_dates_in_order",
                violation_error_message=_("A collaboration cannot complete before it was agreed."),
            ),
            models.CheckConstraint(
                condition=Q(sample_shipped_on__isnull=True)
                | (
                    (
                        Q(sample_delivered_on__isnull=True)
                        | Q(sample_delivered_on__gte=F("sample_shipped_on"))
                    )
                    & (
                        Q(sample_posted_on__isnull=True)
                        | Q(sample_posted_on__gte=F("sample_shipped_on"))
                    )
                ),
                name="collab_sample_dates_in_order",
                violation_error_message=_(
                    "A sample cannot be delivered or posted before it was shipped."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status"], name="collab_ws_status"),
            models.Index(fields=["workspace", "kind"], name="collab_ws_kind"),
            models.Index(fields=["workspace", "post_by"], name="collab_ws_post_by"),
            models.Index(fields=["creator", "status"], name="collab_creator_status"),
            # "Samples overdue": only samples still waiting for their post are in it.
            models.Index(
                fields=["workspace", "sample_post_by"],
                name="collab_ws_sample_waiting",
                condition=Q(sample_posted_on__isnull=True, sample_post_by__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class ContentPost(OneCreatorModel, WorkspaceOwnedModel):
    SAME_CREATOR_FIELDS = ("collaboration",)
    creator = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("creator"),
    )
    collaboration = models.ForeignKey(
        Collaboration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("collaboration"),
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    url = models.URLField(_("URL"), max_length=500)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    caption = models.TextField(_("caption"), blank=True, default="")

    class Meta:
        verbose_name = _("content post")
        verbose_name_plural = _("content posts")
        ordering = ["-posted_on"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "url"], name="post_unique_url"),
        ]
        indexes = [
            models.Index(fields=["workspace", "platform"], name="post_ws_platform"),
            models.Index(fields=["workspace", "posted_on"], name="post_ws_posted_on"),
        ]

    def __str__(self):
        return self.url
