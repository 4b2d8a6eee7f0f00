"""The home dashboard's pool section: charts over time, leaderboards, what needs doing.

Every figure is one set-based query for the workspace in scope (no query per creator or per
day); the charts are Chart.js data for the admin theme's chart component.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from influencers.models import (
    CollaborationStatus,
    CreatorStatus,
    ImportJob,
    MetricSnapshot,
    PlatformAccount,
    PoolDailyCount,
    Workspace,
)
from influencers.selectors.creator_profile import format_count, format_money, format_roi
from influencers.selectors.pool_counts import live_counts
from influencers.selectors.switchover import active_plan_funnels

CHART_WEEKS = 12
LEADERBOARD_DAYS = 90
LEADERBOARD_SIZE = 10
STALE_DAYS = 30
RECENT_IMPORTS = 5

# One colour per status, from the theme's palette, so a status keeps its colour across charts.
STATUS_COLOURS = {
    CreatorStatus.PROSPECT: "var(--color-base-400)",
    CreatorStatus.CONTACTED: "var(--color-primary-300)",
    CreatorStatus.NEGOTIATING: "var(--color-primary-500)",
    CreatorStatus.ACTIVE: "var(--color-primary-700)",
    CreatorStatus.PAUSED: "var(--color-base-600)",
    CreatorStatus.DO_NOT_CONTACT: "var(--color-red-500, #ef4444)",
}


@dataclass
class LeaderRow:
    creator_id: int
    name: str
    gmv: str
    orders: str
    roi: str
    url: str


def home_dashboard(workspace: Workspace) -> dict:
    today = timezone.localdate()
    weeks = _weekly_counts(workspace, today)
    return {
        "status_chart": _status_chart(weeks),
        "ready_chart": _ready_chart(weeks),
        "ready_now": sum(ready for _n, ready in weeks[-1][1].values()) if weeks else 0,
        "top_gmv": _leaders(workspace, order="gmv"),
        "top_roi": _leaders(workspace, order="roi"),
        "leaderboard_days": LEADERBOARD_DAYS,
        "stale_accounts": _stale_accounts(workspace).count(),
        "stale_days": STALE_DAYS,
        "stale_link": reverse("admin:influencers_platformaccount_changelist") + "?synced=stale",
        "recent_imports": _recent_imports(workspace),
        "plans": active_plan_funnels(workspace=workspace),
    }


def _weekly_counts(workspace: Workspace, today: dt.date) -> list[tuple[dt.date, dict]]:
    """[(day, {status: (creators, ready)})], the last stored day of each of the past weeks,
    then today's live counts (so a fresh install has a point and today is never stale)."""
    since = today - dt.timedelta(weeks=CHART_WEEKS)
    by_day: dict[dt.date, dict] = {}
    rows = PoolDailyCount.objects.filter(
        workspace=workspace, day__gte=since, day__lt=today
    ).values_list("day", "status", "creators", "ready")
    for day, status, creators, ready in rows:
        by_day.setdefault(day, {})[status] = (creators, ready)
    weekly: dict[tuple[int, int], dt.date] = {}
    for day in sorted(by_day):
        weekly[day.isocalendar()[:2]] = day  # the week's last stored day wins
    series = [(day, by_day[day]) for day in sorted(weekly.values())]
    series.append((today, live_counts(workspace)))
    return series


def _labels(weeks) -> list[str]:
    return [date_format(day, "SHORT_DATE_FORMAT") for day, _counts in weeks]


def _status_chart(weeks) -> str:
    datasets = [
        {
            "label": str(label),
            "data": [counts.get(status, (0, 0))[0] for _day, counts in weeks],
            "borderColor": STATUS_COLOURS.get(status),
            "backgroundColor": STATUS_COLOURS.get(status),
        }
        for status, label in CreatorStatus.choices
    ]
    return json.dumps({"labels": _labels(weeks), "datasets": datasets})


def _ready_chart(weeks) -> str:
    ready = [sum(r for _n, r in counts.values()) for _day, counts in weeks]
    return json.dumps(
        {
            "labels": _labels(weeks),
            "datasets": [
                {
                    "label": _("Ready for the switch"),
                    "data": ready,
                    "backgroundColor": "var(--color-primary-600)",
                }
            ],
        }
    )


