"""Shared by the report kinds: parse metric cells, warn on bad ones."""

from __future__ import annotations

from influencers.normalisers import NormaliseError

from .base import BatchResult, ImportContext, Row, money, parse_count_text

COUNT_FIELDS = ("clicks", "detail_page_views", "add_to_carts", "orders", "units")
MONEY_FIELDS = ("sales", "commission")


def metric_values(ctx: ImportContext, result: BatchResult, row: Row) -> dict:
    values = {}
    for name in COUNT_FIELDS:
        text = row.values.get(name)
        if text:
            try:
                values[name] = parse_count_text(text, ctx.decimal_comma)
            except NormaliseError as exc:
                result.warn(ctx, row, name, text, exc.reason)
    for name in MONEY_FIELDS:
        text = row.values.get(name)
        if text:
            try:
                values[name] = money(text, ctx.decimal_comma)
            except NormaliseError as exc:
                result.warn(ctx, row, name, text, exc.reason)
    return values
