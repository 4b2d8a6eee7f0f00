from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import Currency, TimeStampedModel


class Workspace(TimeStampedModel):
    """One brand or seller account. An agency holds several."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    default_currency = models.CharField(
        _("default currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    # Invitations go out from the server's address (DEFAULT_FROM_EMAIL) with the brand's name
    # on it; creators' replies go to a real person's inbox, not to a no-reply address.
    sender_name = models.CharField(
        _("sender name"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("Shown as the sender of invitations; the workspace name when blank."),
    )
    reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        default="",
        help_text=_("Where creators' replies to invitations go, e.g. a team member's address."),
    )
    # A creator who received a sample is expected to post within this many days of shipping.
    sample_post_by_days = models.PositiveSmallIntegerField(
        _("days to post after a sample ships"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_("A sample's post-by date is its shipping date plus this many days."),
    )
    # When the whole pool's readiness was last recomputed (nightly, after a weights change).
    # A creator's own readiness.computed_at is when their score or reasons last changed.
    readiness_checked_at = models.DateTimeField(
        _("readiness checked"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def invitation_sender(self) -> str:
        """The From header: the brand's name on the server's sending address."""
        from email.utils import formataddr, parseaddr

        _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((self.sender_name or self.name, address))


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")
        VIEWER = "viewer", _("Viewer")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("workspace")
    )
    # PROTECT: removing a user must be a deliberate act that first removes their memberships.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # The daily digest ("My day" by email), per workspace the person belongs to.
    digest_enabled = models.BooleanField(_("daily digest"), default=True)
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"),
        default=8,
        validators=[MaxValueValidator(23)],
        help_text=_("The hour of the morning (0-23, local time) the digest is sent from."),
    )
    # Claimed (a conditional UPDATE) before the email goes: two scheduler runs on one day
    # cannot both claim it, so nobody gets the same day's digest twice.
    digest_last_sent_on = models.DateField(
        _("digest last sent on"), null=True, blank=True, editable=False
    )
    # The language the member last used the admin in: the worker has no request to read it
    # from, so the digest is written in this one (settings.LANGUAGE_CODE when blank).
    language = models.CharField(_("language"), max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23),
                name="membership_digest_hour",
                violation_error_message=_("The digest hour is between 0 and 23."),
            ),
        ]

    def __str__(self):
        return f"{self.role} #{self.user_id}"
