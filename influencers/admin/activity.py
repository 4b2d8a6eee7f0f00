"""The activity log: history as rows, written by the services. Read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display

from influencers.models import ActivityEvent

from .mixins import ScopedRelatedDropdownFilter, WorkspaceScopedAdminMixin


@admin.register(ActivityEvent)
class ActivityEventAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = ("created_at", "verb", "creator", "actor", "target_display")
    list_select_related = ("creator", "actor", "target_type")
    list_filter = (
        ("verb", ChoicesDropdownFilter),
        ("creator", AutocompleteSelectFilter),
        ("actor", ScopedRelatedDropdownFilter),
    )
    list_filter_submit = True
    fields = ("created_at", "verb", "creator", "actor", "target_type", "target_id", "data")
    readonly_fields = fields

    @display(description=_("concerns"))
    def target_display(self, obj):
        # The content type comes with the row (select_related); the target itself would cost
        # a query per row, so only its type and id are shown.
        if obj.target_type_id is None:
            return "-"
        return f"{obj.target_type.name} #{obj.target_id}"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
