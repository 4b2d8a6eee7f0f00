"""Reads of the sample ledger: which samples wait for their post, which are overdue, and how
well each creator follows through on the samples they were sent.

A sample counts as posted when the team marked it posted (``sample_posted_on``) or when a
content post is linked to its collaboration: the post itself is the proof, so nobody has to
record the same thing twice. Declined and cancelled collaborations are out of the ledger.

Follow-through is judged only on samples that are *due*: posted, or past their post-by date.
A sample shipped yesterday is not yet a broken promise, so it neither helps nor hurts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from influencers.models import (
    Collaboration,
    CollaborationStatus,
    ContentPost,
    MetricSnapshot,
    Workspace,
)

DEAD_STATUSES = (CollaborationStatus.DECLINED, CollaborationStatus.CANCELLED)


def samples_awaiting_post(queryset: QuerySet[Collaboration]) -> QuerySet[Collaboration]:
    """Collaborations whose sample went out and that have no post yet (marked or linked)."""
    posts = ContentPost.objects.filter(collaboration=OuterRef("pk"))
    return (
        queryset.filter(sample_shipped_on__isnull=False, sample_posted_on__isnull=True)
        .exclude(status__in=DEAD_STATUSES)
        .filter(~Exists(posts))
    )


def samples_overdue_q(today: dt.date) -> Q:
    return Q(sample_post_by__lt=today)


def samples_overdue(
    *, workspace: Workspace | None = None, queryset=None, today: dt.date | None = None
) -> QuerySet[Collaboration]:
    """Shipped, not posted, and the post-by date has passed (oldest promise first)."""
    today = today or timezone.localdate()
    if queryset is None:
        queryset = Collaboration.objects.filter(workspace=workspace)
    return (
        samples_awaiting_post(queryset)
        .filter(samples_overdue_q(today))
        .order_by("sample_post_by", "pk")
    )


# --- per creator: fulfilment rate and sample ROI ----------------------------------------------

# Common table expressions shared by `creator_sample_stats` and the readiness score
# (influencers/scoring.py), so both read the same rule. Parameters: %(ws)s, %(today)s;
# {where_l} / {where_s} narrow to the creators in hand (on l.creator_id / s.creator_id).
# sm: per creator, samples shipped, due (posted or past post-by), posted, and their cost.
# sg: GMV attributable to sample collaborations: readings on the collaboration itself or on a
# post linked to it; the latest running total per thing measured, plus every period (the same
# counting as the roll-ups, influencers/selectors/rollups.py).
SAMPLE_STATS_CTES = """
sl AS (
    SELECT l.id, l.creator_id, l.sample_cost, l.sample_post_by,
           (l.sample_posted_on IS NOT NULL OR EXISTS (
               SELECT 1 FROM {post} cp WHERE cp.collaboration_id = l.id)) AS posted
    FROM {collab} l
    WHERE l.workspace_id = %(ws)s AND l.sample_shipped_on IS NOT NULL
      AND l.status NOT IN ({dead}) {where_l}
),
sm AS (
    SELECT creator_id, COUNT(*) AS shipped,
           COUNT(*) FILTER (WHERE posted OR sample_post_by < %(today)s) AS due,
           COUNT(*) FILTER (WHERE posted) AS posted,
           SUM(sample_cost) AS cost
    FROM sl GROUP BY creator_id
),
sr AS (
    SELECT s.creator_id, s.kind, s.sales,
           ROW_NUMBER() OVER (
               PARTITION BY s.creator_id, s.kind, COALESCE(s.post_id, 0),
                            COALESCE(s.collaboration_id, 0)
               ORDER BY s.captured_at DESC, s.id DESC) AS rn
    FROM {snap} s
    LEFT JOIN {post} sp ON sp.id = s.post_id
    JOIN sl ON sl.id = COALESCE(s.collaboration_id, sp.collaboration_id)
    WHERE s.workspace_id = %(ws)s {where_s}
),
sg AS (
    SELECT creator_id, SUM(COALESCE(sales, 0)) AS gmv
    FROM sr WHERE kind = '{period}' OR rn = 1 GROUP BY creator_id
)"""


def sample_stats_ctes(*, where_l: str = "", where_s: str = "") -> str:
    return SAMPLE_STATS_CTES.format(
        post=ContentPost._meta.db_table,
        collab=Collaboration._meta.db_table,
        snap=MetricSnapshot._meta.db_table,
        dead=", ".join(f"'{s.value}'" for s in DEAD_STATUSES),
        period=MetricSnapshot.Kind.PERIOD.value,
        where_l=where_l,
        where_s=where_s,
    )


@dataclass(frozen=True)
class SampleStats:
    creator_id: int
    shipped: int = 0
    due: int = 0
    posted: int = 0
    cost: Decimal = Decimal("0")
    gmv: Decimal = Decimal("0")

    @property
    def fulfilment_rate(self) -> Decimal | None:
        """Posts per sample that is due (1 = every due sample was posted); None when none
        is due yet."""
        if not self.due:
            return None
        return (Decimal(self.posted) / Decimal(self.due)).quantize(Decimal("0.01"))

    @property
    def roi(self) -> Decimal | None:
        """GMV the samples brought per unit of their cost; None for free samples."""
        if not self.cost:
            return None
        return (self.gmv / self.cost).quantize(Decimal("0.01"))


def creator_sample_stats(*, workspace_id: int, creator_ids) -> dict[int, SampleStats]:
    """Sample figures for these creators (only those who were sent a sample), one query."""
    ids = sorted({int(i) for i in creator_ids})
    if not ids:
        return {}
    sql = (
        "WITH "
        + sample_stats_ctes(
            where_l="AND l.creator_id = ANY(%(ids)s)", where_s="AND s.creator_id = ANY(%(ids)s)"
        )
        + """
        SELECT sm.creator_id, sm.shipped, sm.due, sm.posted, sm.cost, COALESCE(sg.gmv, 0)
        FROM sm LEFT JOIN sg ON sg.creator_id = sm.creator_id
        """
    )
    params = {"ws": workspace_id, "today": timezone.localdate(), "ids": ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        cid: SampleStats(
            creator_id=cid,
            shipped=int(shipped),
            due=int(due),
            posted=int(posted),
            cost=Decimal(cost or 0).quantize(Decimal("0.01")),
            gmv=Decimal(gmv or 0).quantize(Decimal("0.01")),
        )
        for cid, shipped, due, posted, cost, gmv in rows
    }
