"""The sample ledger (issue 13, item 4): shipped -> delivered -> posted with a post-by date from
the workspace's default; the overdue list (admin filter, home dashboard card); each creator's
follow-through (posts per due sample) and sample ROI, which feed the readiness score."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from influencers import scoring
from influencers.models import ActivityEvent, Collaboration, CollaborationStatus
from influencers.selectors.samples import creator_sample_stats, samples_overdue
from influencers.services.collaborations import collaboration_advance
from influencers.services.readiness import readiness_recompute
from tests.factories import (
    CollaborationFactory,
    ContactMethodFactory,
    ContentPostFactory,
    CreatorFactory,
    MetricSnapshotFactory,
)

pytestmark = pytest.mark.django_db
S = CollaborationStatus


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _shipped(creator, days_ago, *, cost="20.00", **kw):
    shipped = timezone.localdate() - dt.timedelta(days=days_ago)
    kw.setdefault("status", S.SAMPLE_SHIPPED)
    return CollaborationFactory(
        creator=creator,
        kind="gifted_sample",
        sample_cost=Decimal(cost),
        sample_shipped_on=shipped,
        sample_post_by=shipped + dt.timedelta(days=14),
        **kw,
    )


def test_shipping_a_sample_promises_a_post_by_date_from_the_workspace_default(workspace, member):
    workspace.sample_post_by_days = 10
    workspace.save()
    creator = CreatorFactory(workspace=workspace)
    collaboration = CollaborationFactory(creator=creator, status=S.AGREED)

    shipped = collaboration_advance(
        collaboration=collaboration,
        actor=member,
        to_status=S.SAMPLE_SHIPPED,
        on_date=dt.date(2026, 6, 1),
    )

    assert shipped.sample_shipped_on == dt.date(2026, 6, 1)
    assert shipped.sample_post_by == dt.date(2026, 6, 11)
    # A later change of the default does not move a promise already made.
    workspace.sample_post_by_days = 30
    workspace.save()
    shipped.refresh_from_db()
    assert shipped.sample_post_by == dt.date(2026, 6, 11)


def test_a_shipping_date_typed_in_the_admin_also_gets_its_post_by(member_client, workspace):
    creator = CreatorFactory(workspace=workspace)
    collaboration = CollaborationFactory(creator=creator, status=S.AGREED)
    url = reverse("admin:influencers_collaboration_change", args=[collaboration.pk])
    form = member_client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and name != "products"
    }
    data.update(creator=creator.pk, sample_shipped_on="2026-06-01", owner="", campaign="")

    response = member_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    collaboration.refresh_from_db()
    assert collaboration.sample_post_by == dt.date(2026, 6, 15)


def test_marking_samples_delivered_then_posted_from_the_list(member_client, workspace):
    creator = CreatorFactory(workspace=workspace)
    sample = _shipped(creator, days_ago=3)
    never_shipped = CollaborationFactory(creator=creator, status=S.AGREED)
    changelist = reverse("admin:influencers_collaboration_changelist")

    response = member_client.post(
        changelist,
        {"action": "mark_sample_delivered", "_selected_action": [sample.pk, never_shipped.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "Sample marked delivered for 1 collaboration." in text
    assert "no sample was shipped" in text
    sample.refresh_from_db()
    assert sample.sample_delivered_on == timezone.localdate()
    assert sample.sample_posted_on is None

    member_client.post(
        changelist, {"action": "mark_sample_posted", "_selected_action": [sample.pk]}
    )
    sample.refresh_from_db()
    assert sample.sample_posted_on == timezone.localdate()
    verbs = list(
        ActivityEvent.objects.filter(creator=creator)
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == [ActivityEvent.Verb.SAMPLE_DELIVERED, ActivityEvent.Verb.SAMPLE_POSTED]
    never_shipped.refresh_from_db()
    assert never_shipped.sample_delivered_on is None

    # The change page shows the ledger dates.
    page = member_client.get(
        reverse("admin:influencers_collaboration_change", args=[sample.pk])
    ).content.decode()
    assert 'name="sample_delivered_on"' in page and 'name="sample_posted_on"' in page


def test_the_overdue_list_holds_only_samples_past_their_post_by_and_not_posted(
    member_client, workspace, other_workspace
):
    creator = CreatorFactory(workspace=workspace, display_name="Late Lucy")
    overdue = _shipped(creator, days_ago=20)  # post-by 6 days ago
    _shipped(creator, days_ago=5)  # still has 9 days
    marked = _shipped(creator, days_ago=20)
    marked.sample_posted_on = timezone.localdate() - dt.timedelta(days=1)
    marked.save()
    with_post = _shipped(creator, days_ago=20)
    ContentPostFactory(creator=creator, collaboration=with_post)
    _shipped(creator, days_ago=20, status=S.CANCELLED)
    _shipped(CreatorFactory(workspace=other_workspace), days_ago=20)

    assert list(samples_overdue(workspace=workspace)) == [overdue]

    listed = member_client.get(
        reverse("admin:influencers_collaboration_changelist") + "?sample_overdue=1"
    )
    assert [c.pk for c in listed.context["cl"].result_list] == [overdue.pk]

    home = member_client.get(reverse("admin:index"))
    assert home.context["dashboard"]["samples_overdue"] == 1
    assert 'id="dashboard-samples-overdue"' in home.content.decode()
    assert "?sample_overdue=1" in home.content.decode()


def test_follow_through_and_sample_roi_per_creator(workspace):
    reliable = CreatorFactory(workspace=workspace)
    first = _shipped(reliable, days_ago=30, cost="20.00")
    ContentPostFactory(creator=reliable, collaboration=first)
    second = _shipped(reliable, days_ago=20, cost="30.00")
    second.sample_posted_on = timezone.localdate() - dt.timedelta(days=10)
    second.save()
    _shipped(reliable, days_ago=2, cost="50.00")  # not due yet: does not count against them
    # Sales on the sample's collaboration: a running total (latest counts) and two report days.
    MetricSnapshotFactory(
        creator=reliable,
        collaboration=first,
        sales=Decimal("100"),
        orders=2,
        captured_at=timezone.now() - dt.timedelta(days=5),
    )
    MetricSnapshotFactory(creator=reliable, collaboration=first, sales=Decimal("150"), orders=3)
    for day in (1, 2):
        MetricSnapshotFactory(
            creator=reliable,
            collaboration=second,
            kind="period",
            sales=Decimal("25"),
            period_start=timezone.localdate() - dt.timedelta(days=day),
            period_end=timezone.localdate() - dt.timedelta(days=day),
        )
    MetricSnapshotFactory(creator=reliable, sales=Decimal("999"))  # not from a sample
    ghost = CreatorFactory(workspace=workspace)
    _shipped(ghost, days_ago=30, cost="40.00")

    stats = creator_sample_stats(workspace_id=workspace.pk, creator_ids=[reliable.pk, ghost.pk])

    assert (stats[reliable.pk].shipped, stats[reliable.pk].due, stats[reliable.pk].posted) == (
        3,
        2,
        2,
    )
    assert stats[reliable.pk].fulfilment_rate == Decimal("1.00")
    # 150 (latest total) + 25 + 25 GMV over 100 of sample cost.
    assert stats[reliable.pk].gmv == Decimal("200.00")
    assert stats[reliable.pk].roi == Decimal("2.00")
    assert stats[ghost.pk].fulfilment_rate == Decimal("0.00")
    assert stats[ghost.pk].roi == Decimal("0.00")


def test_follow_through_feeds_readiness_and_creators_without_samples_keep_their_score(
    workspace,
):
    def contactable():
        creator = CreatorFactory(workspace=workspace)
        ContactMethodFactory(creator=creator)
        return creator

    untouched, poster, ghost = contactable(), contactable(), contactable()
    sample = _shipped(poster, days_ago=30, cost="10.00")
    ContentPostFactory(creator=poster, collaboration=sample)
    MetricSnapshotFactory(creator=poster, collaboration=sample, sales=Decimal("60"))
    _shipped(ghost, days_ago=30)
    Collaboration.objects.filter(creator__in=[poster, ghost]).update(status=S.SAMPLE_SHIPPED)

    readiness_recompute(workspace_id=workspace.pk)
    for creator in (untouched, poster, ghost):
        creator.refresh_from_db()

    # No sample due: scored on the other parts alone, exactly as before samples counted.
    assert untouched.readiness.score == 10
    reasons = {r["key"]: r for r in poster.readiness.reasons}
    assert reasons["samples"]["points"] == 5  # every due sample posted, ROI 6x: full marks
    assert poster.readiness.score > ghost.readiness.score
    texts = scoring.reason_texts(poster.readiness.reasons)
    assert "Samples: 1 of 1 due samples posted, sample ROI 6.0x (+5)" in texts
    ghost_texts = scoring.reason_texts(ghost.readiness.reasons)
    assert any(t.startswith("Samples: 0 of 1 due samples posted") for t in ghost_texts)
    assert "Samples: none due yet, not counted (0 shipped)" in scoring.reason_texts(
        untouched.readiness.reasons
    )
