from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers.models import COUNT_FIELDS, ActivityEvent, Creator, MetricSnapshot
from influencers.services.events import event_record
from influencers.tasks import recompute_creator_rollups

VALUE_FIELDS = (*COUNT_FIELDS, "sales", "commission")


@transaction.atomic
def metric_snapshot_record(*, creator: Creator, actor=None, captured_at=None,
                           source: str = MetricSnapshot.Source.MANUAL, collaboration=None,
                           post=None, currency: str | None = None, **values) -> MetricSnapshot:
    unknown = set(values) - set(VALUE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown metric.")] for name in sorted(unknown)})
    for related, label in ((collaboration, "collaboration"), (post, "post")):
        if related is not None and related.creator_id != creator.pk:
            raise ValidationError({label: [_("It belongs to another creator.")]})
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
    transaction.on_commit(lambda: recompute_creator_rollups.delay([creator.pk]))
    return snapshot
