import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from influencers.selectors.rollups import creator_rollups
from influencers.services.rollups import creator_rollups_store
from tests.factories import (
    CollaborationFactory,
    ContentPostFactory,
    CreatorFactory,
    MetricSnapshotFactory,
    NoteFactory,
)

pytestmark = pytest.mark.django_db


def test_rollups_sum_the_latest_reading_of_each_post(workspace):
    creator = CreatorFactory(workspace=workspace)
    collab = CollaborationFactory(creator=creator, fee=Decimal("200"), sample_cost=Decimal("20"))
    CollaborationFactory(creator=creator, fee=Decimal("999"), status="declined")
    post1 = ContentPostFactory(creator=creator, collaboration=collab)
    post2 = ContentPostFactory(creator=creator, collaboration=collab)
    t0 = timezone.now() - dt.timedelta(days=10)
    # post1: two cumulative readings, only the latest counts
    MetricSnapshotFactory(
        creator=creator,
        post=post1,
        collaboration=collab,
        captured_at=t0,
        views=1000,
        orders=1,
        sales=Decimal("30"),
        commission=None,
    )
    MetricSnapshotFactory(
        creator=creator,
        post=post1,
        collaboration=collab,
        captured_at=t0 + dt.timedelta(days=5),
        views=5000,
        orders=10,
        sales=Decimal("300"),
        commission=Decimal("30"),
    )
    MetricSnapshotFactory(
        creator=creator,
        post=post2,
        collaboration=collab,
        captured_at=t0,
        views=700,
        orders=2,
        sales=Decimal("60"),
        commission=Decimal("6"),
    )
    contact = NoteFactory(creator=creator, kind="email", occurred_at=t0)
    NoteFactory(creator=creator, kind="remark", occurred_at=timezone.now())

    rollup = creator_rollups(creator_ids=[creator.pk])[creator.pk]
    assert rollup.collaborations == 2
    assert rollup.posts == 2
    assert rollup.views == 5700
    assert rollup.orders == 12
    assert rollup.gmv == Decimal("360.00")
    assert rollup.cost == Decimal("256.00")  # 200 fee + 20 sample + 36 commission
    assert rollup.roi == Decimal("0.4063")
    assert rollup.last_contact == contact.occurred_at


def test_a_creator_with_nothing_rolls_up_to_zero(workspace):
    creator = CreatorFactory(workspace=workspace)
    rollup = creator_rollups(creator_ids=[creator.pk])[creator.pk]
    assert (rollup.views, rollup.gmv, rollup.roi, rollup.last_contact) == (0, 0, None, None)


def test_storing_rollups_is_idempotent_and_batched(workspace, django_assert_max_num_queries):
    creators = [CreatorFactory(workspace=workspace) for _ in range(5)]
    for c in creators:
        MetricSnapshotFactory(creator=c, views=10, orders=1, sales=Decimal("10"))
    ids = [c.pk for c in creators]
    with django_assert_max_num_queries(6):
        assert creator_rollups_store(creator_ids=ids) == 5
    creator_rollups_store(creator_ids=ids)
    creators[0].refresh_from_db()
    assert creators[0].rollup_views == 10
    assert creators[0].rollup_gmv == Decimal("10.00")
