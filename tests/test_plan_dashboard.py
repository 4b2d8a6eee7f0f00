"""Issue 12 item 5: the plan's dashboard — funnel with counts and rates, the same stages day
by day (from events), who accepted / declined / did not answer (linked to the creator), who
was left out and why, and orders / GMV since the invitation from imported reports; every
figure below is counted by hand from the scenario, and the page costs the same number of
queries for 5 invitations as for 25."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influencers.models import Creator, Invitation, MetricSnapshot
from influencers.services.switchover import (
    invitation_answer,
    invitation_open,
    invitation_set_status,
    switchover_launch,
)
from tests.switchover_world import eligible, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, member):
    client.force_login(member)
    return client


def _url(plan):
    return reverse("admin:influencers_switchoverplan_dashboard_page", args=[plan.pk])


def _period(creator, day, orders, sales):
    return MetricSnapshot.objects.create(
        workspace=creator.workspace,
        creator=creator,
        captured_at=timezone.now(),
        source=MetricSnapshot.Source.IMPORT,
        kind=MetricSnapshot.Kind.PERIOD,
        report_kind="attribution",
        period_start=day,
        period_end=day,
        orders=orders,
        sales=Decimal(sales),
    )


@pytest.fixture
def day(workspace, settings, django_capture_on_commit_callbacks):
    """5 invited; 3 opened; 2 accepted, 1 declined; 1 of the accepted live. Left out: one who
    has not consented and one in Germany (the plan sells only in the US)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = make_plan(workspace)
    creators = eligible(workspace, 5)
    shy, german = eligible(workspace, 2, start=10)
    Creator.objects.filter(pk=shy.pk).update(consent_to_contact=False)
    Creator.objects.filter(pk=german.pk).update(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        switchover_launch(plan=plan)
    inv = {i.creator_id: i for i in Invitation.objects.filter(plan=plan)}
    a, b, c, d, _e = (inv[creator.pk] for creator in creators)
    for invitation in (a, b, c):
        invitation_open(invitation=invitation)
    invitation_answer(invitation=a, accept=True, message="Happy to, send the lamp!")
    invitation_answer(invitation=b, accept=True)
    invitation_answer(invitation=c, accept=False)
    invitation_set_status(invitation=a, status="live")
    today = timezone.localdate()
    _period(a.creator, today, 3, "30.00")  # since the invitation: counted
    _period(a.creator, today - dt.timedelta(days=3), 5, "99.00")  # before it: not counted
    MetricSnapshot.objects.create(  # a running total: a first sale seen, never added up
        workspace=workspace,
        creator=b.creator,
        captured_at=timezone.now(),
        source=MetricSnapshot.Source.IMPORT,
        orders=7,
        sales=Decimal("70.00"),
    )
    return {"plan": plan, "a": a, "b": b, "c": c, "d": d, "shy": shy, "german": german}


def test_the_funnel_days_lists_sales_and_skipped_count_by_hand(manager_client, day):
    response = manager_client.get(_url(day["plan"]))
    assert response.status_code == 200
    ctx = response.context
    funnel = {s["stage"]: (s["count"], s["percent"], s.get("step_percent")) for s in ctx["funnel"]}
    assert funnel == {
        "invited": (5, 100, None),
        "opened": (3, 60, 60),
        "answered": (3, 60, 100),
        "accepted": (2, 40, 67),
        "live": (1, 20, 50),
        "first_sale": (0, 0, 0),
    }
    (today,) = ctx["days"]
    assert today["day"] == timezone.localdate()
    assert {k: today[k] for k in ("sent", "opened", "accepted", "declined", "live")} == {
        "sent": 5,
        "opened": 3,
        "accepted": 2,
        "declined": 1,
        "live": 1,
    }
    # a: a report day since the invitation with orders; b: a reading taken since, with orders.
    assert today["first_sale"] == 2
    assert today["acceptance_rate"] == 40

    lists = {g["key"]: g for g in ctx["lists"]}
    assert lists["accepted"]["count"] == 2 and lists["declined"]["count"] == 1
    assert lists["no_answer"]["count"] == 2
    assert {i.creator_id for i in lists["accepted"]["rows"]} == {
        day["a"].creator_id,
        day["b"].creator_id,
    }
    assert ctx["sales"] == {"orders": "3", "gmv": ["30.00 USD"], "creators": 1}

    skipped = dict(ctx["skipped"]["rows"])
    assert skipped == {
        "Held back: has not consented to be contacted": 1,
        "No product in the creator's Amazon marketplace": 1,
    }
    names = {e["name"] for e in ctx["skipped"]["examples"]}
    assert names == {day["shy"].display_name, day["german"].display_name}

    html = response.content.decode()
    creator_a = reverse("admin:influencers_creator_change", args=[day["a"].creator_id])
    assert f'href="{creator_a}"' in html  # each name links to the creator
    assert "Happy to, send the lamp!" in html
    assert "3 orders, 30.00 USD" in html
    assert 'id="list-no_answer"' in html and 'id="skipped-creators"' in html
    assert 'aria-current="page"' in html  # the tab of this page is marked


def test_the_dashboard_is_in_chinese(manager_client, day):
    html = manager_client.get(_url(day["plan"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for words in ("逐日", "自邀请以来的销售", "未被邀请的人及原因", "已接受", "尚未回复"):
        assert words in html, words
    assert "No answer yet" not in html and "Left out, and why" not in html


def test_queries_do_not_grow_with_the_plan(manager_client, workspace, day, settings):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(_url(day["plan"])).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i, creator in enumerate(eligible(workspace, 20, start=100)):
        invitation = Invitation.objects.create(
            workspace=workspace,
            plan=day["plan"],
            creator=creator,
            status=Invitation.Status.SENT,
            sent_at=timezone.now(),
            email=f"x{i}@example.com",
            tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=x-20",
            tracking_id="x-20",
        )
        if i % 2:
            invitation_answer(invitation=invitation, accept=True)
    assert count() == before
