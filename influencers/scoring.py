"""The readiness score: 0-100 for "switch this creator to Amazon links on TikTok first".

Computed set-based in PostgreSQL: one ``INSERT INTO influencers_creatorreadiness ... SELECT ...
ON CONFLICT (creator_id) DO UPDATE`` per batch of creators (a list of ids, or an id range of a
whole workspace), with the reasons built as JSON in the same statement; a row whose score and
reasons come out the same is not rewritten and keeps its ``computed_at``. Nothing here loops
over creators in Python, so the query count does not depend on how many creators there are.

Each part gives a fraction 0..1 that is multiplied by its workspace weight (weights scaled to
add up to 100):

* reach: TikTok followers (log-scaled, 10M = full) 70 %, average views (1M = full) 30 %;
* engagement: engagement rate of the TikTok account (else the creator's), 10 % = full;
* results: orders (log, 1,000 = full) 50 %, GMV (log, 100,000 = full) 30 %, ROI (2x = full) 20 %;
* relationship: completed collaborations (3 = full) 40 %, last contact (<= 90 days full, 0 at a
  year) 30 %, average reliability rating from performance notes 30 %;
* Amazon: storefront 30 %, Associates tag 30 %, Creator Connections history 20 %, consent to
  promote Amazon links 20 %;
* contactability: consents to contact and has a valid, consented email;
* samples: of the samples that are due (posted, or past their post-by date), the share posted
  70 %, sample ROI (GMV attributable to the sample collaborations / their cost, 5x = full) 30 %.
  A creator with no sample due yet is not judged on it: the other parts are scaled up to fill
  its weight, so sending nobody samples changes nobody's score (influencers/selectors/samples.py
  holds the counting rule).

Do-not-contact creators score 0.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from influencers.models.switchover import ScoringWeights
from influencers.selectors.samples import sample_stats_ctes

# The score's parts, as the weights model lists them (one list for both).
COMPONENTS = ScoringWeights.COMPONENTS
DEFAULT_WEIGHTS = {
    "reach": 25,
    "engagement": 15,
    "results": 20,
    "relationship": 15,
    "amazon": 15,
    "contactability": 10,
    # Modest: follow-through on samples says something, but less than proven sales.
    "samples": 5,
}

_SQL = (
    """
WITH w AS (
    SELECT %(reach)s::float AS reach, %(engagement)s::float AS engagement,
           %(results)s::float AS results, %(relationship)s::float AS relationship,
           %(amazon)s::float AS amazon, %(contactability)s::float AS contactability,
           %(samples)s::float AS samples
),"""
    + sample_stats_ctes(where_l="{where_l}", where_s="{where_s}")
    + """,
