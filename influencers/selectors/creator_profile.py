"""What the top of a creator's page shows: who they are, how they did, what happened.

Three bounded queries whatever the creator's history (accounts, weekly series, timeline), so
the page costs the same for a creator with ten years of daily Amazon reports. Numbers are
returned formatted for the active locale; ROI has one meaning everywhere: (GMV - cost) / cost,
shown as a percentage (the list showed 1378% and the page 13.7884 for the same creator).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from influencers.models import ActivityEvent, Creator, MetricSnapshot
from influencers.scoring import reason_texts

WEEKS = 26
TIMELINE_LENGTH = 30


def format_count(value) -> str:
    return "-" if value is None else number_format(value, 0, force_grouping=True)


def format_money(amount, currency: str) -> str:
    if amount is None:
        return "-"
    return f"{number_format(Decimal(amount), 2, force_grouping=True)} {currency}"


def format_roi(roi) -> str:
    """ROI stored as a ratio (13.7884) shown as a percentage (1,378.8%)."""
    if roi is None:
        return "-"
    return f"{number_format(Decimal(roi) * 100, 1, force_grouping=True)}%"


def format_rate(rate) -> str:
    return "-" if rate is None else f"{number_format(rate, 2)}%"


@dataclass
class Tile:
    label: str
    value: str
    hint: str = ""


@dataclass
class TimelineEntry:
    when: dt.datetime
    text: str
    actor: str
    icon: str


@dataclass
class CreatorProfile:
    creator: Creator
    initial: str
    accounts: list[dict]
    tiles: list[Tile]
    readiness_score: int | None
    readiness_reasons: list[str]
    chart: str  # Chart.js data as JSON, for unfold's chart component
    chart_has_data: bool
    timeline: list[TimelineEntry] = field(default_factory=list)
    activity_url: str = ""


def creator_profile(creator: Creator) -> CreatorProfile:
    currency = creator.workspace.default_currency
    accounts = [
        {
            "platform": account.get_platform_display(),
            "handle": account.handle_normalised or account.handle,
            "url": account.url,
            "followers": format_count(account.followers),
        }
        for account in creator.accounts.order_by("platform", "-followers")
    ]
    tiles = [
        Tile(_("Followers"), format_count(creator.followers), _("largest account")),
        Tile(_("Engagement"), format_rate(creator.engagement_rate)),
        Tile(_("GMV"), format_money(creator.rollup_gmv, currency)),
        Tile(_("Orders"), format_count(creator.rollup_orders)),
        Tile(_("ROI"), format_roi(creator.rollup_roi), _("(GMV - cost) / cost")),
    ]
    chart, has_data = _weekly_chart(creator)
    readiness = _readiness(creator)
    return CreatorProfile(
        creator=creator,
        initial=(creator.display_name.strip()[:1] or "?").upper(),
        accounts=accounts,
        tiles=tiles,
        readiness_score=getattr(readiness, "score", None),
        readiness_reasons=reason_texts(getattr(readiness, "reasons", None)),
        chart=chart,
        chart_has_data=has_data,
        timeline=_timeline(creator),
        activity_url=reverse("admin:influencers_activityevent_changelist")
        + f"?creator__id__exact={creator.pk}",
    )


def _readiness(creator):
    try:
        return creator.readiness
    except ObjectDoesNotExist:  # no readiness row yet (a creator saved a moment ago)
        return None


def _weekly_chart(creator: Creator) -> tuple[str, bool]:
    """Weekly GMV and orders (report periods add up) and views per platform (the latest running
    total of each week: totals are readings, not additions), over the last 26 weeks."""
    since = timezone.now() - dt.timedelta(weeks=WEEKS)
    rows = (
        MetricSnapshot.objects.filter(creator=creator, captured_at__gte=since)
        .annotate(week=TruncWeek("captured_at"))
        .values("week", "kind", "post__platform")
        .annotate(gmv=Sum("sales"), orders=Sum("orders"), views=Sum("views"))
        .order_by("week")
    )
    weeks: dict[dt.date, dict] = defaultdict(lambda: {"gmv": Decimal(0), "orders": 0})
    views: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        week = row["week"].date()
        bucket = weeks[week]
        bucket["gmv"] += row["gmv"] or 0
        bucket["orders"] += row["orders"] or 0
        if row["views"]:
            platform = row["post__platform"] or "other"
            views[platform][week] = max(views[platform].get(week, 0), row["views"])
    if not weeks:
        return json.dumps({"labels": [], "datasets": []}), False
    labels = sorted(weeks)
    datasets = [
        {
            "label": _("GMV"),
            "data": [float(weeks[w]["gmv"]) for w in labels],
            "borderColor": "var(--color-primary-600)",
        },
        {
            "label": _("Orders"),
            "data": [weeks[w]["orders"] for w in labels],
            "borderColor": "var(--color-primary-300)",
        },
    ]
    for platform, by_week in sorted(views.items()):
        datasets.append(
            {
                "label": _("Views (%(platform)s)") % {"platform": platform},
                "data": [by_week.get(w) for w in labels],
                "borderColor": "var(--color-base-400)",
            }
        )
    return (
        json.dumps(
            {"labels": [date_format(w, "SHORT_DATE_FORMAT") for w in labels], "datasets": datasets}
        ),
        True,
    )


ICONS = {
    ActivityEvent.Verb.CREATOR_CREATED: "person_add",
    ActivityEvent.Verb.CREATOR_UPDATED: "edit",
    ActivityEvent.Verb.NOTE_ADDED: "sticky_note_2",
    ActivityEvent.Verb.COLLABORATION_CREATED: "handshake",
    ActivityEvent.Verb.COLLABORATION_ADVANCED: "trending_flat",
    ActivityEvent.Verb.METRICS_RECORDED: "monitoring",
    ActivityEvent.Verb.CREATORS_MERGED: "merge",
    ActivityEvent.Verb.CREATOR_IMPORTED: "upload_file",
    ActivityEvent.Verb.INVITATION_SENT: "send",
    ActivityEvent.Verb.INVITATION_ANSWERED: "mark_email_read",
    ActivityEvent.Verb.INVITATION_STATUS_SET: "rule",
}


def _timeline(creator: Creator) -> list[TimelineEntry]:
    events = (
        ActivityEvent.objects.filter(creator=creator)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:TIMELINE_LENGTH]
    )
    return [
        TimelineEntry(
            when=event.created_at,
            text=event_sentence(event),
            actor=event.actor.get_username() if event.actor else _("automatic"),
            icon=ICONS.get(event.verb, "history"),
        )
        for event in events
    ]


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def event_sentence(event: ActivityEvent) -> str:
    """One activity event in plain words in the active language (never "note.added" or JSON)."""
    from influencers.models import CollaborationStatus, CollaborationType, Note

    data = event.data or {}
    Verb = ActivityEvent.Verb
    if event.verb == Verb.NOTE_ADDED:
        return _("Note added: %(kind)s") % {"kind": _label(Note.Kind, data.get("kind", ""))}
    if event.verb == Verb.COLLABORATION_CREATED:
        return _("New collaboration: %(kind)s") % {
            "kind": _label(CollaborationType, data.get("kind", ""))
        }
    if event.verb == Verb.COLLABORATION_ADVANCED:
        return _("Collaboration moved from %(from)s to %(to)s") % {
            "from": _label(CollaborationStatus, data.get("from", "")),
            "to": _label(CollaborationStatus, data.get("to", "")),
        }
    if event.verb == Verb.CREATOR_UPDATED and data.get("fields"):
        names = [_field_label(name) for name in data["fields"]]
        return _("Changed: %(fields)s") % {"fields": ", ".join(names)}
    if event.verb == Verb.CREATOR_IMPORTED:
        if data.get("created"):
            return _("Added by an import")
        names = [_field_label(name) for name in data.get("fields", [])]
        return _("Updated by an import: %(fields)s") % {"fields": ", ".join(names) or "-"}
    if event.verb == Verb.METRICS_RECORDED and data.get("snapshots"):
        return _("%(count)s metric readings recorded") % {"count": data["snapshots"]}
    if event.verb == Verb.CREATORS_MERGED:
        return _("%(count)s duplicate creator(s) merged into this one") % {
            "count": len(data.get("merged", []))
        }
    if event.verb == Verb.INVITATION_STATUS_SET and data.get("to"):
        return _("Invitation status set to %(status)s by hand: %(reason)s") % {
            "status": _answer_label(data["to"]),
            "reason": data.get("reason", ""),
        }
    if event.verb == Verb.CONSENT_RECORDED and "consent" in data:
        if data["consent"]:
            return _("Consented to be contacted: %(source)s") % {"source": data.get("source", "")}
        return _("Said no to being contacted: %(source)s") % {"source": data.get("source", "")}
    if event.verb == Verb.INVITATION_ANSWERED and data.get("answer"):
        sentence = _("Answered the switch-over invitation: %(answer)s") % {
            "answer": _answer_label(data["answer"])
        }
        if data.get("message"):
            sentence += " — “" + data["message"] + "”"
        return sentence
    return str(event.get_verb_display())


def _answer_label(answer: str) -> str:
    from influencers.models import Invitation

    return _label(Invitation.Status, answer)


def _field_label(name: str) -> str:
    try:
        return str(Creator._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field that no longer exists, named in an old event
        return name
