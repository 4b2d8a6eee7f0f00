"""Optimistic concurrency: detail responses carry an ETag (a hash of the row's id and
updated_at); a PUT/PATCH/DELETE that sends If-Match with an older ETag answers 412 and changes
nothing. If-Match is optional: without it the write goes ahead (last write wins)."""

import hashlib

from django.utils.translation import gettext_lazy as _

from influencers.api.errors import PreconditionFailed


def etag_for(instance) -> str:
    stamp = getattr(instance, "updated_at", None)
    raw = f"{type(instance).__name__}:{instance.pk}:{stamp.isoformat() if stamp else ''}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _candidates(header: str) -> list[str]:
    return [part.strip().removeprefix("W/") for part in header.split(",") if part.strip()]


def check_if_match(request, instance) -> None:
    """Raise 412 when the request's If-Match names no current version of `instance`.

    Call it with the row locked (select_for_update) so the check and the write are atomic."""
    header = request.META.get("HTTP_IF_MATCH")
    if header is None:
        return
    candidates = _candidates(header)
    if "*" in candidates:
        return
    if etag_for(instance) not in candidates:
        raise PreconditionFailed(
            _("The record has changed since you read it; fetch it again and retry.")
        )
