"""Reads of metric snapshots shown next to a creator."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from influencers.models import ImportKind, MetricSnapshot


@dataclass(frozen=True)
class ReportCoverage:
    report_kind: str
    first_day: dt.date
    last_day: dt.date
    days: int  # distinct days covered (fewer than the span when the reports have gaps)

    @property
    def label(self) -> str:
        return str(dict(ImportKind.choices).get(self.report_kind, self.report_kind))

    @property
    def span(self) -> int:
        return (self.last_day - self.first_day).days + 1


def creator_report_coverage(*, creator_id: int) -> list[ReportCoverage]:
    """The dates each report kind's period snapshots cover for this creator, in one query:
    "Amazon Attribution report: 2026-11-01 – 2026-11-03". `days` counts distinct start dates
    of one-day periods plus the length of longer ones, so gaps in daily reports show up."""
    rows = (
        MetricSnapshot.objects.filter(creator_id=creator_id, kind=MetricSnapshot.Kind.PERIOD)
        .values("report_kind")
        .annotate(
            first_day=Min("period_start"),
            last_day=Max("period_end"),
            n=Count("period_start", distinct=True),
        )
        .order_by("report_kind")
    )
    return [
        ReportCoverage(
            report_kind=row["report_kind"],
            first_day=row["first_day"],
            last_day=row["last_day"],
            days=row["n"],
        )
        for row in rows
    ]
