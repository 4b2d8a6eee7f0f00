"""The pool's counts by status right now (the daily counts' source and the dashboard's today)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from influencers.models import Workspace


def ready_score() -> int:
    """The readiness score from which a creator counts as ready for the Amazon switch."""
    return settings.READINESS_READY_SCORE


def live_counts(workspace: Workspace) -> dict[str, tuple[int, int]]:
    """{status: (creators, ready)} for the workspace now, in one GROUP BY over the creator and
    readiness rows (the readiness row always exists: a trigger adds it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.status, COUNT(*), COUNT(*) FILTER (WHERE r.score >= %s)
            FROM influencers_creator c
            JOIN influencers_creatorreadiness r ON r.creator_id = c.id
            WHERE c.workspace_id = %s
            GROUP BY c.status
            """,
            [ready_score(), workspace.pk],
        )
        return {status: (int(n), int(ready)) for status, n, ready in cursor.fetchall()}
