"""Serializers of the smaller resources (DRF's machinery is fine at their sizes)."""

from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from influencers import policy
from influencers.models import (
    ActivityEvent,
    Agency,
    Campaign,
    Collaboration,
    CollaborationStatus,
    ContactMethod,
    ContentPost,
    Creator,
    Membership,
    MetricSnapshot,
    Note,
    Product,
    Tag,
)
from influencers.models.base import other_creator_errors
from influencers.services.metrics import VALUE_FIELDS

from .base import (
    StrictModelSerializer,
    StrictSerializer,
    WorkspaceMemberField,
    WorkspacePrimaryKeyField,
)

TIMESTAMPS = ("id", "created_at", "updated_at")


def validate_same_creator(serializer, attrs, *fields):
    """Refuse links to another creator's rows with the model's own rule, before any write."""
    creator = attrs.get("creator") or getattr(serializer.instance, "creator", None)
    errors = other_creator_errors(
        creator.pk if creator else None, **{name: attrs.get(name) for name in fields}
    )
    if errors:
        raise serializers.ValidationError(errors)
    return attrs


class TagSerializer(StrictModelSerializer):
    class Meta:
        model = Tag
        fields = ("id", "name", "created_at", "updated_at")
        read_only_fields = TIMESTAMPS
        validators = []  # the workspace-scoped unique name is checked by the service


class AgencySerializer(StrictModelSerializer):
    class Meta:
        model = Agency
        fields = (
            "id",
            "name",
            "email",
            "phone",
            "website",
            "country",
            "notes",
            "created_at",
            "updated_at",
        )
        read_only_fields = TIMESTAMPS
        validators = []  # the workspace-scoped unique name is checked by the service


class ProductSerializer(StrictModelSerializer):
    class Meta:
        model = Product
        fields = (
            "id",
            "asin",
            "marketplace",
            "title",
            "category",
            "price",
            "currency",
            "created_at",
            "updated_at",
        )
        read_only_fields = TIMESTAMPS
        validators = []
        extra_kwargs = {
            # validate_asin's rule, for the schema (it also trims and upper-cases).
            "asin": {"validators": [RegexValidator(r"^[A-Za-z0-9]{10}$")]},
            # The table's check constraint, as a field rule (the schema and the error name it).
            "price": {"min_value": 0},
        }

    def validate_asin(self, value):
        value = value.strip().upper()
        if len(value) != 10 or not value.isalnum() or not value.isascii():
            raise serializers.ValidationError(_("An ASIN is 10 letters or digits."))
        return value


class CampaignSerializer(StrictModelSerializer):
    class Meta:
        model = Campaign
        fields = (
            "id",
            "name",
            "starts_on",
            "ends_on",
            "budget",
            "currency",
            "description",
            "created_at",
            "updated_at",
        )
        read_only_fields = TIMESTAMPS
        # The table's check constraint, as a field rule (the schema and the error name it).
        extra_kwargs = {"budget": {"min_value": 0}}


class NoteSerializer(StrictModelSerializer):
    creator = WorkspacePrimaryKeyField(Creator)
    collaboration = WorkspacePrimaryKeyField(Collaboration, required=False, allow_null=True)
    author = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = (
            "id",
            "creator",
            "collaboration",
            "author",
            "kind",
            "body",
            "occurred_at",
            "follow_up_on",
            "rating_content",
            "rating_reliability",
            "rating_communication",
            "created_at",
            "updated_at",
        )
        read_only_fields = (*TIMESTAMPS, "author")

    def validate(self, attrs):
        return validate_same_creator(self, attrs, "collaboration")


class NoteUpdateSerializer(NoteSerializer):
    creator = serializers.PrimaryKeyRelatedField(read_only=True)


class CollaborationSerializer(StrictModelSerializer):
    creator = WorkspacePrimaryKeyField(Creator)
    campaign = WorkspacePrimaryKeyField(Campaign, required=False, allow_null=True)
    products = WorkspacePrimaryKeyField(Product, many=True, required=False)
    owner = WorkspaceMemberField(required=False, allow_null=True)

    class Meta:
        model = Collaboration
        fields = (
            "id",
            "creator",
            "campaign",
            "products",
            "owner",
            "kind",
            "status",
            "fee",
            "currency",
            "commission_rate",
            "sample_quantity",
            "sample_cost",
            "sample_shipped_on",
            "sample_carrier",
            "sample_tracking_number",
            "deliverables",
            "agreed_on",
            "post_by",
            "completed_on",
            "tracking_link",
            "promo_code",
            "amazon_tracking_tag",
            "created_at",
            "updated_at",
        )
        # The status moves only through POST /collaborations/{id}/advance/.
        read_only_fields = (*TIMESTAMPS, "status", "completed_on")
        # The table's check constraints, as field rules (the schema and the error name them).
        extra_kwargs = {
            "fee": {"min_value": 0},
            "sample_cost": {"min_value": 0},
            "commission_rate": {"min_value": 0, "max_value": 100},
        }


class CollaborationUpdateSerializer(CollaborationSerializer):
    creator = serializers.PrimaryKeyRelatedField(read_only=True)


class AdvanceSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=CollaborationStatus.choices)
    on_date = serializers.DateField(required=False, allow_null=True)


class ContentPostSerializer(StrictModelSerializer):
    creator = WorkspacePrimaryKeyField(Creator)
    collaboration = WorkspacePrimaryKeyField(Collaboration, required=False, allow_null=True)

    class Meta:
        model = ContentPost
        fields = (
            "id",
            "creator",
            "collaboration",
            "platform",
            "url",
            "posted_on",
            "caption",
            "created_at",
            "updated_at",
        )
        read_only_fields = TIMESTAMPS
        validators = []

    def validate(self, attrs):
        return validate_same_creator(self, attrs, "collaboration")


class ContentPostUpdateSerializer(ContentPostSerializer):
    creator = serializers.PrimaryKeyRelatedField(read_only=True)


# The snapshot table's check constraint, as field rules (the schema and the error name them).
MONEY_NOT_NEGATIVE = {"sales": {"min_value": 0}, "commission": {"min_value": 0}}


class MetricSnapshotSerializer(StrictModelSerializer):
    creator = WorkspacePrimaryKeyField(Creator)
    collaboration = WorkspacePrimaryKeyField(Collaboration, required=False, allow_null=True)
    post = WorkspacePrimaryKeyField(ContentPost, required=False, allow_null=True)
    source = serializers.ChoiceField(
        choices=MetricSnapshot.Source.choices, default=MetricSnapshot.Source.API
    )
    currency = serializers.ChoiceField(
        choices=MetricSnapshot._meta.get_field("currency").choices, required=False
    )

    class Meta:
        model = MetricSnapshot
        fields = (
            "id",
            "creator",
            "collaboration",
            "post",
            "captured_at",
            "source",
            "kind",
            "period_start",
            "period_end",
            "report_kind",
            *VALUE_FIELDS,
            "currency",
            "created_at",
        )
        # Periods come from imported reports; a reading sent through the API is a total.
        read_only_fields = (
            "id",
            "kind",
            "period_start",
            "period_end",
            "report_kind",
            "created_at",
        )
        extra_kwargs = MONEY_NOT_NEGATIVE | {"captured_at": {"required": False}}

    def validate(self, attrs):
        return validate_same_creator(self, attrs, "collaboration", "post")


# More items than this answers 413 (the view counts them before validating any).
BULK_MAX_ITEMS = 5000


class BulkMetricSnapshotSerializer(StrictSerializer):
    items = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=BULK_MAX_ITEMS,
        help_text=_("Up to 5,000 snapshots, each shaped like a single create."),
    )


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ("id", "username", "first_name", "last_name", "email")
        extra_kwargs = {"email": {"help_text": _("Masked for viewers, except their own.")}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        own = request is not None and getattr(request.user, "pk", None) == instance.pk
        if not own and "role" in self.context:
            # A colleague's address is personal data like a creator's: the same policy masks
            # it for viewers. One's own address is not masked from oneself.
            data["email"] = policy.contact_for(
                self.context["role"], ContactMethod.Kind.EMAIL, data["email"] or ""
            )
        return data


class MemberSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "user", "role", "created_at")


class ActivityEventSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = ActivityEvent
        fields = (
            "id",
            "verb",
            "actor",
            "creator",
            "target_type",
            "target_id",
            "data",
            "created_at",
        )

    def get_target_type(self, obj) -> str | None:
        return obj.target_type.model if obj.target_type_id else None


class WorkspaceSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    default_currency = serializers.CharField()


class MeSerializer(serializers.Serializer):
    user = UserSummarySerializer()
    workspace = WorkspaceSummarySerializer()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    token = serializers.CharField(allow_null=True, help_text=_("Prefix of the token in use."))


MAX_ID = 2**63 - 1


class BulkMetricItemSerializer(StrictModelSerializer):
    """One item of a bulk request: ids are checked against the workspace in one batch."""

    creator = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    collaboration = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    post = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    source = serializers.ChoiceField(
        choices=MetricSnapshot.Source.choices, default=MetricSnapshot.Source.API
    )
    currency = serializers.ChoiceField(
        choices=MetricSnapshot._meta.get_field("currency").choices, required=False
    )

    class Meta:
        model = MetricSnapshot
        fields = (
            "creator",
            "collaboration",
            "post",
            "captured_at",
            "source",
            *VALUE_FIELDS,
            "currency",
        )
        extra_kwargs = MONEY_NOT_NEGATIVE | {"captured_at": {"required": False}}


@extend_schema_serializer(component_name="BulkMetricSnapshot")
class BulkMetricSnapshotBodySerializer(StrictSerializer):
    """The bulk body as the schema states it: each item shaped like a single create. (The view
    checks the envelope, counts the items, then validates them all in one batch.)"""

    items = BulkMetricItemSerializer(
        many=True,
        allow_empty=False,
        max_length=BULK_MAX_ITEMS,
        help_text=_("Up to 5,000 snapshots, each shaped like a single create."),
    )
