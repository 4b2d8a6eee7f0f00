"""A switch-over plan's dashboard: the funnel with its rates, the same stages day by day (from
activity events: every status change is one), who accepted / declined / did not answer, who
was left out and why, and the orders and GMV imported Amazon reports show since each creator's
invitation. A fixed number of queries whatever the plan's size (tests/test_plan_dashboard.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from influencers.models import ActivityEvent, Invitation, MetricSnapshot, SwitchoverPlan
from influencers.selectors.creator_profile import format_count, format_money
from influencers.selectors.switchover import funnel
from influencers.switchover.selection import problem_label

S = Invitation.Status
LIST_ROWS = 25
SKIPPED_SHOWN = 50
ACCEPTED = (S.ACCEPTED, S.LIVE, S.FIRST_SALE)
NO_ANSWER = (S.SENT, S.OPENED)
# Day columns, in funnel order; each counts the events of that day.
ANSWERS = ("accepted", "declined")
LATER_STAGES = ("live", "first_sale")
DAY_STAGES = ("sent", "opened", "accepted", "declined", "reminded", "live", "first_sale")


def plan_dashboard(plan: SwitchoverPlan) -> dict:
    invitations = Invitation.objects.filter(plan=plan)
    counts = {
        row["status"]: row["n"]
        for row in invitations.values("status").annotate(n=Count("id")).order_by()
    }
    stages = funnel(counts)
    for previous, stage in zip(stages, stages[1:], strict=False):
        # The step's own conversion (opened of invited, answered of opened, ...).
        stage["step_percent"] = (
            round(stage["count"] * 100 / previous["count"]) if previous["count"] else 0
        )
    first = _first_sales(invitations)
    first_sale_days = {
        row["day"]: row["n"]
        for row in first.annotate(day=TruncDate("first_sale_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    }
    days = _days(plan, first_sale_days)
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "reminders_sent": invitations.filter(reminded_at__isnull=False).count(),
        "funnel": stages,
        "days": days,
        "days_chart": _days_chart(days),
        "acceptances": [{"day": d["day"], "n": d["accepted"]} for d in days if d["accepted"]],
        "lists": _lists(plan, invitations, counts),
        "sales": _sales_totals(plan),
        "first_sales_count": sum(first_sale_days.values()),
        "skipped": _skipped(plan),
    }


def _since_invitation(prefix: str = "") -> Q:
    """Snapshots of sales made on or after the invitation: a report's day (period_start) from
    the day it was sent, a reading without a period from the moment it was sent."""
    if prefix:
        sent, sent_day = F(f"{prefix}sent_at"), TruncDate(F(f"{prefix}sent_at"))
    else:  # the outer query is annotated with sent_day (TruncDate of an OuterRef fails)
        sent, sent_day = OuterRef("sent_at"), OuterRef("sent_day")
    return Q(period_start__isnull=False, period_start__gte=sent_day) | Q(
        period_start__isnull=True, captured_at__gte=sent
    )


def _first_sales(invitations):
    """Invitations annotated with the first imported snapshot with orders or sales since."""
    sale = (
        MetricSnapshot.objects.filter(
            creator_id=OuterRef("creator_id"), source=MetricSnapshot.Source.IMPORT
        )
        .filter(_since_invitation())
        .filter(Q(orders__gt=0) | Q(sales__gt=0))
        .order_by("captured_at")
    )
    return (
        invitations.filter(sent_at__isnull=False)
        .annotate(sent_day=TruncDate("sent_at"))
        .annotate(
            first_sale_at=Subquery(sale.values("captured_at")[:1]),
            first_orders=Subquery(sale.values("orders")[:1]),
            first_sales=Subquery(sale.values("sales")[:1]),
        )
        .filter(first_sale_at__isnull=False)
    )


def _days(plan, first_sale_days: dict) -> list[dict]:
    """One row per day with any event, each stage's count that day, running totals and the
    acceptance rate so far (accepted of invited)."""
    events = (
        ActivityEvent.objects.filter(
            workspace_id=plan.workspace_id,
            target_type=ContentType.objects.get_for_model(Invitation),
            target_id__in=Invitation.objects.filter(plan=plan).values("pk"),
        )
        .annotate(
            day=TruncDate("created_at"),
            answer=KeyTextTransform("answer", "data"),
            to=KeyTextTransform("to", "data"),
        )
        .values("day", "verb", "answer", "to")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DAY_STAGES, 0))
    V = ActivityEvent.Verb
    for row in events:
        stage = {
            V.INVITATION_SENT: "sent",
            V.INVITATION_OPENED: "opened",
            V.INVITATION_REMINDED: "reminded",
            V.INVITATION_ANSWERED: row["answer"]
            if row["answer"] in ("accepted", "declined")
            else "",
            V.INVITATION_STATUS_SET: row["to"] if row["to"] in ("live", "first_sale") else "",
        }.get(row["verb"], "")
        if stage:
            by_day[row["day"]][stage] += row["n"]
    for day, n in first_sale_days.items():
        # A status set by hand to "first sale" and one seen in a report are the same stage.
        by_day[day]["first_sale"] = max(by_day[day]["first_sale"], n)
    rows, invited, accepted = [], 0, 0
    for day in sorted(by_day):
        row = {"day": day, **by_day[day]}
        invited += row["sent"]
        accepted += row["accepted"]
        row["invited_total"], row["accepted_total"] = invited, accepted
        row["acceptance_rate"] = round(accepted * 100 / invited) if invited else 0
        rows.append(row)
    return rows


def _days_chart(days: list[dict]) -> str:
    """Each day's count per stage, for the theme's bar chart (bars show a single day too)."""
    series = (
        ("sent", _("Invited"), "var(--color-base-400)"),
        ("opened", _("Opened"), "var(--color-primary-300)"),
        ("accepted", _("Accepted"), "var(--color-primary-600)"),
        ("first_sale", _("First sale"), "var(--color-green-600, #16a34a)"),
    )
    datasets = []
    for key, label, colour in series:
        points = [row[key] for row in days]
        datasets.append(
            {"label": str(label), "data": points, "borderColor": colour, "backgroundColor": colour}
        )
    labels = [row["day"].isoformat() for row in days]
    return json.dumps({"labels": labels, "datasets": datasets})


def _lists(plan, invitations, counts: dict[str, int]) -> list[dict]:
    """Who accepted, who declined, who has not answered: the latest few of each, linked to the
    creator, with a link to all of them in the invitations list."""
    changelist = reverse("admin:influencers_invitation_changelist")
    groups = (
        ("accepted", _("Accepted"), ACCEPTED, "-answered_at"),
        ("declined", _("Declined"), (S.DECLINED,), "-answered_at"),
        ("no_answer", _("No answer yet"), NO_ANSWER, "sent_at"),
    )
    out, shown = [], []
    for key, label, statuses, order in groups:
        rows = list(
            invitations.filter(status__in=statuses)
            .select_related("creator")
            .order_by(order, "pk")[:LIST_ROWS]
        )
        shown.extend(rows)
        out.append(
            {
                "key": key,
                "label": label,
                "count": sum(counts.get(s, 0) for s in statuses),
                "rows": rows,
                "all_url": f"{changelist}?plan__id__exact={plan.pk}"
                f"&status__in={','.join(statuses)}",
            }
        )
    sales = _sales_by_creator(plan, [i.creator_id for i in shown])
    for invitation in shown:
        invitation.creator_url = reverse(
            "admin:influencers_creator_change", args=[invitation.creator_id]
        )
        invitation.sales_since = sales.get(invitation.creator_id, "")
    return out


def _sales_since(plan):
    """Period snapshots (days of imported Amazon reports) of the plan's invited creators from
    the day of their invitation: they add up (running totals would be counted twice)."""
    prefix = "creator__invitations__"
    return MetricSnapshot.objects.filter(
        Q(creator__invitations__plan=plan, creator__invitations__sent_at__isnull=False)
        & _since_invitation(prefix),
        source=MetricSnapshot.Source.IMPORT,
        kind=MetricSnapshot.Kind.PERIOD,
    )


def _sales_totals(plan) -> dict:
    rows = list(
        _sales_since(plan)
        .values("currency")
        .annotate(orders=Sum("orders"), gmv=Sum("sales"), creators=Count("creator", distinct=True))
        .order_by("currency")
    )
    return {
        "orders": format_count(sum(r["orders"] or 0 for r in rows)),
        "gmv": [format_money(r["gmv"] or 0, r["currency"]) for r in rows],
        "creators": sum(r["creators"] for r in rows),
    }


def _sales_by_creator(plan, creator_ids) -> dict[int, str]:
    if not creator_ids:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        _sales_since(plan)
        .filter(creator_id__in=creator_ids)
        .values("creator_id", "currency")
        .annotate(orders=Sum("orders"), gmv=Sum("sales"))
        .order_by("creator_id", "currency")
    )
    for row in rows:
        out[row["creator_id"]].append(
            _("%(orders)s orders, %(gmv)s")
            % {
                "orders": format_count(row["orders"] or 0),
                "gmv": format_money(row["gmv"] or 0, row["currency"]),
            }
        )
    return {pk: "; ".join(parts) for pk, parts in out.items()}


def _skipped(plan) -> dict:
    report = plan.launch_report or {}
    problems = sorted((report.get("problems") or {}).items(), key=lambda kv: -kv[1])
    return {
        "launched": bool(report),
        "total": sum(n for _code, n in problems),
        "rows": [(problem_label(code), n) for code, n in problems],
        "examples": [
            {
                "name": example["name"],
                "url": reverse("admin:influencers_creator_change", args=[example["creator"]]),
                "problems": [problem_label(code) for code in example["problems"]],
            }
            for example in (report.get("examples") or [])[:SKIPPED_SHOWN]
        ],
    }
