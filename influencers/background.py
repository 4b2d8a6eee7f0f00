"""Background work asked for by name: the one way services reach Celery.

Services say *what* should happen later ("refresh these creators' roll-ups after this commit");
`tasks.py` and `tasks_switchover.py` say *how* (thin tasks that call services). Naming the task
instead of importing it keeps imports one-way: tasks -> services -> background, never
services -> tasks (the cycle issue 11 removed). The task modules are imported by the app's
ready() (apps.py), so the names resolve in the web process, the worker and eager tests alike.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction

ROLLUPS = "influencers.tasks.recompute_creator_rollups"
READINESS_CREATORS = "influencers.tasks_switchover.readiness_recompute_creators"
READINESS_WORKSPACE = "influencers.tasks_switchover.readiness_recompute_workspace"
PLAN_RUN = "influencers.tasks_switchover.switchover_plan_run"
SEND_CHUNK = "influencers.tasks_switchover.switchover_send_chunk"
IMPORT_RUN = "influencers.tasks.import_job_run"


def send(name: str, *args, **options):
    """Queue the task now (or run it, in eager mode). `options` are apply_async's."""
    return current_app.tasks[name].apply_async(args=list(args), **options)


def after_commit(name: str, *args, **options) -> None:
    """Queue the task once the current transaction commits (never for a rolled-back write)."""
    transaction.on_commit(lambda: send(name, *args, **options))


def rollups_refresh(creator_ids) -> None:
    """Recompute these creators' roll-ups after commit."""
    ids = sorted({int(pk) for pk in creator_ids})
    if ids:
        after_commit(ROLLUPS, ids)
