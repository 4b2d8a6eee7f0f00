"""Plain writes for workspace-owned records that need no special rules beyond the model's own
validation (products, campaigns, tags, content posts, and edits/deletes of notes and
collaborations). Each validates with full_clean, saves only changed fields, and refreshes the
creator's roll-ups after commit when the record belongs to a creator."""

from django.db import models, transaction

from influencers.tasks import recompute_creator_rollups


def _refresh_rollups_on_commit(instance) -> None:
    creator_id = getattr(instance, "creator_id", None)
    if creator_id:
        transaction.on_commit(lambda: recompute_creator_rollups.delay([creator_id]))


@transaction.atomic
def record_create(
    *, model: type[models.Model], workspace, actor=None, m2m: dict | None = None, **fields
) -> models.Model:
    instance = model(workspace=workspace, **fields)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    _refresh_rollups_on_commit(instance)
    return instance


@transaction.atomic
def record_update(
    *, instance: models.Model, actor=None, data: dict, m2m: dict | None = None
) -> models.Model:
    changed = []
    for name, value in data.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    if changed:
        instance.full_clean()
        fields = [*changed]
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            fields.append("updated_at")
        instance.save(update_fields=fields)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    if changed or m2m:
        _refresh_rollups_on_commit(instance)
    return instance


@transaction.atomic
def record_delete(*, instance: models.Model, actor=None) -> None:
    creator_id = getattr(instance, "creator_id", None)
    instance.delete()
    if creator_id and type(instance).__name__ != "Creator":
        transaction.on_commit(lambda: recompute_creator_rollups.delay([creator_id]))
