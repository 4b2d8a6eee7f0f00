"""Switch-over in the admin: plans (messages inline; Preview, Dry run, Launch and Dashboard
buttons), invitations, Amazon link settings and readiness weights (owners change them)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, StackedInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from influencers import policy
from influencers.models import (
    AmazonLinkSettings,
    ContactMethod,
    CreatorStatus,
    Invitation,
    Platform,
    ScoringWeights,
    SwitchoverMessage,
    SwitchoverPlan,
)
from influencers.scoring import reason_texts
from influencers.selectors.plan_dashboard import plan_dashboard
from influencers.services import switchover as svc
from influencers.services.readiness import readiness_weights_save
from influencers.services.records import record_save
from influencers.services.switchover_test_send import switchover_test_send
from influencers.switchover import links, selection
from influencers.switchover.export import preview_csv_stream, shortlist_rows
from influencers.switchover.messages import template_errors

from .mixins import (
    ALL_ROLES,
    OWNER_ROLES,
    PersonalDataAdminMixin,
    ScopedRelatedDropdownFilter,
    WorkspaceScopedAdminMixin,
    WorkspaceScopedInlineMixin,
    current_workspace,
    workspace_role,
)

LAUNCH_ROLES = policy.roles_for(policy.Action.LAUNCH)  # managers and owners


def _problem_rows(result: dict) -> list[tuple[str, int]]:
    return [
        (selection.problem_label(code), n)
        for code, n in result["problems"].items()
        if code != selection.Problem.NO_CONSENT  # its own line: "held back by consent"
    ]


def _result_tiles(result: dict) -> list[tuple[str, int, str]]:
    """The dry run's headline numbers as (label, value, element id) tiles."""
    return [
        (_("Creators matching the criteria"), result["matched"], "dry-matched"),
        (_("Would be invited now"), result["would_send"], "dry-would-send"),
        (_("Already invited by this plan"), result["already_invited"], "dry-already-invited"),
        (_("Maximum invitations"), result["capped_at"], "dry-capped-at"),
        (
            _("Held back: not consented to be contacted"),
            result["held_back_by_consent"],
            "dry-held-back-consent",
        ),
    ]


def can_launch(request) -> bool:
    """Launching a plan and sending invitations again: managers and owners."""
    return request.user.is_superuser or workspace_role(request) in LAUNCH_ROLES


PREVIEW_PAGE_SIZE = 50


# --- plans ---------------------------------------------------------------------------------------


class SwitchoverMessageForm(forms.ModelForm):
    class Meta:
        model = SwitchoverMessage
        fields = ("language", "subject", "body")

    def clean_language(self):
        return (self.cleaned_data.get("language") or "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        problem = template_errors(
            subject=cleaned.get("subject", "") or "", body=cleaned.get("body", "") or ""
        )
        if problem:
            raise ValidationError(problem)
        return cleaned


class SwitchoverMessageInline(WorkspaceScopedInlineMixin, StackedInline):
    model = SwitchoverMessage
    form = SwitchoverMessageForm
    extra = 0
    fields = ("language", "subject", "body")


