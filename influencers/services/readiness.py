"""Readiness score writes: set-based recompute, debounced scheduling after changes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from influencers import background, scoring
from influencers.models import Creator, ScoringWeights, Workspace

RANGE_SIZE = 50_000
PENDING_KEY = "readiness:pending:{}"


def scoring_weights_for(*, workspace_id: int) -> dict[str, int]:
    row = ScoringWeights.objects.filter(workspace_id=workspace_id).first()
    return row.as_dict() if row else dict(scoring.DEFAULT_WEIGHTS)


def _score_range(workspace_id: int, weights: dict[str, int], low: int, high: int) -> int:
    with transaction.atomic():
        return scoring.score_id_range(
            workspace_id=workspace_id, weights=weights, low=low, high=high
        )


def _score_range_in_thread(*args) -> int:
    # Each thread has its own Django connection: close it when the range is done.
    try:
        return _score_range(*args)
    finally:
        connection.close()


def readiness_recompute(*, workspace_id: int, creator_ids=None) -> int:
    """Recompute readiness; returns how many creators' stored score or reasons changed (rows
    whose score and reasons come out the same are not rewritten, and keep their
    ``CreatorReadiness.computed_at``).

    With creator_ids: one statement for that batch. Without: the whole workspace, one statement
    (and transaction) per id range of RANGE_SIZE, READINESS_PARALLEL ranges at a time on their
    own connections; then ``Workspace.readiness_checked_at`` is set."""
    weights = scoring_weights_for(workspace_id=workspace_id)
    if creator_ids is not None:
        return scoring.score_creators(
            workspace_id=workspace_id, weights=weights, creator_ids=creator_ids
        )
    started = timezone.now()
    bounds = Creator.objects.filter(workspace_id=workspace_id).aggregate(
        low=Min("id"), high=Max("id")
    )
    updated = 0
    if bounds["low"] is not None:
        ranges = [
            (workspace_id, weights, low, low + RANGE_SIZE)
            for low in range(bounds["low"], bounds["high"] + 1, RANGE_SIZE)
        ]
        parallel = max(1, settings.READINESS_PARALLEL)
        # Other connections cannot see this transaction's rows: inside one, stay on it.
        if parallel == 1 or len(ranges) == 1 or connection.in_atomic_block:
            updated = sum(_score_range(*r) for r in ranges)
        else:
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                updated = sum(pool.map(lambda r: _score_range_in_thread(*r), ranges))
    Workspace.objects.filter(pk=workspace_id).update(readiness_checked_at=started)
    return updated


def readiness_recompute_all() -> int:
    total = 0
    for workspace_id in Workspace.objects.order_by("pk").values_list("pk", flat=True):
        total += readiness_recompute(workspace_id=workspace_id)
    return total


def readiness_schedule(*, workspace_id: int, creator_ids) -> None:
    """After the current transaction commits, recompute these creators in the background.

    Debounced: a creator already waiting (a cache key set until its task runs) is not queued
    again, and the task waits READINESS_DEBOUNCE_SECONDS so a burst of edits costs one run."""
    ids = sorted({int(i) for i in creator_ids if i})
    if not ids:
        return

    def enqueue():
        timeout = settings.READINESS_DEBOUNCE_SECONDS + 60
        fresh = [i for i in ids if cache.add(PENDING_KEY.format(i), 1, timeout=timeout)]
        if fresh:
            background.send(
                background.READINESS_CREATORS,
                workspace_id,
                fresh,
                countdown=settings.READINESS_DEBOUNCE_SECONDS,
            )

    transaction.on_commit(enqueue)


def readiness_weights_save(*, weights: ScoringWeights) -> ScoringWeights:
    weights.full_clean()
    weights.save()
    workspace_id = weights.workspace_id

    background.after_commit(background.READINESS_WORKSPACE, workspace_id)
    return weights


def _creator_changed(sender, instance, **kwargs):
    readiness_schedule(workspace_id=instance.workspace_id, creator_ids=[instance.pk])


def _related_changed(sender, instance, **kwargs):
    readiness_schedule(workspace_id=instance.workspace_id, creator_ids=[instance.creator_id])


def connect_signals() -> None:
    """Recompute after the rows the score reads change (called from AppConfig.ready). The
    receivers only register an on-commit hook; bulk writes (imports, roll-ups) schedule
    explicitly or are caught by the nightly run."""
    from django.db.models.signals import post_delete, post_save

    from influencers.models import Collaboration, ContactMethod, Note, PlatformAccount

    post_save.connect(_creator_changed, sender=Creator, dispatch_uid="readiness_creator")
    for model in (PlatformAccount, ContactMethod, Note, Collaboration):
        for signal in (post_save, post_delete):
            signal.connect(
                _related_changed, sender=model, dispatch_uid=f"readiness_{model.__name__}"
            )
