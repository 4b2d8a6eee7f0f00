"""Launch mechanics: drafting invitations exactly once and sending each at most once.

Exactly once, in two steps:

* Drafting runs under a lock on the plan row: creators already invited by the plan are skipped,
  and each new creator gets one Collaboration and one Invitation in the same transaction
  (``UNIQUE (plan, creator)`` is the backstop). A second launch or a retried task drafts
  nothing new.
* Sending claims a small batch of invitations with one ``UPDATE ... SET status='sending'
  WHERE id = ANY(...) AND status='drafted' RETURNING ...``; only the worker whose UPDATE matched
  an invitation sends it, and marks it sent after the SMTP server accepted it. Just before the
  end-of-data line of each message it commits ``handed_over_at`` (see switchover.smtp). A
  worker killed between claim and mark leaves the batch's invitations in "sending"; after the
  lease, those never handed over surely did not go and are sent again by the resumed launch;
  one handed over may have gone and becomes "uncertain", NOT resent (at most once: a missing
  email can be resent by a person, with ``invitations_send_again``; a duplicate cannot be
  taken back). So a killed worker leaves at most one uncertain invitation.
* The claim skips creators who became do-not-contact or withdrew consent since drafting: those
  invitations fail, unsent.
"""

from __future__ import annotations

import contextlib
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext

from influencers.models import (
    ActivityEvent,
    Collaboration,
    CollaborationStatus,
    CollaborationType,
    Creator,
    Invitation,
    SwitchoverPlan,
    Workspace,
)

from . import messages
from . import smtp as mail
from .selection import Prepared

S = Invitation.Status


