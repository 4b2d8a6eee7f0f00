""" "Export this list" on the creator list: the creators the list shows right now (its filters
and search, every page, not only the selected rows) as CSV or Excel, through the same
streaming exporters as the bulk actions (labels in the user's language, tags, owner, agency,
contacts masked by role, formula-like text neutralised)."""

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers.exporters import creators_csv_stream, creators_xlsx_file

from .mixins import workspace_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CreatorExportListMixin:
    # Its button: admin/influencers/creator/export_list.html (in the list's list_before).

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export.<str:fmt>",
                self.admin_site.admin_view(self.export_list_view),
                name=f"{info[0]}_{info[1]}_export_list",
            ),
            *super().get_urls(),
        ]

    def export_list_view(self, request, fmt):
        if fmt not in ("csv", "xlsx") or not self.has_view_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:influencers_creator_changelist")
        try:
            # The list's own filters and search, read from the same query string.
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            messages.error(
                request,
                _("The list's filters could not be read: clear them and try the export again."),
            )
            return HttpResponseRedirect(changelist)
        role = workspace_role(request)
        name = f"creators-{timezone.localdate():%Y-%m-%d}.{fmt}"
        if fmt == "xlsx":
            return FileResponse(
                creators_xlsx_file(queryset, role=role),
                as_attachment=True,
                filename=name,
                content_type=XLSX,
            )
        response = StreamingHttpResponse(
            creators_csv_stream(queryset, role=role), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
