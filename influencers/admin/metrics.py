"""Metric snapshots: append-only readings. New ones are recorded through
`metric_snapshot_record`; existing ones can be looked at, never edited (a correction is a new
reading), and only a superuser may delete one."""

from django import forms
from django.contrib import admin
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display

from influencers.models import MetricSnapshot
from influencers.services.metrics import VALUE_FIELDS, metric_snapshot_record

from .mixins import WorkspaceScopedAdminMixin, https_formfield


class MetricSnapshotAdminForm(forms.ModelForm):
    class Meta:
        model = MetricSnapshot
        formfield_callback = https_formfield
        fields = (
            "creator",
            "collaboration",
            "post",
            "captured_at",
            "source",
            *VALUE_FIELDS,
            "currency",
        )


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    form = MetricSnapshotAdminForm
    # Kind and period are set by the importer (a period needs its report's identity to stay
    # unique); a reading added by hand is a running total.
    readonly_fields = ("kind", "period_start", "period_end", "report_kind")
    list_display = (
        "captured_at",
        "creator",
        "collaboration",
        "source",
        "kind",
        "period_display",
        "views",
        "clicks",
        "orders",
        "sales_display",
    )
    list_select_related = ("creator", "collaboration")
    list_filter = (
        ("source", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ("creator", AutocompleteSelectFilter),
    )
    list_filter_submit = True
    autocomplete_fields = ("creator", "collaboration", "post")
    fieldsets = (
        (None, {"fields": ("creator", "collaboration", "post", "captured_at", "source")}),
        (
            _("Period"),
            {"fields": ("kind", ("period_start", "period_end"), "report_kind")},
        ),
        (
            _("Numbers"),
            {
                "fields": (
                    ("views", "likes", "comments"),
                    ("shares", "saves", "clicks"),
                    ("detail_page_views", "add_to_carts"),
                    ("orders", "units"),
                    ("sales", "commission", "currency"),
                )
            },
        ),
    )

    @display(description=_("period"), ordering="period_start")
    def period_display(self, obj):
        if obj.kind != MetricSnapshot.Kind.PERIOD or not obj.period_start:
            return "-"
        if obj.period_start == obj.period_end:
            return obj.period_start.isoformat()
        return f"{obj.period_start.isoformat()} – {obj.period_end.isoformat()}"

    @display(description=_("sales (GMV)"), ordering="sales")
    def sales_display(self, obj):
        if obj.sales is None:
            return "-"
        return f"{number_format(obj.sales, 2, force_grouping=True)} {obj.currency}"

    # Append-only: viewing an existing reading is fine, changing it is not.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        values = {name: getattr(obj, name) for name in VALUE_FIELDS}
        saved = metric_snapshot_record(
            creator=obj.creator,
            actor=request.user,
            captured_at=obj.captured_at,
            source=obj.source,
            collaboration=obj.collaboration,
            post=obj.post,
            currency=obj.currency,
            **values,
        )
        for field in MetricSnapshot._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db
