"""Merging duplicate creators in the admin.

* "Merge selected creators" (an action on the creator list) and the "Merge" button of each
  suggestion lead to one confirmation page: the creators with what each holds, a radio to choose
  the one kept (the most complete, the oldest among equals, is preselected), then
  `creators_merge` does the work. Managers and owners only; one workspace at a time; every
  refusal is a message, never an error page.
* "Merge suggestions" (a button on the creator list): groups of probable duplicates with their
  reason, paged, bounded (see selectors.merge_suggestions).
* Creator merges: the record of every merge, read-only.

CreatorAdmin takes the first two from CreatorMergeAdminMixin.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from influencers import policy
from influencers.models import Creator, CreatorMerge
from influencers.selectors.merge_suggestions import (
    MAX_SUGGESTIONS,
    REASONS,
    creators_with_child_counts,
    default_survivor,
    merge_suggestions,
)
from influencers.services.merges import creators_merge

from .mixins import ALL_ROLES, WorkspaceScopedAdminMixin, current_workspace

MERGE_ROLES = policy.roles_for(policy.Action.MERGE)  # managers and owners
MAX_MERGE = 20  # creators in one merge
SUGGESTIONS_PER_PAGE = 25
MOVED_LABELS = {
    "accounts": _("accounts"),
    "accounts_folded": _("duplicate accounts folded"),
    "contacts": _("contacts"),
    "contacts_folded": _("duplicate contacts folded"),
    "collaborations": _("collaborations"),
    "posts": _("content posts"),
    "notes": _("notes"),
    "metric_snapshots": _("metric snapshots"),
    "events": _("activity events"),
}


def _parse_ids(raw) -> list[int] | None:
    """ "3,1,2" -> [3, 1, 2] (duplicates dropped); None when anything is not an id."""
    ids: list[int] = []
    for part in str(raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 18:
            return None
        if int(part) not in ids:
            ids.append(int(part))
    return ids


def merge_url(ids, next_url: str = "") -> str:
    url = reverse("admin:influencers_creator_merge") + "?ids=" + ",".join(str(i) for i in ids)
    if next_url:
        from urllib.parse import quote

        url += "&next=" + quote(next_url)
    return url


class CreatorMergeAdminMixin:
    """For CreatorAdmin (with WorkspaceScopedAdminMixin): the merge action, its confirmation
    page and the suggestions page."""

    actions = ["merge_selected_creators"]
    actions_list = ["merge_suggestions_page"]

    def has_merge_permission(self, request, obj=None) -> bool:
        return self._role_allows(request, MERGE_ROLES)

    def get_urls(self):
        return [
            path(
                "merge/",
                self.admin_site.admin_view(self.merge_view),
                name="influencers_creator_merge",
            ),
            *super().get_urls(),
        ]

    # --- the action on the list ---------------------------------------------------------------

    @action(description=_("Merge selected creators"), permissions=["merge"])
    def merge_selected_creators(self, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: MAX_MERGE + 1])
        if len(ids) < 2:
            messages.error(request, _("Select at least two creators to merge."))
            return None
        if len(ids) > MAX_MERGE:
            messages.error(
                request,
                _("At most %(n)d creators can be merged at once.") % {"n": MAX_MERGE},
            )
            return None
        return HttpResponseRedirect(merge_url(ids, request.get_full_path()))

    # --- the confirmation page ----------------------------------------------------------------

    def _changelist_url(self) -> str:
        return reverse("admin:influencers_creator_changelist")

    def _next_url(self, request) -> str:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return ""

    def _refuse(self, request, message):
        messages.error(request, message)
        return HttpResponseRedirect(self._next_url(request) or self._changelist_url())

    def merge_view(self, request):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        ids = _parse_ids(data.get("ids"))
        if ids is None or len(ids) < 2:
            return self._refuse(request, _("Select at least two creators to merge."))
        if len(ids) > MAX_MERGE:
            return self._refuse(
                request, _("At most %(n)d creators can be merged at once.") % {"n": MAX_MERGE}
            )
        creators = list(creators_with_child_counts(self.get_queryset(request).filter(pk__in=ids)))
        if len(creators) != len(ids):
            return self._refuse(
                request,
                _("Some of these creators no longer exist or belong to another workspace."),
            )
        if len({c.workspace_id for c in creators}) > 1:
            return self._refuse(request, _("Creators of different workspaces cannot be merged."))
        by_id = {c.pk: c for c in creators}
        next_url = self._next_url(request)
        if request.method == "POST":
            survivor_id = _parse_ids(request.POST.get("survivor"))
            survivor = by_id.get(survivor_id[0]) if survivor_id and len(survivor_id) == 1 else None
            if survivor is None:
                messages.error(request, _("Choose the creator to keep."))
            else:
                others = [c for c in creators if c.pk != survivor.pk]
                try:
                    creators_merge(survivor=survivor, others=others, actor=request.user)
                except (ValidationError, IntegrityError) as exc:
                    texts = exc.messages if isinstance(exc, ValidationError) else []
                    for text in texts or [_("The merge failed; nothing was changed.")]:
                        messages.error(request, text)
                    return HttpResponseRedirect(merge_url(ids, next_url))
                messages.success(
                    request,
                    ngettext(
                        "%(count)d creator was merged into %(name)s.",
                        "%(count)d creators were merged into %(name)s.",
                        len(others),
                    )
                    % {"count": len(others), "name": survivor.display_name},
                )
                return HttpResponseRedirect(
                    next_url or reverse("admin:influencers_creator_change", args=[survivor.pk])
                )
        chosen = default_survivor(creators)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge creators"),
            "creators": creators,
            "chosen": chosen,
            "ids": ",".join(str(i) for i in ids),
            "next_url": next_url,
            "cancel_url": next_url or self._changelist_url(),
        }
        return TemplateResponse(request, "admin/influencers/creator/merge_confirm.html", context)

    # --- the suggestions page -----------------------------------------------------------------

    @action(
        description=_("Merge suggestions"),
        url_path="merge-suggestions",
        icon="merge",
        permissions=["merge"],
    )
    def merge_suggestions_page(self, request):
        workspace = current_workspace(request)
        reason = request.GET.get("reason") or ""
        if reason not in REASONS:
            reason = ""
        rows, page = [], None
        if workspace is None:
            messages.warning(request, _("Choose a workspace to see its merge suggestions."))
        else:
            suggestions = merge_suggestions(
                workspace=workspace,
                limit=MAX_SUGGESTIONS,
                reasons=[reason] if reason else None,
            )
            page = Paginator(suggestions, SUGGESTIONS_PER_PAGE).get_page(request.GET.get("page"))
            ids = {pk for s in page.object_list for pk in s.creator_ids}
            names = dict(
                Creator.objects.filter(workspace=workspace, pk__in=ids).values_list(
                    "pk", "display_name"
                )
            )
            here = request.get_full_path()
            for suggestion in page.object_list:
                rows.append(
                    {
                        "reason": suggestion.reason,
                        "code": suggestion.code,
                        "value": suggestion.value,
                        "creators": [
                            {
                                "pk": pk,
                                "name": names.get(pk, f"#{pk}"),
                                "url": reverse("admin:influencers_creator_change", args=[pk]),
                            }
                            for pk in suggestion.creator_ids
                        ],
                        "merge_url": merge_url(suggestion.creator_ids[:MAX_MERGE], here),
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge suggestions"),
            "rows": rows,
            "page": page,
            "reason": reason,
            "reasons": list(REASONS.items()),
            "max_suggestions": MAX_SUGGESTIONS,
            "changelist_url": self._changelist_url(),
        }
        return TemplateResponse(
            request, "admin/influencers/creator/merge_suggestions.html", context
        )


# --- the record of merges ----------------------------------------------------------------------


@admin.register(CreatorMerge)
class CreatorMergeAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    """What was merged into whom, by whom, and how many rows moved. Written by creators_merge
    only: nobody adds, changes or deletes these here."""

    list_display = ("created_at", "survivor", "merged_names", "moved_summary", "actor")
    list_select_related = ("survivor", "actor")
    list_filter = ("created_at",)
    search_fields = ("survivor__display_name",)
    search_help_text = _("Name of the kept creator")
    fields = ("survivor", "actor", "merged_names", "moved_summary", "created_at")
    readonly_fields = fields
    view_roles = ALL_ROLES

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("merged creators"))
    def merged_names(self, obj):
        names = [(m.get("display_name") or f"#{m.get('id')}", m.get("id")) for m in obj.merged]
        return format_html_join(", ", "{} (#{})", names) or "-"

    @display(description=_("rows moved"))
    def moved_summary(self, obj):
        items = sorted((obj.moved or {}).items())
        if not items:
            return "-"
        return format_html_join(
            ", ", "{}: {}", ((MOVED_LABELS.get(name, name), count) for name, count in items)
        )
