"""Merge suggestions: creators that are probably the same person, each with its reason.

Bounded whatever the size of the pool: every reason is one grouped query (`GROUP BY` value,
`HAVING` two or more creators, `LIMIT`), never a scan of the rows into Python and never a query
per group: the members of each group come back in the same statement (array_agg). The list is
capped at MAX_SUGGESTIONS groups: merging some lets the next ones show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, Replace
from django.utils.translation import gettext_lazy as _

from influencers.models import (
    Agency,
    Collaboration,
    ContactMethod,
    Creator,
    Note,
    PlatformAccount,
)

MAX_SUGGESTIONS = 500

EMAIL, PHONE, HANDLE = "email", "phone", "handle"
REASONS = {
    EMAIL: _("Same email address"),
    PHONE: _("Same phone number"),
    HANDLE: _("Near-identical handles on different platforms"),
}
REASON_CHOICES = list(REASONS.items())
# The same codes, said when the shared value is an agency's own email or phone: creators who
# reach us through their agency are most often different people, so the seller is told.
AGENCY_REASONS = {
    EMAIL: _("Same agency email"),
    PHONE: _("Same agency phone"),
}


@dataclass(frozen=True)
class MergeSuggestion:
    creator_ids: tuple[int, ...]
    reason: str  # the reason in words, in the active language
    value: str  # the shared email / phone, or the folded handle
    code: str = ""  # "email", "phone" or "handle"


def _folded_handle():
    """lower(handle) without dots, underscores and dashes: "Jane.Doe" and "jane_doe" meet."""
    expression = Lower("handle_normalised")
    for char in "._-":
        expression = Replace(expression, Value(char), Value(""))
    return expression


def _groups(queryset, key: str, limit: int, distinct=()) -> list[tuple[str, tuple[int, ...]]]:
    """[(value, sorted creator ids)] for the first `limit` values (in value order) shared by
    two or more creators of `queryset` (and, for each field in `distinct`, by rows differing
    in it). MIN < MAX rather than COUNT(DISTINCT): no sort per group, so PostgreSQL may hash
    the groups and only sorts the few that qualify."""
    spans = {}
    having = Q()
    for field in ("creator_id", *distinct):
        low, high = f"{field}_min", f"{field}_max"
        spans[low], spans[high] = Min(field), Max(field)
        having &= Q(**{f"{low}__lt": F(high)})
    grouped = queryset.values(key).annotate(**spans).filter(having).order_by(key)
    rows = grouped.annotate(ids=ArrayAgg("creator_id"))[:limit]
    return [(row[key], tuple(sorted(set(row["ids"])))) for row in rows]


def merge_suggestions(
    *, workspace, limit: int = 200, reasons: list[str] | tuple[str, ...] | None = None
) -> list[MergeSuggestion]:
    """Groups of creators sharing an email or a phone number (phone and WhatsApp alike), or
    with near-identical handles on different platforms ("jane.doe" on TikTok, "jane_doe" on
    Instagram). At most `limit` groups (capped at MAX_SUGGESTIONS), emails first, then phones,
    then handles; a group already suggested for an earlier reason is not repeated."""
    limit = max(0, min(int(limit), MAX_SUGGESTIONS))
    wanted = [code for code in REASONS if reasons is None or code in reasons]
    suggestions: list[MergeSuggestion] = []
    seen: set[tuple[int, ...]] = set()
    contacts = ContactMethod.objects.filter(workspace=workspace)
    sources = {
        EMAIL: lambda n: _groups(
            contacts.filter(kind=ContactMethod.Kind.EMAIL), "value_normalised", n
        ),
        PHONE: lambda n: _groups(
            contacts.filter(kind__in=(ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)),
            "value_normalised",
            n,
        ),
        HANDLE: lambda n: _groups(
            PlatformAccount.objects.filter(workspace=workspace).annotate(folded=_folded_handle()),
            "folded",
            n,
            distinct=("platform",),
        ),
    }
    agency_contacts = {
        (EMAIL if kind == "email" else PHONE, value)
        for pair in Agency.objects.filter(workspace=workspace).values_list("email", "phone")
        for kind, value in zip(("email", "phone"), pair, strict=True)
        if value
    }
    for code in wanted:
        if len(suggestions) >= limit:
            break
        for value, ids in sources[code](limit):
            if ids in seen or len(ids) < 2:
                continue
            seen.add(ids)
            reasons_for = AGENCY_REASONS if (code, value) in agency_contacts else REASONS
            suggestions.append(MergeSuggestion(ids, str(reasons_for[code]), value, code))
            if len(suggestions) >= limit:
                break
    return suggestions


def _count_of(model):
    rows = (
        model.objects.filter(creator=OuterRef("pk"))
        .order_by()
        .values("creator")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def creators_with_child_counts(queryset):
    """The creators with how much each holds (accounts, contacts, collaborations, notes), for
    choosing the one to keep: one statement (a correlated count per kind)."""
    return queryset.annotate(
        accounts_count=_count_of(PlatformAccount),
        contacts_count=_count_of(ContactMethod),
        collaborations_count=_count_of(Collaboration),
        notes_count=_count_of(Note),
    ).order_by("created_at", "pk")


def default_survivor(creators) -> Creator | None:
    """The most complete creator (most accounts, contacts, collaborations and notes), the
    oldest among equals. `creators` come from creators_with_child_counts."""
    creators = list(creators)
    if not creators:
        return None

    def completeness(c):
        return c.accounts_count + c.contacts_count + c.collaborations_count + c.notes_count

    best = max(completeness(c) for c in creators)
    return next(c for c in creators if completeness(c) == best)
