"""Reads of the switch-over: plans and invitations of one workspace."""

from collections import defaultdict

from django.db.models import Count, QuerySet

from influencers.models import Invitation, SwitchoverPlan


def plans_for_workspace(*, workspace) -> QuerySet[SwitchoverPlan]:
    return (
        SwitchoverPlan.objects.filter(workspace=workspace)
        .prefetch_related("messages", "products", "tags")
        .order_by("-created_at", "-pk")
    )


def attach_invitation_counts(plans) -> None:
    """plan.invitation_counts = {status: n} for these plans, in one query."""
    plans = list(plans)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if plans:
        for row in (
            Invitation.objects.filter(plan_id__in=[p.pk for p in plans])
            .values("plan_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[row["plan_id"]][row["status"]] = row["n"]
    for plan in plans:
        plan.invitation_counts = dict(counts.get(plan.pk, {}))


def invitations_for_workspace(*, workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace)


FIRST_SALES_SHOWN = 50


def plan_dashboard(plan: SwitchoverPlan) -> dict:
    """Counts by status, acceptances per day, and first sales: the first imported
    Attribution/Associates snapshot with orders or sales captured after the invitation was
    sent, per invited creator. A handful of queries whatever the plan's size."""
    from django.db.models import OuterRef, Q, Subquery
    from django.db.models.functions import TruncDate

    from influencers.models import MetricSnapshot

    invitations = Invitation.objects.filter(plan=plan)
    counts = {
        row["status"]: row["n"]
        for row in invitations.values("status").annotate(n=Count("id")).order_by()
    }
    acceptances = list(
        invitations.filter(status=Invitation.Status.ACCEPTED, answered_at__isnull=False)
        .annotate(day=TruncDate("answered_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    running = 0
    for row in acceptances:
        running += row["n"]
        row["total"] = running
    for row in acceptances:  # the cumulative curve, drawn as bars in the admin
        row["percent"] = round(row["total"] * 100 / running)
    sale = MetricSnapshot.objects.filter(
        creator_id=OuterRef("creator_id"),
        source=MetricSnapshot.Source.IMPORT,
        captured_at__gte=OuterRef("sent_at"),
    ).filter(Q(orders__gt=0) | Q(sales__gt=0))
    first = (
        invitations.filter(sent_at__isnull=False)
        .annotate(
            first_sale_at=Subquery(sale.order_by("captured_at").values("captured_at")[:1]),
            first_orders=Subquery(sale.order_by("captured_at").values("orders")[:1]),
            first_sales=Subquery(sale.order_by("captured_at").values("sales")[:1]),
        )
        .filter(first_sale_at__isnull=False)
    )
    return {
        "counts": counts,
        "reminders_sent": invitations.filter(reminded_at__isnull=False).count(),
        "total": sum(counts.values()),
        "acceptances": acceptances,
        "first_sales_count": first.count(),
        "first_sales": list(
            first.select_related("creator").order_by("first_sale_at")[:FIRST_SALES_SHOWN]
        ),
    }


_S = Invitation.Status
# Each funnel stage counts the invitations that reached it or any later stage.
FUNNEL_STAGES = (
    (
        "invited",
        (_S.SENT, _S.OPENED, _S.ANSWERED, _S.ACCEPTED, _S.DECLINED, _S.LIVE, _S.FIRST_SALE),
    ),
    ("opened", (_S.OPENED, _S.ANSWERED, _S.ACCEPTED, _S.DECLINED, _S.LIVE, _S.FIRST_SALE)),
    ("answered", (_S.ANSWERED, _S.ACCEPTED, _S.DECLINED, _S.LIVE, _S.FIRST_SALE)),
    ("accepted", (_S.ACCEPTED, _S.LIVE, _S.FIRST_SALE)),
    ("live", (_S.LIVE, _S.FIRST_SALE)),
    ("first_sale", (_S.FIRST_SALE,)),
)
ACTIVE_PLANS_SHOWN = 5


def _stage_labels() -> dict:
    from django.utils.translation import gettext as _

    return {
        "invited": _("Invited"),
        "opened": _("Opened"),
        "answered": _("Answered"),
        "accepted": _("Accepted"),
        "live": _("Live"),
        "first_sale": _("First sale"),
    }


def funnel(counts: dict[str, int]) -> list[dict]:
    """[{stage, count, percent of invited}] from {status: n}."""
    invited = sum(counts.get(s, 0) for s in FUNNEL_STAGES[0][1])
    labels = _stage_labels()
    rows = []
    for stage, statuses in FUNNEL_STAGES:
        n = sum(counts.get(s, 0) for s in statuses)
        rows.append(
            {
                "stage": stage,
                "label": labels[stage],
                "count": n,
                "percent": round(n * 100 / invited) if invited else 0,
            }
        )
    return rows


def active_plan_funnels(*, workspace) -> list[dict]:
    """The home page's line per active plan (launching or launched, newest first): its funnel,
    in two queries whatever the number of invitations."""
    from django.urls import reverse

    plans = list(
        SwitchoverPlan.objects.filter(
            workspace=workspace,
            status__in=[SwitchoverPlan.Status.LAUNCHING, SwitchoverPlan.Status.LAUNCHED],
        ).order_by("-launched_at", "-pk")[:ACTIVE_PLANS_SHOWN]
    )
    attach_invitation_counts(plans)
    return [
        {
            "plan": plan,
            "url": reverse("admin:influencers_switchoverplan_dashboard_page", args=[plan.pk]),
            "funnel": funnel(plan.invitation_counts),
        }
        for plan in plans
    ]
