"""Switch-over over the API: plans (with their messages), the preview shortlist, invitations,
Amazon link settings and readiness weights."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencers import policy
from influencers.models import (
    AmazonLinkSettings,
    ContactMethod,
    CreatorStatus,
    Invitation,
    Platform,
    Product,
    ScoringWeights,
    SwitchoverPlan,
    Tag,
)
from influencers.switchover import links

from .base import MAX_TEXT_LENGTH, StrictModelSerializer, StrictSerializer, WorkspacePrimaryKeyField

MAX_MESSAGES = 30
MAX_LIST = 50

# What makes a tracking ID out of a pattern whatever the handle or creator: it starts with a
# letter, a digit, {handle} or {creator_id} ({store_id} may be empty), goes on with letters,
# digits, hyphens and placeholders, and ends in the marketplace's -2x.
TRACKING_ID_PATTERN = RegexValidator(
    r"^(?:[A-Za-z0-9]|\{handle\}|\{creator_id\})"
    r"(?:[A-Za-z0-9-]|\{handle\}|\{creator_id\}|\{store_id\})*-2[0-9]$",
    _(
        "Start with a letter, a digit, {handle} or {creator_id}; use letters, digits, hyphens "
        "and {handle}, {creator_id}, {store_id}; end in -20 (or the marketplace's -2x)."
    ),
)


class MessageSerializer(StrictSerializer):
    ignored_fields = ("id",)

    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$",
        max_length=16,
        help_text=_("e.g. en, es, zh-hans"),
    )
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(
        max_length=MAX_TEXT_LENGTH,
        help_text=_(
            "A Django template. Merge fields: name, product, asin, link, commission, "
            "answer_link, opt_out, brand."
        ),
    )


INVITABLE_STATUSES = [c for c in CreatorStatus.choices if c[0] != CreatorStatus.DO_NOT_CONTACT]


class InvitableStatusField(serializers.ChoiceField):
    """A creator status a plan may select: any but do-not-contact (so the schema's enum leaves it
    out), which is refused with the reason."""

    def __init__(self, **kwargs):
        super().__init__(choices=INVITABLE_STATUSES, **kwargs)

    def to_internal_value(self, data):
        if data == CreatorStatus.DO_NOT_CONTACT:
            raise serializers.ValidationError(
                _("Creators marked do-not-contact are never invited: remove that status.")
            )
        return super().to_internal_value(data)


class SwitchoverPlanSerializer(StrictModelSerializer):
    ignored_fields = ("id", "status", "launched_at", "created_at", "updated_at", "invitations")

    products = WorkspacePrimaryKeyField(Product, many=True, required=False)
    tags = WorkspacePrimaryKeyField(Tag, many=True, required=False)
    platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=Platform.choices),
        max_length=MAX_LIST,
        required=False,
    )
    countries = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2),
        max_length=MAX_LIST,
        required=False,
        help_text=_("ISO 3166 alpha-2 codes"),
    )
    statuses = serializers.ListField(
        child=InvitableStatusField(), max_length=MAX_LIST, required=False
    )

    messages = MessageSerializer(many=True, required=False, max_length=MAX_MESSAGES)
    max_invitations = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    reminder_after_days = serializers.IntegerField(
        min_value=1,
        max_value=60,
        required=False,
        allow_null=True,
        help_text=_("One reminder after this many days without an answer; null: none."),
    )
    min_followers = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False)
    not_invited_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    default_language = serializers.RegexField(
        r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$", max_length=16, required=False
    )
    invitations = serializers.SerializerMethodField()

    class Meta:
        model = SwitchoverPlan
        fields = (
            "id",
            "name",
            "status",
            "products",
            "commission_rate",
            "default_language",
            "sample_offer",
            "terms",
            "messages",
            "min_readiness",
            "platforms",
            "countries",
            "statuses",
            "tags",
            "min_followers",
            "not_invited_days",
            "max_invitations",
            "reminder_after_days",
            "scheduled_at",
            "launched_at",
            "invitations",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("status", "launched_at", "created_at", "updated_at")
        extra_kwargs = {"commission_rate": {"min_value": 0, "max_value": 100}}

    def get_invitations(self, obj) -> dict[str, int]:
        """Counts by status (annotated by the selector)."""
        return getattr(obj, "invitation_counts", None) or {}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["messages"] = [
            {"language": m.language, "subject": m.subject, "body": m.body}
            for m in instance.messages.all()
        ]
        return data

    def validate_countries(self, value):
        return [v.upper() for v in value]


class PreviewRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    creator = serializers.IntegerField()
    name = serializers.CharField()
    readiness = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    email = serializers.CharField(allow_blank=True, help_text=_("Masked for viewers."))
    language = serializers.CharField()
    tracking_id = serializers.CharField(allow_blank=True)
    link = serializers.CharField(allow_blank=True)
    subject = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)
    sendable = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class DryRunExampleSerializer(serializers.Serializer):
    creator = serializers.IntegerField()
    name = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


class DryRunSerializer(serializers.Serializer):
    matched = serializers.IntegerField()
    held_back_by_consent = serializers.IntegerField(
        help_text=_("Matching creators not invited because they have not consented.")
    )
    would_send = serializers.IntegerField()
    already_invited = serializers.IntegerField()
    capped_at = serializers.IntegerField()
    problems = serializers.DictField(child=serializers.IntegerField())
    examples = DryRunExampleSerializer(many=True)


class TestSendInputSerializer(StrictSerializer):
    creator = serializers.IntegerField(
        min_value=1, help_text=_("A creator matching the plan's criteria.")
    )


class TestSendSerializer(serializers.Serializer):
    sent_to = serializers.EmailField(help_text=_("Your own address: the creator is not contacted."))
    creator = serializers.IntegerField()
    language = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()


class InvitationSerializer(serializers.ModelSerializer):
    # Masked for viewers; the message's answer link is hidden from them (whoever holds it can
    # answer for the creator).
    email = serializers.SerializerMethodField(help_text=_("Masked for viewers."))
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(
        help_text=_("The message as sent; its answer link is hidden from viewers.")
    )

    class Meta:
        model = Invitation
        fields = (
            "id",
            "plan",
            "creator",
            "collaboration",
            "status",
            "email",
            "language",
            "marketplace",
            "tracking_id",
            "tracking_link",
            "subject",
            "body",
            "send_attempts",
            "last_error",
            "sent_at",
            "answered_at",
            "answer_message",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_email(self, obj) -> str:
        return policy.contact_for(self.context.get("role"), ContactMethod.Kind.EMAIL, obj.email)

    def get_subject(self, obj) -> str:
        return policy.message_for(self.context.get("role"), obj.subject)

    def get_body(self, obj) -> str:
        return policy.message_for(self.context.get("role"), obj.body)


class InvitationStatusSerializer(StrictSerializer):
    ignored_fields = ("id",)

    status = serializers.ChoiceField(
        choices=[
            c
            for c in Invitation.Status.choices
            if c[0] not in (Invitation.Status.DRAFTED, Invitation.Status.SENDING)
        ]
    )
    # Statuses come from the flow (sent, opened, answered, reports); one set by hand says why,
    # and the reason is kept in the activity event.
    reason = serializers.CharField(max_length=500, help_text=_("Why the status is set by hand."))


class AmazonLinkSettingsSerializer(StrictModelSerializer):
    ignored_fields = ("created_at", "updated_at", "example")

    marketplaces = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(links.DOMAINS)),
        max_length=len(links.DOMAINS),
        required=False,
    )
    example = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("null until first saved")
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = AmazonLinkSettings
        fields = (
            "marketplaces",
            "store_id",
            "tracking_id_pattern",
            "attribution_tag_template",
            "example",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"tracking_id_pattern": {"validators": [TRACKING_ID_PATTERN]}}

    def get_example(self, obj) -> str:
        """A sample link for a creator with the handle @sample."""
        try:
            tag = links.tracking_id(
                pattern=obj.tracking_id_pattern,
                handle="sample",
                creator_id=1,
                store_id=obj.store_id,
            )
            market = (obj.marketplaces or ["US"])[0]
            return links.amazon_link(asin="B000000000", marketplace=market, tag=tag)
        except links.LinkError:
            return ""

    def validate(self, attrs):
        pattern = attrs.get(
            "tracking_id_pattern", getattr(self.instance, "tracking_id_pattern", "")
        )
        store_id = attrs.get("store_id", getattr(self.instance, "store_id", ""))
        try:
            links.tracking_id(pattern=pattern, handle="sample", creator_id=1, store_id=store_id)
        except links.LinkError as exc:
            raise serializers.ValidationError({"tracking_id_pattern": exc.messages}) from None
        return attrs


class ScoringWeightsSerializer(StrictModelSerializer):
    ignored_fields = ("created_at", "updated_at")
    created_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("null until first saved")
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = ScoringWeights
        fields = (*ScoringWeights.COMPONENTS, "created_at", "updated_at")
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {
            name: {"min_value": 0, "max_value": 100} for name in ScoringWeights.COMPONENTS
        }
