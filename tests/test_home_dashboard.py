"""The home dashboard's pool section (issue 13 item 5): the pool by status over time, creators
ready for the switch week by week, top 10 by GMV and by ROI over 90 days (sums checked by hand),
stale numbers, recent imports; the daily counts recorded once per day even when run twice."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influencers import models as m
from influencers.selectors.dashboard import home_dashboard
from influencers.services.pool_counts import pool_counts_record
from influencers.tasks import pool_counts_record_all
from tests.factories import (
    CollaborationFactory,
    ContentPostFactory,
    CreatorFactory,
    MetricSnapshotFactory,
    PlatformAccountFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _chart(html, element):
    raw = re.search(rf'data-type="{element}" data-value="([^"]+)"', html).group(1)
    return json.loads(raw.replace("&quot;", '"'))


def _period(creator, day, sales, orders):
    return MetricSnapshotFactory(
        creator=creator,
        kind=m.MetricSnapshot.Kind.PERIOD,
        period_start=day,
        period_end=day,
        report_kind="amazon_attribution",
        period_key=f"k{day}{sales}",
        captured_at=timezone.now(),
        sales=Decimal(sales),
        orders=orders,
        views=None,
    )


def test_top_gmv_sums_report_days_and_counts_only_the_growth_of_totals(workspace):
    today = timezone.localdate()
    alice = CreatorFactory(workspace=workspace, display_name="Alice")
    bob = CreatorFactory(workspace=workspace, display_name="Bob")
    # Alice: three report days in the window (30.50 + 20.00 + 10.00) and one before it.
    _period(alice, today - dt.timedelta(days=1), "30.50", 4)
    _period(alice, today - dt.timedelta(days=2), "20.00", 3)
    _period(alice, today - dt.timedelta(days=3), "10.00", 2)
    _period(alice, today - dt.timedelta(days=200), "999.00", 50)
    # Bob: a running total that read 100 before the window and 175 inside it -> grew 75.
    post = ContentPostFactory(creator=bob)
    MetricSnapshotFactory(
        creator=bob, post=post, captured_at=timezone.now() - dt.timedelta(days=120), sales=100
    )
    MetricSnapshotFactory(
        creator=bob, post=post, captured_at=timezone.now() - dt.timedelta(days=5), sales=175
    )
    CollaborationFactory(creator=bob, fee=Decimal("25.00"), sample_cost=Decimal("0"))

    board = home_dashboard(workspace)

    gmv = [(row.name, row.gmv) for row in board["top_gmv"]]
    assert gmv == [("Bob", "75.00 USD"), ("Alice", "60.50 USD")]
    assert [row.orders for row in board["top_gmv"]][1] == "9"
    # ROI only for creators with a cost: Bob (75 - 25) / 25 = 200%.
    assert [(row.name, row.roi) for row in board["top_roi"]] == [("Bob", "200.0%")]


def test_pool_by_status_over_time_and_ready_trend(workspace):
    today = timezone.localdate()
    for weeks_ago, prospects in ((3, 2), (2, 4), (1, 5)):
        m.PoolDailyCount.objects.create(
            workspace=workspace,
            day=today - dt.timedelta(weeks=weeks_ago),
            status="prospect",
            creators=prospects,
            ready=weeks_ago,
        )
    CreatorFactory.create_batch(3, workspace=workspace, status="active")

    board = home_dashboard(workspace)

    status = json.loads(board["status_chart"])
    prospect = next(d for d in status["datasets"] if d["label"] == "Prospect")
    active = next(d for d in status["datasets"] if d["label"] == "Active")
    assert prospect["data"] == [2, 4, 5, 0]  # three stored weeks, then today live
    assert active["data"] == [0, 0, 0, 3]
    ready = json.loads(board["ready_chart"])["datasets"][0]["data"]
    assert ready[:3] == [3, 2, 1]


def test_the_daily_counts_are_written_once_per_day_even_when_run_twice(workspace):
    CreatorFactory.create_batch(2, workspace=workspace, status="contacted")

    pool_counts_record_all()
    CreatorFactory(workspace=workspace, status="contacted")
    pool_counts_record_all()

    rows = m.PoolDailyCount.objects.filter(workspace=workspace, status="contacted")
    assert [(r.day, r.creators) for r in rows] == [(timezone.localdate(), 3)]
    assert m.PoolDailyCount.objects.filter(workspace=workspace).count() == len(
        m.CreatorStatus.values
    )


def test_stale_numbers_link_to_the_stale_accounts(member_client, workspace):
    fresh = PlatformAccountFactory(
        creator=CreatorFactory(workspace=workspace), last_synced_at=timezone.now()
    )
    stale = PlatformAccountFactory(
        creator=CreatorFactory(workspace=workspace),
        last_synced_at=timezone.now() - dt.timedelta(days=45),
    )
    never = PlatformAccountFactory(creator=CreatorFactory(workspace=workspace), last_synced_at=None)

    board = home_dashboard(workspace)
    assert board["stale_accounts"] == 2

    listing = member_client.get(board["stale_link"])
    shown = {a.pk for a in listing.context["cl"].result_list}
    assert shown == {stale.pk, never.pk}
    assert fresh.pk not in shown


def test_the_dashboard_page_shows_the_pool_section_in_both_languages(member_client, workspace):
    pool_counts_record(workspace, day=timezone.localdate() - dt.timedelta(days=8))
    m.ImportJob.objects.create(
        workspace=workspace, kind="creators", original_filename="pool-dec.csv", created_count=7
    )

    english = member_client.get(reverse("admin:index")).content.decode()
    chinese = member_client.get(
        reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert 'id="dashboard-pool"' in english
    assert "Pool by status over time" in english
    assert "pool-dec.csv" in english and "7 new, 0 updated, 0 failed" in english
    assert _chart(english, "line")["labels"]
    assert _chart(english, "bar")["datasets"][0]["label"] == "Ready for the switch"
    assert "达人库状态变化" in chinese and "最近导入" in chinese
    assert "Pool by status over time" not in chinese


def test_the_dashboard_costs_the_same_with_more_history(member_client, workspace):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            member_client.get(reverse("admin:index"))
        return len(ctx.captured_queries)

    before = queries()
    for i in range(20):
        creator = CreatorFactory(workspace=workspace)
        _period(creator, timezone.localdate() - dt.timedelta(days=i), "10.00", 1)
        m.ImportJob.objects.create(workspace=workspace, kind="creators", original_filename=f"{i}")
        m.PoolDailyCount.objects.create(
            workspace=workspace,
            day=timezone.localdate() - dt.timedelta(days=i + 1),
            status="prospect",
            creators=i,
        )

    assert queries() == before


def test_each_active_plan_shows_its_funnel_in_one_line(member_client, workspace):
    from tests.switchover_world import eligible, make_plan

    plan = make_plan(workspace, status=m.SwitchoverPlan.Status.LAUNCHED)
    m.SwitchoverPlan.objects.create(workspace=workspace, name="Draft", commission_rate=10)
    statuses = ["sent"] * 4 + ["opened"] * 3 + ["declined", "accepted", "live", "first_sale"]
    for creator, status in zip(eligible(workspace, len(statuses)), statuses, strict=True):
        m.Invitation.objects.create(
            workspace=workspace,
            plan=plan,
            creator=creator,
            status=status,
            email="x@example.com",
            tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=x-20",
            tracking_id="x-20",
        )
    with CaptureQueriesContext(connection) as ctx:
        english = member_client.get(reverse("admin:index")).content.decode()
    line = re.search(rf'data-plan="{plan.pk}".*?</div>', english, re.S).group(0)
    counts = dict(re.findall(r'data-stage="(\w+)">.*?<strong>(\d+)</strong>', line, re.S))
    # By hand: 11 invited; 7 opened or further; 4 answered; 3 accepted; 2 live; 1 first sale.
    assert counts == {
        "invited": "11",
        "opened": "7",
        "answered": "4",
        "accepted": "3",
        "live": "2",
        "first_sale": "1",
    }
    assert "(64%)" in line  # 7 of 11 opened
    assert english.count("data-plan=") == 1
    chinese = member_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "进行中的切换计划" in chinese.content.decode()
    assert len(ctx.captured_queries) < 60
