from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import OneCreatorModel, WorkspaceOwnedModel


def _rating_field(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Note(OneCreatorModel, WorkspaceOwnedModel):
    """A dated entry on a creator's timeline."""

    SAME_CREATOR_FIELDS = ("collaboration",)

    class Kind(models.TextChoices):
        EMAIL = "email", _("Outreach: email")
        DM = "dm", _("Outreach: direct message")
        CALL = "call", _("Outreach: call")
        MEETING = "meeting", _("Meeting")
        PERFORMANCE = "performance", _("Performance note")
        REMARK = "remark", _("Remark")

    # Kinds that count as "we were in touch" for last-contact and follow-up logic.
    CONTACT_KINDS = (Kind.EMAIL, Kind.DM, Kind.CALL, Kind.MEETING)

    creator = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("creator"),
    )
    collaboration = models.ForeignKey(
        "influencers.Collaboration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("collaboration"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REMARK)
    body = models.TextField(_("text"), blank=True, default="")
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    rating_content = _rating_field(_("content quality (1-5)"))
    rating_reliability = _rating_field(_("reliability (1-5)"))
    rating_communication = _rating_field(_("communication (1-5)"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(rating_content__isnull=True) | Q(rating_content__range=(1, 5)))
                    & (Q(rating_reliability__isnull=True) | Q(rating_reliability__range=(1, 5)))
                    & (Q(rating_communication__isnull=True) | Q(rating_communication__range=(1, 5)))
                ),
                name="note_ratings_1_5",
                violation_error_message=_("Ratings are from 1 to 5."),
            ),
        ]
        indexes = [
            models.Index(fields=["creator", "occurred_at"], name="note_creator_time"),
            models.Index(fields=["workspace", "kind"], name="note_ws_kind"),
            models.Index(fields=["workspace", "follow_up_on"], name="note_ws_follow_up"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
