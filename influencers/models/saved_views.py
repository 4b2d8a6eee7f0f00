from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import WorkspaceOwnedModel


class SavedView(WorkspaceOwnedModel):
    """A named creator list: its filters, search, sort and columns (the list's query string),
    for one member, or shared with the workspace."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=100)
    # The creator list's query string without "?": filters, q, o and _cols.
    query = models.TextField(_("filters"), max_length=2000, blank=True, default="")
    shared = models.BooleanField(
        _("shared with the workspace"),
        default=False,
        help_text=_(
            "Every member of the workspace sees a shared view; only its author changes it."
        ),
    )

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "name"],
                name="saved_view_unique_name",
                violation_error_message=_("You already have a view with this name."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["workspace", "name"],
                name="saved_view_ws_shared",
                condition=Q(shared=True),
            ),
        ]

    def __str__(self):
        return self.name
