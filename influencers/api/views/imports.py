"""Import jobs over the API: upload (multipart) -> 202 with the job's URL; the job's state,
progress and counts; its error report as CSV. And the streamed CSV export of creators.

Uploads bypass WorkspaceAPIMixin.initial on purpose: it reads the whole body to enforce
DATA_UPLOAD_MAX_MEMORY_SIZE, while a spreadsheet may be up to IMPORT_MAX_BYTES and is streamed
to a temporary file by Django's upload handlers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from influencers import policy
from influencers.api import idempotency
from influencers.api.errors import PayloadTooLarge
from influencers.api.views.base import IdempotencyMixin
from influencers.exporters import creators_csv_stream, creators_xlsx_file
from influencers.importers.columns import ALIASES
from influencers.models import ImportJob, ImportKind, ImportPolicy
from influencers.services.imports import (
    FileTooLarge,
    import_job_confirm,
    import_job_create,
    import_job_errors_csv,
    import_job_status,
)


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through content negotiation; the views stream the CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    streamed_only = True  # see WorkspaceAPIMixin.finalize_response

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b""


class XLSXRenderer(renderers.BaseRenderer):
    """Lets `?format=xlsx` through content negotiation; the view streams the file itself."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    streamed_only = True

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b""


def creators_xlsx_response(queryset, *, role) -> FileResponse:
    return FileResponse(
        creators_xlsx_file(queryset, role=role),
        as_attachment=True,
        filename="creators.xlsx",
        content_type=XLSXRenderer.media_type,
    )


def creators_csv_response(queryset, *, role) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        creators_csv_stream(queryset, role=role), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="creators.csv"'
    return response


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": ["", *ALIASES], "nullable": True},
    }
)
class ColumnMappingField(serializers.JSONField):
    """A JSON object in a form field, each header mapped to one of the importer's fields."""


class UploadSerializer(serializers.Serializer):
    # A form field the endpoint does not know is refused, as a JSON one is everywhere else
    # (StrictMixin reads a dict; a form's QueryDict must stay one for column_mapping's JSON).
    refuses_unknown_fields = True

    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportKind.choices, default=ImportKind.AUTO)
    policy = serializers.ChoiceField(choices=ImportPolicy.choices, default=ImportPolicy.FILL_EMPTY)
    # CharField refuses a NUL; the pattern says so in the schema.
    sheet = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        validators=[RegexValidator(r"^[^\x00]*$")],
    )
    column_mapping = ColumnMappingField(
        required=False,
        default=dict,
        help_text=_(
            'JSON: {"header as in the file": "field"}; an empty field (or null) skips the column.'
        ),
    )

    def to_internal_value(self, data):
        unknown = sorted(str(name) for name in data if name not in self.fields)
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class ImportJobOutSerializer(serializers.Serializer):
    """Documents the job payload (built by services.imports.import_job_status)."""

    id = serializers.IntegerField()
    url = serializers.CharField()
    errors_url = serializers.CharField()
    state = serializers.ChoiceField(choices=ImportJob.State.choices)
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    error = serializers.CharField()


JOB_SCHEMA = ImportJobOutSerializer
JOB_LIST_SCHEMA = inline_serializer("ImportJobList", {"results": ImportJobOutSerializer(many=True)})


def _payload(request, job):
    data = import_job_status(job)
    data["url"] = request.build_absolute_uri(reverse("api:import-detail", args=[job.pk]))
    data["errors_url"] = request.build_absolute_uri(reverse("api:import-errors", args=[job.pk]))
    return data


def _require_manager(request):
    if not policy.may(request.api_role, policy.Action.IMPORT):
        raise exceptions.PermissionDenied(_("Only managers and owners may import."))


class ImportJobListCreateView(IdempotencyMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_list",
        summary="The 50 most recent import jobs",
        responses={200: JOB_LIST_SCHEMA},
    )
    def get(self, request):
        jobs = ImportJob.objects.filter(workspace=request.api_workspace).order_by("-pk")[:50]
        return Response({"results": [_payload(request, job) for job in jobs]})

    @extend_schema(
        operation_id="imports_create",
        summary="Upload a file to import (manager or owner); 202 with the job's URL",
        request={"multipart/form-data": UploadSerializer},
        responses={202: JOB_SCHEMA},
    )
    def post(self, request):
        _require_manager(request)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.IMPORT_MAX_BYTES + 64 * 1024:  # headroom for the form fields
            raise PayloadTooLarge(_("The file is larger than the import limit."))
        # The same key with the same file and fields answers the first response (the same
        # job); with another file or fields, 422.
        if request.method == "POST" and idempotency.HEADER in request.META:
            self.idempotency_begin(request, fingerprint=idempotency.form_fingerprint(request.data))
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = import_job_create(
                workspace=request.api_workspace,
                actor=request.user,
                upload=data["file"],
                kind=data["kind"],
                policy=data["policy"],
                sheet=data["sheet"],
                column_mapping=data["column_mapping"],
                # Accept-Language, as LocaleMiddleware activated it: the worker reports in it.
                language=translation.get_language(),
            )
        except FileTooLarge as exc:
            raise PayloadTooLarge(exc.messages[0]) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        job = import_job_confirm(job=job)
        payload = _payload(request, job)
        return Response(
            payload, status=status.HTTP_202_ACCEPTED, headers={"Location": payload["url"]}
        )


class ImportJobDetailView(APIView):
    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import job's state, progress and counts",
        responses={200: JOB_SCHEMA},
    )
    def get(self, request, pk: int):
        job = get_object_or_404(ImportJob, pk=pk, workspace=request.api_workspace)
        return Response(_payload(request, job))


class ImportJobErrorsView(APIView):
    # JSON first: errors (404, 401) are problem documents whatever format was asked for.
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="imports_errors",
        summary="The job's error report (line, column, value, reason, level)",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, pk: int):
        job = get_object_or_404(ImportJob, pk=pk, workspace=request.api_workspace)
        response = StreamingHttpResponse(
            import_job_errors_csv(job=job, role=request.api_role),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response
