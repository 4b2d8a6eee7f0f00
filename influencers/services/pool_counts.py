"""The pool's daily counts (models.PoolDailyCount): written once a day, read by the dashboard."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from influencers.models import CreatorStatus, PoolDailyCount, Workspace
from influencers.selectors.pool_counts import live_counts, ready_score


@transaction.atomic
def pool_counts_record(workspace: Workspace, day: dt.date | None = None) -> int:
    """Store today's counts for the workspace; running it twice a day keeps one row per status."""
    day = day or timezone.localdate()
    counts = live_counts(workspace)
    rows = [
        PoolDailyCount(
            workspace=workspace,
            day=day,
            status=status,
            creators=counts.get(status, (0, 0))[0],
            ready=counts.get(status, (0, 0))[1],
        )
        for status in CreatorStatus.values
    ]
    PoolDailyCount.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["workspace", "day", "status"],
        update_fields=["creators", "ready"],
    )
    return len(rows)


@transaction.atomic
def pool_counts_backfill(workspace: Workspace, *, weeks: int = 12) -> int:
    """Reconstruct weekly counts for a pool loaded in one go (the demo), from when each creator
    was added and its status today: the best the rows can tell; real history comes from the
    daily task. Days that already have counts are left alone."""
    today = timezone.localdate()
    days = [today - dt.timedelta(weeks=w) for w in range(weeks, 0, -1)]
    known = set(
        PoolDailyCount.objects.filter(workspace=workspace, day__in=days).values_list(
            "day", flat=True
        )
    )
    rows = []
    with connection.cursor() as cursor:
        for day in days:
            if day in known:
                continue
            cursor.execute(
                """
                SELECT c.status, COUNT(*), COUNT(*) FILTER (WHERE r.score >= %s)
                FROM influencers_creator c
                JOIN influencers_creatorreadiness r ON r.creator_id = c.id
                WHERE c.workspace_id = %s AND c.created_at::date <= %s
                GROUP BY c.status
                """,
                [ready_score(), workspace.pk, day],
            )
            counts = {status: (n, ready) for status, n, ready in cursor.fetchall()}
            rows += [
                PoolDailyCount(
                    workspace=workspace,
                    day=day,
                    status=status,
                    creators=counts.get(status, (0, 0))[0],
                    ready=counts.get(status, (0, 0))[1],
                )
                for status in CreatorStatus.values
            ]
    PoolDailyCount.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
