"""Saved views on the creator list: "Save this view" (name, shared or not) stores the list's
query string; the views show above the list as links with the number of creators each holds
now (estimated when large). Column choice: `_cols=a,b` picks the list's columns and is
remembered in the member's session (and saved with a view), so paging and sorting keep it."""

import copy

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from influencers.models import SavedView
from influencers.selectors.saved_views import saved_views_for
from influencers.services.saved_views import saved_view_delete, saved_view_save

from .mixins import current_workspace

COLUMNS_PARAM = "_cols"
SESSION_KEY = "creator_list_columns"


class CreatorSavedViewsMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "saved-views/save/",
                self.admin_site.admin_view(self.saved_view_save_view),
                name=f"{info[0]}_{info[1]}_saved_view_save",
            ),
            path(
                "saved-views/<int:pk>/delete/",
                self.admin_site.admin_view(self.saved_view_delete_view),
                name=f"{info[0]}_{info[1]}_saved_view_delete",
            ),
            *super().get_urls(),
        ]

    # --- columns ----------------------------------------------------------------------------

    def _all_columns(self, request) -> list[str]:
        return list(super().get_list_display(request))

    def get_list_display(self, request):
        columns = self._all_columns(request)
        chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if not chosen:
            return columns
        # The first column (the link to the creator) always stays.
        return [c for i, c in enumerate(columns) if i == 0 or c in chosen]

    def _take_columns(self, request) -> None:
        if COLUMNS_PARAM not in request.GET:
            return
        get = request.GET.copy()
        # Checkboxes send one value each; a saved view holds them joined by commas.
        wanted = [c for value in get.pop(COLUMNS_PARAM) for c in value.split(",") if c]
        allowed = self._all_columns(request)
        request.session[SESSION_KEY] = [c for c in allowed if c in wanted] or None
        request.GET = get

    # --- the list ----------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        self._take_columns(request)
        workspace = current_workspace(request)
        views = list(saved_views_for(workspace=workspace, user=request.user)[:30])
        for view in views:
            view.count = self._count(request, view)
            view.url = reverse("admin:influencers_creator_changelist") + (
                f"?{view.query}" if view.query else ""
            )
            view.mine = view.user_id == request.user.pk
        shown = self.get_list_display(request)
        extra_context = {
            **(extra_context or {}),
            "saved_views": views,
            "saved_view_save_url": reverse("admin:influencers_creator_saved_view_save"),
            "column_choices": [
                (name, label_for_field(name, self.model, self), name in shown)
                for name in self._all_columns(request)
            ],
            "columns_param": COLUMNS_PARAM,
        }
        return super().changelist_view(request, extra_context)

    def _count(self, request, view: SavedView) -> str:
        fake = copy.copy(request)
        get = QueryDict(view.query, mutable=True)
        get.pop(COLUMNS_PARAM, None)
        fake.GET = get
        try:
            queryset = self.get_changelist_instance(fake).get_queryset(fake)
        except IncorrectLookupParameters:
            return "?"
        # Counted as the list itself counts it (influencers.admin.paginators): an estimate
        # for a huge view, a capped count for a name search, else exact.
        paginator = self.get_paginator(fake, queryset, self.list_per_page)
        n = f"{paginator.count:,}"
        if paginator.capped:
            return _("more than %(n)s") % {"n": n}
        if paginator.estimated:
            return _("about %(n)s") % {"n": n}
        return n

    # --- save / delete -------------------------------------------------------------------------

    def _back(self, request):
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:influencers_creator_changelist")
        return HttpResponseRedirect(target)

    def saved_view_save_view(self, request):
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        workspace = current_workspace(request)
        if workspace is None:
            messages.error(request, _("Choose a workspace first."))
            return self._back(request)
        query = request.POST.get("query", "")
        columns = request.session.get(SESSION_KEY)
        if columns and COLUMNS_PARAM not in query:
            query = f"{query}&{COLUMNS_PARAM}={','.join(columns)}".lstrip("&")
        try:
            view = saved_view_save(
                workspace=workspace,
                user=request.user,
                name=request.POST.get("name", ""),
                query=query,
                shared=request.POST.get("shared") == "on",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
        return self._back(request)

    def saved_view_delete_view(self, request, pk):
        if request.method != "POST":
            raise PermissionDenied
        view = get_object_or_404(SavedView, pk=pk, workspace=current_workspace(request))
        saved_view_delete(view=view, user=request.user)
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
        return self._back(request)
