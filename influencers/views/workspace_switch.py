"""POST /workspace/switch/: choose the workspace the admin works in (kept in the session)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from influencers.selectors.workspaces import SESSION_KEY, workspaces_for_user

ALL_WORKSPACES = ""


def _back_to(request) -> str:
    """Where to go after switching: back where the user was, unless that page shows one object
    (which belongs to the workspace just left): then its list."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("admin:index")
    path = target.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    try:
        match = resolve(path)
    except Resolver404:
        return reverse("admin:index")
    name = match.url_name or ""
    for suffix in ("_change", "_delete", "_history"):
        if match.namespace == "admin" and name.endswith(suffix):
            return reverse(f"admin:{name.removesuffix(suffix)}_changelist")
    return target


@require_POST
@staff_member_required
def workspace_switch(request):
    raw = request.POST.get("workspace")
    if raw is None:
        return HttpResponseBadRequest(_("No workspace given."))
    raw = raw.strip()
    if raw == ALL_WORKSPACES:
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only superusers can work in all workspaces at once."))
        request.session[SESSION_KEY] = ALL_WORKSPACES
        return HttpResponseRedirect(_back_to(request))
    if not raw.isdigit():
        return HttpResponseBadRequest(_("Unknown workspace."))
    if not workspaces_for_user(user=request.user).filter(pk=int(raw)).exists():
        raise PermissionDenied(_("You are not a member of this workspace."))
    request.session[SESSION_KEY] = int(raw)
    return HttpResponseRedirect(_back_to(request))
