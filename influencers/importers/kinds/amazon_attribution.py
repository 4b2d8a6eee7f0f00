"""Amazon Attribution performance reports: one row per day per ad group, matched to a creator
by the Attribution tag recorded on the creator (never by name). Unmatched rows are skipped so
that importing the report again after the tag is recorded picks them up.

Each row is a *period* snapshot (its day, or the date range in its date cell, else the range
named above the header, else the day of the import): a creator's orders and sales are the sum
of the days, not the last day read."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from influencers.normalisers import NormaliseError

from .base import (
    EXTRA_CELL_REPORT,
    BatchResult,
    ImportContext,
    Row,
    cell_period,
    creators_by_column,
    day_start,
    now,
    period_range,
    record_key,
    snapshots_record,
)
from .reports import metric_values

LABEL = _("Amazon Attribution report")
KEY_FIELD = "attribution_tag"
REQUIRED = ("attribution_tag",)
NO_MATCH = _("no creator has this tag")


def process(ctx: ImportContext, rows: list[Row]) -> BatchResult:
    return process_report(ctx, rows, key_field=KEY_FIELD, kind="amazon_attribution")


def process_report(ctx: ImportContext, rows: list[Row], *, key_field: str, kind: str):
    result = BatchResult()
    tags = {row.values.get(key_field, "").strip() for row in rows} - {""}
    creators = creators_by_column(ctx, key_field, tags)
    items, item_rows = [], []
    report_range = period_range(ctx.preamble)
    import_day = (ctx.job.created_at or now()).astimezone(dt.UTC).date()
    for row in rows:
        for column, text in row.extra:
            result.warn(ctx, row, column, text, EXTRA_CELL_REPORT)
        tag = row.values.get(key_field, "").strip()
        if not tag:
            result.skip(ctx, row, key_field, "", _("The row has no tag"))
            continue
        creator_id = creators.get(tag)
        if creator_id is None:
            result.skip(ctx, row, key_field, tag, NO_MATCH)
            continue
        values = metric_values(ctx, result, row)
        captured_at = ctx.job.created_at or now()
        start, end = report_range or (import_day, import_day)
        day_text = row.values.get("date")
        if day_text:
            try:
                start, end = cell_period(day_text)
                captured_at = day_start(end)
            except NormaliseError as exc:
                result.warn(ctx, row, "date", day_text, exc.reason)
        identity = record_key(
            tag,
            row.values.get("asin", ""),
            row.values.get("ad_group", ""),
            row.values.get("campaign", ""),
        )
        # The natural key of the row's content (unchanged from before periods existed, so
        # reports imported then are still recognised when imported again).
        key = record_key(
            kind,
            tag,
            (captured_at.date() if start == end else f"{start}~{end}") if day_text else "",
            row.values.get("asin", ""),
            row.values.get("ad_group", ""),
            row.values.get("campaign", ""),
            sorted((k, str(v)) for k, v in values.items()),
        )
        items.append(
            {
                "key": key,
                "creator_id": creator_id,
                "captured_at": captured_at,
                "period": (start, end, kind, identity),
                **values,
            }
        )
        item_rows.append(key)
    recorded = snapshots_record(ctx, result, items)
    seen: set[str] = set()
    for key in item_rows:
        result.outcome("updated" if key in recorded and key not in seen else "unchanged")
        seen.add(key)
    return result
