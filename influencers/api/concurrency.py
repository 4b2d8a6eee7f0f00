"""Optimistic concurrency: detail responses carry an ETag (a hash of the row's id and
updated_at); a PUT/PATCH/DELETE that sends If-Match with an older ETag answers 412 and changes
nothing. If-Match is optional: without it the write goes ahead (last write wins).

If-Match follows RFC 9110 §13.1.1: `*` or a comma-separated list of entity tags, compared
strongly (a weak tag `W/"..."` never matches, since our tags promise byte-identical output
only for the same version). A workspace singleton not saved yet (its defaults) has a tag too,
so a client can make its first write conditional."""

import hashlib
import re

from django.utils.translation import gettext_lazy as _

from influencers.api.errors import PreconditionFailed

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc excludes DQUOTE, so a comma inside the
# quotes belongs to the tag, not to the list.
_ENTITY_TAG = re.compile(r'\s*(W/)?("[^"]*")\s*(,|$)')


def etag_for(instance) -> str:
    stamp = getattr(instance, "updated_at", None)
    raw = f"{type(instance).__name__}:{instance.pk}:{stamp.isoformat() if stamp else ''}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def parse_if_match(header: str) -> list[str] | None:
    """The strong entity tags an If-Match value lists (`["*"]` for any); None when the value
    is not a valid list. Weak tags are dropped: they can never match under If-Match."""
    if header.strip() == "*":
        return ["*"]
    tags: list[str] = []
    position = 0
    text = header.strip()
    while position < len(text):
        match = _ENTITY_TAG.match(text, position)
        if match is None:
            return None
        if match.group(1) is None:
            tags.append(match.group(2))
        position = match.end()
        if match.group(3) == "" and position < len(text):
            return None
    return tags if text else None


def check_if_match(request, instance) -> None:
    """Raise 412 when the request's If-Match names no current version of `instance`.

    Call it with the row locked (select_for_update) so the check and the write are atomic."""
    header = request.META.get("HTTP_IF_MATCH")
    if header is None:
        return
    candidates = parse_if_match(header)
    if candidates is None:
        # A value that is not an entity-tag list names no version at all: it cannot match.
        raise PreconditionFailed(
            _('If-Match must be * or a list of quoted entity tags ("…", "…").')
        )
    if "*" in candidates:
        return
    if etag_for(instance) not in candidates:
        raise PreconditionFailed(
            _("The record has changed since you read it; fetch it again and retry.")
        )
