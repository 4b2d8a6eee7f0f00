"""Idempotency-Key on POST: the first response to (caller, workspace, method, path, key) is
kept in the cache (Redis) for IDEMPOTENCY_TTL; a retry with the same key and the same body gets
that response again (with ``Idempotent-Replayed: true``) and creates nothing. The same key with
a different body answers 422; a retry while the first request is still running answers 409.

A multipart upload is not kept in memory (Django streams the file to disk), so its fingerprint
is taken from the parsed form instead of the raw body: `form_fingerprint`."""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from influencers.api.errors import Conflict, UnprocessableRequest
from influencers.models import ApiToken

HEADER = "HTTP_IDEMPOTENCY_KEY"
IDEMPOTENCY_TTL = 24 * 60 * 60
IN_FLIGHT_TTL = 5 * 60
KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")
KEPT_HEADERS = ("Location", "ETag")


class Replay(Exception):
    def __init__(self, stored: dict):
        self.stored = stored


def _principal(request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"t{request.auth.key_hash[:24]}"
    return f"u{request.user.pk}"


def form_fingerprint(data) -> str:
    """A parsed form's fingerprint: every field's values and every file's name and bytes
    (read in chunks, then rewound for the view). The same file under the same key is the same
    request; another file is another one."""
    digest = hashlib.sha256()
    for name in sorted(data.keys()):
        for value in data.getlist(name) if hasattr(data, "getlist") else [data[name]]:
            digest.update(b"\0field\0" + name.encode() + b"\0")
            if hasattr(value, "chunks"):
                digest.update(b"file\0" + (value.name or "").encode() + b"\0")
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
            else:
                digest.update(b"text\0" + str(value).encode())
    return digest.hexdigest()


def begin(request, *, fingerprint: str | None = None) -> dict | None:
    """Called after auth/permissions. Returns the pending record, raises Replay/409/422.

    `fingerprint`: what identifies the request when its raw body cannot be read (an upload,
    see form_fingerprint); the raw body's hash otherwise."""
    if request.method != "POST":
        return None
    key = request.META.get(HEADER)
    if key is None:
        return None
    if not KEY_RE.fullmatch(key):
        raise exceptions.ValidationError(
            {"Idempotency-Key": [_("Use 1-255 visible ASCII characters.")]}
        )
    scope = "|".join(
        [_principal(request), str(request.api_workspace.pk), request.method, request.path, key]
    )
    cache_key = "idem:" + hashlib.sha256(scope.encode()).hexdigest()
    if fingerprint is None:
        fingerprint = hashlib.sha256(request._request.body).hexdigest()
    pending = {"state": "running", "fingerprint": fingerprint}
    if cache.add(cache_key, pending, IN_FLIGHT_TTL):
        return {"cache_key": cache_key, "fingerprint": fingerprint}
    stored = cache.get(cache_key)
    if stored is None:  # expired between add and get: treat as new
        cache.set(cache_key, pending, IN_FLIGHT_TTL)
        return {"cache_key": cache_key, "fingerprint": fingerprint}
    if stored["fingerprint"] != fingerprint:
        raise UnprocessableRequest(
            _("This Idempotency-Key was used for another request (a different body or file).")
        )
    if stored["state"] == "running":
        raise Conflict(_("A request with this Idempotency-Key is still being processed."))
    raise Replay(stored)


def finish(pending: dict | None, response) -> None:
    if not pending:
        return
    if response.status_code >= 500 or response.status_code in (409, 412, 429):
        cache.delete(pending["cache_key"])  # let the client retry for real
        return
    cache.set(
        pending["cache_key"],
        {
            "state": "done",
            "fingerprint": pending["fingerprint"],
            "status": response.status_code,
            "data": response.data,
            "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
            # An error is a problem document (application/problem+json); its replay must say so.
            "content_type": getattr(response, "content_type", None),
        },
        IDEMPOTENCY_TTL,
    )
