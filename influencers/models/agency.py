from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .base import WorkspaceOwnedModel


class Agency(WorkspaceOwnedModel):
    """An MCN or management company that speaks for many creators, often through one inbox or
    phone. Modelled so that a shared contact says "these creators have the same agency", not
    "these rows are one creator" (importers/kinds/creators.py)."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254, blank=True, default="")
    # E.164 when it parses (as creators' phones are stored), else as written.
    phone = models.CharField(_("phone"), max_length=64, blank=True, default="")
    website = models.URLField(_("website"), max_length=500, blank=True, default="")
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="agency_unique_name_ci",
                violation_error_message=_(
                    "An agency with this name already exists in this workspace."
                ),
            ),
        ]

    def __str__(self):
        return self.name
