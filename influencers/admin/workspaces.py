"""Workspaces (brands) and who belongs to them.

Everybody sees the workspaces they are a member of; only superusers create or delete one; a
workspace's owners may rename it and manage its members' roles.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from influencers.models import Membership, Workspace
from influencers.selectors.workspaces import workspaces_for_user
from influencers.services.signin import signin_unlock

from .mixins import OWNER_ROLES, WorkspaceScopedAdminMixin, current_workspace


def _is_owner_of(request, workspace) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cache = request.__dict__.setdefault("_admin_owned_workspaces", {})
    if workspace.pk not in cache:
        cache[workspace.pk] = Membership.objects.filter(
            workspace=workspace, user=user, role__in=OWNER_ROLES
        ).exists()
    return cache[workspace.pk]


class MembershipInline(TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return obj is not None and _is_owner_of(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and _is_owner_of(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and _is_owner_of(request, obj)


@admin.register(Workspace)
class WorkspaceAdmin(ModelAdmin):
    list_display = ("name", "slug", "default_currency", "member_count", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = (
        "name",
        "slug",
        "default_currency",
        "sender_name",
        "reply_to",
        "sample_post_by_days",
        "readiness_checked_at",
    )
    readonly_fields = ("readiness_checked_at",)
    inlines = (MembershipInline,)
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = workspaces_for_user(user=request.user)
        return queryset.annotate(_members=Count("memberships")).order_by("name", "pk")

    @display(description=_("members"), ordering="_members")
    def member_count(self, obj):
        return obj._members

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return workspaces_for_user(user=request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_active and request.user.is_superuser
        return _is_owner_of(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}


@admin.register(Membership)
class MembershipAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = ("user", "role", "workspace", "created_at")
    list_select_related = ("user", "workspace")
    list_filter = (("role", ChoicesDropdownFilter),)
    list_filter_submit = True
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    fields = ("user", "role")
    # Roles decide what people may do: only the workspace's owners change them.
    add_roles = OWNER_ROLES
    change_roles = OWNER_ROLES
    delete_roles = OWNER_ROLES
    actions = ["unlock_signin_selected"]

    @action(description=_("Unlock sign-in"), permissions=["change"])
    def unlock_signin_selected(self, request, queryset):
        """After too many wrong passwords a member's sign-in is paused; owners lift it."""
        try:
            signin_unlock(
                workspace=current_workspace(request),
                actor=request.user,
                usernames=list(queryset.values_list("user__username", flat=True)),
            )
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "Sign-in unlocked for %(count)d member.",
                "Sign-in unlocked for %(count)d members.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and request.user.is_superuser:
            # A superuser adds people who are not members yet; owners manage existing ones.
            kwargs.setdefault("queryset", db_field.related_model._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