def _leaders_sql(order: str) -> str:
    snap = MetricSnapshot._meta.db_table
    total, period = MetricSnapshot.Kind.TOTAL.value, MetricSnapshot.Kind.PERIOD.value
    dead = ", ".join(
        f"'{s}'" for s in (CollaborationStatus.DECLINED, CollaborationStatus.CANCELLED)
    )
    key = "creator_id, COALESCE(post_id, 0), COALESCE(collaboration_id, 0)"
    order_by = {
        "gmv": "gmv DESC, c.id",
        "roi": "(gmv - cost) / cost DESC, c.id",
    }[order]
    having = "cost > 0 AND gmv > 0" if order == "roi" else "gmv > 0"
    # Periods (report days) inside the window add up; a running total counts by how much it
    # grew inside the window (latest reading in it minus the latest before it).
    return f"""
    WITH periods AS (
        SELECT creator_id, SUM(COALESCE(sales, 0)) AS gmv, SUM(COALESCE(orders, 0)) AS orders,
               SUM(COALESCE(commission, 0)) AS commission
        FROM {snap}
        WHERE workspace_id = %(ws)s AND kind = '{period}' AND period_end >= %(since_day)s
        GROUP BY creator_id
    ),
    inside AS (
        SELECT DISTINCT ON ({key}) creator_id, post_id, collaboration_id,
               sales, orders
        FROM {snap}
        WHERE workspace_id = %(ws)s AND kind = '{total}' AND captured_at >= %(since)s
        ORDER BY {key}, captured_at DESC, id DESC
    ),
    before AS (
        SELECT DISTINCT ON ({key}) creator_id, post_id, collaboration_id, sales, orders
        FROM {snap}
        WHERE workspace_id = %(ws)s AND kind = '{total}' AND captured_at < %(since)s
          AND creator_id IN (SELECT creator_id FROM inside)
        ORDER BY {key}, captured_at DESC, id DESC
    ),
    totals AS (
        SELECT i.creator_id,
               SUM(GREATEST(COALESCE(i.sales, 0) - COALESCE(b.sales, 0), 0)) AS gmv,
               SUM(GREATEST(COALESCE(i.orders, 0) - COALESCE(b.orders, 0), 0)) AS orders
        FROM inside i LEFT JOIN before b
          ON b.creator_id = i.creator_id
         AND COALESCE(b.post_id, 0) = COALESCE(i.post_id, 0)
         AND COALESCE(b.collaboration_id, 0) = COALESCE(i.collaboration_id, 0)
        GROUP BY i.creator_id
    ),
    sales AS (
        SELECT creator_id, SUM(gmv) AS gmv, SUM(orders) AS orders
        FROM (SELECT creator_id, gmv, orders FROM periods
              UNION ALL SELECT creator_id, gmv, orders FROM totals) x
        GROUP BY creator_id
    ),
    costs AS (
        SELECT creator_id, SUM(fee + sample_cost) AS cost
        FROM influencers_collaboration
        WHERE workspace_id = %(ws)s AND created_at >= %(since)s AND status NOT IN ({dead})
        GROUP BY creator_id
    ),
    scored AS (
        SELECT s.creator_id, s.gmv, s.orders,
               COALESCE(k.cost, 0) + COALESCE(p.commission, 0) AS cost
        FROM sales s
        LEFT JOIN costs k ON k.creator_id = s.creator_id
        LEFT JOIN periods p ON p.creator_id = s.creator_id
    )
    SELECT c.id, c.display_name, sc.gmv, sc.orders, sc.cost
    FROM scored sc JOIN influencers_creator c ON c.id = sc.creator_id
    WHERE {having}
    ORDER BY {order_by}
    LIMIT {LEADERBOARD_SIZE}
    """


def _leaders(workspace: Workspace, *, order: str) -> list[LeaderRow]:
    since = timezone.now() - dt.timedelta(days=LEADERBOARD_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            _leaders_sql(order),
            {"ws": workspace.pk, "since": since, "since_day": since.date()},
        )
        rows = cursor.fetchall()
    currency = workspace.default_currency
    return [
        LeaderRow(
            creator_id=pk,
            name=name,
            gmv=format_money(gmv, currency),
            orders=format_count(orders),
            roi=format_roi(((gmv - cost) / cost) if cost else None),
            url=reverse("admin:influencers_creator_change", args=[pk]),
        )
        for pk, name, gmv, orders, cost in rows
    ]


def stale_accounts_q() -> Q:
    cutoff = timezone.now() - dt.timedelta(days=STALE_DAYS)
    return Q(last_synced_at__lt=cutoff) | Q(last_synced_at__isnull=True)


def _stale_accounts(workspace: Workspace):
    """Accounts whose numbers were not refreshed in 30 days (or never), of creators still in
    play (not do-not-contact)."""
    return PlatformAccount.objects.filter(stale_accounts_q(), workspace=workspace).exclude(
        creator__status=CreatorStatus.DO_NOT_CONTACT
    )


def _recent_imports(workspace: Workspace) -> list[dict]:
    jobs = ImportJob.objects.filter(workspace=workspace).order_by("-created_at")[:RECENT_IMPORTS]
    return [
        {
            "name": job.original_filename or str(job),
            "kind": job.get_kind_display(),
            "state": job.get_state_display(),
            "created": job.created_count,
            "updated": job.updated_count,
            "failed": job.failed_count,
            "when": job.created_at,
            "url": reverse("admin:influencers_importjob_change", args=[job.pk]),
        }
        for job in jobs
    ]
