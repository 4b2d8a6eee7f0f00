"""API tokens: owners create them for themselves (the secret is shown once, in a message) and
revoke any token of their workspace; the stored hash is never shown."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from influencers import policy
from influencers.models import ApiToken, Membership
from influencers.services.tokens import api_token_create, api_token_revoke

from .mixins import current_workspace, workspace_role

EXPIRY_CHOICES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in a year")),
    ("never", _("never")),
]


class ApiTokenCreateForm(forms.ModelForm):
    expires = forms.ChoiceField(
        label=_("expires"),
        choices=EXPIRY_CHOICES,
        initial="90",
        help_text=_("A token that never expires stays valid until someone revokes it."),
    )

    class Meta:
        model = ApiToken
        fields = ("name", "user", "workspace")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        workspace = current_workspace(request) if request else None
        if request is not None and not request.user.is_superuser:
            self.fields["user"].queryset = get_user_model().objects.filter(pk=request.user.pk)
            self.fields["user"].initial = request.user.pk
        if workspace is not None:
            self.fields["workspace"].queryset = type(workspace).objects.filter(pk=workspace.pk)
            self.fields["workspace"].initial = workspace.pk

    def clean(self):
        data = super().clean()
        user, workspace = data.get("user"), data.get("workspace")
        if (
            user
            and workspace
            and not user.is_superuser
            and not Membership.objects.filter(user=user, workspace=workspace).exists()
        ):
            raise ValidationError(_("The user is not a member of this workspace."))
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "workspace",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("user", "workspace")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_tokens"]
    show_full_result_count = False

    def _is_owner(self, request) -> bool:
        return request.user.is_superuser or policy.may(
            workspace_role(request), policy.Action.MANAGE
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._is_owner(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        workspace = current_workspace(request)
        if workspace is not None:
            qs = qs.filter(workspace=workspace)
        elif not request.user.is_superuser:
            qs = qs.none()
        # Owners manage the workspace's tokens (influencers.policy: MANAGE), everyone's: the
        # list shows them all so an owner can revoke a colleague's lost or leaked token.
        return qs

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form = ApiTokenCreateForm

            class RequestForm(form):
                def __init__(self, *args, **kw):
                    super().__init__(*args, request=request, **kw)

            return RequestForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user", "workspace", "expires")
        return (
            "name",
            "prefix",
            "user",
            "workspace",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = api_token_create(
            user=form.cleaned_data["user"],
            workspace=form.cleaned_data["workspace"],
            name=form.cleaned_data.get("name", ""),
            expires_in_days=None
            if form.cleaned_data["expires"] == "never"
            else int(form.cleaned_data["expires"]),
        )
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        messages.warning(
            request,
            _("Your new API token (shown only this once, copy it now): %(token)s") % {"token": raw},
        )

    @admin.action(description=_("Revoke selected tokens"))
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, actor=request.user)
            count += 1
        messages.success(request, _("%(n)d token(s) revoked.") % {"n": count})
