"""Who is calling, and in which workspace.

* ``Authorization: Bearer <token>`` (or ``Token <token>``): a personal API token, bound to one
  workspace. Only its sha256 is stored.
* A browser session (the browsable API): the session's current workspace, or the workspace
  named by an ``X-Workspace: <slug>`` header, which must be one the user belongs to.

Either way the view finds ``request.api_workspace`` and ``request.api_role`` set (see
``WorkspaceRolePermission``, which resolves them).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from influencers.selectors.api_auth import api_token_for_secret
from influencers.services.tokens import api_token_touch

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: expected 'Bearer <token>'.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = api_token_for_secret(raw=raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(date)s: ask an owner of the workspace for a new one.")
                % {"date": token.expires_at.date().isoformat()}
            )
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class WorkspaceSessionAuthentication(authentication.SessionAuthentication):
    """Django session (CSRF enforced on unsafe methods) for the browsable API."""
