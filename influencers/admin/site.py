"""Callbacks that unfold calls (see `UNFOLD` in config/settings/base.py): the environment badge,
the workspace switcher's context, the sidebar and the dashboard."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from influencers.models import Collaboration, CollaborationStatus, Creator, CreatorStatus, Note
from influencers.selectors.workspaces import workspaces_for_user

from .mixins import current_workspace


def environment_badge(request):
    """Unfold shows this next to the title: the workspace in scope, so nobody edits the wrong
    brand by accident."""
    workspace = getattr(request, "workspace", None)
    if workspace:
        return [str(workspace.name), "info"]
    if request.user.is_authenticated and request.user.is_superuser:
        return [str(_("All workspaces")), "warning"]
    return None


# --- workspace switcher (in the header of every admin page) ----------------------------------

# Beyond this many workspaces a dropdown stops being usable; a superuser of a very large
# installation picks from the Workspaces list instead.
SWITCHER_LIMIT = 200


def global_context(request) -> dict:
    """Extra context for every admin page: what the workspace switcher offers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    current = current_workspace(request)
    choices = list(
        workspaces_for_user(user=user).order_by("name", "pk").only("pk", "name")[:SWITCHER_LIMIT]
    )
    return {
        "workspace_switcher": {
            "current": current,
            "choices": choices,
            "allow_all": user.is_superuser,
            "action": reverse("workspace-switch"),
        }
    }


# --- sidebar -------------------------------------------------------------------------------


def _can_view(model):
    def check(request) -> bool:
        model_admin = admin.site._registry.get(model)
        return model_admin is not None and model_admin.has_view_permission(request)

    return check


def _changelist(model) -> str:
    return reverse_lazy(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _item(title, icon, model):
    return {
        "title": title,
        "icon": icon,
        "link": _changelist(model),
        "permission": _can_view(model),
    }


def sidebar_navigation(request) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from influencers import models as m

    return [
        {
            "title": _("Pool"),
            "items": [
                {
                    "title": _("Dashboard"),
                    "icon": "dashboard",
                    "link": reverse_lazy("admin:index"),
                },
                {
                    "title": _("My day"),
                    "icon": "today",
                    "link": reverse_lazy("my-day"),
                },
                _item(_("Creators"), "groups", m.Creator),
                _item(_("Platform accounts"), "alternate_email", m.PlatformAccount),
                _item(_("Contact methods"), "contact_mail", m.ContactMethod),
                _item(_("Tags"), "sell", m.Tag),
                _item(_("Agencies"), "apartment", m.Agency),
            ],
        },
        {
            "title": _("Work"),
            "separator": True,
            "items": [
                _item(_("Collaborations"), "handshake", m.Collaboration),
                _item(_("Content posts"), "smart_display", m.ContentPost),
                _item(_("Notes"), "sticky_note_2", m.Note),
                _item(_("Metric snapshots"), "monitoring", m.MetricSnapshot),
                _item(_("Activity"), "history", m.ActivityEvent),
            ],
        },
        {
            "title": _("Switch-over"),
            "separator": True,
            "items": [
                _item(_("Switch-over plans"), "rocket_launch", m.SwitchoverPlan),
                _item(_("Invitations"), "outgoing_mail", m.Invitation),
                _item(_("Amazon link settings"), "link", m.AmazonLinkSettings),
                _item(_("Readiness weights"), "tune", m.ScoringWeights),
            ],
        },
        {
            "title": _("Imports"),
            "separator": True,
            "items": [
                _item(_("Import jobs"), "upload_file", m.ImportJob),
                _item(_("Merges"), "merge", m.CreatorMerge),
            ],
        },
        {
            "title": _("Catalogue"),
            "separator": True,
            "items": [
                _item(_("Products"), "inventory_2", m.Product),
                _item(_("Campaigns"), "campaign", m.Campaign),
            ],
        },
        {
            "title": _("Settings"),
            "separator": True,
            "items": [
                _item(_("Workspaces"), "store", m.Workspace),
                _item(_("Members"), "badge", m.Membership),
                _item(_("API tokens"), "key", m.ApiToken),
                _item(_("Users"), "person", get_user_model()),
                _item(_("Groups"), "group_work", Group),
            ],
        },
    ]


# --- dashboard -----------------------------------------------------------------------------


def _scoped(queryset, request):
    workspace = current_workspace(request)
    if workspace is not None:
        return queryset.filter(workspace=workspace)
    if request.user.is_superuser:
        return queryset
    return queryset.none()


def _by_status(queryset, choices, changelist_url):
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "link": f"{changelist_url}?status__exact={value}",
        }
        for value, label in choices
    ]


def dashboard_callback(request, context: dict) -> dict:
    """Pool health for the workspace in scope, in four aggregate queries."""
    from influencers.selectors.dashboard import home_dashboard
    from influencers.selectors.samples import samples_awaiting_post, samples_overdue

    today = timezone.localdate()
    workspace = current_workspace(request)
    creators = _scoped(Creator.objects.all(), request)
    collaborations = _scoped(Collaboration.objects.all(), request)
    notes = _scoped(Note.objects.all(), request)
    creator_url = reverse("admin:influencers_creator_changelist")
    collaboration_url = reverse("admin:influencers_collaboration_changelist")
    creators_by_status = _by_status(creators, CreatorStatus.choices, creator_url)
    collaborations_by_status = _by_status(
        collaborations, CollaborationStatus.choices, collaboration_url
    )
    context.update(
        {
            "dashboard": {
                "workspace": current_workspace(request),
                "creators_by_status": creators_by_status,
                "creators_total": sum(row["count"] for row in creators_by_status),
                "collaborations_by_status": collaborations_by_status,
                "collaborations_total": sum(row["count"] for row in collaborations_by_status),
                "follow_ups_due": notes.filter(follow_up_on__lte=today).count(),
                "follow_ups_link": reverse("admin:influencers_note_changelist") + "?follow_up=due",
                "samples_awaiting_post": samples_awaiting_post(collaborations).count(),
                "samples_awaiting_post_link": f"{collaboration_url}?awaiting_post=1",
                "samples_overdue": samples_overdue(queryset=collaborations, today=today).count(),
                "samples_overdue_link": f"{collaboration_url}?sample_overdue=1",
                # Charts, leaderboards, stale numbers, recent imports: one workspace at a time.
                "pool": home_dashboard(workspace) if workspace is not None else None,
            }
        }
    )
    return context
