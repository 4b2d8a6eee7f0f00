"""'My day': what needs the signed-in member today in one workspace — follow-ups due, samples
overdue, new answers to invitations. The admin page and the daily digest email read the same.

"Theirs" means what they are responsible for: notes they wrote or about creators they own;
samples of collaborations they own or of creators they own; answers from creators they own or
to plans they launched. One query per list (each capped), whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers.models import Invitation, Note, Workspace
from influencers.selectors.samples import samples_overdue

# A list longer than this shows its first rows and links to the full list.
LIST_LIMIT = 25
# An answer stays "new" for this long: a weekend away does not hide Friday's answers.
NEW_ANSWER_DAYS = 2


@dataclass(frozen=True)
class Item:
    title: str
    detail: str
    when: dt.date | dt.datetime | None
    path: str  # the record's admin page (relative; the digest makes it absolute)


@dataclass
class MyDayList:
    items: list[Item] = field(default_factory=list)
    more: bool = False  # more than LIST_LIMIT: the page links to the full list
    list_path: str = ""


@dataclass
class MyDay:
    today: dt.date
    follow_ups: MyDayList
    samples_overdue: MyDayList
    new_answers: MyDayList

    @property
    def empty(self) -> bool:
        return not (self.follow_ups.items or self.samples_overdue.items or self.new_answers.items)

    @property
    def sections(self) -> list[dict]:
        """The three lists with their titles, in the active language (page and email)."""
        return [
            {"key": "follow-ups", "title": _("Follow-ups due"), "list": self.follow_ups},
            {"key": "samples", "title": _("Samples overdue"), "list": self.samples_overdue},
            {"key": "answers", "title": _("New answers to invitations"), "list": self.new_answers},
        ]


def _capped(rows) -> tuple[list, bool]:
    rows = list(rows[: LIST_LIMIT + 1])
    return rows[:LIST_LIMIT], len(rows) > LIST_LIMIT


def _follow_ups(workspace, user, today) -> MyDayList:
    notes = (
        Note.objects.filter(workspace=workspace, follow_up_on__lte=today)
        .filter(Q(author=user) | Q(creator__owner=user))
        .select_related("creator")
        .order_by("follow_up_on", "pk")
    )
    rows, more = _capped(notes)
    return MyDayList(
        items=[
            Item(
                title=note.creator.display_name,
                detail=(note.body[:120] or str(note.get_kind_display())),
                when=note.follow_up_on,
                path=reverse("admin:influencers_note_change", args=[note.pk]),
            )
            for note in rows
        ],
        more=more,
        list_path=reverse("admin:influencers_note_changelist") + "?follow_up=due",
    )


def _samples(workspace, user, today) -> MyDayList:
    collaborations = (
        samples_overdue(workspace=workspace, today=today)
        .filter(Q(owner=user) | Q(creator__owner=user))
        .select_related("creator")
    )
    rows, more = _capped(collaborations)
    return MyDayList(
        items=[
            Item(
                title=c.creator.display_name,
                detail=str(c),
                when=c.sample_post_by,
                path=reverse("admin:influencers_collaboration_change", args=[c.pk]),
            )
            for c in rows
        ],
        more=more,
        list_path=reverse("admin:influencers_collaboration_changelist") + "?sample_overdue=1",
    )


def _answers(workspace, user, now) -> MyDayList:
    invitations = (
        Invitation.objects.filter(
            workspace=workspace,
            answered_at__gte=now - dt.timedelta(days=NEW_ANSWER_DAYS),
        )
        .filter(Q(creator__owner=user) | Q(plan__launched_by=user))
        .select_related("creator", "plan")
        .order_by("-answered_at", "-pk")
    )
    rows, more = _capped(invitations)
    return MyDayList(
        items=[
            Item(
                title=i.creator.display_name,
                detail=f"{i.get_status_display()} · {i.plan.name}"
                + (f" · “{i.answer_message[:120]}”" if i.answer_message else ""),
                when=i.answered_at,
                path=reverse("admin:influencers_invitation_change", args=[i.pk]),
            )
            for i in rows
        ],
        more=more,
        list_path=reverse("admin:influencers_invitation_changelist"),
    )


def my_day(*, workspace: Workspace, user, now: dt.datetime | None = None) -> MyDay:
    """Three queries: one per list."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return MyDay(
        today=today,
        follow_ups=_follow_ups(workspace, user, today),
        samples_overdue=_samples(workspace, user, today),
        new_answers=_answers(workspace, user, now),
    )
