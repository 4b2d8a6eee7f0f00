"""OpenAPI additions every operation shares: the problem+json error responses, the
Idempotency-Key and If-Match headers, the ETag response header."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from influencers.api.errors import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)
    errors = serializers.DictField(
        required=False,
        help_text=(
            "Validation errors: {field: [message, ...]} (nested fields dotted, e.g. "
            "accounts.0.handle); for bulk requests {item index: {field: [message, ...]}}."
        ),
    )


ERROR_DESCRIPTIONS = {
    400: "Invalid input (field-level `errors`).",
    401: "Missing, invalid or revoked token.",
    403: "Your role does not allow this, or you are not a member of the workspace.",
    404: "No such record in this workspace.",
    406: "The Accept header (or `?format=`) names no format this endpoint answers in.",
    409: "Conflicts with the current state (e.g. the same Idempotency-Key is in flight).",
    412: "If-Match (`*` or a list of ETags) names no current version of the record.",
    413: "Request too large.",
    415: "Send application/json.",
    422: "Idempotency-Key reused for another request (a different body or file).",
    429: "Too many requests; see Retry-After.",
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Repeat a POST safely: the first response is returned again for 24 hours.",
    pattern=r"^[\x21-\x7e]{1,255}$",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The ETag you read (or several: `"a", "b"`; or `*`); the write answers 412 if the '
        "record changed since."
    ),
)


class ApiAutoSchema(AutoSchema):
    def _error_codes(self) -> list[int]:
        codes = [401, 403, 429]
        method = self.method
        has_id = "{id}" in self.path
        if method == "GET":
            codes += [400, 406]
        if has_id:
            codes += [404]
        if method in ("POST", "PUT", "PATCH"):
            codes += [400, 413, 415]
        if method == "POST":
            codes += [409, 422]
        if method in ("PUT", "PATCH", "DELETE") or (method == "POST" and has_id):
            codes += [412]
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            key = str(code)
            if key in responses:
                continue
            response = self._get_response_for_code(
                ProblemSerializer, key, media_types=[PROBLEM_CONTENT_TYPE]
            )
            response["description"] = ERROR_DESCRIPTIONS[code]
            responses[key] = response
        return responses

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method == "POST":
            params.append(IDEMPOTENCY_KEY)
        if self.method in ("PUT", "PATCH", "DELETE") or (
            self.method == "POST" and "{id}" in self.path
        ):
            params.append(IF_MATCH)
        return params

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        code = str(status_code)
        has_etag = (
            "{id}" in self.path
            or (self.method == "POST" and code == "201")
            # A workspace singleton (fixed URL, no id) is one record with a version too.
            or getattr(self.view, "etag_without_id", False)
        )
        if has_etag and code in ("200", "201") and self.method != "DELETE":
            headers["ETag"] = {
                "schema": {"type": "string"},
                "description": "Version of the record, for If-Match.",
            }
        if str(status_code) == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait.",
            }
        return headers


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "influencers.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token: `Authorization: Bearer ipm_…` "
            "(`Token ipm_…` works too). The token decides the workspace.",
        }


class WorkspaceSessionScheme(OpenApiAuthenticationExtension):
    target_class = "influencers.api.authentication.WorkspaceSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The admin's session (browsable API); workspace from the session or "
            "the X-Workspace header.",
        }