base AS (
    SELECT c.id, c.status, c.consent_to_contact, c.consent_amazon_links,
           c.amazon_storefront_url <> '' AS storefront, c.associates_tracking_id <> '' AS assoc,
           c.engagement_rate::float AS c_er, c.rollup_orders::float AS orders,
           c.rollup_gmv::float AS gmv, c.rollup_roi::float AS roi, c.last_contacted_at
    FROM influencers_creator c
    WHERE c.workspace_id = %(ws)s {where_c}
),
tt AS (
    SELECT a.creator_id, MAX(a.followers) AS followers, MAX(a.average_views) AS views,
           MAX(a.engagement_rate)::float AS er
    FROM influencers_platformaccount a
    WHERE a.workspace_id = %(ws)s AND a.platform = 'tiktok' {where_a}
    GROUP BY a.creator_id
),
co AS (
    SELECT l.creator_id, COUNT(*) FILTER (WHERE l.status = 'completed') AS completed,
           BOOL_OR(l.kind = 'creator_connections') AS cc
    FROM influencers_collaboration l
    WHERE l.workspace_id = %(ws)s {where_l}
    GROUP BY l.creator_id
),
nr AS (
    SELECT n.creator_id, AVG(n.rating_reliability)::float AS reliability
    FROM influencers_note n
    WHERE n.workspace_id = %(ws)s AND n.rating_reliability IS NOT NULL {where_n}
    GROUP BY n.creator_id
),
em AS (
    SELECT DISTINCT m.creator_id
    FROM influencers_contactmethod m
    WHERE m.workspace_id = %(ws)s AND m.kind = 'email' AND m.consent AND m.is_valid {where_m}
),
f AS (
    SELECT b.id, b.status, b.storefront, b.assoc, b.consent_amazon_links AS amazon_consent,
           COALESCE(tt.followers, 0) AS followers, COALESCE(tt.views, 0) AS views,
           COALESCE(tt.er, b.c_er, 0) AS er, b.orders, b.gmv, b.roi,
           COALESCE(co.completed, 0) AS completed, COALESCE(co.cc, false) AS cc,
           nr.reliability,
           FLOOR(EXTRACT(EPOCH FROM (now() - b.last_contacted_at)) / 86400.0) AS contact_days,
           (b.consent_to_contact AND em.creator_id IS NOT NULL) AS contactable,
           COALESCE(sm.shipped, 0) AS s_shipped, COALESCE(sm.due, 0) AS s_due,
           COALESCE(sm.posted, 0) AS s_posted,
           CASE WHEN sm.due > 0 THEN sm.posted::float / sm.due END AS s_rate,
           CASE WHEN sm.cost > 0 THEN COALESCE(sg.gmv, 0)::float / sm.cost::float END AS s_roi,
           COALESCE(sm.cost = 0 AND sg.gmv > 0, false) AS s_free_sold
    FROM base b
    LEFT JOIN tt ON tt.creator_id = b.id
    LEFT JOIN co ON co.creator_id = b.id
    LEFT JOIN nr ON nr.creator_id = b.id
    LEFT JOIN em ON em.creator_id = b.id
    LEFT JOIN sm ON sm.creator_id = b.id
    LEFT JOIN sg ON sg.creator_id = b.id
),
p AS (
    SELECT f.*,
        w.reach * (0.7 * LEAST(1.0, LN(1 + followers) / LN(1e7))
                   + 0.3 * LEAST(1.0, LN(1 + views) / LN(1e6))) AS p_reach,
        w.engagement * LEAST(1.0, GREATEST(er, 0) / 10.0) AS p_engagement,
        w.results * (0.5 * LEAST(1.0, LN(1 + orders) / LN(1000))
                     + 0.3 * LEAST(1.0, LN(1 + gmv) / LN(100000))
                     + 0.2 * GREATEST(0, LEAST(1.0, COALESCE(roi, 0) / 2.0))) AS p_results,
        w.relationship * (0.4 * LEAST(1.0, completed / 3.0)
                          + 0.3 * CASE WHEN contact_days IS NULL THEN 0
                                       WHEN contact_days <= 90 THEN 1
                                       WHEN contact_days >= 365 THEN 0
                                       ELSE (365 - contact_days) / 275.0 END
                          + 0.3 * COALESCE((reliability - 1) / 4.0, 0)) AS p_relationship,
        w.amazon * (0.3 * storefront::int + 0.3 * assoc::int + 0.2 * cc::int
                    + 0.2 * amazon_consent::int) AS p_amazon,
        w.contactability * contactable::int AS p_contact,
        w.samples * (0.7 * COALESCE(s_rate, 0)
                     + 0.3 * CASE WHEN s_free_sold THEN 1.0
                                  ELSE LEAST(1.0, COALESCE(s_roi, 0) / 5.0) END) AS p_samples,
        -- No sample due yet: not judged on samples, the other parts fill its weight.
        CASE WHEN s_due > 0 THEN 1.0
             WHEN w.samples >= 100 THEN 0.0
             ELSE 100.0 / (100.0 - w.samples) END AS k
    FROM f CROSS JOIN w
),
s AS (
    SELECT id,
        CASE WHEN status = 'do_not_contact' THEN 0
             ELSE LEAST(100, GREATEST(0, ROUND(
                 k * (p_reach + p_engagement + p_results + p_relationship + p_amazon
                      + p_contact) + p_samples)))
        END::int AS score,
        CASE WHEN status = 'do_not_contact'
             THEN jsonb_build_array(jsonb_build_object('key', 'do_not_contact', 'points', 0))
             ELSE jsonb_build_array(
                jsonb_build_object('key', 'reach', 'points', ROUND(k * p_reach)::int,
                                   'followers', followers, 'average_views', views),
                jsonb_build_object('key', 'engagement', 'points', ROUND(k * p_engagement)::int,
                                   'rate', ROUND(er::numeric, 2)),
                jsonb_build_object('key', 'results', 'points', ROUND(k * p_results)::int,
                                   'orders', orders::bigint, 'gmv', ROUND(gmv::numeric, 2),
                                   'roi', ROUND(roi::numeric, 2)),
                jsonb_build_object('key', 'relationship', 'points', ROUND(k * p_relationship)::int,
                                   'completed', completed, 'contact_days', contact_days::int,
                                   'reliability', ROUND(reliability::numeric, 1)),
                jsonb_build_object('key', 'amazon', 'points', ROUND(k * p_amazon)::int,
                                   'storefront', storefront, 'associates_tag', assoc,
                                   'creator_connections', cc, 'consent', amazon_consent),
                jsonb_build_object('key', 'contactability', 'points', ROUND(k * p_contact)::int,
                                   'contactable', contactable),
                jsonb_build_object('key', 'samples', 'points', ROUND(p_samples)::int,
                                   'shipped', s_shipped, 'due', s_due, 'posted', s_posted,
                                   'roi', ROUND(s_roi::numeric, 2)))
        END AS reasons
    FROM p
)
INSERT INTO influencers_creatorreadiness AS r
    (creator_id, workspace_id, score, reasons, computed_at)
