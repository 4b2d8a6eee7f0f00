from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import background, policy
from influencers.models import ActivityEvent, Collaboration, CollaborationStatus, Creator
from influencers.services.events import event_record
from influencers.services.samples import sample_post_by_fill

S = CollaborationStatus
# The pipeline: each status and where it may go next. Declined/cancelled/completed are final.
TRANSITIONS: dict[str, set[str]] = {
    S.PROPOSED: {S.AGREED, S.DECLINED, S.CANCELLED},
    S.AGREED: {S.SAMPLE_SHIPPED, S.CONTENT_LIVE, S.CANCELLED},
    S.SAMPLE_SHIPPED: {S.CONTENT_LIVE, S.CANCELLED},
    S.CONTENT_LIVE: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.DECLINED: set(),
    S.CANCELLED: set(),
}


def _enqueue_rollups(creator_id: int) -> None:
    background.rollups_refresh([creator_id])


@transaction.atomic
def collaboration_create(
    *, creator: Creator, actor=None, kind: str, products=(), **fields
) -> Collaboration:
    policy.require(actor, creator.workspace_id, policy.Action.ADD)
    collaboration = Collaboration(workspace=creator.workspace, creator=creator, kind=kind, **fields)
    sample_post_by_fill(collaboration, workspace=creator.workspace)
    collaboration.full_clean(exclude=["owner", "campaign"])
    collaboration.save()
    if products:
        collaboration.products.set(products)
    event_record(
        workspace=creator.workspace,
        verb=ActivityEvent.Verb.COLLABORATION_CREATED,
        actor=actor,
        creator=creator,
        target=collaboration,
        data={"kind": kind, "status": collaboration.status},
    )
    _enqueue_rollups(creator.pk)
    return collaboration


@transaction.atomic
def collaboration_advance(
    *, collaboration: Collaboration, actor=None, to_status: str, on_date=None, **fields
) -> Collaboration:
    """Move a collaboration along its pipeline; refuses jumps the pipeline does not allow."""
    policy.require(actor, collaboration.workspace_id, policy.Action.CHANGE)
    locked = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    from_status = locked.status
    if to_status not in TRANSITIONS.get(from_status, set()):
        raise ValidationError(
            {
                "status": [
                    _("A collaboration cannot go from %(from)s to %(to)s.")
                    % {
                        "from": S(from_status).label,
                        "to": S(to_status).label if to_status in S.values else to_status,
                    }
                ]
            }
        )
    today = on_date or timezone.localdate()
    locked.status = to_status
    update_fields = ["status", "updated_at", *fields]
    for name, value in fields.items():
        setattr(locked, name, value)
    if to_status == S.AGREED and locked.agreed_on is None:
        locked.agreed_on = today
        update_fields.append("agreed_on")
    if to_status == S.SAMPLE_SHIPPED and locked.sample_shipped_on is None:
        locked.sample_shipped_on = today
        update_fields.append("sample_shipped_on")
    if sample_post_by_fill(locked):
        update_fields.append("sample_post_by")
    if to_status == S.COMPLETED:
        locked.completed_on = today
        update_fields.append("completed_on")
    locked.full_clean(exclude=["owner", "campaign"])
    locked.save(update_fields=sorted(set(update_fields)))
    event_record(
        workspace=locked.workspace,
        verb=ActivityEvent.Verb.COLLABORATION_ADVANCED,
        actor=actor,
        creator_id=locked.creator_id,
        target=locked,
        data={"from": from_status, "to": to_status},
    )
    _enqueue_rollups(locked.creator_id)
    return locked
