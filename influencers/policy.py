"""Who may do what, and what personal data they see: the one place that decides.

API permissions, admin permissions and every output (JSON, CSV, XLSX, previews, shortlists,
error reports, admin pages, exports) ask here instead of restating a rule. Roles rank
viewer < member < manager < owner:

* viewer: read, with contact details masked, no answer links, no search by email or phone;
* member: also create and change, and sees contact details;
* manager: also delete, merge, import and launch;
* owner: also members, tokens and workspace settings.

Masking keeps enough to recognise a contact ("j***@example.com", "+1*******0199") and not
enough to use it. It applies to a role, not to a field list: an output that is not sure
whether a value is a contact runs it through `mask_text`, which masks every email address and
phone-like number it finds.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from influencers.models import ContactMethod, Membership

Role = Membership.Role
RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.MANAGER: 2, Role.OWNER: 3}


class Action:
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    MERGE = "merge"
    IMPORT = "import"
    LAUNCH = "launch"
    MANAGE = "manage"  # members, tokens, workspace settings


# The least role that may do each action.
LEAST_ROLE = {
    Action.VIEW: Role.VIEWER,
    Action.ADD: Role.MEMBER,
    Action.CHANGE: Role.MEMBER,
    Action.DELETE: Role.MANAGER,
    Action.MERGE: Role.MANAGER,
    Action.IMPORT: Role.MANAGER,
    Action.LAUNCH: Role.MANAGER,
    Action.MANAGE: Role.OWNER,
}


def roles_for(action: str) -> frozenset[str]:
    """Every role that may do `action`."""
    least = RANK[LEAST_ROLE[action]]
    return frozenset(role for role, rank in RANK.items() if rank >= least)


def may(role: str | None, action: str) -> bool:
    """May a member with `role` (None: not a member) do `action` in the workspace?"""
    return role is not None and RANK[role] >= RANK[LEAST_ROLE[action]]


def role_of(actor, workspace) -> str | None:
    """`actor`'s role in `workspace` (superusers are owners everywhere), cached on the actor for
    the rest of its request or task."""
    if getattr(actor, "is_superuser", False):
        return Role.OWNER
    workspace_id = getattr(workspace, "pk", workspace)
    cache = actor.__dict__.setdefault("_ipm_workspace_roles", {})
    if workspace_id not in cache:
        cache[workspace_id] = (
            Membership.objects.filter(user=actor, workspace_id=workspace_id)
            .values_list("role", flat=True)
            .first()
        )
    return cache[workspace_id]


def require(actor, workspace, action: str) -> None:
    """Refuse (PermissionDenied) a write the acting user's role does not allow.

    The services call this, so the admin, the API and anything else that writes get the same
    answer. `actor=None` is the system itself (an import, a task, the demo loader), which acts
    on behalf of whoever started it and was checked then."""
    if actor is None:
        return
    if not may(role_of(actor, workspace), action):
        raise PermissionDenied(
            _("Your role in this workspace does not allow this (%(action)s).")
            % {"action": ACTION_LABELS.get(action, action)}
        )


ACTION_LABELS = {
    Action.VIEW: _("view"),
    Action.ADD: _("add"),
    Action.CHANGE: _("change"),
    Action.DELETE: _("delete"),
    Action.MERGE: _("merge"),
    Action.IMPORT: _("import"),
    Action.LAUNCH: _("launch"),
    Action.MANAGE: _("manage the workspace"),
}


def must_mask(role: str | None) -> bool:
    """Must personal data (emails, phones, answer links) be masked for this role?

    Unknown role (no membership, schema generation) masks: the safe answer."""
    return role is None or RANK[role] < RANK[Role.MEMBER]


def may_search_contacts(role: str | None) -> bool:
    """An exact email/phone search answers "is this address in the pool?"; a role that may not
    see the address may not ask that either."""
    return not must_mask(role)


# --- masking -----------------------------------------------------------------------------

PHONE_KINDS = (ContactMethod.Kind.PHONE, ContactMethod.Kind.WHATSAPP)


def mask_email(value: str) -> str:
    if "@" not in value:
        return mask_other(value)
    local, _sep, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    digits = value.replace(" ", "")
    if len(digits) > 6:
        return digits[:2] + "*" * (len(digits) - 6) + digits[-4:]
    return "*" * len(digits)


def mask_other(value: str) -> str:
    return value[:1] + "***" if value else ""


def mask_contact(kind: str, value: str) -> str:
    """What a viewer sees of a contact method's value: enough to recognise, not to use."""
    if kind == ContactMethod.Kind.EMAIL:
        return mask_email(value)
    if kind in PHONE_KINDS:
        return mask_phone(value)
    return mask_other(value)


def contact_for(role: str | None, kind: str, value: str) -> str:
    return mask_contact(kind, value) if must_mask(role) else value


# A local part may hold any of !#$%&'*+-/=?^_`{|}~ (o'brien@...); quotes, brackets and spaces
# around an address are not part of it.
_EMAIL_IN_TEXT = re.compile(r"[^\s@<>\"(),;:\[\]]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A run of 7+ digits, allowing the separators people type (+1 (415) 555-0199, 0044 20 7946...).
_PHONE_IN_TEXT = re.compile(r"\+?\d[\d ().\-/]{5,}\d")


_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")


def _mask_phone_match(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or _DATE_LIKE.fullmatch(text.strip()):
        return text
    kept = 0
    out = []
    # Keep the last four digits, mask every digit before them.
    for ch in reversed(text):
        if ch.isdigit():
            kept += 1
            out.append(ch if kept <= 4 else "*")
        else:
            out.append(ch)
    return "".join(reversed(out))


def mask_text(text: str) -> str:
    """Free text (a spreadsheet cell, an error message) with every email address and
    phone-like number in it masked."""
    if not text:
        return text
    text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
    return _PHONE_IN_TEXT.sub(_mask_phone_match, text)


def text_for(role: str | None, text: str) -> str:
    return mask_text(text) if must_mask(role) else text


# --- answer links ---------------------------------------------------------------------------

HIDDEN_ANSWER_LINK = _("[answer link hidden]")
# The signed token (plan:creator:signature, or plan:creator:timestamp:signature as the first
# releases wrote it) as written in a message, raw or percent-encoded, with the URL it sits in:
# a template filter must not let it through either.
_ANSWER_TOKEN = re.compile(
    r"\d+(?::|%3[Aa])[0-9A-Za-z]+(?:(?::|%3[Aa])[0-9A-Za-z]{4,})?"
    r"(?::|%3[Aa])[0-9A-Za-z_\-]{20,}/?"
)
_ANSWER_URL = re.compile(r"(?:https?(?::|%3[Aa])//[^\s\"'<>]*?)?/answer/[^\s\"'<>]+")


def redact_answer_links(text: str) -> str:
    """The message with every answer link replaced: whoever holds the link can answer for the
    creator, so only roles that may send invitations see it."""
    if not text:
        return text
    hidden = str(HIDDEN_ANSWER_LINK)
    text = _ANSWER_URL.sub(hidden, text)
    return _ANSWER_TOKEN.sub(hidden, text)


def message_for(role: str | None, text: str) -> str:
    """An invitation message as this role may see it. Its merge fields hold no contact
    details (see switchover.messages.MERGE_FIELDS), so only the answer link is hidden."""
    return redact_answer_links(text) if must_mask(role) else text
