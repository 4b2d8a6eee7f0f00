"""Small helpers that write ActivityEvent rows (one place, so every write looks the same)."""

from django.contrib.contenttypes.models import ContentType

from influencers.models import ActivityEvent


def event_record(
    *, workspace, verb, actor=None, creator=None, creator_id=None, target=None, data=None
):
    return ActivityEvent.objects.create(
        workspace=workspace,
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        creator_id=creator.pk if creator is not None else creator_id,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        data=data or {},
    )
