"""One FilterSet per resource. Filters stay on indexed columns (creators: the denormalised
followers/engagement columns, Exists() on accounts/contacts/tags)."""

import copy
import datetime as dt
import functools

import django_filters as df
from django import forms
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.filters import FilterMethod
from django_filters.rest_framework import DjangoFilterBackend

from influencers import policy
from influencers.models import (
    ActivityEvent,
    Agency,
    Campaign,
    Collaboration,
    CollaborationStatus,
    CollaborationType,
    ContactMethod,
    ContentPost,
    Creator,
    CreatorStatus,
    Marketplace,
    Membership,
    MetricSnapshot,
    Note,
    Platform,
    Product,
    Tag,
)
from influencers.selectors import api_creators as sel

MAX_BIG = 2**63 - 1


class ChoicesFilter(df.MultipleChoiceFilter):
    """?status=a&status=b on a column of the model itself. django-filter's default
    (distinct=True) adds SELECT DISTINCT over every selected column, which turns a keyset walk
    down an index into a sort of the whole filtered set; no join here can repeat a row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


# PostgreSQL stores time-zone offsets up to ±15:59 (a "timestamptz" input beyond that is an
# error), while ISO 8601 and Python allow up to ±23:59: such a value would only fail once the
# query runs, as a bare "out of range". Refused here, the error names the parameter.
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59, seconds=59)


class StorableDateTimeField(IsoDateTimeField):
    default_error_messages = {
        "offset": _("Use a time-zone offset between -15:59 and +15:59 (or Z)."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        offset = value.utcoffset() if value is not None else None
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        return value


class DateTimeFilter(df.IsoDateTimeFilter):
    """An ISO 8601 date-time the database can compare (see MAX_UTC_OFFSET)."""

    field_class = StorableDateTimeField


class _CopiedFilters(dict):
    """A FilterSet's filters, copied one by one for each request instead of deep-copied
    (django-filter deep-copies every filter, its choices and messages: ~1 ms a request). A
    filter's own state per request is its parent and model, set on the copy; a `method`
    filter is re-bound so it calls its own copy's parent."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = copy.copy(filter_)
            if isinstance(filter_.filter, FilterMethod):
                copied.method = filter_.method
            copies[name] = copied
        return copies


class FormBuiltOnce(df.FilterSet):
    """django-filter builds a form class, and a form field for every filter, on each request
    (~1.5 ms of a ~10 ms creators page). Built once per FilterSet class here, which is only
    right when no field depends on the request (no queryset chosen per workspace, as a
    ModelChoiceFilter would): the form itself is still per request. The filters are copied
    shallowly (_CopiedFilters)."""

    @classmethod
    def get_filters(cls):
        return _CopiedFilters(super().get_filters())

    def get_form_class(self):
        cls = type(self)
        form = cls.__dict__.get("_form_class_built")
        if form is None:
            form = super().get_form_class()
            cls._form_class_built = form
        return form

    # Set by FilterBackend.to_html: the browsable API shows a form with every filter.
    every_field = False

    @property
    def form(self):
        """A bound form holds only the fields whose parameters the request carries: Django
        deep-copies every field of a form when it is made (~0.4 ms for this FilterSet's 23,
        on every page). A filter whose parameter is absent is skipped either way: its value
        would clean to empty, and django-filter filters by the form's cleaned_data."""
        if not hasattr(self, "_form"):
            form = self.get_form_class()
            if self.is_bound and not self.every_field:
                present = frozenset(
                    name
                    for name, field in form.base_fields.items()
                    if _sent(field, self.data, _prefixed(self.form_prefix, name))
                )
                self._form = _form_of(form, present)(self.data, prefix=self.form_prefix)
            else:
                self._form = super().form
        return self._form


def _sent(field: forms.Field, data, name: str) -> bool:
    if isinstance(field.widget, forms.SelectMultiple):
        # Django counts a multiple select as always sent (a browser sends nothing when none
        # is chosen); in a query string, no parameter is no filter.
        return name in data
    return not field.widget.value_omitted_from_data(data, {}, name)


