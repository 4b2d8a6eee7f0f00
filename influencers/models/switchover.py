"""The switch-over: readiness weights, Amazon link settings, plans and their invitations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel, WorkspaceOwnedModel
from .commerce import Marketplace


def _weight(label, default):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)]
    )


class ScoringWeights(TimeStampedModel):
    """How much each part of the readiness score counts in one workspace. The parts are scaled
    so the score is always 0-100 whatever the weights add up to."""

    workspace = models.OneToOneField(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        related_name="scoring_weights",
        verbose_name=_("workspace"),
    )
    reach = _weight(_("reach on TikTok"), 25)
    engagement = _weight(_("engagement rate"), 15)
    results = _weight(_("proven results"), 20)
    relationship = _weight(_("relationship"), 15)
    amazon = _weight(_("Amazon readiness"), 15)
    contactability = _weight(_("contactability"), 10)
    # Modest on purpose: only creators who were sent samples are judged on it (see scoring.py).
    samples = _weight(_("sample follow-through"), 5)

    COMPONENTS = (
        "reach",
        "engagement",
        "results",
        "relationship",
        "amazon",
        "contactability",
        "samples",
    )

    class Meta:
        verbose_name = _("readiness weights")
        verbose_name_plural = _("readiness weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(reach__gt=0)
                | Q(engagement__gt=0)
                | Q(results__gt=0)
                | Q(relationship__gt=0)
                | Q(amazon__gt=0)
                | Q(contactability__gt=0)
                | Q(samples__gt=0),
                name="weights_not_all_zero",
                violation_error_message=_("At least one weight must be above zero."),
            ),
        ]

    def __str__(self):
        return str(_("Readiness weights"))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COMPONENTS}


class AmazonLinkSettings(TimeStampedModel):
    """How a creator's Amazon links are built in one workspace."""

    workspace = models.OneToOneField(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        related_name="amazon_link_settings",
        verbose_name=_("workspace"),
    )
    marketplaces = models.JSONField(
        _("marketplaces"), default=list, blank=True, help_text=_('e.g. ["US", "UK"]')
    )
    store_id = models.CharField(_("Associates store ID"), max_length=64, blank=True, default="")
    tracking_id_pattern = models.CharField(
        _("tracking ID pattern"),
        max_length=64,
        default="{handle}-20",
        help_text=_("{handle}, {creator_id} and {store_id} are replaced, e.g. {handle}-20"),
    )
    attribution_tag_template = models.CharField(
        _("Attribution tag template"),
        max_length=128,
        blank=True,
        default="",
        help_text=_("e.g. tt_{handle}; empty for none"),
    )

    class Meta:
        verbose_name = _("Amazon link settings")
        verbose_name_plural = _("Amazon link settings")

    def __str__(self):
        return str(_("Amazon link settings"))


