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
