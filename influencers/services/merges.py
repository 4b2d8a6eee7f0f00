"""Merge duplicate creators into one survivor without losing any row."""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from influencers import background, policy
from influencers.models import (
    ActivityEvent,
    ContactMethod,
    Creator,
    CreatorMerge,
    CreatorStatus,
    Invitation,
    PlatformAccount,
)
from influencers.services.creators import creators_reach_refresh
from influencers.services.events import event_record

# How a merge treats every relation that points at a creator, as (model label, field): rows
# MOVE to the survivor; FOLD moves them but folds duplicates into the survivor's own (one
# handle per platform, one contact per value, one invitation per plan); RECOMPUTE rows are
# per creator and recomputed for the survivor; HISTORY rows record what was and stay as they
# were. tests/test_merge_relations.py checks that this covers every relation the model
# registry holds (foreign keys, one-to-one, many-to-many, generic), so a relation added later
# cannot be forgotten by the merge.
MOVE, FOLD, RECOMPUTE, HISTORY = "move", "fold", "recompute", "history"
RELATIONS = {
    ("influencers.ActivityEvent", "creator"): MOVE,
    ("influencers.ActivityEvent", "target"): MOVE,  # generic: events about the creator
    ("influencers.Collaboration", "creator"): MOVE,
    ("influencers.ContentPost", "creator"): MOVE,
    ("influencers.CreatorMerge", "survivor"): MOVE,  # earlier merges into a merged creator
    ("influencers.MetricSnapshot", "creator"): MOVE,
    ("influencers.Note", "creator"): MOVE,
    ("influencers.PlatformAccount", "creator"): FOLD,
    ("influencers.ContactMethod", "creator"): FOLD,
    ("influencers.Invitation", "creator"): FOLD,
    ("influencers.Creator_tags", "creator"): FOLD,
    ("influencers.CreatorReadiness", "creator"): RECOMPUTE,
    ("influencers.HistoricalCollaboration", "creator"): HISTORY,
    ("influencers.HistoricalContactMethod", "creator"): HISTORY,
}

# How far an invitation got, least to most: of two invitations in one plan (survivor's and a
# merged creator's), the one further along stays; the other is kept in the merge record.
_INVITATION_PROGRESS = (
    Invitation.Status.DRAFTED,
    Invitation.Status.FAILED,
    Invitation.Status.SENDING,
    Invitation.Status.UNCERTAIN,
    Invitation.Status.SENT,
    Invitation.Status.OPENED,
    Invitation.Status.ANSWERED,
    Invitation.Status.DECLINED,
    Invitation.Status.ACCEPTED,
    Invitation.Status.LIVE,
    Invitation.Status.FIRST_SALE,
)


def _progress(invitation: Invitation) -> int:
    status = invitation.status
    return _INVITATION_PROGRESS.index(status) if status in _INVITATION_PROGRESS else -1


def _invitation_record(invitation: Invitation) -> dict:
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in model_to_dict(invitation).items()
    } | {"id": invitation.pk, "created_at": invitation.created_at.isoformat()}


def _merge_invitations(survivor: Creator, other: Creator, moved: Counter) -> list[dict]:
    """Move the other's invitations (and their answers) to the survivor. One invitation per
    creator per plan is the launch's exactly-once backstop, so when both were invited in the
    same plan the one further along stays on the survivor and the other is returned, in full,
    for the merge record: nothing is lost silently."""
    mine = {i.plan_id: i for i in Invitation.objects.filter(creator=survivor)}
    folded = []
    for invitation in Invitation.objects.filter(creator=other).order_by("pk"):
        held = mine.get(invitation.plan_id)
        if held is not None:
            keep, drop = (
                (invitation, held)
                if _progress(invitation) > _progress(held)
                else (held, invitation)
            )
            folded.append(_invitation_record(drop))
            drop.delete()
            moved["invitations_folded"] += 1
            if keep is held:
                continue
        invitation.creator = survivor
        invitation.save(update_fields=["creator", "updated_at"])
        mine[invitation.plan_id] = invitation
        moved["invitations"] += 1
    return folded


def _move(survivor: Creator, other: Creator, moved: Counter) -> None:
    """Every MOVE relation, generically (a new one needs only its line in RELATIONS)."""
    creator_type = ContentType.objects.get_for_model(Creator)
    for (label, name), how in RELATIONS.items():
        if how != MOVE:
            continue
        model = apps.get_model(label)
        field = model._meta.get_field(name)
        if isinstance(field, GenericForeignKey):
            rows = model.objects.filter(
                **{field.ct_field: creator_type, field.fk_field: other.pk}
            ).update(**{field.fk_field: survivor.pk})
        else:
            rows = model.objects.filter(**{field.attname: other.pk}).update(
                **{field.attname: survivor.pk}
            )
        moved[_moved_key(label, name)] += rows


def _moved_key(label: str, name: str) -> str:
    return {
        ("influencers.ActivityEvent", "creator"): "events",
        ("influencers.ActivityEvent", "target"): "events_about",
        ("influencers.Collaboration", "creator"): "collaborations",
        ("influencers.ContentPost", "creator"): "posts",
        ("influencers.CreatorMerge", "survivor"): "earlier_merges",
        ("influencers.MetricSnapshot", "creator"): "metric_snapshots",
        ("influencers.Note", "creator"): "notes",
    }.get((label, name), f"{label.split('.')[-1].lower()}.{name}")


