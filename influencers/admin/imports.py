"""Imports in the admin: upload -> preview (detected columns vs fields, unknown columns mappable,
first rows) -> confirm; a job page with a live progress bar; the error report as CSV; and an
export action (CSV / XLSX) on the creator list. Views stay thin: they call the import services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action

from influencers import policy
from influencers.exporters import creators_csv_stream, creators_xlsx_file
from influencers.importers.columns import ALIASES
from influencers.importers.errors import FileRefused
from influencers.models import Creator, ImportJob, ImportKind, ImportPolicy, ImportState
from influencers.services.imports import (
    import_job_confirm,
    import_job_create,
    import_job_errors_csv,
    import_job_preview,
    import_job_status,
    import_job_update_settings,
)

from .mixins import EDIT_ROLES, WorkspaceScopedAdminMixin, current_workspace, workspace_role

IMPORT_ROLES = policy.roles_for(policy.Action.IMPORT)  # owners and managers import


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    kind = forms.ChoiceField(
        label=_("Kind of file"), choices=ImportKind.choices, initial=ImportKind.AUTO
    )
    policy = forms.ChoiceField(
        label=_("Creators already in the pool"),
        choices=ImportPolicy.choices,
        initial=ImportPolicy.FILL_EMPTY,
    )


def _field_choices():
    return [("", _("— do not import —"))] + [
        (name, label) for name, (label, _aliases) in ALIASES.items()
    ]


@admin.register(ImportJob)
class ImportJobAdmin(WorkspaceScopedAdminMixin, ModelAdmin):
    list_display = (
        "original_filename",
        "kind",
        "state",
        "progress",
        "created_count",
        "updated_count",
        "unchanged_count",
        "skipped_count",
        "failed_count",
        "created_at",
    )
    list_filter = ("state", "kind")
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "id"]
    change_form_template = "admin/imports/job_change.html"

    def _role_allows_import(self, request):
        return self._role_allows(request, IMPORT_ROLES)

    def has_add_permission(self, request, obj=None):
        return self._role_allows_import(request) and current_workspace(request) is not None

    def has_change_permission(self, request, obj=None):
        return self._role_allows(request, EDIT_ROLES, obj) and obj is None

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return format_html("{}%", obj.percent)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="{}_{}_preview".format(*info)),
            path("<int:pk>/status.json", wrap(self.status_view), name="{}_{}_status".format(*info)),
            path("<int:pk>/errors.csv", wrap(self.errors_view), name="{}_{}_errors".format(*info)),
            *super().get_urls(),
        ]

    def _job(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = import_job_create(
                    workspace=current_workspace(request),
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    policy=form.cleaned_data["policy"],
                    language=translation.get_language(),  # the request's, for the worker
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return HttpResponseRedirect(
                    reverse("admin:influencers_importjob_preview", args=[job.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.opts,
            "title": _("Import creators or a report"),
        }
        return TemplateResponse(request, "admin/imports/upload.html", context)

    def preview_view(self, request, pk):
        # The preview shows the file's first rows as uploaded (contacts in clear) and its form
        # changes and queues the job: it is part of importing, not of looking.
        if not self._role_allows_import(request):
            raise PermissionDenied
        job = self._job(request, pk)
        if request.method == "POST" and job.state in (ImportState.PENDING, ImportState.PREVIEWED):
            mapping = {}
            for key, value in request.POST.items():
                if key.startswith("map::"):
                    mapping[key[5:]] = value
            import_job_update_settings(
                job=job,
                column_mapping=mapping,
                kind=request.POST.get("kind") or None,
                policy=request.POST.get("policy") or None,
                sheet=request.POST.get("sheet", job.sheet),
            )
            if "confirm" in request.POST:
                import_job_confirm(job=job)
                messages.success(request, _("The import is queued."))
                return HttpResponseRedirect(
                    reverse("admin:influencers_importjob_change", args=[job.pk])
                )
        error, preview = None, None
        try:
            preview = import_job_preview(job=job)
        except FileRefused as exc:
            error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "job": job,
            "preview": preview,
            "error": error,
            "field_choices": _field_choices(),
            "kinds": ImportKind.choices,
            "policies": ImportPolicy.choices,
            "title": _("Check the columns, then import"),
        }
        return TemplateResponse(request, "admin/imports/preview.html", context)

    def status_view(self, request, pk):
        return JsonResponse(import_job_status(self._job(request, pk)))

    def errors_view(self, request, pk):
        job = self._job(request, pk)
        response = StreamingHttpResponse(
            import_job_errors_csv(job=job, role=workspace_role(request)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "status_url": reverse("admin:influencers_importjob_status", args=[object_id]),
            "errors_url": reverse("admin:influencers_importjob_errors", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)


# --- export actions on the creator list (added to the registered CreatorAdmin) -------------
@action(description=_("Export selected creators (CSV)"))
def export_creators_csv(modeladmin, request, queryset):
    response = StreamingHttpResponse(
        creators_csv_stream(queryset, role=workspace_role(request)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="creators.csv"'
    return response


@action(description=_("Export selected creators (Excel)"))
def export_creators_xlsx(modeladmin, request, queryset):
    return FileResponse(
        creators_xlsx_file(queryset, role=workspace_role(request)),
        as_attachment=True,
        filename="creators.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _register_export_actions():
    creator_admin = admin.site._registry.get(Creator)
    if creator_admin is None:
        return
    actions = list(creator_admin.actions or [])
    for func in (export_creators_csv, export_creators_xlsx):
        if func not in actions:
            actions.append(func)
    creator_admin.actions = actions


_register_export_actions()