def _prefixed(prefix: str | None, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


@functools.lru_cache(maxsize=256)  # (a client chooses which parameters it sends)
def _form_of(form: type[forms.Form], names: frozenset[str]) -> type[forms.Form]:
    """`form` with only these fields, in its order."""
    lean = type(form.__name__, (form,), {})
    lean.base_fields = {n: f for n, f in form.base_fields.items() if n in names}
    return lean


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, whose browsable-API filter form shows every filter (a page's
    own filterset holds only the fields its request uses, FormBuiltOnce.form)."""

    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        filterset.every_field = True
        return loader.get_template(self.template).render({"filter": filterset}, request)


class CreatorFilter(FormBuiltOnce):
    status = ChoicesFilter(choices=CreatorStatus.choices)
    platform = ChoicesFilter(choices=Platform.choices, method="filter_platform")
    country = df.CharFilter(method="filter_country", max_length=2)
    language = df.CharFilter(field_name="language", max_length=16)
    tag = df.CharFilter(
        method="filter_tag",
        max_length=800,
        help_text=_("Tag names, separated by commas (see tag_match)"),
    )
    owner = df.NumberFilter(field_name="owner_id", min_value=1, max_value=MAX_BIG)
    agency = df.NumberFilter(
        field_name="agency_id", min_value=1, max_value=MAX_BIG, help_text=_("Agency id")
    )
    followers_min = df.NumberFilter(
        field_name="followers", lookup_expr="gte", min_value=0, max_value=MAX_BIG
    )
    followers_max = df.NumberFilter(
        field_name="followers", lookup_expr="lte", min_value=0, max_value=MAX_BIG
    )
    engagement_min = df.NumberFilter(
        field_name="engagement_rate", lookup_expr="gte", min_value=0, max_value=100
    )
    engagement_max = df.NumberFilter(
        field_name="engagement_rate", lookup_expr="lte", min_value=0, max_value=100
    )
    gmv_min = df.NumberFilter(
        field_name="rollup_gmv", lookup_expr="gte", min_value=0, max_value=MAX_BIG
    )
    gmv_max = df.NumberFilter(
        field_name="rollup_gmv", lookup_expr="lte", min_value=0, max_value=MAX_BIG
    )
    tag_match = df.ChoiceFilter(
        choices=[("any", "any"), ("all", "all")],
        method="filter_noop",
        help_text=_("With several tags: creators with any of them (default) or all of them."),
    )
    readiness_min = df.NumberFilter(
        field_name="readiness__score", lookup_expr="gte", min_value=0, max_value=100
    )
    has_email = df.BooleanFilter(method="filter_has_email")
    has_phone = df.BooleanFilter(method="filter_has_phone")
    last_contacted_before = DateTimeFilter(field_name="last_contacted_at", lookup_expr="lt")
    last_contacted_after = DateTimeFilter(field_name="last_contacted_at", lookup_expr="gte")
    created_since = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    search = df.CharFilter(
        method="filter_search",
        max_length=200,
        help_text=_(
            "Name or handle prefix; '@name' for handles only; an email address "
            "for an exact email match (not for viewers: it matches nothing)."
        ),
    )

    class Meta:
        model = Creator
        fields = []

    def filter_platform(self, qs, name, value):
        return sel.filter_platform(qs, list(value)) if value else qs

    def filter_country(self, qs, name, value):
        return qs.filter(country=value.upper()) if value else qs

    def filter_tag(self, qs, name, value):
        names = [n for n in value.split(",") if n.strip()]
        return sel.filter_tags(
            qs,
            workspace=self.request.api_workspace,
            names=names,
            match_all=self.data.get("tag_match") == "all",
        )

    def filter_noop(self, qs, name, value):
        return qs  # read by filter_tag

    def filter_has_email(self, qs, name, value):
        if value is None:
            return qs
        return sel.filter_has_contact(qs, kinds=[ContactMethod.Kind.EMAIL], present=value)

    def filter_has_phone(self, qs, name, value):
        if value is None:
            return qs
        return sel.filter_has_contact(qs, kinds=list(sel.PHONE_KINDS), present=value)

    def filter_search(self, qs, name, value):
        return sel.filter_search(
            qs,
            workspace=self.request.api_workspace,
            term=value,
            contacts=policy.may_search_contacts(self.request.api_role),
        )


class NoteFilter(df.FilterSet):
    creator = df.NumberFilter(field_name="creator_id", min_value=1, max_value=MAX_BIG)
    kind = ChoicesFilter(choices=Note.Kind.choices)
    occurred_after = DateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = DateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    follow_up_before = df.DateFilter(field_name="follow_up_on", lookup_expr="lte")

    class Meta:
        model = Note
        fields = []


class CollaborationFilter(df.FilterSet):
    creator = df.NumberFilter(field_name="creator_id", min_value=1, max_value=MAX_BIG)
    campaign = df.NumberFilter(field_name="campaign_id", min_value=1, max_value=MAX_BIG)
    status = ChoicesFilter(choices=CollaborationStatus.choices)
    kind = ChoicesFilter(choices=CollaborationType.choices)
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Collaboration
        fields = []


class ContentPostFilter(df.FilterSet):
    creator = df.NumberFilter(field_name="creator_id", min_value=1, max_value=MAX_BIG)
    collaboration = df.NumberFilter(field_name="collaboration_id", min_value=1, max_value=MAX_BIG)
    platform = ChoicesFilter(choices=Platform.choices)
    posted_after = df.DateFilter(field_name="posted_on", lookup_expr="gte")

    class Meta:
        model = ContentPost
        fields = []


class MetricSnapshotFilter(df.FilterSet):
    creator = df.NumberFilter(field_name="creator_id", min_value=1, max_value=MAX_BIG)
    collaboration = df.NumberFilter(field_name="collaboration_id", min_value=1, max_value=MAX_BIG)
    post = df.NumberFilter(field_name="post_id", min_value=1, max_value=MAX_BIG)
    source = ChoicesFilter(choices=MetricSnapshot.Source.choices)
    kind = ChoicesFilter(choices=MetricSnapshot.Kind.choices)
    captured_after = DateTimeFilter(field_name="captured_at", lookup_expr="gte")
    captured_before = DateTimeFilter(field_name="captured_at", lookup_expr="lt")

    class Meta:
        model = MetricSnapshot
        fields = []


class ProductFilter(df.FilterSet):
    asin = df.CharFilter(method="filter_asin", max_length=10)
    marketplace = ChoicesFilter(choices=Marketplace.choices)
    category = df.CharFilter(max_length=120)

    class Meta:
        model = Product
        fields = []

    def filter_asin(self, qs, name, value):
        return qs.filter(asin=value.upper())


class CampaignFilter(df.FilterSet):
    active_on = df.DateFilter(method="filter_active_on")
    name = df.CharFilter(lookup_expr="icontains", max_length=200)

    class Meta:
        model = Campaign
        fields = []

    def filter_active_on(self, qs, name, value):
        return qs.exclude(starts_on__gt=value).exclude(ends_on__lt=value)


class AgencyFilter(df.FilterSet):
    name = df.CharFilter(lookup_expr="istartswith", max_length=200)

    class Meta:
        model = Agency
        fields = []


class TagFilter(df.FilterSet):
    name = df.CharFilter(lookup_expr="istartswith", max_length=80)

    class Meta:
        model = Tag
        fields = []


class MemberFilter(df.FilterSet):
    role = ChoicesFilter(choices=Membership.Role.choices)

    class Meta:
        model = Membership
        fields = []


class ActivityFilter(df.FilterSet):
    creator = df.NumberFilter(field_name="creator_id", min_value=1, max_value=MAX_BIG)
    verb = ChoicesFilter(choices=ActivityEvent.Verb.choices)
    since = DateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = ActivityEvent
        fields = []
