"""Writes for creators, their platform accounts and contact methods."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import policy
from influencers.models import ActivityEvent, ContactMethod, Creator, PlatformAccount, Tag
from influencers.normalisers import (
    PLATFORMS,
    NormaliseError,
    normalise_country,
    normalise_email,
    normalise_handle,
    normalise_phone,
    profile_url,
)
from influencers.services.events import event_record

PHONE_KINDS = {ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP}

CREATOR_EDITABLE_FIELDS = (
    "display_name",
    "status",
    "owner",
    "agency",
    "country",
    "amazon_marketplace",
    "language",
    "languages",
    "rating",
    "consent_to_contact",
    "consent_source",
    "consent_amazon_links",
    "amazon_storefront_url",
    "associates_tracking_id",
    "attribution_tag",
    "tiktok_shop_status",
    "remarks",
)


@dataclass
class AccountInput:
    platform: str
    handle: str
    url: str = ""
    followers: int | None = None
    average_views: int | None = None
    engagement_rate: object = None
    last_synced_at: object = None


@dataclass
class ContactInput:
    kind: str
    value: str
    label: str = ""
    is_primary: bool = False
    consent: bool = False
    extra: dict = field(default_factory=dict)


def _normalise_contact_value(kind: str, value: str, default_region: str | None) -> str:
    if kind == ContactMethod.Kind.EMAIL:
        return normalise_email(value)
    if kind in PHONE_KINDS:
        return normalise_phone(value, default_region=default_region or None)
    return value.strip().lower()


def _field_error(field_name: str, exc: NormaliseError) -> ValidationError:
    return ValidationError({field_name: [str(exc)]})


def _apply_creator_fields(creator: Creator, data: dict) -> list[str]:
    changed = []
    for name, value in data.items():
        if name not in CREATOR_EDITABLE_FIELDS:
            raise ValidationError({name: [_("This field cannot be set here.")]})
        if name == "country" and value:
            try:
                value = normalise_country(value)
            except NormaliseError as exc:
                raise _field_error("country", exc) from exc
        if name == "agency" and value is not None and value.workspace_id != creator.workspace_id:
            raise ValidationError({"agency": [_("This agency belongs to another workspace.")]})
        if getattr(creator, name) != value:
            setattr(creator, name, value)
            changed.append(name)
    if "consent_to_contact" in changed:
        _stamp_consent(creator, changed)
    return changed


def _stamp_consent(creator: Creator, changed: list[str]) -> None:
    """Consent is evidence: a change says where it came from and is stamped with the time.
    A new creator's consent may come without a source (it was entered with the creator)."""
    creator.consent_source = " ".join(creator.consent_source.split())
    if "consent_source" not in changed or not creator.consent_source:
        if creator.pk is not None:
            raise ValidationError(
                {
                    "consent_source": [
                        _(
                            'Say where the creator said so, e.g. "TikTok DM, 2026-12-01": '
                            "consent never changes without its source."
                        )
                    ]
                }
            )
        creator.consent_source = creator.consent_source or _("Entered when the creator was added")
        changed.append("consent_source")
    creator.consent_recorded_at = timezone.now()
    changed.append("consent_recorded_at")


def _normaliser_platform(platform: str) -> str | None:
    # "other" has no rules of its own: any well-formed handle (as in the admin); passing it
    # on would be the normaliser's "unknown platform" ValueError, a 500 (found by schemathesis).
    return platform if platform in PLATFORMS else None


def _account_save(*, creator: Creator, data: AccountInput) -> PlatformAccount:
    try:
        handle_normalised = normalise_handle(
            data.handle, platform=_normaliser_platform(data.platform)
        )
    except NormaliseError as exc:
        raise _field_error("handle", exc) from exc
    account = PlatformAccount.objects.filter(
        creator=creator, platform=data.platform, handle_normalised=handle_normalised
    ).first() or PlatformAccount(
        workspace=creator.workspace, creator=creator, platform=data.platform
    )
    account.handle = data.handle.strip()
    account.handle_normalised = handle_normalised
    account.url = data.url or account.url or profile_url(data.platform, handle_normalised)
    for name in ("followers", "average_views", "engagement_rate", "last_synced_at"):
        value = getattr(data, name)
        if value is not None:
            setattr(account, name, value)
    account.full_clean()
    account.save()
    return account


def _contact_save(*, creator: Creator, data: ContactInput) -> ContactMethod:
    try:
        normalised = _normalise_contact_value(data.kind, data.value, creator.country)
    except NormaliseError as exc:
        raise _field_error("value", exc) from exc
    contact = ContactMethod.objects.filter(
        creator=creator, kind=data.kind, value_normalised=normalised
    ).first() or ContactMethod(workspace=creator.workspace, creator=creator, kind=data.kind)
    contact.value = data.value.strip()
    contact.value_normalised = normalised
    contact.label = data.label
    contact.consent = data.consent
    contact.is_valid = True
    if data.is_primary:
        # Demote the current primary first: the partial unique index allows one per kind.
        ContactMethod.objects.filter(creator=creator, kind=data.kind, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)
    contact.is_primary = data.is_primary
    contact.full_clean(validate_constraints=False)
    contact.save()
    return contact


