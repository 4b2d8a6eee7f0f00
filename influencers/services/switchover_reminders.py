"""One reminder per invitation, for creators who have not answered after the plan's N days.

Under the launch's rules: never to a creator marked do-not-contact or who withdrew consent, at
the launch's send rate, and at most once — each reminder is claimed in its own committed
statement before it is sent, and a claimed reminder is never claimed again (a worker killed
between claim and send leaves it unsent rather than risking a second message)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from influencers.models import (
    ActivityEvent,
    Creator,
    CreatorStatus,
    Invitation,
    SwitchoverPlan,
    Workspace,
)
from influencers.switchover import launch
from influencers.switchover import smtp as mail

logger = logging.getLogger(__name__)
S = Invitation.Status
WAITING = (S.SENT, S.OPENED)  # invited, not answered
BATCH = 200


def _due(plan: SwitchoverPlan, now: dt.datetime):
    cutoff = now - dt.timedelta(days=plan.reminder_after_days)
    return (
        Invitation.objects.filter(
            plan=plan,
            status__in=WAITING,
            sent_at__lte=cutoff,
            reminder_claimed_at__isnull=True,
            reminded_at__isnull=True,
        )
        .exclude(creator__status=CreatorStatus.DO_NOT_CONTACT)
        .filter(creator__consent_to_contact=True)
        .order_by("pk")
    )


def _claim(ids: list[int], now: dt.datetime) -> list[Invitation]:
    """Autocommitted claim: only the rows this statement moved are ours to send."""
    claimed = Invitation.objects.filter(
        pk__in=ids, reminder_claimed_at__isnull=True, status__in=WAITING
    ).update(reminder_claimed_at=now)
    if not claimed:
        return []
    return list(
        Invitation.objects.filter(pk__in=ids, reminder_claimed_at=now, reminded_at__isnull=True)
    )


def _reminder_subject(invitation: Invitation) -> str:
    with translation.override(invitation.language or "en"):
        return _("Reminder: %(subject)s") % {"subject": invitation.subject}


def _mark_reminded(invitation: Invitation, target_type) -> None:
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(reminded_at=now, updated_at=now)
        Creator.objects.filter(pk=invitation.creator_id).update(last_contacted_at=now)
        ActivityEvent.objects.create(
            workspace_id=invitation.workspace_id,
            verb=ActivityEvent.Verb.INVITATION_REMINDED,
            creator_id=invitation.creator_id,
            target_type=target_type,
            target_id=invitation.pk,
            data={"plan": invitation.plan_id},
        )


def switchover_remind_due(*, now: dt.datetime | None = None) -> int:
    """Send the reminders that are due across all launched plans; returns how many went."""
    now = now or timezone.now()
    plans = SwitchoverPlan.objects.filter(
        status=SwitchoverPlan.Status.LAUNCHED, reminder_after_days__isnull=False
    ).select_related("workspace")
    target_type = ContentType.objects.get_for_model(Invitation)
    sent = 0
    for plan in plans:
        workspace: Workspace = plan.workspace
        while True:
            ids = list(_due(plan, now).values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            invitations = _claim(ids, now)
            if not invitations:
                continue
            connection = get_connection()
            try:
                connection.open()
                for invitation in invitations:
                    launch.throttle(1)
                    message = launch.build_message(
                        subject=_reminder_subject(invitation),
                        body=invitation.body,
                        to=invitation.email,
                        language=invitation.language,
                        workspace=workspace,
                        headers={
                            "In-Reply-To": invitation.message_id
                            or launch.message_id(invitation.pk),
                            "References": invitation.message_id or launch.message_id(invitation.pk),
                        },
                        connection=connection,
                    )
                    try:
                        mail.send(connection, message, hand_over=lambda: None)
                    except (smtplib.SMTPException, OSError, mail.MaybeSent) as exc:
                        # Claimed, not reminded: never retried, so never sent twice.
                        logger.warning(
                            "Reminder for invitation %s not sent: %s", invitation.pk, exc
                        )
                        connection.close()
                        connection = get_connection()
                        connection.open()
                        continue
                    _mark_reminded(invitation, target_type)
                    sent += 1
            finally:
                connection.close()
    return sent
