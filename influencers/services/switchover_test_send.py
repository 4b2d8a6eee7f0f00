"""Send a plan's message, as one creator would get it, to the signed-in user.

A test is never an invitation: nothing is written, the creator is not contacted and the plan's
counts do not move. The message is built by the same code as a real invitation (same text,
same HTML part, same sender and reply-to), so what arrives is what creators will get."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.utils.translation import gettext as _

from influencers import policy
from influencers.models import SwitchoverPlan
from influencers.switchover import launch, selection

# Problems that concern reaching the creator, not the message: a test goes to the user instead.
_ABOUT_THE_CREATOR = {selection.Problem.NO_EMAIL, selection.Problem.NO_CONSENT}


def switchover_preview_for(*, plan: SwitchoverPlan, creator_id: int) -> selection.Prepared:
    """The exact message one creator of the plan would get, in their language."""
    row = selection.criteria_queryset(plan).filter(pk=creator_id).values(*selection.COLUMNS)
    row = row.first()
    if row is None:
        raise ValidationError(
            _("That creator does not match this plan's criteria."), code="not_in_plan"
        )
    return selection.Preparer(plan).prepare(row)


def switchover_test_send(*, plan: SwitchoverPlan, actor, creator_id: int) -> selection.Prepared:
    """Send the creator's message to `actor`'s own address; returns what was sent."""
    policy.require(actor, plan.workspace, policy.Action.CHANGE)
    if not getattr(actor, "email", ""):
        raise ValidationError(
            _("Your account has no email address to send a test to: add one to your user."),
            code="no_email",
        )
    prepared = switchover_preview_for(plan=plan, creator_id=creator_id)
    blocking = [
        text
        for code, text in zip(prepared.problems, prepared.problem_texts, strict=True)
        if code not in _ABOUT_THE_CREATOR
    ]
    if blocking:
        raise ValidationError(
            _("This message cannot be sent yet: %(problems)s") % {"problems": "; ".join(blocking)},
            code="not_sendable",
        )
    message = launch.build_message(
        subject=prepared.subject,
        body=prepared.body,
        to=actor.email,
        language=prepared.language,
        workspace=plan.workspace,
        headers={"X-Switchover-Test": "yes"},
        connection=get_connection(),
    )
    message.send()
    return prepared
