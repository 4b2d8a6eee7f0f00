"""How many rows a query would return, as PostgreSQL's planner estimates it (EXPLAIN, no
execution): for lists too long to count on every page view, and to choose between fetching a
few matching ids and letting a subquery stand."""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.db import connections


def estimated_rows(queryset) -> int:
    """The planner's row estimate for the queryset (ordering dropped: it does not change it)."""
    query = queryset.order_by().values("pk")
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # .none() or a filter that can match nothing: no SQL at all
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
