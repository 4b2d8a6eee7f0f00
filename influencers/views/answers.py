"""The public page where a creator accepts or declines a switch-over invitation.

No login: the link carries a signature of (plan, creator); it expires
SWITCHOVER_ANSWER_MAX_AGE_DAYS after the invitation was sent (links of the first releases
carried a timestamp instead, still honoured). The page is in the creator's language (switchable with
?lang=), records "opened" once, answers once, and is rate-limited per address. A tampered,
expired or unknown link gets a friendly page, never an error with details."""

import datetime as dt
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from influencers.models import Invitation
from influencers.services.switchover import invitation_answer, invitation_open
from influencers.switchover.selection import ANSWER_SALT

ANSWERED = (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED)
LANGUAGES = {code for code, _name in settings.LANGUAGES}


class LinkProblem(Exception):
    def __init__(self, kind: str, status: int):
        self.kind, self.status = kind, status


def _unsign(token: str) -> str:
    max_age = dt.timedelta(days=settings.SWITCHOVER_ANSWER_MAX_AGE_DAYS)
    try:
        return signing.Signer(salt=ANSWER_SALT).unsign(token)
    except signing.BadSignature:
        pass
    try:  # a link of the first releases: plan:creator:timestamp:signature
        return signing.TimestampSigner(salt=ANSWER_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkProblem("expired", 410) from None
    except signing.BadSignature:
        raise LinkProblem("invalid", 404) from None


def _invitation(token: str) -> Invitation:
    try:
        plan_id, creator_id = (int(v) for v in _unsign(token).split(":"))
    except ValueError:
        raise LinkProblem("invalid", 404) from None
    invitation = (
        Invitation.objects.select_related("creator", "plan", "workspace")
        .filter(plan_id=plan_id, creator_id=creator_id)
        .first()
    )
    if invitation is None:
        raise LinkProblem("invalid", 404)
    since = invitation.sent_at or invitation.created_at
    if since + dt.timedelta(days=settings.SWITCHOVER_ANSWER_MAX_AGE_DAYS) < timezone.now():
        raise LinkProblem("expired", 410)
    return invitation


def _over_the_limit(request) -> bool:
    """A per-address counter per minute in the shared cache."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"answer-rate:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > settings.SWITCHOVER_ANSWER_RATE_PER_MINUTE


def _language(request, invitation: Invitation | None) -> str:
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    if invitation is not None:
        wanted = (invitation.language or invitation.creator.language or "en").lower()
        for code in (wanted, wanted.split("-")[0], "zh-hans" if wanted.startswith("zh") else ""):
            if code in LANGUAGES:
                return code
    return translation.get_language() or "en"


def _problem(request, kind: str, status: int, language: str):
    with translation.override(language):
        return render(
            request,
            "influencers/switchover/answer_problem.html",
            {"kind": kind, "language": language, "languages": settings.LANGUAGES},
            status=status,
        )


@require_http_methods(["GET", "POST"])
def invitation_answer_view(request, token):
    if _over_the_limit(request):
        return _problem(request, "rate", 429, _language(request, None))
    try:
        invitation = _invitation(token)
    except LinkProblem as problem:
        return _problem(request, problem.kind, problem.status, _language(request, None))
    language = _language(request, invitation)
    with translation.override(language):
        error = ""
        if request.method == "GET":
            invitation = invitation_open(invitation=invitation)
        elif invitation.status not in ANSWERED:
            answer = request.POST.get("answer")
            if answer in ("accept", "decline"):
                try:
                    invitation = invitation_answer(
                        invitation=invitation,
                        accept=answer == "accept",
                        message=request.POST.get("message", ""),
                    )
                except ValidationError as exc:
                    error = " ".join(exc.messages)
        plan = invitation.plan
        return render(
            request,
            "influencers/switchover/answer.html",
            {
                "invitation": invitation,
                "brand": invitation.workspace.sender_name or invitation.workspace.name,
                # Only what the creator's link sells: the marketplace chosen for them.
                "products": list(plan.products.filter(marketplace=invitation.marketplace)),
                "sample_offer": plan.sample_offer,
                "terms": plan.terms,
                "commission": f"{plan.commission_rate.normalize():f}%",
                "answered": invitation.status in ANSWERED,
                "accepted": invitation.status == Invitation.Status.ACCEPTED,
                "error": error,
                "language": language,
                "languages": settings.LANGUAGES,
            },
        )