class SwitchoverPlanForm(forms.ModelForm):
    platforms = forms.MultipleChoiceField(
        label=_("platforms"),
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statuses = forms.MultipleChoiceField(
        label=_("creator statuses"),
        # Do-not-contact creators are never invited: not a target a plan may pick.
        choices=[c for c in CreatorStatus.choices if c[0] != CreatorStatus.DO_NOT_CONTACT],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.CharField(
        label=_("countries"),
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. US, GB; empty for all"),
    )

    class Meta:
        model = SwitchoverPlan
        fields = (
            "name",
            "products",
            "commission_rate",
            "default_language",
            "sample_offer",
            "terms",
            "min_readiness",
            "platforms",
            "countries",
            "statuses",
            "tags",
            "min_followers",
            "not_invited_days",
            "max_invitations",
            "reminder_after_days",
            "scheduled_at",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.countries, list):
            self.initial["countries"] = ", ".join(self.instance.countries)

    def clean_countries(self):
        raw = self.cleaned_data.get("countries") or ""
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
        if bad:
            raise ValidationError(_("Not a two-letter country code: %(codes)s") % {"codes": bad})
        return codes


@admin.register(SwitchoverPlan)
class SwitchoverPlanAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    form = SwitchoverPlanForm
    inlines = (SwitchoverMessageInline,)
    list_display = (
        "name",
        "status_badge",
        "max_invitations",
        "min_readiness",
        "scheduled_at",
        "launched_at",
        "created_at",
    )
    list_filter = (("status", ChoicesDropdownFilter),)
    list_filter_submit = True
    search_fields = ("name",)
    autocomplete_fields = ("products", "tags")
    readonly_fields = ("status", "launched_at", "launched_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "status", "products", "commission_rate", "default_language")}),
        (_("What the creator is offered"), {"fields": ("sample_offer", "terms")}),
        (
            _("Who is invited"),
            {
                "fields": (
                    "min_readiness",
                    "platforms",
                    "countries",
                    "statuses",
                    "tags",
                    "min_followers",
                    "not_invited_days",
                    "max_invitations",
                    "reminder_after_days",
                )
            },
        ),
        (_("When"), {"fields": ("scheduled_at", "launched_at", "launched_by")}),
    )
    actions_detail = ("preview_page", "dry_run_page", "launch_page", "dashboard_page")

    @display(
        description=_("status"),
        ordering="status",
        label={
            "draft": "info",
            "scheduled": "warning",
            "launching": "primary",
            "launched": "success",
        },
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status in (
            SwitchoverPlan.Status.LAUNCHING,
            SwitchoverPlan.Status.LAUNCHED,
        ):
            names = [f for f in self.form.Meta.fields if f not in readonly]
            readonly += names
        return readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.status in (SwitchoverPlan.Status.DRAFT, SwitchoverPlan.Status.SCHEDULED):
            if obj.scheduled_at is not None:
                svc.switchover_schedule(plan=obj, at=obj.scheduled_at)
            elif obj.status == SwitchoverPlan.Status.SCHEDULED:
                obj.status = SwitchoverPlan.Status.DRAFT
                record_save(instance=obj, actor=request.user, changed=["status"])

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != SwitchoverPlan.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    # --- pages ------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview.csv",
                wrap(self.preview_csv_view),
                name="{}_{}_preview_csv".format(*info),
            ),
            *super().get_urls(),
        ]

    def _plan(self, request, object_id) -> SwitchoverPlan:
        plan = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        return plan

    def _context(self, request, plan, title, **extra):
        pages = [
            ("change_url", _("Plan"), "plan"),
            ("preview_url", _("Preview"), "preview"),
            ("csv_url", _("Shortlist (CSV)"), "csv"),
            ("dry_run_url", _("Dry run"), "dry_run"),
            ("launch_url", _("Launch"), "launch"),
            ("dashboard_url", _("Dashboard"), "dashboard"),
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": plan,
            "plan": plan,
            "title": title,
            "change_url": reverse("admin:influencers_switchoverplan_change", args=[plan.pk]),
            "preview_url": reverse("admin:influencers_switchoverplan_preview_page", args=[plan.pk]),
            "csv_url": reverse("admin:influencers_switchoverplan_preview_csv", args=[plan.pk]),
            "dry_run_url": reverse("admin:influencers_switchoverplan_dry_run_page", args=[plan.pk]),
            "launch_url": reverse("admin:influencers_switchoverplan_launch_page", args=[plan.pk]),
            "dashboard_url": reverse(
                "admin:influencers_switchoverplan_dashboard_page", args=[plan.pk]
            ),
            "can_launch": can_launch(request),
            **extra,
        }
        context["plan_pages"] = [
            (context[url], label, key)
            for url, label, key in pages
            if key != "launch" or context["can_launch"]
        ]
        return context

    @action(description=_("Preview"), url_path="preview", icon="visibility")
    def preview_page(self, request, object_id):
        plan = self._plan(request, object_id)
        if request.method == "POST" and "test_send" in request.POST:
            return self._test_send(request, plan)
        paginator = Paginator(shortlist_rows(plan), PREVIEW_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        preparer = selection.Preparer(plan)
        role = workspace_role(request)
        rows = []
        for offset, row in enumerate(page.object_list):
            prepared = preparer.prepare(row)
            # What this role may see of it (see influencers.policy).
            prepared.email = policy.contact_for(role, ContactMethod.Kind.EMAIL, prepared.email)
            prepared.subject = policy.message_for(role, prepared.subject)
            prepared.body = policy.message_for(role, prepared.body)
            rows.append(
                {
                    "rank": page.start_index() + offset,
                    "p": prepared,
                    "reasons": reason_texts(prepared.reasons),
                }
            )
        context = self._context(
            request,
            plan,
            _("Preview: %(plan)s") % {"plan": plan.name},
            current_page="preview",
            page=page,
            rows=rows,
            can_test_send=policy.may(role, policy.Action.CHANGE),
            held_back_by_consent=selection.held_back_by_consent(plan),
        )
        return TemplateResponse(request, "admin/switchover/preview.html", context)

    def _test_send(self, request, plan):
        try:
            creator_id = int(request.POST["test_send"])
            prepared = switchover_test_send(plan=plan, actor=request.user, creator_id=creator_id)
        except (ValueError, ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
        else:
            self.message_user(
                request,
                _(
                    "Test sent to %(email)s: the message %(name)s would get, in %(language)s. "
                    "Not an invitation: nothing was recorded and the creator was not contacted."
                )
                % {
                    "email": request.user.email,
                    "name": prepared.name,
                    "language": prepared.language,
                },
            )
        return HttpResponseRedirect(request.get_full_path())

    def preview_csv_view(self, request, pk):
        plan = self._plan(request, pk)
        response = StreamingHttpResponse(
            preview_csv_stream(plan, role=workspace_role(request)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-shortlist.csv"'
        return response

    @action(description=_("Dry run"), url_path="dry-run", icon="science")
    def dry_run_page(self, request, object_id):
        plan = self._plan(request, object_id)
        result = selection.dry_run(plan)
        context = self._context(
            request,
            plan,
            _("Dry run: %(plan)s") % {"plan": plan.name},
            current_page="dry_run",
            result=result,
            problem_rows=_problem_rows(result),
            result_tiles=_result_tiles(result),
        )
        return TemplateResponse(request, "admin/switchover/dry_run.html", context)

    @action(description=_("Launch"), url_path="launch", icon="rocket_launch")
    def launch_page(self, request, object_id):
        plan = self._plan(request, object_id)
        if not can_launch(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                svc.switchover_launch_checked(plan=plan, actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("The launch has started: invitations are being sent in the background."),
                )
                return HttpResponseRedirect(
                    reverse("admin:influencers_switchoverplan_dashboard_page", args=[plan.pk])
                )
        result = selection.dry_run(plan)
        context = self._context(
            request,
            plan,
            _("Launch %(plan)s?") % {"plan": plan.name},
            current_page="launch",
            result=result,
            problem_rows=_problem_rows(result),
            result_tiles=_result_tiles(result),
        )
        return TemplateResponse(request, "admin/switchover/launch.html", context)

    @action(description=_("Dashboard"), url_path="dashboard", icon="monitoring")
    def dashboard_page(self, request, object_id):
        plan = self._plan(request, object_id)
        data = plan_dashboard(plan)
        status_labels = dict(Invitation.Status.choices)
        invitations_url = (
            reverse("admin:influencers_invitation_changelist") + f"?plan__id__exact={plan.pk}"
        )
        data["status_rows"] = [
            (status_labels.get(k, k), v) for k, v in sorted(data["counts"].items())
        ]
        context = self._context(
            request,
            plan,
            _("Dashboard: %(plan)s") % {"plan": plan.name},
            current_page="dashboard",
            invitations_url=invitations_url,
            unsettled=sum(data["counts"].get(status, 0) for status in svc.RESENDABLE),
            unsettled_url=f"{invitations_url}&status__in={','.join(svc.RESENDABLE)}",
            **data,
        )
        return TemplateResponse(request, "admin/switchover/dashboard.html", context)


# --- invitations ---------------------------------------------------------------------------------

S = Invitation.Status
SET_BY_LAUNCH = {S.DRAFTED, S.SENDING}


class InvitationStatusForm(forms.Form):
    """The one way to set an invitation's status by hand: a status and the reason, both kept
    in the activity event (services.switchover.invitation_set_status)."""

    status = forms.ChoiceField(
        label=_("new status"),
        choices=[(v, label) for v, label in Invitation.Status.choices if v not in SET_BY_LAUNCH],
    )
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(Invitation)
class InvitationAdmin(PersonalDataAdminMixin, WorkspaceScopedAdminMixin, ModelAdmin):
    # Whoever holds the answer link can answer for the creator: viewers never see it.
    masked_fields = {"email": "masked_email", "subject": "masked_subject", "body": "masked_body"}
    list_display = (
        "__str__",
        "creator",
        "plan",
        "status",
        "email",
        "language",
        "sent_at",
        "answered_at",
    )
    # No list-editable or form-editable status: statuses come from the flow, or from the
    # "set status (with a reason)" action, which is logged.
    list_select_related = ("creator", "plan")
    actions = ["send_again_selected", "set_status_selected"]
    list_filter = (("status", ChoicesDropdownFilter), ("plan", ScopedRelatedDropdownFilter))
    list_filter_submit = True
    search_fields = ("=email",)
    search_help_text = _("Exact email")
    fields = (
        "status",
        "plan",
        "creator",
        "collaboration",
        "email",
        "language",
        "marketplace",
        "tracking_id",
        "tracking_link",
        "subject",
        "body",
        "send_attempts",
        "last_error",
        "claimed_at",
        "handed_over_at",
        "sent_at",
        "answered_at",
        "answer_message",
        "message_id",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # drafted by a launch only

    @display(description=_("email"))
    def masked_email(self, obj):
        return policy.mask_contact(ContactMethod.Kind.EMAIL, obj.email)

    @display(description=_("subject"))
    def masked_subject(self, obj):
        return policy.redact_answer_links(obj.subject)

    @display(description=_("message"))
    def masked_body(self, obj):
        return policy.redact_answer_links(obj.body)

    def get_search_results(self, request, queryset, search_term):
        # An exact-email search would tell a viewer the address is in the pool: for roles
        # that may not see addresses it matches nothing, the same answer as a miss.
        if search_term.strip() and not policy.may_search_contacts(workspace_role(request)):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def has_launch_permission(self, request, obj=None) -> bool:
        return can_launch(request)

    @action(description=_("Send again (interrupted or failed invitations)"), permissions=["launch"])
    def send_again_selected(self, request, queryset):
        workspace = current_workspace(request)
        selected = list(queryset.values_list("pk", flat=True))
        queued = svc.invitations_send_again(
            workspace_id=workspace.pk, invitation_ids=selected, actor=request.user
        )
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation queued to be sent again.",
                    "%(count)d invitations queued to be sent again.",
                    len(queued),
                )
                % {"count": len(queued)},
                messages.SUCCESS,
            )
        if len(queued) < len(selected):
            self.message_user(
                request,
                _(
                    "%(count)d selected invitations were left as they are: only interrupted or "
                    "failed invitations are sent again."
                )
                % {"count": len(selected) - len(queued)},
                messages.WARNING,
            )

    def has_change_permission(self, request, obj=None):
        return False  # read-only: see set_status_selected

    @action(description=_("Set status by hand (with a reason)"), permissions=["launch"])
    def set_status_selected(self, request, queryset):
        form = InvitationStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for invitation in queryset:
                try:
                    svc.invitation_set_status(
                        invitation=invitation,
                        status=form.cleaned_data["status"],
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except ValidationError as exc:
                    refused.append(f"{invitation}: {'; '.join(exc.messages)}")
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d invitation's status set; the reason is in its activity.",
                        "%(count)d invitations' status set; the reason is in their activity.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            for line in refused[:10]:
                self.message_user(request, line, messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/switchover/set_status.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Set status by hand"),
                "opts": self.model._meta,
                "form": form,
                "invitations": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- workspace settings --------------------------------------------------------------------------


class OwnerChangesMixin:
    view_roles = ALL_ROLES
    add_roles = OWNER_ROLES
    change_roles = OWNER_ROLES
    delete_roles = OWNER_ROLES

    def has_add_permission(self, request, obj=None):
        if not super().has_add_permission(request, obj):
            return False
        workspace = current_workspace(request)
        # One row per workspace: adding is offered while the workspace has none.
        return workspace is None or not self.model.objects.filter(workspace=workspace).exists()


class AmazonLinkSettingsForm(forms.ModelForm):
    marketplaces = forms.MultipleChoiceField(
        label=_("marketplaces"),
        choices=[(m, m) for m in links.DOMAINS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AmazonLinkSettings
        fields = ("marketplaces", "store_id", "tracking_id_pattern", "attribution_tag_template")

    def clean(self):
        cleaned = super().clean()
        try:
            links.tracking_id(
                pattern=cleaned.get("tracking_id_pattern") or "",
                handle="sample",
                creator_id=1,
                store_id=cleaned.get("store_id") or "",
            )
        except links.LinkError as exc:
            self.add_error("tracking_id_pattern", exc.messages)
        return cleaned


@admin.register(AmazonLinkSettings)
class AmazonLinkSettingsAdmin(OwnerChangesMixin, WorkspaceScopedAdminMixin, ModelAdmin):
    form = AmazonLinkSettingsForm
    list_display = ("__str__", "marketplaces", "store_id", "tracking_id_pattern", "example")
    fields = (
        "marketplaces",
        "store_id",
        "tracking_id_pattern",
        "attribution_tag_template",
        "example",
    )
    readonly_fields = ("example",)

    @display(description=_("example link"))
    def example(self, obj):
        if obj is None or not obj.pk:
            return "-"
        try:
            tag = links.tracking_id(
                pattern=obj.tracking_id_pattern,
                handle="sample",
                creator_id=1,
                store_id=obj.store_id,
            )
            market = (obj.marketplaces or ["US"])[0]
            return links.amazon_link(asin="B000000000", marketplace=market, tag=tag)
        except links.LinkError as exc:
            return " ".join(exc.messages)


class ScoringWeightsForm(forms.ModelForm):
    """A part added to the score later (samples) may be left out of a post — a page opened
    before the upgrade, a script — and then keeps its current weight instead of failing."""

    OPTIONAL = ("samples",)

    class Meta:
        model = ScoringWeights
        fields = ScoringWeights.COMPONENTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            if name in self.fields:  # absent when the page is read-only (viewers)
                self.fields[name].required = False

    def clean_samples(self):
        value = self.cleaned_data.get("samples")
        return self.instance.samples if value is None else value


@admin.register(ScoringWeights)
class ScoringWeightsAdmin(OwnerChangesMixin, WorkspaceScopedAdminMixin, ModelAdmin):
    form = ScoringWeightsForm
    list_display = ("__str__", *ScoringWeights.COMPONENTS)
    fields = ScoringWeights.COMPONENTS

    def save_model(self, request, obj, form, change):
        readiness_weights_save(weights=obj)
