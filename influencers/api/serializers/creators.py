"""Creators: DRF serializers validate input; output is built by plain functions from values()
rows (no per-row field machinery), with `CreatorSerializer` describing that output in the
OpenAPI schema. A test keeps the two in step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from influencers.api.errors import UniquenessConflict
from influencers.models import (
    Agency,
    ContactMethod,
    Creator,
    CreatorStatus,
    Marketplace,
    Platform,
    PlatformAccount,
    TikTokShopStatus,
)
from influencers.normalisers import (
    NormaliseError,
    normalise_attribution_tag,
    normalise_email,
    normalise_handle,
    normalise_phone,
    normalise_tracking_id,
)
from influencers.policy import mask_contact
from influencers.scoring import reason_texts
from influencers.services.creators import PHONE_KINDS, AccountInput, ContactInput

from .base import (
    MAX_TEXT_LENGTH,
    StrictSerializer,
    WorkspaceMemberField,
    WorkspacePrimaryKeyField,
)

MAX_NESTED = 50


# --- output ----------------------------------------------------------------------------


def _normalised(value: str, normalise) -> str:
    """An optional ID: blank stays blank; otherwise normalised, or refused with the reason."""
    if not value:
        return value
    try:
        return normalise(value)
    except NormaliseError as exc:
        raise serializers.ValidationError(str(exc.reason)) from None


def _dt(value):
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _dec(value):
    return None if value is None else str(value)


def account_payload(row: dict) -> dict:
    return {
        "id": row["id"],
        "platform": row["platform"],
        "handle": row["handle"],
        "handle_normalised": row["handle_normalised"],
        "url": row["url"],
        "followers": row["followers"],
        "average_views": row["average_views"],
        "engagement_rate": _dec(row["engagement_rate"]),
        "last_synced_at": _dt(row["last_synced_at"]),
    }


def contact_payload(row: dict, *, masked: bool) -> dict:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "value": mask_contact(row["kind"], row["value"]) if masked else row["value"],
        "label": row["label"],
        "is_primary": row["is_primary"],
        "is_valid": row["is_valid"],
        "consent": row["consent"],
        "agency": row.get("agency"),  # the agency whose shared contact this is, if any
    }


def creators_payload(rows, accounts, contacts, tags, *, masked: bool) -> list[dict]:
    out = []
    for r in rows:
        pk = r["id"]
        out.append(
            {
                "id": pk,
                "display_name": r["display_name"],
                "status": r["status"],
                "owner": r["owner_id"],
                "agency": r["agency_id"],
                "country": r["country"],
                "amazon_marketplace": r["amazon_marketplace"],
                "language": r["language"],
                "languages": r["languages"],
                "rating": r["rating"],
                "consent_to_contact": r["consent_to_contact"],
                "consent_source": r["consent_source"],
                "consent_recorded_at": _dt(r["consent_recorded_at"]),
                "consent_amazon_links": r["consent_amazon_links"],
                "amazon_storefront_url": r["amazon_storefront_url"],
                "associates_tracking_id": r["associates_tracking_id"],
                "attribution_tag": r["attribution_tag"],
                "tiktok_shop_status": r["tiktok_shop_status"],
                "remarks": r["remarks"],
                "last_contacted_at": _dt(r["last_contacted_at"]),
                "followers": r["followers"],
                "engagement_rate": _dec(r["engagement_rate"]),
                "rollups": {
                    "collaborations": r["rollup_collaborations"],
                    "posts": r["rollup_posts"],
                    "views": r["rollup_views"],
                    "orders": r["rollup_orders"],
                    "gmv": _dec(r["rollup_gmv"]),
                    "cost": _dec(r["rollup_cost"]),
                    "roi": _dec(r["rollup_roi"]),
                    "updated_at": _dt(r["rollups_updated_at"]),
                },
                "readiness": r["readiness__score"],
                "readiness_reasons": reason_texts(r["readiness__reasons"]),
                "readiness_computed_at": _dt(r["readiness__computed_at"]),
                "tags": tags.get(pk, []),
                "accounts": [account_payload(a) for a in accounts.get(pk, ())],
                "contacts": [contact_payload(c, masked=masked) for c in contacts.get(pk, ())],
                "created_at": _dt(r["created_at"]),
                "updated_at": _dt(r["updated_at"]),
            }
        )
    return out


# --- schema of the output (documentation; see tests/test_api_creators.py) -----------------


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField()
    handle_normalised = serializers.CharField()
    url = serializers.CharField()
    followers = serializers.IntegerField(allow_null=True)
    average_views = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    last_synced_at = serializers.DateTimeField(allow_null=True)


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContactMethod.Kind.choices)
    value = serializers.CharField(help_text=_("Masked (j***@example.com) for viewers."))
    label = serializers.CharField(allow_blank=True)
    is_primary = serializers.BooleanField()
    is_valid = serializers.BooleanField()
    consent = serializers.BooleanField()


class RollupsSerializer(serializers.Serializer):
    collaborations = serializers.IntegerField()
    posts = serializers.IntegerField()
    views = serializers.IntegerField()
    orders = serializers.IntegerField()
    gmv = serializers.DecimalField(max_digits=14, decimal_places=2)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    roi = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class CreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    status = serializers.ChoiceField(choices=CreatorStatus.choices)
    owner = serializers.IntegerField(allow_null=True)
    agency = serializers.IntegerField(allow_null=True)
    country = serializers.CharField(allow_blank=True)
    amazon_marketplace = serializers.ChoiceField(
        choices=Marketplace.choices,
        allow_blank=True,
        help_text=_("Blank: the marketplace of the creator's country."),
    )
    language = serializers.CharField(allow_blank=True)
    languages = serializers.ListField(child=serializers.CharField())
    rating = serializers.IntegerField(allow_null=True)
    consent_to_contact = serializers.BooleanField()
    consent_source = serializers.CharField(help_text=_("Where the creator consented or said no."))
    consent_recorded_at = serializers.DateTimeField(allow_null=True)
    consent_amazon_links = serializers.BooleanField()
    amazon_storefront_url = serializers.CharField(allow_blank=True)
    associates_tracking_id = serializers.CharField(allow_blank=True)
    attribution_tag = serializers.CharField(allow_blank=True)
    tiktok_shop_status = serializers.ChoiceField(choices=TikTokShopStatus.choices)
    remarks = serializers.CharField(allow_blank=True)
    last_contacted_at = serializers.DateTimeField(allow_null=True)
    followers = serializers.IntegerField(help_text=_("Followers of the largest account."))
    engagement_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    rollups = RollupsSerializer()
    readiness = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("Switch-over readiness score, 0-100.")
    )
    readiness_reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("What makes up the score, in the request's language."),
    )
    readiness_computed_at = serializers.DateTimeField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    accounts = AccountSerializer(many=True)
    contacts = ContactSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# --- input -------------------------------------------------------------------------------


def _model_field(name):
    return Creator._meta.get_field(name)


class AccountInputSerializer(StrictSerializer):
    ignored_fields = ("id", "handle_normalised")

    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    followers = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, allow_null=True
    )
    average_views = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, allow_null=True
    )
    engagement_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
    )
    last_synced_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs):
        try:
            normalise_handle(attrs["handle"], platform=attrs["platform"])
        except NormaliseError as exc:
            raise serializers.ValidationError({"handle": [str(exc.reason)]}) from None
        except ValueError:  # a platform the handle normaliser does not know ("other")
            pass
        return attrs


class ContactInputSerializer(StrictSerializer):
    ignored_fields = ("id", "is_valid")

    kind = serializers.ChoiceField(choices=ContactMethod.Kind.choices)
    value = serializers.CharField(max_length=254)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    is_primary = serializers.BooleanField(required=False, default=False)
    consent = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs["kind"] == ContactMethod.Kind.EMAIL:
            try:
                normalise_email(attrs["value"])
            except NormaliseError as exc:
                raise serializers.ValidationError({"value": [str(exc.reason)]}) from None
        return attrs


# The Amazon identifiers' shapes (influencers.normalisers.amazon_ids), stated in the schema so
# a client learns them before sending (blank clears the value).
@extend_schema_field(
    {"type": "string", "maxLength": 64, "pattern": r"^(?:[A-Za-z0-9][A-Za-z0-9-]{0,60}-2[0-9])?$"}
)
class TrackingIdField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "maxLength": 128, "pattern": r"^[A-Za-z0-9_=.:\-]*$"})
class AttributionTagField(serializers.CharField):
    pass


class CreatorInputSerializer(StrictSerializer):
    """Create or change a creator, with accounts and contacts in the same request.

    Accounts and contacts are matched by their normalised handle/value and upserted; tags are
    names, created in the workspace when new, and replace the creator's tags when given."""

    ignored_fields = (
        "id",
        "created_at",
        "updated_at",
        "rollups",
        "readiness",
        "readiness_reasons",
        "readiness_computed_at",
        "followers",
        "engagement_rate",
        "last_contacted_at",
    )

    display_name = serializers.CharField(max_length=200)
    status = serializers.ChoiceField(choices=CreatorStatus.choices, required=False)
    owner = WorkspaceMemberField(required=False, allow_null=True)
    agency = WorkspacePrimaryKeyField(Agency, required=False, allow_null=True)
    country = serializers.CharField(max_length=60, required=False, allow_blank=True)
    amazon_marketplace = serializers.ChoiceField(
        choices=Marketplace.choices,
        required=False,
        allow_blank=True,
        help_text=_("Which Amazon store the creator's links use; blank: their country's."),
    )
    language = serializers.CharField(max_length=16, required=False, allow_blank=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=16), max_length=20, required=False
    )
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    consent_to_contact = serializers.BooleanField(
        required=False,
        help_text=_("Changing it needs consent_source (where the creator said so)."),
    )
    consent_source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent_amazon_links = serializers.BooleanField(required=False)
    amazon_storefront_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    associates_tracking_id = TrackingIdField(max_length=64, required=False, allow_blank=True)
    attribution_tag = AttributionTagField(max_length=128, required=False, allow_blank=True)
    tiktok_shop_status = serializers.ChoiceField(choices=TikTokShopStatus.choices, required=False)
    remarks = serializers.CharField(max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=80), max_length=MAX_NESTED, required=False
    )
    accounts = AccountInputSerializer(many=True, required=False, max_length=MAX_NESTED)
    contacts = ContactInputSerializer(many=True, required=False, max_length=MAX_NESTED)

    def validate_associates_tracking_id(self, value):
        return _normalised(value, normalise_tracking_id)

    def validate_attribution_tag(self, value):
        return _normalised(value, normalise_attribution_tag)

    def validate(self, attrs):
        # A phone number is valid or not for a region: the creator's country, the one in this
        # request or (a change) the stored one the view puts in the context. Checked here, the
        # error names the contact (`contacts.1.value`); the service would only say `value`.
        country = attrs["country"] if "country" in attrs else self.context.get("creator_country")
        errors = []
        for contact in attrs.get("contacts", ()):
            error = {}
            if contact["kind"] in PHONE_KINDS:
                try:
                    normalise_phone(contact["value"], default_region=country or None)
                except NormaliseError as exc:
                    error = {"value": [str(exc)]}
            errors.append(error)
        if any(errors):
            raise serializers.ValidationError({"contacts": errors})
        return attrs

    def refuse_taken_handles(self) -> None:
        """After is_valid (which would turn it into a 400): a handle another creator of the
        workspace already has is a 409 keyed by the account (`accounts.1.handle`), not the
        database constraint's words for the whole request."""
        accounts = self.validated_data.get("accounts") or ()
        workspace = self.context.get("workspace")
        if workspace is None or not accounts:
            return
        wanted = []
        for account in accounts:
            try:
                handle = normalise_handle(account["handle"], platform=account["platform"])
            except (NormaliseError, ValueError):
                handle = account["handle"].strip().lstrip("@")
            wanted.append((account["platform"], handle.lower()))
        taken = set(
            PlatformAccount.objects.filter(
                workspace=workspace,
                platform__in={p for p, _h in wanted},
                handle_normalised__in={h for _p, h in wanted},
            )
            .exclude(creator_id=self.context.get("creator_id"))
            .values_list("platform", "handle_normalised")
        )
        errors = [
            {"handle": [_("This handle is already in the pool for this platform.")]}
            if key in taken
            else {}
            for key in wanted
        ]
        if any(errors):
            raise UniquenessConflict({"accounts": errors})

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        args = {}
        if "accounts" in data:
            args["accounts"] = [AccountInput(**a) for a in data.pop("accounts")]
        if "contacts" in data:
            args["contacts"] = [ContactInput(**c) for c in data.pop("contacts")]
        if "tags" in data:
            args["tags"] = data.pop("tags")
        args["fields"] = data
        return args
