from django.db import transaction
from django.utils import timezone

from influencers.models import Creator
from influencers.selectors.rollups import creator_rollups
from influencers.services.creators import creators_reach_refresh

BATCH_SIZE = 2000


def creator_rollups_store(*, creator_ids: list[int]) -> int:
    """Recompute and store roll-ups for these creators. Idempotent: the stored values are a
    pure function of the rows, so running it twice (a retried task) changes nothing more."""
    stored = 0
    ids = sorted(set(creator_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        rollups = creator_rollups(creator_ids=batch)
        now = timezone.now()
        with transaction.atomic():
            creators = list(
                Creator.objects.filter(pk__in=rollups)
                .order_by("pk")
                .select_for_update()
                .only("pk", "workspace_id")
            )
            for creator in creators:
                r = rollups[creator.pk]
                creator.rollup_collaborations = r.collaborations
                creator.rollup_posts = r.posts
                creator.rollup_views = r.views
                creator.rollup_orders = r.orders
                creator.rollup_gmv = r.gmv
                creator.rollup_cost = r.cost
                creator.rollup_roi = r.roi
                creator.rollups_updated_at = now
            Creator.objects.bulk_update(
                creators,
                [
                    "rollup_collaborations",
                    "rollup_posts",
                    "rollup_views",
                    "rollup_orders",
                    "rollup_gmv",
                    "rollup_cost",
                    "rollup_roi",
                    "rollups_updated_at",
                ],
            )
        creators_reach_refresh(creator_ids=batch)
        _readiness_after_rollups(creators)
        stored += len(creators)
    return stored


def _readiness_after_rollups(creators) -> None:
    """Roll-ups feed the readiness score's results part: rescore those creators (debounced)."""
    from influencers.services.readiness import readiness_schedule

    by_workspace: dict[int, list[int]] = {}
    for creator in creators:  # loaded with workspace_id: no extra query
        by_workspace.setdefault(creator.workspace_id, []).append(creator.pk)
    for workspace_id, ids in by_workspace.items():
        readiness_schedule(workspace_id=workspace_id, creator_ids=ids)
