"""Amazon Associates tracking-ID reports: one row per tracking ID, matched to the creator whose
Associates tracking ID it is; unmatched rows are skipped, no creator is ever created."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .amazon_attribution import process_report
from .base import BatchResult, ImportContext, Row

LABEL = _("Amazon Associates tracking-ID report")
KEY_FIELD = "associates_tracking_id"
REQUIRED = ("associates_tracking_id",)


def process(ctx: ImportContext, rows: list[Row]) -> BatchResult:
    return process_report(ctx, rows, key_field=KEY_FIELD, kind="amazon_associates")
