"""API tokens: create (the secret is returned once and never stored), revoke, touch."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import policy
from influencers.models import ApiToken, Membership, Workspace, hash_token_secret
from influencers.models.tokens import TOKEN_PREFIX_LENGTH

TOKEN_SCHEME = "ipm_"
# last_used_at is written at most this often per token, so busy scripts do not turn every
# read into a write.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


NEVER = None  # expires_in_days for a token that does not expire


def api_token_create(
    *, user, workspace: Workspace, name: str = "", expires_in_days: int | None = -1
) -> tuple[ApiToken, str]:
    """Create a token for `user` in `workspace`; returns (token, raw secret to show once).
    It expires after `expires_in_days` (-1: API_TOKEN_DEFAULT_DAYS; NEVER: it does not)."""
    if expires_in_days == -1:
        expires_in_days = settings.API_TOKEN_DEFAULT_DAYS
    if (
        not user.is_superuser
        and not Membership.objects.filter(user=user, workspace=workspace).exists()
    ):
        raise ValidationError({"user": [_("The user is not a member of this workspace.")]})
    raw = TOKEN_SCHEME + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        workspace=workspace,
        name=name.strip(),
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        key_hash=hash_token_secret(raw),
        expires_at=(
            timezone.now() + dt.timedelta(days=int(expires_in_days))
            if expires_in_days is not NEVER
            else None
        ),
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    """Revoke `token`. Anyone may revoke their own token (giving up one's own access is always
    safe); another member's needs the owner's right to manage tokens (influencers.policy).
    `actor=None` is the system itself."""
    if actor is not None and actor.pk != token.user_id:
        policy.require(actor, token.workspace_id, policy.Action.MANAGE)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_touch(*, token: ApiToken, now=None) -> bool:
    """Record use, at most once per TOUCH_INTERVAL: one conditional UPDATE, or nothing at all
    when the loaded value is recent enough."""
    now = now or timezone.now()
    threshold = now - TOUCH_INTERVAL
    if token.last_used_at is not None and token.last_used_at >= threshold:
        return False
    updated = ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=threshold), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
    return bool(updated)
