from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from influencers.models import ApiToken


class PerTokenRateThrottle(SimpleRateThrottle):
    """Requests per token (per user for sessions), counted in the default cache (Redis), so
    every gunicorn process shares one count. 429 carries Retry-After."""

    scope = "api"

    def get_rate(self):
        # Read at request time (not import time) so settings overrides apply.
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            # The hash, not the id: ids come back after a database is recreated, hashes never.
            ident = f"t{request.auth.key_hash[:24]}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"


class FailedAuthThrottle(SimpleRateThrottle):
    """Requests without valid credentials (no token, a wrong or expired one), per client
    address: past the rate they are answered 429 (with Retry-After) instead of 401."""

    scope = "failed_auth"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view):
        return f"throttle:{self.scope}:ip{self.get_ident(request)}"
