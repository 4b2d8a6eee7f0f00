"""Switch-over writes: launch (and its background fan-out), answers, statuses."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import background, policy
from influencers.models import (
    ActivityEvent,
    CollaborationStatus,
    Invitation,
    SwitchoverPlan,
)
from influencers.services.events import event_record
from influencers.switchover import launch, selection

S = Invitation.Status
P = SwitchoverPlan.Status
ANSWERED = {S.ACCEPTED, S.DECLINED}


def switchover_launch(*, plan: SwitchoverPlan, actor=None) -> SwitchoverPlan:
    """Start (or resume) the launch in the background. Launching twice is safe: drafting and
    sending are each exactly once per creator."""
    policy.require(actor, plan.workspace_id, policy.Action.LAUNCH)
    with transaction.atomic():
        locked = SwitchoverPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status in (P.DRAFT, P.SCHEDULED):
            locked.status = P.LAUNCHING
            locked.launched_at = timezone.now()
            if actor is not None and actor.is_authenticated:
                locked.launched_by = actor
            locked.save(update_fields=["status", "launched_at", "launched_by", "updated_at"])
        plan_id = locked.pk

        background.after_commit(background.PLAN_RUN, plan_id)
    return locked


def switchover_schedule(*, plan: SwitchoverPlan, at: dt.datetime) -> SwitchoverPlan:
    if plan.status not in (P.DRAFT, P.SCHEDULED):
        raise ValidationError({"scheduled_at": [_("This plan has already been launched.")]})
    plan.scheduled_at = at
    plan.status = P.SCHEDULED
    plan.save(update_fields=["scheduled_at", "status", "updated_at"])
    return plan


def switchover_plan_run(*, plan_id: int) -> int:
    """The fan-out: draft the missing invitations in chunks and queue each chunk for sending as
    soon as its drafting transaction has committed (the other worker processes send while this
    one drafts); then queue invitations left drafted by an earlier run. Idempotent; returns how
    many invitations were newly drafted."""
    plan = SwitchoverPlan.objects.select_related("workspace").get(pk=plan_id)
    launch.release_stuck_claims(plan_id=plan_id)
    chunk = settings.SWITCHOVER_CHUNK_SIZE
    remaining = plan.max_invitations - plan.invitations.count()
    drafted = 0
    queued: set[int] = set()
    report = selection.SkipReport()

    def draft(batch) -> int:
        ids = launch.draft_invitations(plan_id=plan_id, prepared=batch)
        if ids:  # committed: a worker may claim them now
            background.send(background.SEND_CHUNK, ids)
            queued.update(ids)
        return len(ids)

    if remaining > 0:
        preparer = selection.Preparer(plan)
        rows = (
            selection.launch_queryset(plan)
            .exclude(Exists(Invitation.objects.filter(plan_id=plan_id, creator=OuterRef("pk"))))
            .values(*selection.COLUMNS)
        )
        batch: list = []
        # Problem rows are skipped (and reported), so read past the cap.
        for row in rows.iterator(chunk_size=2000):
            prepared = preparer.prepare(row)
            if not prepared.sendable:
                report.add(prepared)
                continue
            batch.append(prepared)
            if len(batch) >= min(chunk, remaining - drafted):
                drafted += draft(batch)
                batch = []
                if drafted >= remaining:
                    break
        if batch:
            drafted += draft(batch)
    ids = [
        pk
        for pk in plan.invitations.filter(status=S.DRAFTED)
        .order_by("pk")
        .values_list("pk", flat=True)
        if pk not in queued
    ]
    for start in range(0, len(ids), chunk):
        background.send(background.SEND_CHUNK, ids[start : start + chunk])
    report.add_held_back(plan)
    SwitchoverPlan.objects.filter(pk=plan_id).update(launch_report=report.as_json())
    SwitchoverPlan.objects.filter(pk=plan_id, status=P.LAUNCHING).update(
        status=P.LAUNCHED, updated_at=timezone.now()
    )
    return drafted


def switchover_send(*, invitation_ids: list[int]) -> int:
    sent, retry = launch.send_invitations(invitation_ids=invitation_ids)
    for invitation_id, attempts in retry:
        countdown = settings.SWITCHOVER_RETRY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
        background.send(background.SEND_CHUNK, [invitation_id], countdown=countdown)
    return sent


RESENDABLE = (S.UNCERTAIN, S.FAILED)


def invitations_send_again(*, workspace_id: int, invitation_ids, actor=None) -> list[int]:
    """A person's decision to send interrupted ("uncertain") or failed invitations again:
    they go back to drafted with fresh attempts and are queued for sending after commit.
    Never automatic: an interrupted one may already have reached the creator. Other
    statuses are left as they are; returns the ids queued."""
    with transaction.atomic():
        ids = list(
            Invitation.objects.select_for_update()
            .filter(workspace_id=workspace_id, pk__in=list(invitation_ids), status__in=RESENDABLE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            Invitation.objects.filter(pk__in=ids).update(
                status=S.DRAFTED,
                send_attempts=0,
                claimed_at=None,
                handed_over_at=None,
                updated_at=timezone.now(),
            )
            transaction.on_commit(lambda: background.send(background.SEND_CHUNK, ids))
    return ids


def switchover_launch_due() -> list[int]:
    """Beat: launch scheduled plans whose time has come; resume launches with invitations left
    drafted (a worker died) or stuck sending past the lease."""
    now = timezone.now()
    started = []
    for plan in SwitchoverPlan.objects.filter(status=P.SCHEDULED, scheduled_at__lte=now):
        switchover_launch(plan=plan)
        started.append(plan.pk)
    stale = now - dt.timedelta(minutes=2)
    lease = now - dt.timedelta(seconds=settings.SWITCHOVER_SEND_LEASE_SECONDS)
    stuck = SwitchoverPlan.objects.filter(status__in=[P.LAUNCHING, P.LAUNCHED]).filter(
        Exists(
            Invitation.objects.filter(plan=OuterRef("pk")).filter(
                Q(status=S.DRAFTED, updated_at__lt=stale)
                | Q(status=S.SENDING, claimed_at__lt=lease)
            )
        )
    )
    for plan in stuck:
        switchover_launch(plan=plan)
        started.append(plan.pk)
    return started


@transaction.atomic
def invitation_answer(
    *, invitation: Invitation, accept: bool, actor=None, reason: str = "", message: str = ""
) -> Invitation:
    """The creator's answer (public page) or one recorded by the team. Accepting moves the
    collaboration to agreed; declining to declined."""
    from influencers.services.collaborations import collaboration_advance

    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    target = S.ACCEPTED if accept else S.DECLINED
    if locked.status == target:
        return locked
    if locked.status in (S.DRAFTED, S.SENDING, S.FAILED):
        raise ValidationError({"status": [_("This invitation has not been sent.")]})
    message = (message or "").strip()
    if len(message) > MAX_ANSWER_MESSAGE:
        raise ValidationError(
            {"message": [_("At most %(max)s characters.") % {"max": MAX_ANSWER_MESSAGE}]}
        )
    locked.status = target
    locked.answered_at = timezone.now()
    locked.answer_message = message
    locked.save(update_fields=["status", "answered_at", "answer_message", "updated_at"])
    collaboration = locked.collaboration
    if collaboration is not None and collaboration.status == CollaborationStatus.PROPOSED:
        collaboration_advance(
            collaboration=collaboration,
            actor=actor,
            to_status=CollaborationStatus.AGREED if accept else CollaborationStatus.DECLINED,
        )
    event_record(
        workspace=locked.workspace,
        verb=ActivityEvent.Verb.INVITATION_ANSWERED,
        actor=actor,
        creator_id=locked.creator_id,
        target=locked,
        data={
            "plan": locked.plan_id,
            "answer": target,
            **({"reason": reason} if reason else {}),
            **({"message": message} if message else {}),
        },
    )
    return locked


MAX_ANSWER_MESSAGE = 2000


@transaction.atomic
def invitation_open(*, invitation: Invitation) -> Invitation:
    """The creator opened their answer page: a sent invitation becomes "opened", once, with one
    event. Opening again, or after answering, changes nothing (never moves backwards)."""
    moved = Invitation.objects.filter(pk=invitation.pk, status=S.SENT).update(
        status=S.OPENED, updated_at=timezone.now()
    )
    invitation.refresh_from_db()
    if moved:
        event_record(
            workspace=invitation.workspace,
            verb=ActivityEvent.Verb.INVITATION_OPENED,
            creator_id=invitation.creator_id,
            target=invitation,
            data={"plan": invitation.plan_id},
        )
    return invitation


@transaction.atomic
def invitation_set_status(
    *, invitation: Invitation, status: str, actor=None, reason: str = ""
) -> Invitation:
    """A status set by hand: only by managers and owners, only with a reason, and always
    recorded as an activity event (the plan's numbers count from events, so a click cannot
    falsify them silently). Accept/decline go through invitation_answer so the collaboration
    follows."""
    policy.require(actor, invitation.workspace_id, policy.Action.LAUNCH)
    reason = (reason or "").strip()
    if actor is not None and not reason:
        raise ValidationError({"reason": [_("Say why the status is set by hand.")]})
    if status in ANSWERED:
        return invitation_answer(
            invitation=invitation, accept=status == S.ACCEPTED, actor=actor, reason=reason
        )
    if status in (S.DRAFTED, S.SENDING):
        raise ValidationError({"status": [_("This status is set by the launch only.")]})
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    before = locked.status
    if before == status:
        return locked
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    event_record(
        workspace=locked.workspace,
        verb=ActivityEvent.Verb.INVITATION_STATUS_SET,
        actor=actor,
        creator_id=locked.creator_id,
        target=locked,
        data={"plan": locked.plan_id, "from": before, "to": status, "reason": reason},
    )
    return locked


# --- plan writes (API and admin) ------------------------------------------------------------

PLAN_M2M = ("products", "tags")


def _check_messages(message_rows) -> None:
    from influencers.switchover.messages import template_errors

    errors = []
    seen = set()
    for row in message_rows:
        language = (row.get("language") or "").strip().lower()
        if language in seen:
            errors.append(_("%(language)s: this language appears twice.") % {"language": language})
        seen.add(language)
        problem = template_errors(subject=row.get("subject", ""), body=row.get("body", ""))
        if problem:
            errors.append(f"{language}: {problem}")
    if errors:
        raise ValidationError({"messages": errors})


def _set_messages(plan: SwitchoverPlan, message_rows) -> None:
    from influencers.models import SwitchoverMessage

    _check_messages(message_rows)
    plan.messages.all().delete()
    SwitchoverMessage.objects.bulk_create(
        [
            SwitchoverMessage(
                plan=plan,
                language=row["language"].strip().lower(),
                subject=row["subject"],
                body=row["body"],
            )
            for row in message_rows
        ]
    )


def _apply_schedule(plan: SwitchoverPlan, fields: dict) -> None:
    if "scheduled_at" not in fields:
        return
    at = fields["scheduled_at"]
    if at is None:
        if plan.status == P.SCHEDULED:
            plan.status = P.DRAFT
            plan.save(update_fields=["status", "updated_at"])
        return
    switchover_schedule(plan=plan, at=at)


@transaction.atomic
def switchover_plan_create(*, workspace, actor=None, data: dict) -> SwitchoverPlan:
    """A plan with its products, tags and messages ({language, subject, body} rows)."""
    policy.require(actor, workspace, policy.Action.ADD)
    data = dict(data)
    m2m = {name: data.pop(name) for name in PLAN_M2M if name in data}
    message_rows = data.pop("messages", None)
    scheduled_at = data.pop("scheduled_at", None)
    plan = SwitchoverPlan(workspace=workspace, **data)
    plan.full_clean()
    plan.save()
    for name, values in m2m.items():
        getattr(plan, name).set(values)
    if message_rows is not None:
        _set_messages(plan, message_rows)
    if scheduled_at is not None:
        switchover_schedule(plan=plan, at=scheduled_at)
    return plan


@transaction.atomic
def switchover_plan_update(*, plan: SwitchoverPlan, actor=None, data: dict) -> SwitchoverPlan:
    """Change a plan that has not been launched yet (messages, when given, are replaced)."""
    policy.require(actor, plan.workspace_id, policy.Action.CHANGE)
    if plan.status not in (P.DRAFT, P.SCHEDULED):
        raise ValidationError(_("This plan has already been launched and can no longer change."))
    data = dict(data)
    m2m = {name: data.pop(name) for name in PLAN_M2M if name in data}
    message_rows = data.pop("messages", None)
    schedule = {"scheduled_at": data.pop("scheduled_at")} if "scheduled_at" in data else {}
    for name, value in data.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    for name, values in m2m.items():
        getattr(plan, name).set(values)
    if message_rows is not None:
        _set_messages(plan, message_rows)
    _apply_schedule(plan, schedule)
    return plan


def switchover_plan_delete(*, plan: SwitchoverPlan, actor=None) -> None:
    policy.require(actor, plan.workspace_id, policy.Action.DELETE)
    if plan.status in (P.LAUNCHING, P.LAUNCHED):
        raise ValidationError(_("A launched plan is kept with its invitations."))
    plan.delete()


def switchover_launch_checked(*, plan: SwitchoverPlan, actor=None) -> SwitchoverPlan:
    """Launch after the checks a person should hear about (no product, no message)."""
    problems = []
    if not plan.products.exists():
        problems.append(_("The plan has no product."))
    if not plan.messages.exists():
        problems.append(_("The plan has no message."))
    if problems:
        raise ValidationError(problems)
    return switchover_launch(plan=plan, actor=actor)
