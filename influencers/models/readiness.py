from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .creator import Creator

# Every creator has exactly one readiness row, from the moment it is inserted: a database
# trigger on influencers_creator (created by migration 0007) adds (score 0, reasons [], never
# computed) for every new row, whatever inserted it (the ORM, bulk_create, the importers' COPY,
# raw SQL). Readers can then join it as an INNER join, which is what lets PostgreSQL walk
# (workspace, score, creator) for "best first" instead of sorting the whole workspace.


class CreatorReadiness(models.Model):
    """A creator's readiness for Amazon links on TikTok, in its own narrow table.

    Written set-based by influencers.scoring (one INSERT ... ON CONFLICT DO UPDATE per batch),
    never by save(); rows are created by a trigger (above), so never create one yourself. Kept
    off the creator row because a weights change rewrites every score: here that touches this
    table's two indexes, on the creator row it touched all ~20 of the creator's."""

    creator = models.OneToOneField(
        Creator,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="readiness",
        verbose_name=_("creator"),
    )
    # The creator's workspace, repeated so the (workspace, score, creator) index can serve
    # filters and "best first" ordering within a workspace without touching the creator table.
    workspace = models.ForeignKey(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        verbose_name=_("workspace"),
    )
    score = models.PositiveSmallIntegerField(_("readiness"), default=0)
    # [{"key", "points", ...figures}], turned into sentences by scoring.reason_texts.
    reasons = models.JSONField(_("readiness reasons"), default=list, blank=True)
    # Set when the score or reasons last changed: a recompute giving the same values does not
    # rewrite the row (Workspace.readiness_checked_at says when the pool was last checked).
    computed_at = models.DateTimeField(_("readiness computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("readiness")
        verbose_name_plural = _("readiness")
        indexes = [
            # Filter (score >= n) and keyset pagination by (score, creator) in a workspace.
            models.Index(fields=["workspace", "score", "creator"], name="readiness_ws_score"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=100),
                name="readiness_score_0_100",
                violation_error_message=_("A readiness score is from 0 to 100."),
            ),
        ]

    def __str__(self):
        return str(self.score)
