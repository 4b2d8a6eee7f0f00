"""Writes of the sample ledger: shipped -> delivered -> posted.

The post-by date is a promise made when the sample ships (shipped date + the workspace's
``sample_post_by_days``); it is set once and never moved by a later change of the default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import policy
from influencers.models import ActivityEvent, Collaboration, Workspace
from influencers.services.events import event_record


def sample_post_by_fill(
    collaboration: Collaboration, *, workspace: Workspace | None = None
) -> bool:
    """Give a shipped sample its post-by date if it has none; True when it was set (the
    caller saves). Every write path that can set a shipping date calls this."""
    if collaboration.sample_shipped_on is None or collaboration.sample_post_by is not None:
        return False
    workspace = workspace or collaboration.workspace
    collaboration.sample_post_by = collaboration.sample_shipped_on + dt.timedelta(
        days=workspace.sample_post_by_days
    )
    return True


@dataclass
class LedgerResult:
    marked: list[Collaboration] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _mark(*, collaboration_ids, actor, field_name: str, verb: str, on_date) -> LedgerResult:
    result = LedgerResult()
    day = on_date or timezone.localdate()
    # Locked in primary-key order, as every multi-row write here, so two people marking
    # overlapping selections cannot deadlock.
    rows = (
        Collaboration.objects.filter(pk__in=list(collaboration_ids))
        .select_related("workspace")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    for collaboration in rows:
        policy.require(actor, collaboration.workspace_id, policy.Action.CHANGE)
        if collaboration.sample_shipped_on is None:
            result.refused.append(
                _("%(collaboration)s: no sample was shipped.") % {"collaboration": collaboration}
            )
            continue
        if getattr(collaboration, field_name) is not None:
            continue  # already recorded: marking again changes nothing (and logs nothing)
        if day < collaboration.sample_shipped_on:
            result.refused.append(
                _("%(collaboration)s: the sample was shipped on %(shipped)s, after that date.")
                % {"collaboration": collaboration, "shipped": collaboration.sample_shipped_on}
            )
            continue
        setattr(collaboration, field_name, day)
        update_fields = [field_name, "updated_at"]
        if sample_post_by_fill(collaboration):
            update_fields.append("sample_post_by")
        collaboration.save(update_fields=update_fields)
        event_record(
            workspace=collaboration.workspace,
            verb=verb,
            actor=actor,
            creator_id=collaboration.creator_id,
            target=collaboration,
            data={field_name: day.isoformat()},
        )
        result.marked.append(collaboration)
    # Follow-through feeds the readiness score: the collaboration's post_save already queues
    # the creator's rescore after commit (services/readiness.connect_signals).
    return result


@transaction.atomic
def samples_mark_delivered(*, collaboration_ids, actor=None, on_date=None) -> LedgerResult:
    """The sample arrived (on `on_date`, default today). Samples never shipped are refused;
    ones already marked delivered keep their date."""
    return _mark(
        collaboration_ids=collaboration_ids,
        actor=actor,
        field_name="sample_delivered_on",
        verb=ActivityEvent.Verb.SAMPLE_DELIVERED,
        on_date=on_date,
    )


@transaction.atomic
def samples_mark_posted(*, collaboration_ids, actor=None, on_date=None) -> LedgerResult:
    """The creator posted about the sample: it leaves the overdue list and counts towards
    their follow-through."""
    return _mark(
        collaboration_ids=collaboration_ids,
        actor=actor,
        field_name="sample_posted_on",
        verb=ActivityEvent.Verb.SAMPLE_POSTED,
        on_date=on_date,
    )
