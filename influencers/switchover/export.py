"""The preview shortlist as CSV: UTF-8 with a BOM, streamed a few hundred rows at a time, every
cell neutralised against spreadsheet formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from influencers import policy
from influencers.exporters.safety import neutralise
from influencers.models import ContactMethod
from influencers.scoring import reason_texts

from .selection import COLUMNS, Preparer, criteria_queryset


def shortlist_rows(plan):
    """The ranked shortlist as values() rows (criteria matches, capped at the maximum)."""
    return criteria_queryset(plan).values(*COLUMNS)[: plan.max_invitations]


class _Echo:
    def write(self, value):
        return value


def _header() -> list[str]:
    return [
        _("rank"),
        _("creator ID"),
        _("name"),
        _("readiness"),
        _("reasons"),
        _("email"),
        _("language"),
        _("tracking ID"),
        _("link"),
        _("subject"),
        _("message"),
        _("problems"),
    ]


def preview_csv_stream(plan, *, role, chunk: int = 500) -> Iterator[str]:
    """`role` decides what personal data the file holds (see influencers.policy)."""
    writer = csv.writer(_Echo())
    preparer = Preparer(plan)
    yield "\ufeff" + writer.writerow(_header())
    buffer: list[str] = []
    for rank, row in enumerate(shortlist_rows(plan).iterator(chunk_size=2000), start=1):
        p = preparer.prepare(row)
        cells = [
            rank,
            p.creator_id,
            p.name,
            p.readiness,
            " | ".join(reason_texts(p.reasons)),
            policy.contact_for(role, ContactMethod.Kind.EMAIL, p.email),
            p.language,
            p.tracking_id,
            p.link,
            policy.message_for(role, p.subject),
            policy.message_for(role, p.body),
            " | ".join(p.problem_texts),
        ]
        buffer.append(writer.writerow([neutralise(c) for c in cells]))
        if len(buffer) >= chunk:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)
