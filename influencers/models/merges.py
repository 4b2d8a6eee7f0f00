"""A record of one merge: which creators were folded into which, by whom, and what moved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import WorkspaceOwnedModel


class CreatorMerge(WorkspaceOwnedModel):
    survivor = models.ForeignKey(
        "influencers.Creator",
        on_delete=models.CASCADE,
        related_name="merges",
        verbose_name=_("kept creator"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    # The merged-away creators as they were ({"id", "display_name", ...}), they no longer exist.
    merged = models.JSONField(_("merged creators"), default=list)
    # {"accounts": 3, "contacts": 2, ...}: rows moved to the survivor, per kind.
    moved = models.JSONField(_("rows moved"), default=dict)

    class Meta:
        verbose_name = _("creator merge")
        verbose_name_plural = _("creator merges")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at"], name="merge_ws_created")]

    def __str__(self):
        return f"merge #{self.pk}"
