"""'My day' in the admin: the signed-in member's follow-ups due, samples overdue and new answers
in the workspace in scope, and their daily-digest setting (the digest email's opt-out link
lands on that setting). Thin: the lists come from influencers.selectors.my_day, the writes
from influencers.services.digest."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from influencers.models import Membership
from influencers.selectors.my_day import my_day
from influencers.selectors.workspaces import SESSION_KEY, membership_for, workspaces_for_user
from influencers.services.digest import digest_settings_save, membership_language_remember

from .mixins import current_workspace


class DigestForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label=_("Daily digest"),
        choices=[("1", _("On: email me my day every morning")), ("0", _("Off"))],
        coerce=lambda value: value == "1",
    )
    hour = forms.TypedChoiceField(
        label=_("From this hour"),
        choices=[(str(h), f"{h:02d}:00") for h in range(24)],
        coerce=int,
        required=False,
    )


def _digest_form(membership: Membership, **initial) -> DigestForm:
    return DigestForm(
        initial={
            "enabled": "1" if membership.digest_enabled else "0",
            "hour": str(membership.digest_hour),
            **initial,
        }
    )


def my_day_view(request):
    # The email's link names its workspace: switch to it first, so the member sees that
    # workspace's day even if they were working in another one.
    wanted = request.GET.get("workspace", "")
    if wanted.isdigit() and workspaces_for_user(user=request.user).filter(pk=wanted).exists():
        request.session[SESSION_KEY] = int(wanted)
        return HttpResponseRedirect(reverse("my-day"))
    workspace = current_workspace(request)
    membership = membership_for(user=request.user, workspace=workspace)
    if membership is not None:
        membership_language_remember(membership=membership, language=request.LANGUAGE_CODE)
    day = my_day(workspace=workspace, user=request.user) if workspace is not None else None
    context = {
        **admin.site.each_context(request),
        "title": _("My day"),
        "workspace": workspace,
        "day": day,
        "sections": day.sections if day else [],
        "membership": membership,
        "digest_form": _digest_form(membership) if membership else None,
    }
    return TemplateResponse(request, "admin/my_day.html", context)


@require_http_methods(["GET", "POST"])
def digest_settings_view(request, membership_id: int):
    """GET: the setting with a one-click "turn off" (where the email's opt-out link lands —
    a link alone never changes anything, as mail scanners open links). POST: save it."""
    membership = get_object_or_404(
        Membership.objects.select_related("workspace"), pk=membership_id, user=request.user
    )
    if request.method == "POST":
        form = DigestForm(request.POST)
        if form.is_valid():
            try:
                digest_settings_save(
                    membership=membership,
                    actor=request.user,
                    enabled=form.cleaned_data["enabled"],
                    hour=form.cleaned_data.get("hour"),
                )
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Your daily digest is on.")
                    if membership.digest_enabled
                    else _("Your daily digest is off. You will get no more digest emails."),
                )
            return HttpResponseRedirect(reverse("my-day") + f"?workspace={membership.workspace_id}")
    else:
        form = _digest_form(membership)
    context = {
        **admin.site.each_context(request),
        "title": _("Daily digest"),
        "membership": membership,
        "digest_form": form,
    }
    return TemplateResponse(request, "admin/my_day_digest.html", context)
