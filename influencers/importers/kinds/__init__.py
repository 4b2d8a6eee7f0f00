"""The kinds of file an import understands. Each kind turns one batch of rows into bulk writes
and reports one outcome per row (created / updated / unchanged / skipped / failed)."""

from __future__ import annotations

from influencers.models import ImportKind

from . import amazon_associates, amazon_attribution, creators, tiktok_shop
from .base import BatchResult, ImportContext, Row

KINDS = {
    ImportKind.CREATORS: creators,
    ImportKind.TIKTOK_SHOP: tiktok_shop,
    ImportKind.AMAZON_ATTRIBUTION: amazon_attribution,
    ImportKind.AMAZON_ASSOCIATES: amazon_associates,
}

_METRICS = {"clicks", "detail_page_views", "add_to_carts", "orders", "units", "sales", "commission"}


_CREATOR_ONLY = frozenset(
    {"email", "phone", "whatsapp", "wechat", "status", "category", "agency", "owner"}
)


def detect_kind(fields: set[str]) -> str:
    """Which kind a file is, from the fields its columns map to. Contacts, statuses, tags,
    agencies and owners are only ever in a creator sheet (reports carry none), so a sheet
    with figures as well — the product's own export has orders and GMV — stays a creator
    sheet."""
    if fields & _CREATOR_ONLY:
        return ImportKind.CREATORS
    has_metrics = bool(fields & _METRICS)
    if "tiktok" in fields and has_metrics and not fields & {"email", "instagram"}:
        return ImportKind.TIKTOK_SHOP
    if "attribution_tag" in fields and has_metrics:
        return ImportKind.AMAZON_ATTRIBUTION
    if "associates_tracking_id" in fields and has_metrics:
        return ImportKind.AMAZON_ASSOCIATES
    return ImportKind.CREATORS


def kind_module(kind: str):
    return KINDS[kind]


__all__ = ["KINDS", "BatchResult", "ImportContext", "Row", "detect_kind", "kind_module"]
