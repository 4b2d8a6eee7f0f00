import secrets

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from influencers.models import ApiToken

# DRF's sliding window (the requests of the last `duration` seconds), kept in Redis as a sorted
# set of request times and updated in one atomic step. DRF reads its list, then writes it
# back: concurrent requests in several processes each read the same list, and all but one of
# their counts are lost (encode/django-rest-framework#5181), and each request pickled the
# whole list both ways (up to the rate's 1,200 entries) in two round trips.
# KEYS[1]: the count. ARGV: now (s), duration (s), requests allowed, a unique member.
# Returns nil when the request is allowed (and counted), else the oldest counted time.
SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return oldest[2] or ARGV[1]
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return false
"""


class AtomicRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle counted in one atomic Redis step (SLIDING_WINDOW), so every
    gunicorn process shares one exact count. With a cache that runs no scripts (the
    in-process cache of a machine without Redis: one process), DRF's own counting."""

    _oldest = None

    def get_rate(self):
        # Read at request time (not import time) so settings overrides apply.
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def allow_request(self, request, view):
        run_script = getattr(self.cache, "run_script", None)
        if self.rate is None or run_script is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        oldest = run_script(
            SLIDING_WINDOW,
            # Not DRF's key: that one may still hold DRF's pickled list (a Redis string).
            keys=[f"{self.key}:times"],
            args=[repr(self.now), self.duration, self.num_requests, secrets.token_hex(8)],
        )
        if oldest is None:
            return True
        self._oldest = float(oldest)
        return False

    def wait(self):
        if self._oldest is None:
            return super().wait()
        # Until the oldest counted request leaves the window.
        return max(self.duration - (self.now - self._oldest), 0.0)


class PerTokenRateThrottle(AtomicRateThrottle):
    """Requests per token (per user for sessions). 429 carries Retry-After."""

    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            # The hash, not the id: ids come back after a database is recreated, hashes never.
            ident = f"t{request.auth.key_hash[:24]}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"


class FailedAuthThrottle(AtomicRateThrottle):
    """Requests without valid credentials (no token, a wrong or expired one), per client
    address: past the rate they are answered 429 (with Retry-After) instead of 401."""

    scope = "failed_auth"

    def get_cache_key(self, request, view):
        return f"throttle:{self.scope}:ip{self.get_ident(request)}"