# Fields the survivor takes from a merged creator when its own is empty.
_FILL_FIELDS = (
    "country",
    "language",
    "amazon_storefront_url",
    "associates_tracking_id",
    "attribution_tag",
    "owner_id",
    "rating",
    "last_contacted_at",
)


def _merge_accounts(survivor: Creator, other: Creator, moved: Counter) -> None:
    mine = {
        (a.platform, a.handle_normalised.lower()): a
        for a in PlatformAccount.objects.filter(creator=survivor)
    }
    for account in PlatformAccount.objects.filter(creator=other).order_by("pk"):
        key = (account.platform, account.handle_normalised.lower())
        kept = mine.get(key)
        if kept is None:
            account.creator = survivor
            account.save(update_fields=["creator", "updated_at"])
            mine[key] = account
            moved["accounts"] += 1
            continue
        # The same handle on both (only possible across workspaces' history or platform
        # "other"): keep the survivor's row and fold the numbers in (largest reach wins).
        changed = []
        for name in ("followers", "average_views", "engagement_rate", "last_synced_at"):
            theirs, ours = getattr(account, name), getattr(kept, name)
            if theirs is not None and (
                ours is None or (name != "engagement_rate" and theirs > ours)
            ):
                setattr(kept, name, theirs)
                changed.append(name)
        if changed:
            kept.save(update_fields=[*changed, "updated_at"])
        account.delete()
        moved["accounts_folded"] += 1


def _merge_contacts(survivor: Creator, other: Creator, moved: Counter) -> None:
    mine = set(
        ContactMethod.objects.filter(creator=survivor).values_list("kind", "value_normalised")
    )
    primary_kinds = set(
        ContactMethod.objects.filter(creator=survivor, is_primary=True).values_list(
            "kind", flat=True
        )
    )
    for contact in ContactMethod.objects.filter(creator=other).order_by("pk"):
        if (contact.kind, contact.value_normalised) in mine:
            contact.delete()
            moved["contacts_folded"] += 1
            continue
        contact.creator = survivor
        if contact.is_primary and contact.kind in primary_kinds:
            contact.is_primary = False
        if contact.is_primary:
            primary_kinds.add(contact.kind)
        contact.save(update_fields=["creator", "is_primary", "updated_at"])
        mine.add((contact.kind, contact.value_normalised))
        moved["contacts"] += 1


@transaction.atomic
def creators_merge(*, survivor: Creator, others, actor=None) -> CreatorMerge:
    """Fold `others` into `survivor`: accounts, contacts, collaborations, posts, notes, metric
    snapshots, activity events and tags move; empty fields are filled from the others;
    remarks are concatenated; the others are deleted; the merge is recorded. One transaction,
    creators locked in id order."""
    policy.require(actor, survivor.workspace_id, policy.Action.MERGE)
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        raise ValidationError(_("Choose at least one other creator to merge."))
    if any(o.workspace_id != survivor.workspace_id for o in others):
        raise ValidationError(_("Creators of different workspaces cannot be merged."))
    ids = sorted({survivor.pk, *(o.pk for o in others)})
    locked = {
        c.pk: c for c in Creator.objects.filter(pk__in=ids).order_by("pk").select_for_update()
    }
    if len(locked) != len(ids):
        raise ValidationError(_("One of these creators no longer exists."))
    survivor = locked[survivor.pk]
    others = [locked[o.pk] for o in others]
    moved: Counter = Counter()
    changed = set()
    snapshot = []
    for other in others:
        snapshot.append(
            {
                "id": other.pk,
                "display_name": other.display_name,
                "status": other.status,
                "country": other.country,
                "remarks": other.remarks,
            }
        )
        _merge_accounts(survivor, other, moved)
        _merge_contacts(survivor, other, moved)
        snapshot[-1]["invitations_folded"] = _merge_invitations(survivor, other, moved)
        # Collaborations, posts, notes, events, earlier merges; metric snapshots are
        # append-only, and re-pointing their owner is not an edit of the reading itself.
        _move(survivor, other, moved)
        survivor.tags.add(*other.tags.all())
        for name in _FILL_FIELDS:
            if getattr(survivor, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(survivor, name, getattr(other, name))
                changed.add(name)
        if survivor.status == CreatorStatus.PROSPECT and other.status != CreatorStatus.PROSPECT:
            survivor.status = other.status
            changed.add("status")
        if other.status == CreatorStatus.DO_NOT_CONTACT:
            # Never lose a do-not-contact: the merged person asked not to be contacted.
            survivor.status = CreatorStatus.DO_NOT_CONTACT
            changed.add("status")
        if other.remarks and other.remarks not in survivor.remarks:
            survivor.remarks = "\n".join(filter(None, [survivor.remarks, other.remarks]))
            changed.add("remarks")
        # Consent stays the survivor's own: it is a deliberate, per-person choice.
    if changed:
        survivor.save(update_fields=[*sorted(changed), "updated_at"])
    Creator.objects.filter(pk__in=[o.pk for o in others]).delete()
    creators_reach_refresh(creator_ids=[survivor.pk])
    merge = CreatorMerge.objects.create(
        workspace=survivor.workspace,
        survivor=survivor,
        actor=actor if actor is not None and actor.is_authenticated else None,
        merged=snapshot,
        moved=dict(moved),
    )
    event_record(
        workspace=survivor.workspace,
        verb=ActivityEvent.Verb.CREATORS_MERGED,
        actor=actor,
        creator=survivor,
        target=merge,
        data={"merged": [s["id"] for s in snapshot], "moved": dict(moved)},
    )

    background.rollups_refresh([survivor.pk])
    return merge
