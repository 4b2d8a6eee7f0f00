"""Creators, their platform accounts and contact methods.

Writes go through the services (creator_create / creator_update, note_add,
collaboration_create); handles and contact values are normalised in the forms with the same
pure normalisers, so a bad handle or a duplicate spelled differently ("@Jane.Doe" vs
"jane.doe") is a field error, never an IntegrityError.
"""

import contextlib
from collections import Counter

from django import forms
from django.contrib import admin
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    DropdownFilter,
    MultipleDropdownFilter,
    RadioFilter,
    RangeNumericFilter,
    TextFilter,
)
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet
from unfold.views import ChangeList

from influencers import policy
from influencers.models import (
    ActivityEvent,
    Collaboration,
    ContactMethod,
    Creator,
    CreatorReadiness,
    CreatorStatus,
    Note,
    Platform,
    PlatformAccount,
    Tag,
)
from influencers.normalisers import (
    PLATFORMS,
    NormaliseError,
    normalise_country,
    normalise_email,
    normalise_handle,
    normalise_phone,
    profile_url,
)
from influencers.normalisers.languages import language_codes_named
from influencers.scoring import reason_texts
from influencers.selectors import creator_search
from influencers.selectors.creator_profile import (
    creator_profile,
    event_sentence,
    format_roi,
)
from influencers.selectors.dashboard import stale_accounts_q
from influencers.selectors.metrics import creator_report_coverage
from influencers.services.collaborations import collaboration_create
from influencers.services.creators import (
    CREATOR_EDITABLE_FIELDS,
    creator_create,
    creator_update,
)
from influencers.services.notes import note_add

from .consent import CreatorConsentAdminMixin
from .export_list import CreatorExportListMixin
from .fields import CountField, CountryField, LanguageField, LanguagesField
from .merge import CreatorMergeAdminMixin
from .mixins import (
    EDIT_ROLES,
    PersonalDataAdminMixin,
    ReadOnlyTabularInline,
    ScopedRelatedDropdownFilter,
    ScopedSimpleListFilter,
    WorkspaceScopedAdminMixin,
    WorkspaceScopedInlineMixin,
    current_workspace,
    https_formfield,
    workspace_role,
)
from .paginators import EstimatedCountPaginator
from .saved_views import CreatorSavedViewsMixin

PHONE_KINDS = {ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP}


def _platform_for_normaliser(platform: str) -> str | None:
    # "other" has no rules of its own: any well-formed handle is accepted.
    return platform if platform in PLATFORMS else None


def _creator_of(form) -> Creator | None:
    creator = form.cleaned_data.get("creator")
    if creator is None and form.instance.creator_id:
        creator = form.instance.creator
    return creator


def _workspace_id_of(form, creator) -> int | None:
    if creator is not None and creator.workspace_id:
        return creator.workspace_id
    workspace = form.cleaned_data.get("workspace")
    return workspace.pk if workspace is not None else form.instance.workspace_id


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class CreatorAdminForm(forms.ModelForm):
    # Picked by name in the UI's language (admin/fields.py), not typed as codes.
    country = CountryField(label=_label(Creator, "country"))
    language = LanguageField(label=_label(Creator, "language"))
    languages = LanguagesField(label=_label(Creator, "languages"))

    class Meta:
        model = Creator
        formfield_callback = https_formfield
        fields = (*CREATOR_EDITABLE_FIELDS, "tags")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A code stored by an import that ISO does not list stays selectable, not refused.
        stored = [self.instance.language, *(self.instance.languages or [])]
        for name in ("language", "languages"):
            if name in self.fields:
                self.fields[name].keep_codes(stored)

    def clean_country(self):
        value = self.cleaned_data.get("country", "")
        if not value:
            return ""
        try:
            return normalise_country(value)
        except NormaliseError as exc:
            raise forms.ValidationError(exc.reason, code=exc.code) from exc


