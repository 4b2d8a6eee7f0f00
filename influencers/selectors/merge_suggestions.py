"""Merge suggestions: creators that are probably the same person, each with its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Min
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from influencers.models import ContactMethod, PlatformAccount

_FOLD_RE = re.compile(r"[._-]+")


@dataclass(frozen=True)
class MergeSuggestion:
    creator_ids: tuple[int, ...]
    reason: str
    value: str


def _fold(handle: str) -> str:
    return _FOLD_RE.sub("", handle.lower())


def merge_suggestions(*, workspace, limit: int = 200) -> list[MergeSuggestion]:
    """Groups of creators sharing an email or phone, or near-identical handles on different
    platforms ("jane.doe" on TikTok, "janedoe" on Instagram). Grouped in SQL for contacts;
    handles are folded in Python over the workspace's accounts, streamed."""
    suggestions: list[MergeSuggestion] = []
    seen: set[tuple[int, ...]] = set()
    email = ContactMethod.Kind.EMAIL
    phones = (ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)
    for kinds, reason in (((email,), _("Same email address")), (phones, _("Same phone number"))):
        shared = (
            ContactMethod.objects.filter(workspace=workspace, kind__in=kinds)
            .values("value_normalised")
            .annotate(n=Count("creator_id", distinct=True), first=Min("creator_id"))
            .filter(n__gt=1)
            .order_by("first")[:limit]
        )
        for group in shared:
            ids = tuple(
                sorted(
                    set(
                        ContactMethod.objects.filter(
                            workspace=workspace,
                            kind__in=kinds,
                            value_normalised=group["value_normalised"],
                        ).values_list("creator_id", flat=True)
                    )
                )
            )
            if ids in seen:
                continue
            seen.add(ids)
            suggestions.append(MergeSuggestion(ids, str(reason), group["value_normalised"]))
    by_fold: dict[str, set[tuple[int, str]]] = {}
    accounts = (
        PlatformAccount.objects.filter(workspace=workspace)
        .annotate(h=Lower("handle_normalised"))
        .values_list("creator_id", "platform", "h")
        .iterator(chunk_size=10000)
    )
    for creator_id, platform, handle in accounts:
        by_fold.setdefault(_fold(handle), set()).add((creator_id, platform))
    for folded, members in by_fold.items():
        ids = tuple(sorted({creator_id for creator_id, _p in members}))
        if len(ids) < 2 or ids in seen or len(suggestions) >= limit:
            continue
        seen.add(ids)
        suggestions.append(
            MergeSuggestion(ids, str(_("Near-identical handles on different platforms")), folded)
        )
    return suggestions
