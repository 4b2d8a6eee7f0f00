"""Agencies (MCNs and management companies) and the creators each speaks for."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from influencers.models import Agency, Creator

from .mixins import WorkspaceScopedAdminMixin

# The change page lists this many of the agency's creators; the link shows them all.
CREATORS_SHOWN = 50


def _creators_url(agency) -> str:
    return f"{reverse('admin:influencers_creator_changelist')}?agency__id__exact={agency.pk}"


@admin.register(Agency)
class AgencyAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = ("name", "country", "email", "phone", "creators_link")
    search_fields = ("name", "email")
    search_help_text = _("Name or email")
    fields = ("name", ("email", "phone"), ("website", "country"), "notes", "creators_list")
    readonly_fields = ("creators_list",)
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_creators=Count("creators"))

    @display(description=_("creators"), ordering="_creators")
    def creators_link(self, obj):
        return format_html('<a href="{}">{}</a>', _creators_url(obj), obj._creators)

    @display(description=_("creators"))
    def creators_list(self, obj):
        if obj.pk is None:
            return "-"
        creators = Creator.objects.filter(agency=obj).order_by("display_name", "pk")
        shown = list(creators.values_list("pk", "display_name")[:CREATORS_SHOWN])
        if not shown:
            return _("No creator is filed under this agency yet.")
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("admin:influencers_creator_change", args=[pk]), name) for pk, name in shown),
        )
        return format_html(
            '<ul id="agency-creators">{}</ul><p><a href="{}">{}</a></p>',
            items,
            _creators_url(obj),
            _("All %(count)s creators of this agency") % {"count": obj._creators},
        )
