from django.db.models import QuerySet

from influencers.models import Membership, Workspace

SESSION_KEY = "current_workspace_id"


def workspaces_for_user(*, user) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    if user.is_superuser:
        return Workspace.objects.all()
    return Workspace.objects.filter(memberships__user=user).distinct()


def membership_for(*, user, workspace) -> Membership | None:
    if not user.is_authenticated or workspace is None:
        return None
    return Membership.objects.filter(user=user, workspace=workspace).first()


def current_workspace_for_request(request) -> Workspace | None:
    """The workspace chosen in this session, else the user's first one.

    A superuser who has chosen none sees every workspace (returns None); everyone else always
    has exactly one workspace in scope, or none at all if they belong to no workspace.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    allowed = workspaces_for_user(user=user)
    chosen_id = request.session.get(SESSION_KEY)
    if chosen_id:
        workspace = allowed.filter(pk=chosen_id).first()
        if workspace is not None:
            return workspace
    if user.is_superuser:
        return None
    return allowed.order_by("name", "pk").first()
