from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from influencers import policy
from influencers.models import ActivityEvent, Creator, Note
from influencers.services.events import event_record


@transaction.atomic
def note_add(
    *,
    creator: Creator,
    actor=None,
    kind: str = Note.Kind.REMARK,
    body: str = "",
    occurred_at=None,
    **extra,
) -> Note:
    policy.require(actor, creator.workspace_id, policy.Action.ADD)
    note = Note(
        workspace=creator.workspace,
        creator=creator,
        author=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        body=body,
        occurred_at=occurred_at or timezone.now(),
        **extra,
    )
    note.full_clean()
    note.save()
    if kind in Note.CONTACT_KINDS:
        # Only ever move last contact forward; a back-dated note must not hide a newer one.
        Creator.objects.filter(pk=creator.pk).filter(
            Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=note.occurred_at)
        ).update(last_contacted_at=note.occurred_at, updated_at=timezone.now())
    event_record(
        workspace=creator.workspace,
        verb=ActivityEvent.Verb.NOTE_ADDED,
        actor=actor,
        creator=creator,
        target=note,
        data={"kind": kind},
    )
    return note