SELECT s.id, %(ws)s, s.score, s.reasons, now()
FROM s
LEFT JOIN influencers_creatorreadiness o ON o.creator_id = s.id {where_o}
-- Only rows to insert or change reach ON CONFLICT: there every row is locked (a WAL record
-- and a dirtied page each), even one the WHERE below then leaves alone.
WHERE o.creator_id IS NULL OR o.workspace_id <> %(ws)s OR o.score IS DISTINCT FROM s.score
   OR o.reasons IS DISTINCT FROM s.reasons OR o.computed_at IS NULL
ON CONFLICT (creator_id) DO UPDATE
SET workspace_id = EXCLUDED.workspace_id, score = EXCLUDED.score, reasons = EXCLUDED.reasons,
    computed_at = EXCLUDED.computed_at
WHERE r.workspace_id IS DISTINCT FROM EXCLUDED.workspace_id
   OR r.score IS DISTINCT FROM EXCLUDED.score
   OR r.reasons IS DISTINCT FROM EXCLUDED.reasons
   OR r.computed_at IS NULL
"""
)


def _scaled(weights: dict[str, int]) -> dict[str, float]:
    total = sum(max(0, int(weights.get(k, 0))) for k in COMPONENTS) or 1
    return {k: max(0, int(weights.get(k, 0))) * 100.0 / total for k in COMPONENTS}


def _statement(condition: str) -> str:
    return _SQL.format(
        where_c=condition.format(col="c.id"),
        where_a=condition.format(col="a.creator_id"),
        where_l=condition.format(col="l.creator_id"),
        where_n=condition.format(col="n.creator_id"),
        where_m=condition.format(col="m.creator_id"),
        where_o=condition.format(col="o.creator_id"),
        where_s=condition.format(col="s.creator_id"),
    )


def score_creators(*, workspace_id: int, weights: dict[str, int], creator_ids) -> int:
    """Recompute these creators of one workspace in one statement. Returns rows written."""
    ids = sorted({int(i) for i in creator_ids})
    if not ids:
        return 0
    params = {**_scaled(weights), "ws": workspace_id, "ids": ids, "today": timezone.localdate()}
    with connection.cursor() as cursor:
        cursor.execute(_statement("AND {col} = ANY(%(ids)s)"), params)
        return cursor.rowcount


def score_id_range(*, workspace_id: int, weights: dict[str, int], low: int, high: int) -> int:
    """Recompute every creator of the workspace with low <= id < high in one statement."""
    params = {
        **_scaled(weights),
        "ws": workspace_id,
        "low": low,
        "high": high,
        "today": timezone.localdate(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_statement("AND {col} >= %(low)s AND {col} < %(high)s"), params)
        return cursor.rowcount


@functools.lru_cache(maxsize=16)
def _reason_templates(language: str | None) -> dict[str, str]:
    """Every reason's sentence in one language, looked up once per process: a page of 50
    creators has ~550 of them (7 reasons each, "yes"/"no" four times in one), and a
    gettext() each was 2.9 ms of the API's creators page. Called with the active language,
    so each _() below translates into it."""
    return {
        "yes": _("yes"),
        "no": _("no"),
        "do_not_contact": _("Do not contact: scores 0 and is never invited."),
        "reach": _(
            "Reach on TikTok: %(followers)s followers, %(average_views)s average views "
            "(+%(points)s)"
        ),
        "engagement": _("Engagement rate %(rate)s%% (+%(points)s)"),
        "results": _("Proven results: %(orders)s orders, %(gmv)s GMV, ROI %(roi)s (+%(points)s)"),
        "relationship_never": _(
            "Relationship: %(completed)s completed collaborations, never contacted, "
            "reliability %(reliability)s/5 (+%(points)s)"
        ),
        "relationship": _(
            "Relationship: %(completed)s completed collaborations, last contact "
            "%(contact_days)s days ago, reliability %(reliability)s/5 (+%(points)s)"
        ),
        "amazon": _(
            "Amazon readiness: storefront %(s)s, Associates tag %(a)s, Creator "
            "Connections history %(c)s, consents to Amazon links %(k)s (+%(points)s)"
        ),
        "contactable": _("Contactable: consented, valid email (+%(points)s)"),
        "not_contactable": _("Not contactable: no consented, valid email (+0)"),
        "samples_none_due": _("Samples: none due yet, not counted (%(shipped)s shipped)"),
        "samples": _(
            "Samples: %(posted)s of %(due)s due samples posted, sample ROI %(roi)s (+%(points)s)"
        ),
    }


def reason_texts(reasons) -> list[str]:
    """The stored reasons as sentences in the active language."""
    t = _reason_templates(get_language())
    out = []
    for r in reasons or ():
        key, points = r.get("key"), r.get("points", 0)
        values = {**r, "points": points}
        if key == "do_not_contact":
            out.append(t["do_not_contact"])
        elif key == "reach":
            out.append(t["reach"] % values)
        elif key == "engagement":
            out.append(t["engagement"] % values)
        elif key == "results":
            values["roi"] = "-" if r.get("roi") is None else r["roi"]
            out.append(t["results"] % values)
        elif key == "relationship":
            values["reliability"] = "-" if r.get("reliability") is None else r["reliability"]
            never = r.get("contact_days") is None
            out.append(t["relationship_never" if never else "relationship"] % values)
        elif key == "amazon":
            yes, no = t["yes"], t["no"]
            out.append(
                t["amazon"]
                % {
                    "s": yes if r.get("storefront") else no,
                    "a": yes if r.get("associates_tag") else no,
                    "c": yes if r.get("creator_connections") else no,
                    "k": yes if r.get("consent") else no,
                    "points": points,
                }
            )
        elif key == "contactability":
            if r.get("contactable"):
                out.append(t["contactable"] % values)
            else:
                out.append(t["not_contactable"])
        elif key == "samples":
            if not r.get("due"):
                out.append(t["samples_none_due"] % {"shipped": r.get("shipped", 0)})
            else:
                values["roi"] = "-" if r.get("roi") is None else f"{number_format(r['roi'], 1)}x"
                out.append(t["samples"] % values)
    return out