def draft_invitations(*, plan_id: int, prepared: list[Prepared]) -> list[int]:
    """One Collaboration + one Invitation per sendable creator not yet invited by this plan.
    Returns the ids of the invitations drafted now."""
    candidates = [p for p in prepared if p.sendable]
    if not candidates:
        return []
    with transaction.atomic():
        plan = SwitchoverPlan.objects.select_for_update().get(pk=plan_id)
        existing = set(
            Invitation.objects.filter(
                plan_id=plan_id, creator_id__in=[p.creator_id for p in candidates]
            ).values_list("creator_id", flat=True)
        )
        fresh = [p for p in candidates if p.creator_id not in existing]
        if not fresh:
            return []
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
        # Each collaboration lists the products its link sells: those of the creator's
        # marketplace (influencers.switchover.marketplaces), not the plan's others.
        product_ids: dict[str, list[int]] = {}
        for pk, marketplace in plan.products.values_list("pk", "marketplace"):
            product_ids.setdefault(marketplace, []).append(pk)
        through = Collaboration.products.through
        through.objects.bulk_create(
            [
                through(collaboration_id=c.pk, product_id=pid)
                for p, c in zip(fresh, collaborations, strict=True)
                for pid in product_ids.get(p.marketplace, ())
            ]
        )
        invitations = Invitation.objects.bulk_create(
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
    return [i.pk for i in invitations]


def throttle(wanted: int = 1) -> int:
    """Wait for send slots: at most SWITCHOVER_SEND_RATE sends per second across all workers
    (a counter per second in the shared cache). Returns how many of ``wanted`` were granted
    (at least 1): one cache round trip per batch, not per email."""
    rate = settings.SWITCHOVER_SEND_RATE
    if rate <= 0:
        return wanted
    while True:
        now = time.time()
        key = f"switchover:rate:{int(now)}"
        cache.add(key, 0, timeout=5)
        try:
            count = cache.incr(key, wanted)
        except ValueError:  # expired between add and incr
            continue
        granted = min(wanted, rate - (count - wanted))
        if granted < wanted:
            with contextlib.suppress(ValueError):  # give back what this second cannot take
                cache.decr(key, wanted - max(granted, 0))
        if granted > 0:
            return granted
        time.sleep(max(0.001, 1 - (now - int(now))))


def message_id(invitation_id: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    return f"<switchover-invitation-{invitation_id}@{domain}>"


@dataclass
class Claimed:
    pk: int
    workspace_id: int
    plan_id: int
    creator_id: int
    email: str
    subject: str
    body: str
    tracking_link: str
    send_attempts: int
    claimed_at: object  # the claim's token: a later claim of the same invitation has another
    language: str = "en"


_CLAIM = """
UPDATE {table} SET status = %s, claimed_at = %s, updated_at = %s,
                   send_attempts = send_attempts + 1
WHERE id = ANY(%s::bigint[]) AND status = %s AND NOT {uncontactable}
RETURNING id, workspace_id, plan_id, creator_id, email, subject, body, tracking_link,
          send_attempts, claimed_at, language
"""

# A creator marked do-not-contact, or who withdrew consent, after the invitation was drafted
# (a scheduled or long launch, or an invitation sent again days later) is not written to:
# the claim skips them and those invitations fail, unsent.
_UNCONTACTABLE = """
EXISTS (SELECT 1 FROM {creators} c WHERE c.id = {table}.creator_id
        AND (c.status = 'do_not_contact' OR NOT c.consent_to_contact))
"""
_CANCEL = """
UPDATE {table} SET status = %s, last_error = %s, updated_at = %s
WHERE id = ANY(%s::bigint[]) AND status = %s AND {uncontactable}
"""


def _claim(invitation_ids: list[int]) -> list[Claimed]:
    """Autocommitted, so the claim is durable before anything is sent: the drafted ones among
    these become "sending"; only they are returned, only they are sent. Drafted invitations
    whose creator can no longer be contacted fail, unsent. Both in one statement (a
    data-modifying WITH runs once, to completion; the two UPDATEs touch disjoint rows)."""
    now = timezone.now()
    table = Invitation._meta.db_table
    ids = list(invitation_ids)
    parts = {
        "table": table,
        "uncontactable": _UNCONTACTABLE.format(creators=Creator._meta.db_table, table=table),
    }
    reason = gettext(
        "Not sent: the creator was marked do-not-contact or withdrew consent after the "
        "invitation was drafted."
    )
    sql = f"WITH cancelled AS ({_CANCEL.format(**parts)}) {_CLAIM.format(**parts)}"
    params = [S.FAILED, reason, now, ids, S.DRAFTED, S.SENDING, now, now, ids, S.DRAFTED]
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.pk)


def send_invitations(*, invitation_ids: list[int]) -> tuple[int, list[tuple[int, int]]]:
    """Send each drafted invitation at most once. Returns (sent, [(id, attempts) to retry]).

    Claims SWITCHOVER_CLAIM_BATCH invitations per statement and sends them over one SMTP
    connection (kept open for the whole chunk); each message is marked handed over just before
    its end of data, and sent (invitation, creator, event in one transaction) as soon as the
    server accepted it. A worker killed mid-batch thus leaves at most one "uncertain"
    invitation; the rest of its claims were never handed over and are sent again."""
    sent = 0
    retry: list[tuple[int, int]] = []
    batch = max(1, settings.SWITCHOVER_CLAIM_BATCH)
    smtp = None
    workspaces: dict[int, Workspace] = {}
    try:
        for start in range(0, len(invitation_ids), batch):
            claimed = _claim(invitation_ids[start : start + batch])
            pending = list(claimed)
            while pending:
                slots = throttle(len(pending))
                if smtp is None:
                    smtp = get_connection()
                    smtp.open()
                for invitation in pending[:slots]:
                    try:
                        mail.send(
                            smtp,
                            _message(invitation, smtp, workspaces),
                            hand_over=lambda claimed=invitation: _handed_over(claimed),
                        )
                    except (smtplib.SMTPException, OSError, mail.MaybeSent, ClaimLost) as exc:
                        if isinstance(exc, ClaimLost):
                            pass  # released meanwhile: another worker may send it, not us
                        elif isinstance(exc, mail.MaybeSent):
                            _uncertain(invitation, exc)  # never retried automatically
                        elif _failed(invitation, exc):  # refused, or surely not sent
                            retry.append((invitation.pk, invitation.send_attempts))
                        with contextlib.suppress(Exception):  # it may be broken already
                            smtp.close()
                        smtp = None
                        pending = pending[pending.index(invitation) + 1 :]
                        break
                    # Marked at once, not per batch: a worker killed later leaves this one
                    # "sent", not "uncertain" (at most the message in flight is uncertain).
                    _mark_sent([invitation])
                    sent += 1
                else:
                    pending = pending[slots:]
    finally:
        if smtp is not None:
            with contextlib.suppress(Exception):
                smtp.close()
    return sent, retry


def build_message(
    *, subject: str, body: str, to: str, language: str, workspace: Workspace, **kwargs
) -> EmailMultiAlternatives:
    """An invitation email: the plain text exactly as previewed and the same words as HTML;
    from the brand's name, replies to the workspace's reply-to address."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=workspace.invitation_sender,
        to=[to],
        reply_to=[workspace.reply_to] if workspace.reply_to else None,
        **kwargs,
    )
    message.attach_alternative(messages.html_version(body, language=language), "text/html")
    return message


def _message(invitation: Claimed, smtp, workspaces: dict) -> EmailMessage:
    if invitation.workspace_id not in workspaces:
        workspaces[invitation.workspace_id] = Workspace.objects.get(pk=invitation.workspace_id)
    return build_message(
        subject=invitation.subject,
        body=invitation.body,
        to=invitation.email,
        language=invitation.language,
        workspace=workspaces[invitation.workspace_id],
        headers={"Message-ID": message_id(invitation.pk)},
        connection=smtp,
    )


class ClaimLost(Exception):
    """Our claim was released (the lease ran out while this worker was slow) before the
    message was handed over: the connection is dropped, so the server discards it."""


def _handed_over(invitation: Claimed) -> None:
    """Committed before the end-of-data line goes out: see switchover.smtp. Only while this
    worker still holds the claim (same claim time and attempt): a claim released after the
    lease and perhaps claimed again by another worker is not ours to send (ClaimLost).

    Without waiting for the WAL flush (synchronous_commit off, this transaction only): the
    time between this commit and the end of data is the only moment a killed worker loses an
    email (it is then "uncertain", never resent), and the flush was most of it (one run in
    three lost one email with it, measured). A killed worker cannot lose the commit — the
    server has it — only a database crash in the ~ms before the next synchronous commit (the
    "sent" mark right after the server's answer flushes it too) could, and then that
    message might be sent again after the lease."""
    # Every claim adds an attempt and sets its own time: the two together are its token.
    with transaction.atomic():
        with db_connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        marked = Invitation.objects.filter(
            pk=invitation.pk,
            status=S.SENDING,
            send_attempts=invitation.send_attempts,
            claimed_at=invitation.claimed_at,
        ).update(handed_over_at=timezone.now())
    if not marked:
        raise ClaimLost(invitation.pk)


def _failed(invitation: Claimed, exc: Exception) -> bool:
    """Back to drafted for a retry, or failed after the last attempt; the error is recorded.
    Returns whether it should be retried."""
    failed = invitation.send_attempts >= settings.SWITCHOVER_SEND_MAX_ATTEMPTS
    Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
        status=S.FAILED if failed else S.DRAFTED,
        handed_over_at=None,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        updated_at=timezone.now(),
    )
    return not failed


def _uncertain(invitation: Claimed, exc: Exception) -> None:
    Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
        status=S.UNCERTAIN,
        last_error=f"{_maybe_sent_text()} ({exc})"[:2000],
        updated_at=timezone.now(),
    )


def _maybe_sent_text() -> str:
    return gettext(
        "The worker stopped while sending: it may or may not have reached the creator, so it "
        "is not resent automatically. Check with the creator, then send it again if needed."
    )


def _mark_sent(invitations: list[Claimed]) -> None:
    """One transaction for the batch: invitations sent, creators contacted, one event each."""
    domain = message_id(0).rpartition("@")[2]
    now = timezone.now()
    target_type = ContentType.objects.get_for_model(Invitation)
    with transaction.atomic():
        Invitation.objects.filter(pk__in=[i.pk for i in invitations], status=S.SENDING).update(
            status=S.SENT,
            sent_at=now,
            message_id=Concat(
                Value("<switchover-invitation-"),
                Cast("id", CharField()),
                Value(f"@{domain}"),
                output_field=CharField(),
            ),
            updated_at=now,
        )
        Creator.objects.filter(pk__in={i.creator_id for i in invitations}).update(
            last_contacted_at=now
        )
        ActivityEvent.objects.bulk_create(
            [
                ActivityEvent(
                    workspace_id=i.workspace_id,
                    verb=ActivityEvent.Verb.INVITATION_SENT,
                    creator_id=i.creator_id,
                    target_type=target_type,
                    target_id=i.pk,
                    data={"plan": i.plan_id, "link": i.tracking_link},
                )
                for i in invitations
            ]
        )


def release_stuck_claims(*, plan_id: int) -> int:
    """Invitations claimed longer ago than the lease: their worker died mid-send. Those never
    handed to the mail server surely did not go: back to drafted, to be sent by the resumed
    launch. The others may have gone: "uncertain", for a person to check. Returns how many
    became uncertain."""
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.SWITCHOVER_SEND_LEASE_SECONDS)
    stuck = Invitation.objects.filter(plan_id=plan_id, status=S.SENDING, claimed_at__lt=cutoff)
    stuck.filter(handed_over_at__isnull=True).update(
        status=S.DRAFTED, claimed_at=None, updated_at=timezone.now()
    )
    return stuck.update(
        status=S.UNCERTAIN, last_error=_maybe_sent_text(), updated_at=timezone.now()
    )
