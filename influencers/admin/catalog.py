"""What the seller sells and how it groups its efforts: products, campaigns, tags."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from influencers.models import Campaign, Product, Tag

from .mixins import WorkspaceScopedAdminMixin


@admin.register(Product)
class ProductAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = ("asin", "marketplace", "title", "category", "price_display")
    list_filter = ("marketplace", "category")
    search_fields = ("=asin", "title")
    search_help_text = _("Exact ASIN or words of the title")
    fields = ("asin", "marketplace", "title", "category", ("price", "currency"))
    ordering = ("asin",)

    @display(description=_("price"), ordering="price")
    def price_display(self, obj):
        if obj.price is None:
            return "-"
        return f"{number_format(obj.price, 2, force_grouping=True)} {obj.currency}"

    def get_search_results(self, request, queryset, search_term):
        # ASINs are stored upper-case: compare exactly (index) rather than UPPER() = UPPER().
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(asin=term.upper()) | Q(title__icontains=term)), False


@admin.register(Campaign)
class CampaignAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "budget_display", "collaboration_count")
    list_filter = ("starts_on",)
    search_fields = ("name",)
    fields = ("name", ("starts_on", "ends_on"), ("budget", "currency"), "description")
    # Explicit: Meta.ordering is ignored once the collaboration count adds a GROUP BY.
    ordering = ("-starts_on", "name", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_collaborations=Count("collaborations"))

    @display(description=_("budget"), ordering="budget")
    def budget_display(self, obj):
        if obj.budget is None:
            return "-"
        return f"{number_format(obj.budget, 2, force_grouping=True)} {obj.currency}"

    @display(description=_("collaborations"), ordering="_collaborations")
    def collaboration_count(self, obj):
        return obj._collaborations


@admin.register(Tag)
class TagAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    fields = ("name",)
    ordering = ("name",)
