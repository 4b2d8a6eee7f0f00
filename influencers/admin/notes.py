"""Notes on creators' timelines. New notes go through `note_add` (last contact, activity)."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display

from influencers.models import Note
from influencers.services.notes import note_add

from .mixins import ScopedRelatedDropdownFilter, WorkspaceScopedAdminMixin, https_formfield

# Fields handed to note_add besides creator, kind, body and occurred_at.
NOTE_EXTRA_FIELDS = (
    "collaboration",
    "follow_up_on",
    "rating_content",
    "rating_reliability",
    "rating_communication",
)


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("due", _("Due (today or earlier)")), ("planned", _("Planned"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.filter(follow_up_on__lte=today)
        if self.value() == "planned":
            return queryset.filter(follow_up_on__gt=today)
        return queryset


class NoteAdminForm(forms.ModelForm):
    class Meta:
        model = Note
        formfield_callback = https_formfield
        fields = (
            "creator",
            "collaboration",
            "kind",
            "occurred_at",
            "body",
            "follow_up_on",
            *NOTE_EXTRA_FIELDS[2:],
        )
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        cleaned_data = super().clean()
        creator = cleaned_data.get("creator")
        collaboration = cleaned_data.get("collaboration")
        if creator and collaboration and collaboration.creator_id != creator.pk:
            self.add_error("collaboration", _("This collaboration is with another creator."))
        return cleaned_data


@admin.register(Note)
class NoteAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    form = NoteAdminForm
    list_display = ("occurred_at", "kind", "creator", "excerpt", "follow_up_on", "author")
    list_select_related = ("creator", "author")
    list_filter = (
        FollowUpFilter,
        ("kind", ChoicesDropdownFilter),
        ("creator", AutocompleteSelectFilter),
        ("author", ScopedRelatedDropdownFilter),
    )
    list_filter_submit = True
    autocomplete_fields = ("creator", "collaboration")
    readonly_fields = ("author", "created_at")
    fieldsets = (
        (None, {"fields": ("creator", "collaboration", "kind", "occurred_at", "body")}),
        (_("Follow-up"), {"fields": ("follow_up_on",)}),
        (
            _("Ratings (performance notes)"),
            {"fields": (("rating_content", "rating_reliability", "rating_communication"),)},
        ),
        (_("Record"), {"fields": (("author", "created_at"),)}),
    )

    @display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = note_add(
            creator=obj.creator,
            actor=request.user,
            kind=obj.kind,
            body=obj.body,
            occurred_at=obj.occurred_at,
            **{name: getattr(obj, name) for name in NOTE_EXTRA_FIELDS},
        )
        for field in Note._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db