@transaction.atomic
def account_save(*, instance: PlatformAccount, actor=None) -> PlatformAccount:
    """Create or change one platform account as a form or serializer built it: the handle is
    normalised, the profile URL derived when none is given, and the reach of its creator (and
    of the creator it left, if it moved) refreshed."""
    action = policy.Action.ADD if instance.pk is None else policy.Action.CHANGE
    policy.require(actor, instance.workspace_id, action)
    previous = None
    if instance.pk is not None:
        previous = (
            PlatformAccount.objects.filter(pk=instance.pk).values_list("creator_id", flat=True)
        ).first()
    try:
        instance.handle_normalised = normalise_handle(
            instance.handle, platform=_normaliser_platform(instance.platform)
        )
    except NormaliseError as exc:
        raise _field_error("handle", exc) from exc
    instance.handle = instance.handle.strip()
    if not instance.url:
        instance.url = profile_url(instance.platform, instance.handle_normalised)
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save()
    creators_reach_refresh(creator_ids={instance.creator_id, previous} - {None})
    return instance


@transaction.atomic
def account_delete(*, instance: PlatformAccount, actor=None) -> None:
    policy.require(actor, instance.workspace_id, policy.Action.CHANGE)
    creator_id = instance.creator_id
    instance.delete()
    creators_reach_refresh(creator_ids=[creator_id])


@transaction.atomic
def contact_save(*, instance: ContactMethod, actor=None) -> ContactMethod:
    """Create or change one contact method as a form or serializer built it: the value is
    normalised (emails lower-cased, phones to E.164 in the creator's country) and a new
    primary demotes the old one of its kind (one primary per kind)."""
    action = policy.Action.ADD if instance.pk is None else policy.Action.CHANGE
    policy.require(actor, instance.workspace_id, action)
    region = Creator.objects.filter(pk=instance.creator_id).values_list("country", flat=True)
    try:
        instance.value_normalised = _normalise_contact_value(
            instance.kind, instance.value, region.first()
        )
    except NormaliseError as exc:
        raise _field_error("value", exc) from exc
    instance.value = instance.value.strip()
    if instance.is_primary:
        ContactMethod.objects.filter(
            creator_id=instance.creator_id, kind=instance.kind, is_primary=True
        ).exclude(pk=instance.pk).update(is_primary=False)
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save()
    return instance


@transaction.atomic
def contact_delete(*, instance: ContactMethod, actor=None) -> None:
    policy.require(actor, instance.workspace_id, policy.Action.CHANGE)
    instance.delete()


def creators_reach_refresh(*, creator_ids: Iterable[int]) -> int:
    """Store each creator's reach on the creator row (CreatorQuerySet.refresh_reach).
    Idempotent; called whenever accounts change and nightly."""
    ids = sorted(set(creator_ids))
    if not ids:
        return 0
    return Creator.objects.filter(pk__in=ids).refresh_reach()


def _set_tags(creator: Creator, tag_names: Iterable[str]) -> None:
    """Tags by name, case-insensitively: one query for the known ones, one insert for the new."""
    wanted: dict[str, str] = {}
    for name in tag_names:
        if name and name.strip():
            wanted.setdefault(name.strip().lower(), name.strip())
    known = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lname=Lower("name")).filter(
            workspace=creator.workspace, lname__in=list(wanted)
        )
    }
    new = [
        Tag(workspace=creator.workspace, name=name)
        for key, name in wanted.items()
        if key not in known
    ]
    for tag in Tag.objects.bulk_create(new):
        known[tag.name.lower()] = tag
    creator.tags.set(known.values())


@transaction.atomic
def creator_create(
    *,
    workspace,
    actor=None,
    display_name: str,
    accounts: Iterable[AccountInput] = (),
    contacts: Iterable[ContactInput] = (),
    tags: Iterable[str] | None = None,
    **fields,
) -> Creator:
    policy.require(actor, workspace, policy.Action.ADD)
    creator = Creator(workspace=workspace, display_name=display_name.strip())
    _apply_creator_fields(creator, fields)
    creator.full_clean(exclude=["owner"])
    creator.save()
    accounts = list(accounts)
    for account in accounts:
        _account_save(creator=creator, data=account)
    if accounts:
        creators_reach_refresh(creator_ids=[creator.pk])
    for contact in contacts:
        _contact_save(creator=creator, data=contact)
    if tags is not None:
        _set_tags(creator, tags)
    event_record(
        workspace=workspace,
        verb=ActivityEvent.Verb.CREATOR_CREATED,
        actor=actor,
        creator=creator,
        target=creator,
        data={"display_name": creator.display_name},
    )
    return creator


@transaction.atomic
def creator_update(
    *,
    creator: Creator,
    actor=None,
    data: dict | None = None,
    accounts: Iterable[AccountInput] | None = None,
    contacts: Iterable[ContactInput] | None = None,
    tags: Iterable[str] | None = None,
) -> Creator:
    """Update fields; accounts/contacts given are upserted (matched by normalised value)."""
    policy.require(actor, creator.workspace_id, policy.Action.CHANGE)
    creator = Creator.objects.select_for_update().get(pk=creator.pk)
    changed = _apply_creator_fields(creator, data or {})
    if changed:
        creator.full_clean(exclude=["owner"])
        creator.save(update_fields=[*changed, "updated_at"])
    accounts = list(accounts or ())
    contacts = list(contacts or ())
    for account in accounts:
        _account_save(creator=creator, data=account)
    if accounts:
        creators_reach_refresh(creator_ids=[creator.pk])
    for contact in contacts or ():
        _contact_save(creator=creator, data=contact)
    if tags is not None:
        _set_tags(creator, tags)
    if not changed and (accounts or contacts or tags is not None):
        # Nested changes count as a change of the creator (ETags, `updated_since` syncs).
        creator.save(update_fields=["updated_at"])
    event_record(
        workspace=creator.workspace,
        verb=ActivityEvent.Verb.CREATOR_UPDATED,
        actor=actor,
        creator=creator,
        target=creator,
        data={"fields": changed},
    )
    return creator
