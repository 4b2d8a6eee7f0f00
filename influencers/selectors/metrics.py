"""Reads of metric snapshots shown next to a creator."""

import datetime as dt
from dataclasses import dataclass

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
    "Amazon Attribution report: 2026-11-01 – 2026-11-03 (3 days)". `days` counts the distinct
    days inside the periods, so a gap in daily reports shows as fewer days than the span.
    (A creator has at most a few hundred distinct periods: counting days here is cheap.)"""
    rows = (
        MetricSnapshot.objects.filter(creator_id=creator_id, kind=MetricSnapshot.Kind.PERIOD)
        .values_list("report_kind", "period_start", "period_end")
        .distinct()
        .order_by("report_kind", "period_start", "period_end")
    )
    days: dict[str, set[dt.date]] = {}
    for report_kind, start, end in rows:
        covered = days.setdefault(report_kind, set())
        covered.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return [
        ReportCoverage(
            report_kind=kind, first_day=min(covered), last_day=max(covered), days=len(covered)
        )
        for kind, covered in days.items()
    ]
