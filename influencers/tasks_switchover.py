"""Celery tasks of the switch-over and the readiness score: thin, take ids, call one service."""

from celery import shared_task
from django.core.cache import cache


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
    soft_time_limit=540,
)
def readiness_recompute_creators(workspace_id: int, creator_ids: list[int]) -> int:
    from influencers.services.readiness import PENDING_KEY, readiness_recompute

    # Clear the debounce keys first: a change made while this runs queues a fresh run.
    cache.delete_many([PENDING_KEY.format(i) for i in creator_ids])
    return readiness_recompute(workspace_id=workspace_id, creator_ids=creator_ids)


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def readiness_recompute_workspace(workspace_id: int) -> int:
    from influencers.services.readiness import readiness_recompute

    return readiness_recompute(workspace_id=workspace_id)


@shared_task(acks_late=True, time_limit=4 * 3600, soft_time_limit=4 * 3600 - 60)
def readiness_recompute_all() -> int:
    from influencers.services.readiness import readiness_recompute_all as run

    return run()


# --- Switch-over launch. acks_late everywhere: drafting and sending are idempotent (plan lock,
# unique (plan, creator), claim-before-send), so a redelivered task does nothing twice.
@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def switchover_plan_run(plan_id: int) -> int:
    from influencers.services.switchover import switchover_plan_run as run

    return run(plan_id=plan_id)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def switchover_send_chunk(invitation_ids: list[int]) -> int:
    from influencers.services.switchover import switchover_send

    return switchover_send(invitation_ids=list(invitation_ids))


@shared_task(acks_late=True, time_limit=300)
def switchover_launch_due() -> list[int]:
    from influencers.services.switchover import switchover_launch_due as run

    return run()


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def switchover_remind_due() -> int:
    from influencers.services.switchover_reminders import switchover_remind_due as run

    return run()
