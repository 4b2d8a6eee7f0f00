"""A real Celery worker on Redis recomputes roll-ups after a collaboration is created."""

from decimal import Decimal

import pytest

from influencers.models import Creator
from influencers.services.collaborations import collaboration_create
from tests.factories import CreatorFactory
from tests.workers import new_queue, start_worker, stop, tasks_sent_to, wait_until


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_collaboration_change_is_rolled_up_by_a_real_worker():
    creator = CreatorFactory()
    assert creator.rollup_cost == 0
    queue = new_queue("test-rollups")
    worker = start_worker(queue)
    try:
        with tasks_sent_to(queue):
            collaboration_create(creator=creator, kind="paid_post", fee=Decimal("250.00"))

            def rolled_up():
                creator.refresh_from_db()
                return creator.rollups_updated_at is not None

            assert wait_until(rolled_up, 60, worker, interval=0.2), "worker never recomputed"
    finally:
        stop(worker)
    assert creator.rollup_collaborations == 1
    assert creator.rollup_cost == Decimal("250.00")
    assert Creator.objects.get(pk=creator.pk).rollup_roi == Decimal("-1.0000")