class SwitchoverPlan(WorkspaceOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        LAUNCHING = "launching", _("Launching")
        LAUNCHED = "launched", _("Launched")

    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    products = models.ManyToManyField(
        "influencers.Product", blank=True, related_name="+", verbose_name=_("products")
    )
    commission_rate = models.DecimalField(
        _("commission offer (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    default_language = models.CharField(_("default language"), max_length=16, default="en")
    # Shown to the creator on their answer page, in the words the seller writes them in.
    sample_offer = models.TextField(
        _("sample offer"),
        max_length=1000,
        blank=True,
        default="",
        db_default="",
        help_text=_('e.g. "A free sample ships within 3 days of your yes."'),
    )
    terms = models.TextField(
        _("terms"),
        max_length=2000,
        blank=True,
        default="",
        db_default="",
        help_text=_("What the creator agrees to by accepting: posting, disclosure, payment."),
    )
    # Selection criteria.
    min_readiness = models.PositiveSmallIntegerField(
        _("minimum readiness"), default=0, validators=[MaxValueValidator(100)]
    )
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    statuses = models.JSONField(_("creator statuses"), default=list, blank=True)
    tags = models.ManyToManyField(
        "influencers.Tag", blank=True, related_name="+", verbose_name=_("tags")
    )
    min_followers = models.PositiveBigIntegerField(_("minimum followers"), default=0)
    not_invited_days = models.PositiveIntegerField(
        _("not invited in the last N days"), default=0, help_text=_("0: no limit")
    )
    max_invitations = models.PositiveIntegerField(_("maximum invitations"), default=1000)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Send one reminder to creators who have not answered this many days after their "
            "invitation. Blank: no reminder."
        ),
    )
    scheduled_at = models.DateTimeField(_("launch at"), null=True, blank=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    # Who the last launch run left out and why ({"problems": {code: n}, "examples": [...]}),
    # written by influencers.switchover.skipped; the plan's dashboard shows it.
    launch_report = models.JSONField(_("launch report"), default=dict, blank=True, editable=False)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("launched by"),
    )

    class Meta:
        verbose_name = _("switch-over plan")
        verbose_name_plural = _("switch-over plans")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="plan_status_scheduled"),
            models.Index(fields=["workspace", "created_at"], name="plan_ws_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0, commission_rate__lte=100),
                name="plan_commission_percent",
                violation_error_message=_("A commission is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self):
        return self.name


class SwitchoverMessage(TimeStampedModel):
    """The invitation in one language: subject and body are Django templates."""

    plan = models.ForeignKey(
        SwitchoverPlan, on_delete=models.CASCADE, related_name="messages", verbose_name=_("plan")
    )
    language = models.CharField(_("language"), max_length=16, help_text=_("e.g. en, es, zh"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Merge fields: {{ name }}, {{ product }}, {{ asin }}, {{ link }}, {{ commission }}, "
            "{{ answer_link }}, {{ opt_out }}, {{ brand }}"
        ),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "language"], name="message_unique_language"),
        ]

    def __str__(self):
        return self.language


class Invitation(WorkspaceOwnedModel):
    class Status(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Interrupted while sending (not resent)")
        FAILED = "failed", _("Failed")
        OPENED = "opened", _("Opened")
        ANSWERED = "answered", _("Answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        LIVE = "live", _("Live")
        FIRST_SALE = "first_sale", _("First sale")

    plan = models.ForeignKey(
        SwitchoverPlan,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("plan"),
    )
    # RESTRICT: deleting a creator who was invited would erase the record of the invitation
    # and its answer, so it is refused (the admin lists why, the API answers 409); merges move
    # invitations to the survivor first. Deleting the plan or the workspace still cascades.
    creator = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.RESTRICT,
        related_name="invitations",
        verbose_name=_("creator"),
    )
    collaboration = models.ForeignKey(
        "influencers.Collaboration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collaboration"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFTED
    )
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=16, default="en")
    tracking_link = models.URLField(_("tracking link"), max_length=500)
    tracking_id = models.CharField(_("tracking ID"), max_length=64)
    # The exact message, rendered when the invitation is drafted and sent as stored.
    subject = models.CharField(_("subject"), max_length=300, blank=True, default="")
    body = models.TextField(_("body"), blank=True, default="")
    marketplace = models.CharField(
        _("marketplace"), max_length=2, choices=Marketplace.choices, default=Marketplace.US
    )
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    # Set (committed) just before the end-of-data line goes to the SMTP server: until then a
    # dropped connection makes the server discard the message (RFC 5321 4.1.1.4), so an
    # invitation claimed by a worker that died is known unsent while this is empty.
    handed_over_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # A reminder is claimed (committed) before it is sent and never claimed again: a worker
    # killed in between leaves it claimed and unsent rather than risking a second reminder.
    reminder_claimed_at = models.DateTimeField(
        _("reminder claimed at"), null=True, blank=True, editable=False
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_message = models.TextField(
        _("creator's message"), blank=True, default="", max_length=2000
    )
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "creator"], name="invitation_once_per_plan"),
        ]
        indexes = [
            models.Index(fields=["plan", "status"], name="invitation_plan_status"),
            models.Index(fields=["creator", "sent_at"], name="invitation_creator_sent"),
            models.Index(fields=["status", "claimed_at"], name="invitation_status_claimed"),
            models.Index(fields=["workspace", "created_at"], name="invitation_ws_created"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.status}"