class PlatformAccountForm(forms.ModelForm):
    # Counts as sellers write them ("12.5k", "1.2万"), read like the import reads them.
    followers = CountField(required=False, label=_label(PlatformAccount, "followers"))
    average_views = CountField(required=False, label=_label(PlatformAccount, "average_views"))

    class Meta:
        model = PlatformAccount
        formfield_callback = https_formfield
        fields = (
            "creator",
            "platform",
            "handle",
            "url",
            "followers",
            "average_views",
            "engagement_rate",
            "last_synced_at",
        )

    def clean(self):
        cleaned_data = super().clean()
        platform = cleaned_data.get("platform")
        handle = cleaned_data.get("handle")
        if not platform or not handle:
            return cleaned_data
        try:
            normalised = normalise_handle(handle, platform=_platform_for_normaliser(platform))
        except NormaliseError as exc:
            self.add_error("handle", exc.reason)
            return cleaned_data
        # Not a form field: construct_instance leaves it alone, so it is saved as set here.
        self.instance.handle_normalised = normalised
        self.handle_normalised = normalised
        if platform in PLATFORMS:
            canonical_url = profile_url(platform, normalised)
            if "url" in self.fields:
                if not cleaned_data.get("url"):
                    cleaned_data["url"] = canonical_url
            elif not self.instance.url or {"handle", "platform"} & set(self.changed_data):
                # Forms without a URL field (the compact inline) keep it in step with the handle.
                self.instance.url = canonical_url

        creator = _creator_of(self)
        workspace_id = _workspace_id_of(self, creator)
        if workspace_id is not None:
            taken = (
                PlatformAccount.objects.filter(workspace_id=workspace_id, platform=platform)
                .alias(handle_ci=Lower("handle_normalised"))
                .filter(handle_ci=normalised.lower())
                .exclude(pk=self.instance.pk)
                .select_related("creator")
                .first()
            )
            if taken is not None:
                self.add_error(
                    "handle",
                    _("@%(handle)s is already in the pool for this platform (%(creator)s).")
                    % {"handle": normalised, "creator": taken.creator.display_name},
                )
        return cleaned_data


