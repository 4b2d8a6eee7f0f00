"""Per-creator roll-ups, computed in SQL: one statement for a batch of creators.

A creator's totals add two kinds of metric snapshot: running totals (TikTok lifetime counts,
manual readings) supersede each other, so each thing measured (a post, else a collaboration,
else the creator as a whole) counts with its *latest* total; periods (the days of an Amazon
report) add up, so every period counts (the importer keeps one snapshot per period, so a
re-import or a corrected re-export is not counted twice).
Cost is fees + sample costs of collaborations that were not declined/cancelled, plus commission
paid per the latest readings. ROI = (GMV - cost) / cost, undefined when cost is 0.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from influencers.models import Collaboration, CollaborationStatus, MetricSnapshot, Note


@dataclass(frozen=True)
class CreatorRollup:
    creator_id: int
    collaborations: int = 0
    posts: int = 0
    views: int = 0
    orders: int = 0
    gmv: Decimal = Decimal("0")
    cost: Decimal = Decimal("0")
    last_contact: object = None

    @property
    def roi(self) -> Decimal | None:
        if not self.cost:
            return None
        return ((self.gmv - self.cost) / self.cost).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )


def _sql() -> str:
    snap = MetricSnapshot._meta.db_table
    collab = Collaboration._meta.db_table
    note = Note._meta.db_table
    post = MetricSnapshot._meta.get_field("post").related_model._meta.db_table
    contact_kinds = ", ".join(f"'{k}'" for k in Note.CONTACT_KINDS)
    dead = ", ".join(
        f"'{s}'" for s in (CollaborationStatus.DECLINED, CollaborationStatus.CANCELLED)
    )
    total, period = MetricSnapshot.Kind.TOTAL.value, MetricSnapshot.Kind.PERIOD.value
    return f"""
    WITH ids AS (SELECT id FROM influencers_creator WHERE id = ANY(%s::bigint[])),
    ranked AS (
        SELECT s.creator_id, s.views, s.orders, s.sales, s.commission,
               ROW_NUMBER() OVER (
                   PARTITION BY s.creator_id, COALESCE(s.post_id, 0),
                                COALESCE(s.collaboration_id, 0)
                   ORDER BY s.captured_at DESC, s.id DESC) AS rn
        FROM {snap} s WHERE s.creator_id IN (SELECT id FROM ids) AND s.kind = '{total}'
    ),
    readings AS (
        SELECT creator_id, views, orders, sales, commission FROM ranked WHERE rn = 1
        UNION ALL
        SELECT s.creator_id, s.views, s.orders, s.sales, s.commission
        FROM {snap} s WHERE s.creator_id IN (SELECT id FROM ids) AND s.kind = '{period}'
    ),
    m AS (
        SELECT creator_id, SUM(COALESCE(views, 0)) AS views, SUM(COALESCE(orders, 0)) AS orders,
               SUM(COALESCE(sales, 0)) AS gmv, SUM(COALESCE(commission, 0)) AS commission
        FROM readings GROUP BY creator_id
    ),
    c AS (
        SELECT creator_id, COUNT(*) AS n,
               SUM(CASE WHEN status IN ({dead}) THEN 0 ELSE fee + sample_cost END) AS cost
        FROM {collab} WHERE creator_id IN (SELECT id FROM ids) GROUP BY creator_id
    ),
    p AS (SELECT creator_id, COUNT(*) AS n FROM {post}
          WHERE creator_id IN (SELECT id FROM ids) GROUP BY creator_id),
    n AS (SELECT creator_id, MAX(occurred_at) AS last_contact FROM {note}
          WHERE creator_id IN (SELECT id FROM ids) AND kind IN ({contact_kinds})
          GROUP BY creator_id)
    SELECT ids.id, COALESCE(c.n, 0), COALESCE(p.n, 0), COALESCE(m.views, 0),
           COALESCE(m.orders, 0), COALESCE(m.gmv, 0),
           COALESCE(c.cost, 0) + COALESCE(m.commission, 0), n.last_contact
    FROM ids
    LEFT JOIN m ON m.creator_id = ids.id
    LEFT JOIN c ON c.creator_id = ids.id
    LEFT JOIN p ON p.creator_id = ids.id
    LEFT JOIN n ON n.creator_id = ids.id
    """


def creator_rollups(*, creator_ids: list[int]) -> dict[int, CreatorRollup]:
    """Roll-ups for the given creators in one query (callers batch the ids)."""
    if not creator_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [list(creator_ids)])
        rows = cursor.fetchall()
    result = {}
    for cid, collabs, posts, views, orders, gmv, cost, last_contact in rows:
        result[cid] = CreatorRollup(
            creator_id=cid,
            collaborations=int(collabs),
            posts=int(posts),
            views=int(views),
            orders=int(orders),
            gmv=gmv.quantize(Decimal("0.01")),
            cost=cost.quantize(Decimal("0.01")),
            last_contact=last_contact,
        )
    return result
