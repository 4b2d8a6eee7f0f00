from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import WorkspaceOwnedModel


class ActivityEvent(WorkspaceOwnedModel):
    """History as rows: who did what to which record, with the details in `data`."""

    class Verb(models.TextChoices):
        CREATOR_CREATED = "creator.created", _("Creator created")
        CREATOR_UPDATED = "creator.updated", _("Creator updated")
        NOTE_ADDED = "note.added", _("Note added")
        COLLABORATION_CREATED = "collaboration.created", _("Collaboration created")
        COLLABORATION_ADVANCED = "collaboration.advanced", _("Collaboration advanced")
        METRICS_RECORDED = "metrics.recorded", _("Metrics recorded")
        CREATORS_MERGED = "creators.merged", _("Creators merged")
        CREATOR_IMPORTED = "creator.imported", _("Creator imported")
        INVITATION_SENT = "invitation.sent", _("Switch-over invitation sent")
        INVITATION_ANSWERED = "invitation.answered", _("Switch-over invitation answered")
        INVITATION_STATUS_SET = "invitation.status_set", _("Invitation status set by the team")
        CONSENT_RECORDED = "consent.recorded", _("Consent recorded")
        INVITATION_REMINDED = "invitation.reminded", _("Switch-over reminder sent")
        INVITATION_OPENED = "invitation.opened", _("Switch-over invitation opened")
        SAMPLE_DELIVERED = "sample.delivered", _("Sample delivered")
        SAMPLE_POSTED = "sample.posted", _("Sample posted")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("verb"), max_length=40, choices=Verb.choices)
    # The creator whose timeline this belongs to (most events concern one).
    creator = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("creator"),
        db_index=False,  # event_creator_time (creator, created_at)
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # event_target (target_type, target_id)
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "created_at"], name="event_ws_time"),
            models.Index(fields=["creator", "created_at"], name="event_creator_time"),
            models.Index(fields=["workspace", "verb"], name="event_ws_verb"),
            models.Index(fields=["target_type", "target_id"], name="event_target"),
        ]

    def __str__(self):
        # The label in the reader's language ("Note added"), never the code ("note.added").
        return str(self.get_verb_display())
