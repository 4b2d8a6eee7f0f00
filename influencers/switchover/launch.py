"""Launch mechanics: drafting invitations exactly once and sending each at most once.

Exactly once, in two steps:

* Drafting runs under a lock on the plan row: creators already invited by the plan are skipped,
  and each new creator gets one Collaboration and one Invitation in the same transaction
  (``UNIQUE (plan, creator)`` is the backstop). A second launch or a retried task drafts
  nothing new.
* Sending claims each invitation with ``UPDATE ... SET status='sending' WHERE
  status='drafted'``; only the worker whose UPDATE matched sends, and marks it sent after the
  SMTP server accepted it. A worker killed between claim and mark leaves the invitation in
  "sending": after the lease it becomes "uncertain" and is NOT resent (at most once: a missing
  email can be resent by a person, a duplicate cannot be taken back).
"""

from __future__ import annotations

import contextlib
import smtplib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from influencers.models import (
    ActivityEvent,
    Collaboration,
    CollaborationStatus,
    CollaborationType,
    Creator,
    Invitation,
    SwitchoverPlan,
)

from .selection import Prepared

S = Invitation.Status


def draft_invitations(*, plan_id: int, prepared: list[Prepared]) -> int:
    """One Collaboration + one Invitation per sendable creator not yet invited by this plan."""
    candidates = [p for p in prepared if p.sendable]
    if not candidates:
        return 0
    with transaction.atomic():
        plan = SwitchoverPlan.objects.select_for_update().get(pk=plan_id)
        existing = set(
            Invitation.objects.filter(
                plan_id=plan_id, creator_id__in=[p.creator_id for p in candidates]
            ).values_list("creator_id", flat=True)
        )
        fresh = [p for p in candidates if p.creator_id not in existing]
        if not fresh:
            return 0
        collaborations = Collaboration.objects.bulk_create(
            [
                Collaboration(
                    workspace_id=plan.workspace_id,
                    creator_id=p.creator_id,
                    kind=CollaborationType.AMAZON_AFFILIATE_TIKTOK,
                    status=CollaborationStatus.PROPOSED,
                    commission_rate=plan.commission_rate,
                    tracking_link=p.link,
                    amazon_tracking_tag=p.attribution_tag or p.tracking_id,
                    deliverables=plan.name,
                )
                for p in fresh
            ]
        )
        product_ids = list(plan.products.values_list("pk", flat=True))
        through = Collaboration.products.through
        through.objects.bulk_create(
            [
                through(collaboration_id=c.pk, product_id=pid)
                for c in collaborations
                for pid in product_ids
            ]
        )
        Invitation.objects.bulk_create(
            [
                Invitation(
                    workspace_id=plan.workspace_id,
                    plan_id=plan_id,
                    creator_id=p.creator_id,
                    collaboration_id=c.pk,
                    email=p.email,
                    language=p.language,
                    tracking_link=p.link,
                    tracking_id=p.tracking_id,
                    marketplace=p.marketplace,
                    subject=p.subject,
                    body=p.body,
                )
                for p, c in zip(fresh, collaborations, strict=True)
            ]
        )
    return len(fresh)


def throttle() -> None:
    """Wait for a slot: at most SWITCHOVER_SEND_RATE sends per second across all workers
    (a counter per second in the shared cache)."""
    rate = settings.SWITCHOVER_SEND_RATE
    if rate <= 0:
        return
    while True:
        now = time.time()
        key = f"switchover:rate:{int(now)}"
        cache.add(key, 0, timeout=5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if count <= rate:
            return
        time.sleep(max(0.001, 1 - (now - int(now))))


def message_id(invitation_id: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    return f"<switchover-invitation-{invitation_id}@{domain}>"


def send_invitations(*, invitation_ids: list[int]) -> tuple[int, list[tuple[int, int]]]:
    """Send each drafted invitation at most once. Returns (sent, [(id, attempts) to retry])."""
    sent = 0
    retry: list[tuple[int, int]] = []
    connection = None
    try:
        for invitation_id in invitation_ids:
            now = timezone.now()
            claimed = Invitation.objects.filter(pk=invitation_id, status=S.DRAFTED).update(
                status=S.SENDING,
                claimed_at=now,
                send_attempts=F("send_attempts") + 1,
                updated_at=now,
            )
            if not claimed:
                continue  # sent, being sent, or answered already: never twice
            invitation = Invitation.objects.get(pk=invitation_id)
            throttle()
            if connection is None:
                connection = get_connection()
            email = EmailMessage(
                subject=invitation.subject,
                body=invitation.body,
                to=[invitation.email],
                headers={"Message-ID": message_id(invitation.pk)},
                connection=connection,
            )
            try:
                email.send()
            except (smtplib.SMTPException, OSError) as exc:
                # The server refused or the connection failed before it accepted the message.
                failed = invitation.send_attempts >= settings.SWITCHOVER_SEND_MAX_ATTEMPTS
                Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
                    status=S.FAILED if failed else S.DRAFTED,
                    last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    updated_at=timezone.now(),
                )
                if not failed:
                    retry.append((invitation.pk, invitation.send_attempts))
                with contextlib.suppress(Exception):  # the connection is already broken
                    connection.close()
                connection = None
                continue
            _mark_sent(invitation)
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    return sent, retry


def _mark_sent(invitation: Invitation) -> None:
    from influencers.services.events import event_record

    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
            status=S.SENT, sent_at=now, message_id=message_id(invitation.pk), updated_at=now
        )
        Creator.objects.filter(pk=invitation.creator_id).update(last_contacted_at=now)
        event_record(
            workspace=invitation.workspace,
            verb=ActivityEvent.Verb.INVITATION_SENT,
            creator_id=invitation.creator_id,
            target=invitation,
            data={"plan": invitation.plan_id, "link": invitation.tracking_link},
        )


def mark_stuck_uncertain(*, plan_id: int) -> int:
    """Invitations claimed longer ago than the lease: their worker died mid-send."""
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.SWITCHOVER_SEND_LEASE_SECONDS)
    return Invitation.objects.filter(
        plan_id=plan_id, status=S.SENDING, claimed_at__lt=cutoff
    ).update(
        status=S.UNCERTAIN,
        last_error="Worker stopped while sending; not resent to avoid a duplicate.",
        updated_at=timezone.now(),
    )
