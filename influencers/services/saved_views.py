"""Saved creator lists: a member names the list as it is (filters, search, sort, columns) and
finds it again, or shares it with the workspace."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from influencers import policy
from influencers.models import SavedView

# Query parameters that describe where one is in the list, not what the list is.
NOT_SAVED = {"p", "e", "_changelist_filters", "_popup", "_to_field"}
MAX_QUERY = 2000


def clean_query(raw: str) -> str:
    pairs = [
        (k, v) for k, v in parse_qsl(raw.lstrip("?"), keep_blank_values=False) if k not in NOT_SAVED
    ]
    query = urlencode(pairs)
    if len(query) > MAX_QUERY:
        raise ValidationError(
            _("This list has too many filters to save (%(n)s characters at most).")
            % {"n": MAX_QUERY}
        )
    return query


def saved_view_save(*, workspace, user, name: str, query: str, shared: bool = False) -> SavedView:
    """Create or replace the member's view of that name."""
    policy.require(user, workspace.pk, policy.Action.VIEW)
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError({"name": [_("Give the view a name.")]})
    view, _created = SavedView.objects.update_or_create(
        workspace=workspace,
        user=user,
        name=name,
        defaults={"query": clean_query(query), "shared": bool(shared)},
    )
    return view


def saved_view_delete(*, view: SavedView, user) -> None:
    """Only its author (or an owner of the workspace) removes a view."""
    if view.user_id != user.pk and not policy.may(
        policy.role_of(user, view.workspace_id), policy.Action.MANAGE
    ):
        raise PermissionDenied(_("Only the member who saved this view can delete it."))
    view.delete()
