"""Writes for workspace-owned records built by a form or a serializer: the one path the admin
and the API share for everything that has no service of its own (products, campaigns, tags,
agencies, content posts, and edits/deletes of notes and collaborations), and the dispatcher
that sends platform accounts and contact methods to their own services.

Each write asks the policy first (who may add, change or delete in this workspace), validates
the fields, saves only what changed, and refreshes the creator's roll-ups after commit when
the record belongs to a creator — so a fee changed in the admin recomputes exactly like one
changed through the API.
"""

from collections.abc import Iterable

from django.db import models, transaction

from influencers import background, policy
from influencers.models import Collaboration
from influencers.services.samples import sample_post_by_fill


def _special(instance):
    """Models whose writes carry more rules than validation (normalising, primaries, reach)."""
    from influencers.models import ContactMethod, PlatformAccount
    from influencers.services import creators

    return {
        PlatformAccount: (creators.account_save, creators.account_delete),
        ContactMethod: (creators.contact_save, creators.contact_delete),
    }.get(type(instance))


def _workspace(instance):
    return getattr(instance, "workspace_id", None)


def _action(instance, default: str) -> str:
    """Members, tokens and workspace settings are the owner's; everything else is the
    ordinary add / change / delete of the role ladder."""
    from influencers.models import AmazonLinkSettings, ApiToken, Membership, ScoringWeights

    if isinstance(instance, Membership | ApiToken | AmazonLinkSettings | ScoringWeights):
        return policy.Action.MANAGE
    return default


def _refresh_rollups_on_commit(instance, *also) -> None:
    creator_ids = {getattr(instance, "creator_id", None), *also} - {None}
    if creator_ids:
        background.rollups_refresh(creator_ids)


@transaction.atomic
def record_create(
    *, model: type[models.Model], workspace, actor=None, m2m: dict | None = None, **fields
) -> models.Model:
    instance = model(workspace=workspace, **fields)
    return record_save(instance=instance, actor=actor, m2m=m2m)


@transaction.atomic
def record_update(
    *, instance: models.Model, actor=None, data: dict, m2m: dict | None = None
) -> models.Model:
    changed = []
    for name, value in data.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return record_save(instance=instance, actor=actor, changed=changed, m2m=m2m)


@transaction.atomic
def record_save(
    *,
    instance: models.Model,
    actor=None,
    changed: Iterable[str] | None = None,
    m2m: dict | None = None,
) -> models.Model:
    """Create (no primary key yet) or update `instance` as its caller built it.

    `changed`: the fields that changed on an update (a form's changed_data); None saves every
    field. `m2m`: {field name: values} to set after the row is saved."""
    creating = instance.pk is None
    if _workspace(instance) is not None:
        action = policy.Action.ADD if creating else policy.Action.CHANGE
        policy.require(actor, instance.workspace_id, _action(instance, action))
    special = _special(instance)
    if special is not None:
        special[0](instance=instance, actor=actor)
        _set_m2m(instance, m2m)
        return instance
    previous_creator = None
    if not creating and hasattr(instance, "creator_id"):
        previous_creator = (
            type(instance)
            ._default_manager.filter(pk=instance.pk)
            .values_list("creator_id", flat=True)
            .first()
        )
    concrete = {f.name for f in instance._meta.concrete_fields}
    fields = None if changed is None else [n for n in changed if n in concrete]
    _derive(instance, creating, fields)
    if creating or fields is None or fields:
        # Every check, constraints included: a duplicate is a 400 with the field, not a 409
        # from the database.
        instance.full_clean()
        if creating or fields is None:
            instance.save()
        else:
            if "updated_at" in concrete:
                fields.append("updated_at")
            instance.save(update_fields=fields)
    _set_m2m(instance, m2m)
    if creating or fields is None or fields or m2m:
        _refresh_rollups_on_commit(instance, previous_creator)
    return instance


def _derive(instance, creating: bool, fields: list[str] | None) -> None:
    """Values that follow from others and must follow on every write path: a sample shipped
    from a form gets its post-by date exactly as one shipped through the pipeline."""
    if not isinstance(instance, Collaboration):
        return
    shipping_changed = creating or fields is None or "sample_shipped_on" in fields
    if shipping_changed and sample_post_by_fill(instance) and fields is not None:
        fields.append("sample_post_by")


def _set_m2m(instance, m2m: dict | None) -> None:
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)


@transaction.atomic
def record_delete(*, instance: models.Model, actor=None) -> None:
    if _workspace(instance) is not None:
        policy.require(actor, instance.workspace_id, _action(instance, policy.Action.DELETE))
    special = _special(instance)
    if special is not None:
        special[1](instance=instance, actor=actor)
        return
    creator_id = getattr(instance, "creator_id", None)
    instance.delete()
    if creator_id and type(instance).__name__ != "Creator":
        background.rollups_refresh([creator_id])


@transaction.atomic
def records_delete(*, instances: Iterable[models.Model], actor=None) -> int:
    """Delete several records (an admin bulk delete), each through record_delete."""
    count = 0
    for instance in instances:
        record_delete(instance=instance, actor=actor)
        count += 1
    return count
