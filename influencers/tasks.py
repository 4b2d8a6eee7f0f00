"""Celery tasks: thin, take ids, call one service. Safe to retry (the services are idempotent)."""

from celery import shared_task

from influencers.models import Creator


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
    soft_time_limit=540,
)
def recompute_creator_rollups(creator_ids: list[int]) -> int:
    from influencers.services.rollups import creator_rollups_store

    return creator_rollups_store(creator_ids=list(creator_ids))


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def recompute_all_rollups() -> int:
    from influencers.services.rollups import creator_rollups_store

    total = 0
    ids = Creator.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) >= 5000:
            total += creator_rollups_store(creator_ids=batch)
            batch = []
    if batch:
        total += creator_rollups_store(creator_ids=batch)
    return total


# --- Imports (influencers/services/imports.py) ---------------------------------------------
# acks_late: the job resumes from its committed cursor, so running it twice is harmless.
@shared_task(acks_late=True, time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def import_job_run(job_id: int) -> str:
    from influencers.services.imports import import_job_run as run

    return run(job_id=job_id).state


@shared_task(acks_late=True, time_limit=300)
def import_jobs_requeue_stalled() -> list[int]:
    from influencers.services.imports import import_jobs_requeue_stalled as requeue

    return requeue()


@shared_task(acks_late=True, time_limit=1800)
def pool_counts_record_all() -> int:
    """Every workspace's counts for today (the dashboard's history); safe to run twice."""
    from influencers.models import Workspace
    from influencers.services.pool_counts import pool_counts_record

    return sum(pool_counts_record(workspace) for workspace in Workspace.objects.all())


# Idempotent within a day: each member's digest is claimed (a conditional UPDATE) before it is
# sent, so a beat that fires twice, or a redelivered task, sends nobody a second digest.
@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def digest_send_due() -> int:
    from influencers.services.digest import digest_send_due as run

    return run()


# The switch-over's tasks live in their own module; importing it here registers them with
# Celery's autodiscovery (which only imports `<app>.tasks`).
from influencers import tasks_switchover  # noqa: E402,F401