class ContactMethodForm(forms.ModelForm):
    class Meta:
        model = ContactMethod
        formfield_callback = https_formfield
        fields = (
            "creator",
            "kind",
            "value",
            "label",
            "is_primary",
            "is_valid",
            "consent",
            "agency",
        )

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        value = cleaned_data.get("value")
        if not kind or not value:
            return cleaned_data
        creator = _creator_of(self)
        try:
            if kind == ContactMethod.Kind.EMAIL:
                normalised = normalise_email(value)
            elif kind in PHONE_KINDS:
                region = creator.country if creator is not None else None
                normalised = normalise_phone(value, default_region=region or None)
            else:
                normalised = value.strip().lower()
        except NormaliseError as exc:
            self.add_error("value", exc.reason)
            return cleaned_data
        self.instance.value_normalised = normalised
        self.value_normalised = normalised
        if creator is not None and creator.pk:
            duplicate = (
                ContactMethod.objects.filter(
                    creator=creator, kind=kind, value_normalised=normalised
                )
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if duplicate:
                self.add_error("value", _("This creator already has this contact."))
        return cleaned_data


def _live_forms(formset):
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.cleaned_data:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        yield form


class PlatformAccountInlineFormSet(PaginationInlineFormSet):
    """Two rows of one submission naming the same handle are refused, however spelled."""

    def clean(self):
        super().clean()
        seen: set[tuple[str, str]] = set()
        for form in _live_forms(self):
            normalised = getattr(form, "handle_normalised", None) or (
                form.instance.handle_normalised if form.instance.pk else None
            )
            if not normalised:
                continue
            key = (form.cleaned_data.get("platform"), normalised.lower())
            if key in seen:
                form.add_error("handle", _("This handle appears twice."))
            seen.add(key)


class ContactMethodInlineFormSet(PaginationInlineFormSet):
    """Duplicates and a second primary contact of one kind are refused before saving."""

    def clean(self):
        super().clean()
        seen: set[tuple[str, str]] = set()
        primaries: Counter = Counter()
        for form in _live_forms(self):
            kind = form.cleaned_data.get("kind")
            normalised = getattr(form, "value_normalised", None) or (
                form.instance.value_normalised if form.instance.pk else None
            )
            if normalised:
                if (kind, normalised) in seen:
                    form.add_error("value", _("This contact appears twice."))
                seen.add((kind, normalised))
            if form.cleaned_data.get("is_primary"):
                primaries[kind] += 1
                if primaries[kind] > 1:
                    form.add_error("is_primary", _("Only one contact of each kind can be primary."))


# --- inlines on the creator page ---------------------------------------------------------------


class PlatformAccountInline(WorkspaceScopedInlineMixin, TabularInline):
    model = PlatformAccount
    form = PlatformAccountForm
    formset = PlatformAccountInlineFormSet
    # Compact: the profile URL is derived from the handle; the account's own page has it all.
    fields = (
        "platform",
        "handle",
        "handle_normalised",
        "followers",
        "average_views",
        "engagement_rate",
    )
    readonly_fields = ("handle_normalised",)
    show_change_link = True
    extra = 0
    tab = True


class ContactMethodInline(PersonalDataAdminMixin, WorkspaceScopedInlineMixin, TabularInline):
    model = ContactMethod
    form = ContactMethodForm
    formset = ContactMethodInlineFormSet
    fields = ("kind", "value", "value_normalised", "label", "is_primary", "consent", "agency")
    readonly_fields = ("value_normalised",)
    masked_fields = {"value": "masked_value", "value_normalised": "masked_value"}
    # The row's title would be its __str__ ("email: <address>"), past the masked fields; the
    # row already says what it is.
    show_title = False
    extra = 0
    tab = True

    @display(description=_("value"))
    def masked_value(self, obj):
        return policy.mask_contact(obj.kind, obj.value_normalised or obj.value)


class CollaborationInline(WorkspaceScopedInlineMixin, TabularInline):
    """Compact list of the creator's deals; status moves on the collaboration's own page."""

    model = Collaboration
    # A deal can be written down from the creator's page: what (products, marketplace shown in
    # each choice), for what (fee, commission) and when the post is due.
    fields = (
        "kind",
        "status",
        "products",
        "campaign",
        "fee",
        "currency",
        "commission_rate",
        "post_by",
        "sample_shipped_on",
    )
    readonly_fields = ("status", "sample_shipped_on")
    autocomplete_fields = ("campaign", "products")
    show_change_link = True
    extra = 0
    tab = True
    per_page = 20

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign").prefetch_related("products")


class NoteInline(WorkspaceScopedInlineMixin, StackedInline):
    model = Note
    fields = (("kind", "occurred_at", "follow_up_on"), "body", "author")
    readonly_fields = ("author",)
    extra = 0
    tab = True
    per_page = 10
    formfield_overrides = {
        Note._meta.get_field("body").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class RecentActivityInline(ReadOnlyTabularInline):
    """The latest events on this creator's timeline (20 per page, newest first)."""

    model = ActivityEvent
    fk_name = "creator"
    # In plain words (selectors.creator_profile.event_sentence), not "note.added" and raw JSON.
    fields = ("created_at", "what_happened", "actor")
    readonly_fields = ("created_at", "what_happened", "actor")
    verbose_name_plural = _("recent activity")
    per_page = 20
    tab = True
    show_title = False  # the "what happened" column says it, in words

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @display(description=_("what happened"))
    def what_happened(self, obj):
        return event_sentence(obj)


# --- creators --------------------------------------------------------------------------------

# Country, language and rating are typed or picked, not listed from the data: listing them
# would be a DISTINCT over every creator of the workspace on each page load.


class PlatformFilter(DropdownFilter):
    """Has an account on the platform. An EXISTS probe of the (creator, platform) index per
    creator; the admin's own `accounts__platform` filter joins the accounts and then needs a
    DISTINCT over the whole list (4.7 s at 1,000,000 creators)."""

    title = _("platform")
    parameter_name = "platform"

    def lookups(self, request, model_admin):
        return Platform.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value not in dict(Platform.choices):
            return queryset
        return queryset.filter(
            Exists(PlatformAccount.objects.filter(creator_id=OuterRef("pk"), platform=value))
        )


class CountryFilter(TextFilter):
    title = _("country")
    parameter_name = "country"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        try:
            return queryset.filter(country=normalise_country(value))
        except NormaliseError:
            return queryset.none()


class LanguageFilter(TextFilter):
    """A language by its code ("es") or its name in English, in itself or in the UI's
    language ("Spanish", "español", "西班牙语")."""

    title = _("main language")
    parameter_name = "language"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        codes = language_codes_named(value)
        return queryset.filter(language__in=codes) if codes else queryset.none()


class TagsFilter(MultipleDropdownFilter, ScopedSimpleListFilter):
    """Several tags at once: creators with any of them, or (TagsAllFilter) all of them. Each
    tag is one EXISTS probe of the (creator, tag) unique index."""

    title = _("tags (any of)")
    parameter_name = "tags_any"
    match_all = False

    def lookups(self, request, model_admin):
        workspace = self.workspace(request)
        tags = Tag.objects.filter(workspace=workspace) if workspace else Tag.objects.none()
        return [(str(pk), name) for pk, name in tags.order_by("name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        ids = [int(v) for v in (self.value() or []) if str(v).isdigit()]
        if not ids:
            return queryset
        through = Creator.tags.through
        if not self.match_all:
            return queryset.filter(
                Exists(through.objects.filter(creator_id=OuterRef("pk"), tag_id__in=ids))
            )
        for tag_id in ids:
            queryset = queryset.filter(
                Exists(through.objects.filter(creator_id=OuterRef("pk"), tag_id=tag_id))
            )
        return queryset


class TagsAllFilter(TagsFilter):
    title = _("tags (all of)")
    parameter_name = "tags_all"
    match_all = True


class RatingFilter(RadioFilter):
    title = _("rating")
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(str(n), "★" * n) for n in range(1, 6)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(rating=int(value))
        return queryset


STATUS_LABELS = {
    CreatorStatus.PROSPECT: "info",
    CreatorStatus.CONTACTED: "primary",
    CreatorStatus.NEGOTIATING: "warning",
    CreatorStatus.ACTIVE: "success",
    CreatorStatus.PAUSED: "",
    CreatorStatus.DO_NOT_CONTACT: "danger",
}


def _readiness_of(creator) -> CreatorReadiness:
    """The creator's readiness row (joined on the list, one query on the change page); a
    creator not saved yet reads as never scored."""
    if creator is None or creator.pk is None:
        return CreatorReadiness()
    try:
        return creator.readiness
    except CreatorReadiness.DoesNotExist:
        return CreatorReadiness(creator=creator)


class CreatorChangeList(ChangeList):
    def _get_deterministic_ordering(self, ordering):
        # Django breaks ties with "-pk" whatever the column's direction; "name A→Z, newest id
        # first" cannot be read from one (workspace, column, id) index, so PostgreSQL sorted
        # the whole pool (0.7 s for a name sort at 1M). The tie-break follows the column.
        ordering = super()._get_deterministic_ordering(ordering)
        if len(ordering) > 1 and ordering[-1] == "-pk":
            first = ordering[0]
            descending = (
                first.startswith("-")
                if isinstance(first, str)
                else getattr(first, "descending", False)
            )
            ordering[-1] = "-pk" if descending else "pk"
        return ordering

    def get_queryset(self, request, exclude_parameters=None):
        qs = super().get_queryset(request, exclude_parameters)
        if any(str(o).lstrip("-").startswith("readiness__") for o in qs.query.order_by):
            # Sorted by readiness: an INNER join (see with_readiness), so PostgreSQL walks
            # the (workspace, score, creator) index instead of sorting the whole pool; the
            # list's select_related reuses it. Otherwise the list keeps select_related's LEFT
            # join, which its COUNT leaves out.
            qs = qs.with_readiness()
        return qs


# Fields of the collaboration inline handed to collaboration_create for a new row.
NEW_COLLABORATION_FIELDS = ("campaign", "fee", "currency", "commission_rate", "post_by")


@admin.register(Creator)
class CreatorAdmin(
    CreatorSavedViewsMixin,
    CreatorExportListMixin,
    CreatorMergeAdminMixin,
    CreatorConsentAdminMixin,
    WorkspaceScopedAdminMixin,
    SimpleHistoryAdmin,
    ModelAdmin,
):
    form = CreatorAdminForm
    # No exact COUNT of a huge list (an estimate, said to be one): influencers.admin.paginators.
    paginator = EstimatedCountPaginator
    list_before_template = "admin/influencers/creator/list_before.html"
    actions = [*CreatorMergeAdminMixin.actions, "record_consent_selected"]
    list_display = (
        "display_name",
        "status_badge",
        "country",
        "tiktok",
        "tiktok_followers_display",
        "followers_display",
        "engagement_display",
        "readiness_score",
        "owner",
        "gmv",
        "rollup_orders",
        "roi",
        "last_contacted_at",
    )
    list_select_related = ("owner", "readiness")
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("tiktok_shop_status", ChoicesDropdownFilter),
        PlatformFilter,
        TagsFilter,
        TagsAllFilter,
        ("owner", ScopedRelatedDropdownFilter),
        ("agency", ScopedRelatedDropdownFilter),
        CountryFilter,
        LanguageFilter,
        RatingFilter,
        ("readiness__score", RangeNumericFilter),
        ("followers", RangeNumericFilter),
        ("engagement_rate", RangeNumericFilter),
        ("rollup_gmv", RangeNumericFilter),
    )
    list_filter_submit = True
    # Prefix search on the normalised handle (uses its varchar_pattern_ops index) and exact
    # match on normalised email/phone; see get_search_results for how the term is normalised.
    search_fields = (
        "display_name",
        "accounts__handle_normalised__startswith",
        "=contacts__value_normalised",
    )
    search_help_text = _(
        "Name (accents optional), handle or profile URL, email or its start or domain, "
        "phone in any form, ASIN or its start"
    )
    autocomplete_fields = ("owner", "tags", "agency")
    readonly_fields = (
        # Consent changes only with its source (the "Record consent" action or an import's
        # consent column), never by ticking a box silently.
        "consent_to_contact",
        "consent_source",
        "consent_recorded_at",
        "last_contacted_at",
        "followers",
        "engagement_rate",
        "rollup_collaborations",
        "rollup_posts",
        "rollup_views",
        "rollup_orders",
        "rollup_gmv",
        "rollup_cost",
        "roi",
        "rollups_updated_at",
        "report_coverage_display",
        "readiness_score",
        "readiness_reasons_display",
        "readiness_computed_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            _("Profile"),
            {
                "classes": ["tab"],
                "fields": ("display_name", "status", "owner", "agency", "tags", "rating"),
            },
        ),
        (
            _("Where and what language"),
            {
                "classes": ["tab"],
                "fields": ("country", "amazon_marketplace", "language", "languages"),
            },
        ),
        (
            _("Consent, Amazon and TikTok Shop"),
            {
                "classes": ["tab"],
                "fields": (
                    ("consent_to_contact", "consent_source", "consent_recorded_at"),
                    "consent_amazon_links",
                    "amazon_storefront_url",
                    "associates_tracking_id",
                    "attribution_tag",
                    "tiktok_shop_status",
                ),
            },
        ),
        (_("Remarks"), {"classes": ["tab"], "fields": ("remarks",)}),
        (
            _("Switch-over readiness"),
            {
                "classes": ["tab"],
                "fields": (
                    ("readiness_score", "readiness_computed_at"),
                    "readiness_reasons_display",
                ),
            },
        ),
        (
            _("Results"),
            {
                "classes": ["tab"],
                "fields": (
                    "last_contacted_at",
                    ("followers", "engagement_rate"),
                    ("rollup_collaborations", "rollup_posts", "rollup_views"),
                    ("rollup_orders", "rollup_gmv", "rollup_cost", "roi"),
                    "rollups_updated_at",
                    "report_coverage_display",
                    ("created_at", "updated_at"),
                ),
            },
        ),
    )
    inlines = (
        PlatformAccountInline,
        ContactMethodInline,
        CollaborationInline,
        NoteInline,
        RecentActivityInline,
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The profile on top of the page (admin/influencers/creator/change_form.html).
        extra_context = dict(extra_context or {})
        creator = self.get_object(request, object_id)
        if creator is not None:
            extra_context["profile"] = creator_profile(creator)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        # The main TikTok account (most followers) as two correlated subqueries: evaluated for
        # the rows of the page only, never a query per row. (The list joins the readiness row
        # through list_select_related; the change page reads it with one query.)
        tiktok = PlatformAccount.objects.filter(
            creator=OuterRef("pk"), platform=Platform.TIKTOK
        ).order_by(F("followers").desc(nulls_last=True), "pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                tiktok_handle=Subquery(tiktok.values("handle_normalised")[:1]),
                tiktok_followers=Subquery(tiktok.values("followers")[:1]),
            )
        )

    def get_changelist(self, request, **kwargs):
        return CreatorChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.cap_count = creator_search.scans_names(request.GET.get("q", ""))
        return paginator

    def get_search_results(self, request, queryset, search_term):
        # What the term is (a URL, a phone as displayed, part of an email or ASIN, a name
        # without its accents): influencers.selectors.creator_search. Email and phone only for
        # roles that may see them: for a viewer the search would confirm that an address is in
        # the pool, so it is left out (the same answer as a miss).
        return (
            creator_search.search(
                queryset,
                search_term,
                workspace_id=getattr(current_workspace(request), "pk", None),
                contacts=policy.may_search_contacts(workspace_role(request)),
            ),
            False,
        )

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            # Nothing has happened to a creator that does not exist yet.
            inlines = [i for i in inlines if not isinstance(i, RecentActivityInline)]
        return inlines

    @display(description=_("status"), ordering="status", label=STATUS_LABELS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("TikTok"))
    def tiktok(self, obj):
        handle = getattr(obj, "tiktok_handle", None)
        return f"@{handle}" if handle else "-"

    @display(description=_("TikTok followers"))
    def tiktok_followers_display(self, obj):
        followers = getattr(obj, "tiktok_followers", None)
        return number_format(followers, force_grouping=True) if followers is not None else "-"

    @display(description=_("followers (largest account)"), ordering="followers")
    def followers_display(self, obj):
        return number_format(obj.followers, force_grouping=True) if obj.followers else "-"

    @display(description=_("engagement"), ordering="engagement_rate")
    def engagement_display(self, obj):
        if obj.engagement_rate is None:
            return "-"
        return f"{number_format(obj.engagement_rate, 2)}%"

    # Not named "readiness": that is the creator's reverse one-to-one, which the admin would
    # show and sort as a relation instead of calling this.
    @display(description=_("readiness"), ordering="readiness__score")
    def readiness_score(self, obj):
        return _readiness_of(obj).score

    @display(description=_("readiness computed"))
    def readiness_computed_at(self, obj):
        return _readiness_of(obj).computed_at

    @display(description=_("why this score"))
    def readiness_reasons_display(self, obj):
        texts = reason_texts(_readiness_of(obj).reasons)
        if not texts:
            return "-"
        return format_html(
            '<ul class="list-disc pl-4">{}</ul>',
            format_html_join("", "<li>{}</li>", ((t,) for t in texts)),
        )

    @display(description=_("dates the reports covered"))
    def report_coverage_display(self, obj):
        # Which days the summed report numbers above come from, so a missing day is visible.
        coverage = creator_report_coverage(creator_id=obj.pk) if obj.pk else []
        if not coverage:
            return "-"
        return format_html(
            '<ul class="list-disc pl-4">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {} – {} ({})</li>",
                (
                    (
                        c.label,
                        c.first_day.isoformat(),
                        c.last_day.isoformat(),
                        ngettext("%(n)d day", "%(n)d days", c.days) % {"n": c.days},
                    )
                    for c in coverage
                ),
            ),
        )

    @display(description=_("GMV"), ordering="rollup_gmv")
    def gmv(self, obj):
        return number_format(obj.rollup_gmv, 2, force_grouping=True)

    @display(description=_("ROI"), ordering="rollup_roi")
    def roi(self, obj):
        return format_roi(obj.rollup_roi)  # one meaning and format: list, page and profile

    def save_model(self, request, obj, form, change):
        """Through creator_create / creator_update, so normalising and the activity event
        happen exactly as for the API and importers."""
        obj._history_user = request.user
        editable = [name for name in CREATOR_EDITABLE_FIELDS if name in form.cleaned_data]
        if change:
            data = {name: getattr(obj, name) for name in editable if name in form.changed_data}
            saved = creator_update(creator=obj, actor=request.user, data=data)
        else:
            data = {name: getattr(obj, name) for name in editable if name != "display_name"}
            saved = creator_create(
                workspace=obj.workspace,
                actor=request.user,
                display_name=obj.display_name,
                **data,
            )
        # The admin goes on with `obj` (tags, inlines, log entry): make it the saved row.
        for field in Creator._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_formset(self, request, form, formset, change):
        """New notes and collaborations through their own services (author, activity event,
        roll-ups); every other inline row (accounts, contacts, edits and deletes) through the
        shared record services (WorkspaceScopedAdminMixin.save_formset)."""
        creator = form.instance
        creators_new = {Note: self._note_new, Collaboration: self._collaboration_new}
        make = creators_new.get(formset.model)
        if make is None:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.extra_forms:
            new = inline_form.instance.pk is None and inline_form.has_changed()
            if new and not formset._should_delete_form(inline_form):
                inline_form.instance.pk = make(request, creator, inline_form).pk
                inline_form._saved_by_service = True
        return super().save_formset(request, form, formset, change)

    def _note_new(self, request, creator, inline_form):
        note = inline_form.instance
        return note_add(
            creator=creator,
            actor=request.user,
            kind=note.kind,
            body=note.body,
            occurred_at=note.occurred_at,
            follow_up_on=note.follow_up_on,
        )

    def _collaboration_new(self, request, creator, inline_form):
        collaboration = inline_form.instance
        return collaboration_create(
            creator=creator,
            actor=request.user,
            kind=collaboration.kind,
            products=inline_form.cleaned_data.get("products") or (),
            **{name: getattr(collaboration, name) for name in NEW_COLLABORATION_FIELDS},
        )


# --- platform accounts and contact methods on their own ------------------------------------------


class SyncedFilter(admin.SimpleListFilter):
    """Accounts whose numbers are stale (not refreshed in 30 days, or never): the dashboard's
    "stale metrics" card links here."""

    title = _("numbers refreshed")
    parameter_name = "synced"

    def lookups(self, request, model_admin):
        return (("stale", _("Not in the last 30 days")),)

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.filter(stale_accounts_q())
        return queryset


@admin.register(PlatformAccount)
class PlatformAccountAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    form = PlatformAccountForm
    list_display = (
        "__str__",
        "creator",
        "platform",
        "followers",
        "average_views",
        "engagement_rate",
        "last_synced_at",
    )
    list_select_related = ("creator",)
    list_filter = ("platform", SyncedFilter)
    search_fields = ("handle_normalised__startswith",)
    search_help_text = _("Handle (beginning)")
    autocomplete_fields = ("creator",)
    fields = (
        "creator",
        "platform",
        "handle",
        "handle_normalised",
        "url",
        "followers",
        "average_views",
        "engagement_rate",
        "last_synced_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("handle_normalised", "created_at", "updated_at")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().removeprefix("@").lower()
        return super().get_search_results(request, queryset, term)

    # Writes go through services.creators.account_save / account_delete (the mixin's
    # record services dispatch there): handle normalised, reach of both creators refreshed.


@admin.register(ContactMethod)
class ContactMethodAdmin(WorkspaceScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    """The list of every email and phone (with their history): for the roles that see contact
    details. A viewer sees a creator's contacts, masked, on the creator's page."""

    form = ContactMethodForm
    view_roles = EDIT_ROLES
    list_display = (
        "value",
        "kind",
        "creator",
        "is_primary",
        "is_valid",
        "consent",
        "agency",
        "created_at",
    )
    list_select_related = ("creator", "agency")
    list_filter = ("kind", "is_primary", "is_valid", "consent")
    search_fields = ("value_normalised",)
    search_help_text = _("Exact email or phone number")
    autocomplete_fields = ("creator",)
    fields = (
        "creator",
        "kind",
        "value",
        "value_normalised",
        "label",
        "is_primary",
        "is_valid",
        "consent",
        "agency",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("value_normalised", "created_at", "updated_at")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        candidates = {term.lower()}
        for normalise in (normalise_email, normalise_phone):
            with contextlib.suppress(NormaliseError):
                candidates.add(normalise(term))
        # Every kind named: lets PostgreSQL look the values up in contact_ws_value
        # (workspace, kind, value_normalised) instead of reading the workspace's contacts.
        return queryset.filter(
            kind__in=ContactMethod.Kind.values, value_normalised__in=candidates
        ), False

    # Writes go through services.creators.contact_save (value normalised, a new primary
    # demotes the old one), via the mixin's record services.
