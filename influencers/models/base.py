from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkspaceQuerySet(models.QuerySet):
    def for_workspace(self, workspace):
        return self.filter(workspace=workspace)


class WorkspaceOwnedModel(TimeStampedModel):
    """Every record belongs to exactly one workspace and is invisible to the others."""

    workspace = models.ForeignKey(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("workspace"),
    )

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True


class Currency(models.TextChoices):
    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    GBP = "GBP", "GBP"
    CAD = "CAD", "CAD"
    JPY = "JPY", "JPY"
    CNY = "CNY", "CNY"
    AUD = "AUD", "AUD"
    MXN = "MXN", "MXN"
