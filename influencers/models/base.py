from django.core.exceptions import ValidationError
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

    # No index of its own: every workspace-owned model declares indexes that lead with the
    # workspace (its list filters and orderings), which serve workspace look-ups and cascades
    # too; a separate one would only add a write per row (tests/test_indexes.py checks).
    workspace = models.ForeignKey(
        "influencers.Workspace",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("workspace"),
        db_index=False,
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


def other_creator_errors(creator_id, **related) -> dict[str, list]:
    """Field errors for related rows (a collaboration, a post) that belong to another creator
    than `creator_id`. The one statement of the rule, used by models, forms, serializers and
    the bulk metrics path."""
    if creator_id is None:
        return {}
    return {
        name: [_("It belongs to another creator.")]
        for name, obj in related.items()
        if obj is not None and obj.creator_id != creator_id
    }


class OneCreatorModel(models.Model):
    """A row hanging off a creator whose optional links (`SAME_CREATOR_FIELDS`) must point at
    rows of that same creator."""

    SAME_CREATOR_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        related = {
            name: getattr(self, name)
            for name in self.SAME_CREATOR_FIELDS
            if getattr(self, f"{name}_id") is not None
        }
        errors = other_creator_errors(self.creator_id, **related)
        if errors:
            raise ValidationError(errors)
