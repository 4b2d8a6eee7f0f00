"""TikTok Shop affiliate creator-performance exports.

Each row is a creator (by TikTok username) and their results over the export's date range.
Unknown creators are created as prospects with the source noted; the TikTok account's
followers are updated (the export is a fresher reading than a sheet), the creator becomes an
active TikTok Shop affiliate, and the row's numbers are recorded as one metric snapshot,
keyed by its content so that importing the export again records nothing twice.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencers.models import TikTokShopStatus

from .base import (
    BatchResult,
    ImportContext,
    Row,
    day_start,
    now,
    period_end,
    record_key,
    snapshots_record,
)
from .creators import CreatorBatch, parse_row
from .reports import metric_values

LABEL = _("TikTok Shop affiliate export")
REQUIRED = ("tiktok",)


def process(ctx: ImportContext, rows: list[Row]) -> BatchResult:
    result = BatchResult()
    end = period_end(ctx.preamble)
    captured_at = day_start(end) if end else (ctx.job.created_at or now())
    source_note = gettext("Added from a TikTok Shop affiliate export (%(file)s).") % {
        "file": ctx.job.original_filename or ctx.job.pk
    }
    parsed, metrics = [], []
    for row in rows:
        values = dict(row.values)
        # Only the TikTok account identifies a creator here; emails in a report are not ours.
        p = parse_row(ctx, result, Row(line=row.line, values=values, extra=row.extra))
        p.accounts = [a for a in p.accounts if a[0] == "tiktok"]
        p.emails, p.phones, p.others = [], [], []
        if not p.accounts:
            result.fail(
                ctx,
                row,
                "tiktok",
                row.values.get("tiktok", ""),
                _("The row names no creator: it has no usable TikTok username."),
            )
            continue
        p.followers_authoritative = True
        parsed.append(p)
        metrics.append(metric_values(ctx, result, row))
    if not parsed:
        return result
    batch = CreatorBatch(ctx, result)
    refs = batch.resolve(parsed)
    outcomes = []
    for ref, p in zip(refs, parsed, strict=True):
        is_new = ref not in batch.entities and not isinstance(ref, int)
        if is_new:
            p.remarks.insert(0, source_note)
        outcome = batch.apply(ref, p, extra_fields={"tiktok_shop_status": TikTokShopStatus.ACTIVE})
        if outcome == "skipped":
            # A report's numbers are still recorded for a creator we keep as it is.
            outcome = "unchanged"
        outcomes.append(outcome)
    ids = batch.write(event_data={"source": "tiktok_shop"})
    items = []
    for ref, p, values in zip(refs, parsed, metrics, strict=True):
        key = record_key(
            "tiktok_shop",
            p.accounts[0][2],
            p.row.values.get("product_id", ""),
            captured_at.date(),
            sorted((k, str(v)) for k, v in values.items()),
        )
        items.append({"key": key, "creator_id": ids[ref], "captured_at": captured_at, **values})
    fresh = snapshots_record(ctx, result, items)
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome == "unchanged" and item["key"] in fresh:
            outcome = "updated"
            fresh.discard(item["key"])
        result.outcome(outcome)
    return result
