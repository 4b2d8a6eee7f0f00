"""Workspaces and roles.

Every request acts in exactly one workspace: the token's, or for a session the ``X-Workspace``
header's (a workspace the user belongs to) or the session's current workspace. The role in that
workspace decides what the request may do:

* viewer: read (contact details masked);
* member: also create and change;
* manager: also delete (and merge and import);
* owner: also members and tokens.
"""

from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from influencers.models import ApiToken
from influencers.policy import Action, Role, may, must_mask
from influencers.selectors.api_auth import role_for, workspace_for_slug

WORKSPACE_HEADER = "HTTP_X_WORKSPACE"


def resolve_workspace(request) -> None:
    """Set request.api_workspace and request.api_role, or raise 401/403."""
    if hasattr(request, "api_workspace"):
        return
    user = request.user
    if not user or not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is not None:
        workspace, role = token.workspace, token.role
        if role is None and user.is_superuser:
            role = Role.OWNER
    else:
        slug = request.META.get(WORKSPACE_HEADER, "")
        if slug:
            workspace = workspace_for_slug(user=user, slug=slug[:80])
            if workspace is None:
                raise exceptions.PermissionDenied(_("You are not a member of that workspace."))
        else:
            workspace = getattr(request._request, "workspace", None)
            if isinstance(workspace, SimpleLazyObject):  # the middleware's lazy value
                if workspace._wrapped is empty:
                    workspace._setup()
                workspace = workspace._wrapped
        if workspace is None:
            raise exceptions.PermissionDenied(
                _("Choose a workspace (X-Workspace header or the admin's workspace switch).")
            )
        role = role_for(user=user, workspace=workspace)
    if role is None:
        raise exceptions.PermissionDenied(_("You are not a member of this workspace."))
    request.api_workspace = workspace
    request.api_role = role


def required_action(request, view) -> str:
    """What the request does, as a policy action: a view's own actions (launch, merge, ...)
    name theirs in `required_actions`; otherwise reading is VIEW, DELETE is DELETE, any other
    write is CHANGE. Who may do it is the policy's answer (influencers/policy.py)."""
    per_action = getattr(view, "required_actions", {})
    action = getattr(view, "action", None)
    if action in per_action:
        return per_action[action]
    if request.method in permissions.SAFE_METHODS:
        return Action.VIEW
    if request.method == "DELETE":
        return Action.DELETE
    return Action.CHANGE


class WorkspaceRolePermission(permissions.BasePermission):
    message = _("Your role in this workspace does not allow this.")

    def has_permission(self, request, view):
        resolve_workspace(request)
        return may(request.api_role, required_action(request, view))


def can_see_contacts(role: str | None) -> bool:
    return not must_mask(role)
