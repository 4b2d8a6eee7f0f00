"""The public page where a creator accepts or declines a switch-over invitation.

No login: the link carries a TimestampSigner signature of (plan, creator) that expires after
SWITCHOVER_ANSWER_MAX_AGE_DAYS. The page is shown in the creator's language."""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from influencers.models import Invitation
from influencers.services.switchover import invitation_answer
from influencers.switchover.selection import ANSWER_SALT


def _invitation(token: str) -> Invitation:
    try:
        value = signing.TimestampSigner(salt=ANSWER_SALT).unsign(
            token, max_age=settings.SWITCHOVER_ANSWER_MAX_AGE_DAYS * 86400
        )
        plan_id, creator_id = (int(v) for v in value.split(":"))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    invitation = (
        Invitation.objects.select_related("creator", "plan", "workspace")
        .filter(plan_id=plan_id, creator_id=creator_id)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@require_http_methods(["GET", "POST"])
def invitation_answer_view(request, token):
    invitation = _invitation(token)
    language = invitation.language or invitation.creator.language or "en"
    with translation.override(language):
        error = ""
        if request.method == "POST":
            answer = request.POST.get("answer")
            if answer in ("accept", "decline"):
                try:
                    invitation = invitation_answer(invitation=invitation, accept=answer == "accept")
                except Exception as exc:  # noqa: BLE001 - a ValidationError shown on the page
                    error = " ".join(getattr(exc, "messages", [str(exc)]))
        return render(
            request,
            "influencers/switchover/answer.html",
            {
                "invitation": invitation,
                "brand": invitation.workspace.name,
                "answered": invitation.status
                in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED),
                "accepted": invitation.status == Invitation.Status.ACCEPTED,
                "error": error,
                "language": language,
            },
        )
