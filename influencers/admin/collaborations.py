"""Collaborations (deals) and the content posts they produce.

A collaboration's status only moves along its pipeline, through `collaboration_advance`:
either with the "Move to ..." actions on the list, or by picking the next status on its page
(which only offers the statuses the pipeline allows from here).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from influencers.models import Collaboration, CollaborationStatus, ContentPost
from influencers.selectors.samples import samples_awaiting_post, samples_overdue
from influencers.services.collaborations import (
    TRANSITIONS,
    collaboration_advance,
    collaboration_create,
)
from influencers.services.records import record_save
from influencers.services.samples import samples_mark_delivered, samples_mark_posted

from .mixins import ScopedRelatedDropdownFilter, WorkspaceScopedAdminMixin, https_formfield

S = CollaborationStatus

COLLABORATION_STATUS_LABELS = {
    S.PROPOSED: "info",
    S.AGREED: "primary",
    S.SAMPLE_SHIPPED: "warning",
    S.CONTENT_LIVE: "success",
    S.COMPLETED: "success",
    S.DECLINED: "danger",
    S.CANCELLED: "",
}


class AwaitingPostFilter(admin.SimpleListFilter):
    title = _("content")
    parameter_name = "awaiting_post"

    def lookups(self, request, model_admin):
        return [("1", _("Sample shipped, no post yet"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return samples_awaiting_post(queryset)
        return queryset


class SampleOverdueFilter(admin.SimpleListFilter):
    """The "Samples overdue" list: linked from the home dashboard and from "My day"."""

    title = _("sample")
    parameter_name = "sample_overdue"

    def lookups(self, request, model_admin):
        return [("1", _("Sample overdue (not posted by its post-by date)"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return samples_overdue(queryset=queryset, today=timezone.localdate())
        return queryset


class CollaborationAdminForm(forms.ModelForm):
    class Meta:
        model = Collaboration
        formfield_callback = https_formfield
        fields = (
            "creator",
            "kind",
            "status",
            "campaign",
            "products",
            "owner",
            "fee",
            "currency",
            "commission_rate",
            "sample_quantity",
            "sample_cost",
            "sample_shipped_on",
            "sample_carrier",
            "sample_tracking_number",
            "sample_delivered_on",
            "sample_posted_on",
            "sample_post_by",
            "deliverables",
            "agreed_on",
            "post_by",
            "completed_on",
            "tracking_link",
            "promo_code",
            "amazon_tracking_tag",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and self.instance.pk:
            current = self.instance.status
            allowed = {current, *TRANSITIONS.get(current, set())}
            status.choices = [(v, label) for v, label in S.choices if v in allowed]
            status.help_text = _("Only the statuses the pipeline allows from here.")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and "status" in self.changed_data:
            current = self.instance.status
            new = cleaned_data.get("status")
            if new not in TRANSITIONS.get(current, set()):
                self.add_error(
                    "status",
                    _("A collaboration cannot go from %(from)s to %(to)s.")
                    % {"from": S(current).label, "to": S(new).label if new in S.values else new},
                )
        return cleaned_data


def _advance_action(to_status: str):
    def advance(modeladmin, request, queryset):
        modeladmin.advance_selected(request, queryset, to_status)

    advance.__name__ = f"advance_to_{to_status}"
    return admin.action(
        description=format_lazy(_("Move to “{}”"), S(to_status).label),
        permissions=["change"],
    )(advance)


@admin.register(Collaboration)
class CollaborationAdmin(WorkspaceScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    form = CollaborationAdminForm
    list_display = (
        "__str__",
        "creator",
        "status_badge",
        "campaign",
        "fee_display",
        "sample_shipped_on",
        "sample_post_by",
        "post_by",
        "owner",
        "created_at",
    )
    list_select_related = ("creator", "campaign", "owner")
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ("campaign", ScopedRelatedDropdownFilter),
        ("owner", ScopedRelatedDropdownFilter),
        AwaitingPostFilter,
        SampleOverdueFilter,
    )
    list_filter_submit = True
    search_fields = (
        "creator__display_name",
        "=promo_code",
        "=amazon_tracking_tag",
        "=sample_tracking_number",
    )
    search_help_text = _("Creator name, or exact promo code / tracking tag / shipment number")
    autocomplete_fields = ("creator", "campaign", "owner", "products")
    readonly_fields = ("created_at", "updated_at")
    actions = [
        "mark_sample_delivered",
        "mark_sample_posted",
        *(
            _advance_action(status)
            for status in (
                S.AGREED,
                S.SAMPLE_SHIPPED,
                S.CONTENT_LIVE,
                S.COMPLETED,
                S.DECLINED,
                S.CANCELLED,
            )
        ),
    ]
    fieldsets = (
        (None, {"fields": ("creator", "kind", "status", "campaign", "products", "owner")}),
        (_("Money"), {"fields": (("fee", "currency"), "commission_rate")}),
        (
            _("Sample"),
            {
                "fields": (
                    ("sample_quantity", "sample_cost"),
                    ("sample_shipped_on", "sample_delivered_on", "sample_posted_on"),
                    "sample_post_by",
                    ("sample_carrier", "sample_tracking_number"),
                )
            },
        ),
        (
            _("Deliverables and dates"),
            {"fields": ("deliverables", ("agreed_on", "post_by", "completed_on"))},
        ),
        (_("Tracking"), {"fields": ("tracking_link", "promo_code", "amazon_tracking_tag")}),
        (_("Record"), {"fields": (("created_at", "updated_at"),)}),
    )

    @display(description=_("status"), ordering="status", label=COLLABORATION_STATUS_LABELS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("fee"), ordering="fee")
    def fee_display(self, obj):
        return f"{number_format(obj.fee, 2, force_grouping=True)} {obj.currency}"

    @admin.action(description=_("Mark sample delivered (today)"), permissions=["change"])
    def mark_sample_delivered(self, request, queryset):
        self._ledger_result(
            request,
            samples_mark_delivered(
                collaboration_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
            ),
            ngettext_lazy(
                "Sample marked delivered for %(count)d collaboration.",
                "Samples marked delivered for %(count)d collaborations.",
                "count",
            ),
        )

    @admin.action(description=_("Mark sample posted (today)"), permissions=["change"])
    def mark_sample_posted(self, request, queryset):
        self._ledger_result(
            request,
            samples_mark_posted(
                collaboration_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
            ),
            ngettext_lazy(
                "Sample marked posted for %(count)d collaboration.",
                "Samples marked posted for %(count)d collaborations.",
                "count",
            ),
        )

    def _ledger_result(self, request, result, success):
        if result.marked:
            self.message_user(request, success % {"count": len(result.marked)}, messages.SUCCESS)
        for message in result.refused[:10]:
            self.message_user(request, message, messages.ERROR)
        if not result.marked and not result.refused:
            self.message_user(request, _("Nothing to change: already recorded."), messages.WARNING)

    def advance_selected(self, request, queryset, to_status):
        moved = 0
        refused = []
        for collaboration in queryset.order_by("pk"):
            try:
                collaboration_advance(
                    collaboration=collaboration, actor=request.user, to_status=to_status
                )
            except ValidationError as exc:
                refused.append(f"{collaboration}: {' '.join(exc.messages)}")
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d collaboration moved to “%(status)s”.",
                    "%(count)d collaborations moved to “%(status)s”.",
                    moved,
                )
                % {"count": moved, "status": S(to_status).label},
                messages.SUCCESS,
            )
        for message in refused[:10]:
            self.message_user(request, message, messages.ERROR)
        if len(refused) > 10:
            self.message_user(
                request,
                _("%(count)d more could not be moved.") % {"count": len(refused) - 10},
                messages.ERROR,
            )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change:
            fields = {
                name: value
                for name, value in form.cleaned_data.items()
                if name not in ("creator", "kind", "products", "workspace")
            }
            saved = collaboration_create(
                creator=obj.creator, actor=request.user, kind=obj.kind, **fields
            )
        elif "status" in form.changed_data:
            # Everything else is saved as typed (record service: roll-ups follow a changed
            # fee); the status moves through the pipeline service (dates, event, roll-ups).
            to_status = obj.status
            obj.status = form.initial["status"]
            others = [name for name in form.changed_data if name != "status"]
            record_save(instance=obj, actor=request.user, changed=others)
            saved = collaboration_advance(
                collaboration=obj, actor=request.user, to_status=to_status
            )
        else:
            record_save(instance=obj, actor=request.user, changed=form.changed_data)
            return
        for field in Collaboration._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db


class ContentPostAdminForm(forms.ModelForm):
    class Meta:
        model = ContentPost
        formfield_callback = https_formfield
        fields = ("creator", "collaboration", "platform", "url", "posted_on", "caption")

    def clean(self):
        cleaned_data = super().clean()
        creator = cleaned_data.get("creator")
        collaboration = cleaned_data.get("collaboration")
        if creator and collaboration and collaboration.creator_id != creator.pk:
            self.add_error("collaboration", _("This collaboration is with another creator."))
        return cleaned_data


@admin.register(ContentPost)
class ContentPostAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    form = ContentPostAdminForm
    list_display = ("url", "creator", "platform", "posted_on", "collaboration")
    list_select_related = ("creator", "collaboration")
    list_filter = ("platform", "posted_on")
    search_fields = ("=url", "creator__display_name")
    search_help_text = _("Exact URL or creator name")
    autocomplete_fields = ("creator", "collaboration")
    fields = ("creator", "collaboration", "platform", "url", "posted_on", "caption")
