from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import background, policy
from influencers.models import COUNT_FIELDS, ActivityEvent, Creator, MetricSnapshot
from influencers.services.events import event_record

VALUE_FIELDS = (*COUNT_FIELDS, "sales", "commission")


@transaction.atomic
def metric_snapshot_record(
    *,
    creator: Creator,
    actor=None,
    captured_at=None,
    source: str = MetricSnapshot.Source.MANUAL,
    collaboration=None,
    post=None,
    currency: str | None = None,
    **values,
) -> MetricSnapshot:
    policy.require(actor, creator.workspace_id, policy.Action.ADD)
    unknown = set(values) - set(VALUE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown metric.")] for name in sorted(unknown)})
    # full_clean() below also refuses a collaboration or post of another creator
    # (OneCreatorModel.clean).
    snapshot = MetricSnapshot(
        workspace=creator.workspace,
        creator=creator,
        collaboration=collaboration,
        post=post,
        captured_at=captured_at or timezone.now(),
        source=source,
        currency=currency or creator.workspace.default_currency,
        **values,
    )
    snapshot.full_clean()
    snapshot.save()
    event_record(
        workspace=creator.workspace,
        verb=ActivityEvent.Verb.METRICS_RECORDED,
        actor=actor,
        creator=creator,
        target=snapshot,
        data={k: str(v) for k, v in values.items() if v is not None},
    )
    background.rollups_refresh([creator.pk])
    return snapshot


@transaction.atomic
def metric_snapshots_record_bulk(*, workspace, actor=None, items: list[dict]) -> list[int]:
    """Record many snapshots at once (all or nothing). `items` are validated dicts whose
    creator/collaboration/post are model instances of `workspace`, belonging together.
    One INSERT for the rows, one for the activity events (one per creator), one roll-up task."""
    policy.require(actor, workspace, policy.Action.ADD)
    now = timezone.now()
    snapshots = []
    for item in items:
        item = dict(item)
        creator = item.pop("creator")
        snapshot = MetricSnapshot(
            workspace=workspace,
            creator=creator,
            captured_at=item.pop("captured_at", None) or now,
            currency=item.pop("currency", None) or workspace.default_currency,
            **item,
        )
        snapshots.append(snapshot)
    MetricSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    per_creator: dict[int, int] = {}
    for snapshot in snapshots:
        per_creator[snapshot.creator_id] = per_creator.get(snapshot.creator_id, 0) + 1
    ActivityEvent.objects.bulk_create(
        [
            ActivityEvent(
                workspace=workspace,
                verb=ActivityEvent.Verb.METRICS_RECORDED,
                actor=actor if actor is not None and actor.is_authenticated else None,
                creator_id=creator_id,
                data={"snapshots": count, "bulk": True},
            )
            for creator_id, count in per_creator.items()
        ],
        batch_size=1000,
    )
    creator_ids = sorted(per_creator)
    background.rollups_refresh(creator_ids)
    return [s.pk for s in snapshots]
