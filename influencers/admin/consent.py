"""The creators list's "Record consent" action: consent or a refusal, always with its source
(influencers.services.consent), never by ticking a box silently."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import action

from influencers.services.consent import MAX_SOURCE, creators_record_consent

from .mixins import current_workspace

MAX_SHOWN = 50


class ConsentForm(forms.Form):
    consent = forms.TypedChoiceField(
        label=_("the creators"),
        choices=[("yes", _("consented to be contacted")), ("no", _("said no"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=_("where they said so"),
        max_length=MAX_SOURCE,
        help_text=_('e.g. "TikTok DM, 2026-12-01" or "Signed agency agreement".'),
    )


class CreatorConsentAdminMixin:
    @action(description=_("Record consent (with its source)"), permissions=["change"])
    def record_consent_selected(self, request, queryset):
        form = ConsentForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                changed = creators_record_consent(
                    workspace=current_workspace(request),
                    actor=request.user,
                    creator_ids=list(queryset.values_list("pk", flat=True)),
                    consent=form.cleaned_data["consent"],
                    source=form.cleaned_data["source"],
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
                )
                return None
            unchanged = queryset.count() - len(changed)
            self.message_user(
                request,
                ngettext(
                    "Consent recorded for %(count)d creator, with its source in their activity.",
                    "Consent recorded for %(count)d creators, with its source in their activity.",
                    len(changed),
                )
                % {"count": len(changed)}
                + (
                    " " + _("%(n)d already had this consent and source.") % {"n": unchanged}
                    if unchanged
                    else ""
                ),
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/influencers/creator/record_consent.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Record consent"),
                "opts": self.model._meta,
                "form": form,
                "creators": queryset.order_by("display_name")[:MAX_SHOWN],
                "count": queryset.count(),
                # "Select all N" is passed on as is, not as N hidden ids.
                "select_across": request.POST.get("select_across") == "1",
                "ids": []
                if request.POST.get("select_across") == "1"
                else list(queryset.values_list("pk", flat=True)),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
