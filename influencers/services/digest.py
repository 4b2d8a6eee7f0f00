"""The daily digest: each member's "My day" by email, once a day, from their chosen hour.

Once per day is a claim, not a hope: before anything is sent, one conditional UPDATE moves the
member's ``digest_last_sent_on`` to today only if it is not today already. Two scheduler runs
(a beat that fired twice, two beats, a retried task) race for that row and only one wins; the
loser sends nothing. A send that fails after the claim is not retried that day — a digest
missed is better than a digest twice (the same rule as switch-over reminders).

Hours are read in the server's time zone (settings.TIME_ZONE): workspaces and users carry no
time zone of their own yet.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from influencers.models import Membership
from influencers.selectors.my_day import my_day

logger = logging.getLogger(__name__)


def digest_settings_save(
    *, membership: Membership, actor, enabled: bool, hour: int | None = None
) -> Membership:
    """A member turns their own digest on or off (and picks its hour). Nobody else may: the
    digest is a personal inbox choice, not a workspace setting."""
    if actor is None or actor.pk != membership.user_id:
        raise PermissionDenied(_("Only the member themself can change their digest."))
    membership.digest_enabled = bool(enabled)
    fields = ["digest_enabled", "updated_at"]
    if hour is not None:
        membership.digest_hour = hour
        fields.append("digest_hour")
    membership.full_clean(exclude=["workspace", "user"])
    membership.save(update_fields=fields)
    return membership


def membership_language_remember(*, membership: Membership, language: str) -> None:
    """Keep the language the member reads the admin in, for the digest (the worker has no
    request to read it from). Written only when it changed."""
    language = (language or "")[:16]
    if language and membership.language != language:
        Membership.objects.filter(pk=membership.pk).update(language=language)
        membership.language = language


def digest_url(path: str) -> str:
    return settings.DIGEST_BASE_URL.rstrip("/") + path


def _due(now: dt.datetime):
    local = timezone.localtime(now)
    return (
        Membership.objects.filter(
            digest_enabled=True,
            digest_hour__lte=local.hour,
            user__is_active=True,
        )
        .exclude(user__email="")
        .filter(Q(digest_last_sent_on__isnull=True) | Q(digest_last_sent_on__lt=local.date()))
        .select_related("user", "workspace")
        .order_by("pk")
    )


def _claim(membership: Membership, today: dt.date) -> bool:
    """UPDATE ... WHERE digest_last_sent_on IS DISTINCT FROM today, autocommitted: True only
    for the one run whose statement moved the row."""
    return bool(
        Membership.objects.filter(pk=membership.pk, digest_enabled=True)
        .filter(Q(digest_last_sent_on__isnull=True) | ~Q(digest_last_sent_on=today))
        .update(digest_last_sent_on=today)
    )


def digest_message(*, membership: Membership, now: dt.datetime, connection=None):
    """The member's digest, or None when there is nothing to say."""
    # Inside the member's language: the lists carry labels (a note's kind, an answer's status).
    with translation.override(membership.language or settings.LANGUAGE_CODE):
        day = my_day(workspace=membership.workspace, user=membership.user, now=now)
        if day.empty:
            return None
        context = {
            "day": day,
            "sections": day.sections,
            "LANGUAGE_CODE": translation.get_language(),
            "membership": membership,
            "workspace": membership.workspace,
            "base_url": settings.DIGEST_BASE_URL.rstrip("/"),
            "my_day_url": digest_url(reverse("my-day")),
            "opt_out_url": digest_url(reverse("my-day-digest", args=[membership.pk])),
        }
        subject = _("Your day in %(workspace)s: %(date)s") % {
            "workspace": membership.workspace.name,
            "date": day.today.isoformat(),
        }
        text = render_to_string("influencers/email/digest.txt", context)
        html = render_to_string("influencers/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[membership.user.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_send_due(*, now: dt.datetime | None = None) -> int:
    """Send today's digest to every member whose hour has come; returns how many went."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    connection = None
    try:
        for membership in list(_due(now)):  # one row per member: a small table
            if not _claim(membership, today):
                continue  # another run has it
            message = digest_message(membership=membership, now=now)
            if message is None:
                continue  # nothing to say: no email, and today's digest is done
            if connection is None:
                connection = get_connection()
                connection.open()
            message.connection = connection
            try:
                message.send()
            except (smtplib.SMTPException, OSError, ValidationError) as exc:
                # Claimed, not sent: not retried today, so never sent twice.
                logger.warning("Digest for membership %s not sent: %s", membership.pk, exc)
                connection.close()
                connection = None
                continue
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    return sent
