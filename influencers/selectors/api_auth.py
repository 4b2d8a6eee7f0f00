"""Reads behind API authentication: which token, which workspace, which role."""

from django.db.models import OuterRef, Subquery

from influencers.models import ApiToken, Membership, Workspace, hash_token_secret
from influencers.selectors.workspaces import workspaces_for_user

MAX_TOKEN_LENGTH = 200


def api_token_for_secret(*, raw: str) -> ApiToken | None:
    """The active token for this secret, with its user, workspace and the user's role there
    (``token.role``, None when no longer a member) — one query."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    role = Membership.objects.filter(
        user_id=OuterRef("user_id"), workspace_id=OuterRef("workspace_id")
    ).values("role")[:1]
    token = (
        ApiToken.objects.active()
        .select_related("user", "workspace")
        .annotate(role=Subquery(role))
        .filter(key_hash=hash_token_secret(raw))[:1]
    )
    # key_hash is unique: no ORDER BY (first() sorts by id) for the one row.
    return next(iter(token), None)


def role_for(*, user, workspace: Workspace) -> str | None:
    role = (
        Membership.objects.filter(user=user, workspace=workspace)
        .values_list("role", flat=True)
        .first()
    )
    if role is None and user.is_superuser:
        return Membership.Role.OWNER
    return role


def workspace_for_slug(*, user, slug: str) -> Workspace | None:
    return workspaces_for_user(user=user).filter(slug=slug).first()
