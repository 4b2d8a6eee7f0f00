"""OpenAPI additions every operation shares: the problem+json error responses, the
Idempotency-Key and If-Match headers, the ETag response header; and the bounds the server
enforces that drf-spectacular does not read by itself (filter min/max/length, non-empty
lists, ids), so the schema refuses exactly what the server refuses (schemathesis checks it,
tests/test_api_schemathesis.py)."""

import django_filters as df
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from influencers.api.errors import PROBLEM_CONTENT_TYPE
from influencers.api.filters import DateTimeFilter
from influencers.api.pagination import PageNumberPagination
from influencers.api.serializers.base import MAX_ID, StrictMixin, WorkspacePrimaryKeyField
from influencers.models import ContactMethod
from influencers.services.creators import PHONE_KINDS


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
    404: "No such record in this workspace (or no such page, or an unknown `?format=`).",
    406: "The Accept header (or `?format=`) names no format this endpoint answers in.",
    409: "Conflicts with the current state: another record has the same unique value "
    "(`errors` says which), or the same Idempotency-Key is in flight.",
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
# What influencers.api.concurrency.parse_if_match reads: `*`, or quoted entity tags (visible
# ASCII but `"`) separated by commas; any other value answers 412 as a tag that cannot match.
ENTITY_TAG_PATTERN = r'(W/)?"[\x21\x23-\x7e]*"'
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The ETag you read (or several: `"a", "b"`; or `*`); the write answers 412 if the '
        "record changed since."
    ),
    pattern=rf"^(\*|{ENTITY_TAG_PATTERN}( ?, ?{ENTITY_TAG_PATTERN})*)$",
)


def _decimal_pattern(field) -> str:
    """The numbers a DecimalField reads, as text: at least one digit, its digits and places,
    no sign when it refuses negatives, and a maximum that is a power of ten (a percentage's
    100) as a digit count plus that number itself."""
    places = field.decimal_places or 0
    digits = None if field.max_digits is None else field.max_digits - places
    unsigned = field.min_value is not None and field.min_value >= 0
    ceiling = None
    maximum = field.max_value
    if unsigned and maximum is not None and maximum >= 1 and maximum == int(maximum):
        text = str(int(maximum))
        if text == "1" + "0" * (len(text) - 1):
            digits = len(text) - 1 if digits is None else min(digits, len(text) - 1)
            ceiling = text
    whole = "*" if digits is None else f"{{0,{digits}}}"
    whole_1 = "+" if digits is None else f"{{1,{digits}}}"
    if not places:
        number = rf"\d{whole_1}" if digits != 0 else "0*"
        top = ceiling
    else:
        number = rf"\d{whole_1}(?:\.\d{{0,{places}}})?|\d{whole}\.\d{{1,{places}}}"
        top = ceiling and rf"{ceiling}(?:\.0{{0,{places}}})?"
    if top:
        number = f"{number}|{top}"
    return rf"^{'' if unsigned else '-?'}(?:{number})$"


# What Django's URLValidator (DRF's URLField) reads, within an RFC 3986 URI: an http(s) or
# ftp(s) scheme in any case; a host that is localhost, an IPv4 address or a name ending in a
# top-level domain of letters, labels without a hyphen at either end, at most 253 characters
# (here: a first label of up to 63, five more of up to 24, a top-level domain of up to 63, so
# no lookahead is needed); a port; a path, query and fragment. IPv6 and non-ASCII hosts, which
# it also reads, are left out: a schema may ask less than the server takes.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SHORT_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,22}[A-Za-z0-9])?"
_TOP_LEVEL = r"(?:[A-Za-z](?:[A-Za-z-]{0,61}[A-Za-z])|xn--[A-Za-z0-9]{1,59})"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_USER = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
_PATH = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})"
URL_PATTERN = (
    rf"^(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp][Ss]?)://(?:{_USER}+(?::{_USER}*)?@)?"
    rf"(?:[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|{_OCTET}(?:\.{_OCTET}){{3}}"
    rf"|{_LABEL}\.(?:{_SHORT_LABEL}\.){{0,5}}{_TOP_LEVEL})"
    rf"(?::[0-9]{{1,5}})?(?:/{_PATH}*)?(?:\?(?:{_PATH}|\?)*)?(?:#(?:{_PATH}|\?)*)?$"
)


def _url_schema(schema: dict) -> None:
    """URL_PATTERN on a URLField (allow_blank gives oneOf [the URL, ""]: it goes on the URL).
    It admits only URIs, so it stands in for `format: uri`: with both, a generator looking for
    a value that breaks the format but keeps the pattern would search in vain."""
    for option in schema.get("oneOf", [schema]):
        if option.pop("format", None) == "uri":
            option["pattern"] = URL_PATTERN


# A date-time filter's offset must be one PostgreSQL stores (filters.MAX_UTC_OFFSET).
UTC_OFFSET_PATTERN = r"([Zz]|[+-](0\d|1[0-5]):[0-5]\d)$"


class ApiAutoSchema(AutoSchema):
    def _pages_by_number(self) -> bool:
        """A list paged by ?page=: a page number past the last page answers 404."""
        if not self._is_list_view():
            return False
        return isinstance(self._get_paginator(), PageNumberPagination)

    def _error_codes(self) -> list[int]:
        codes = [401, 403, 429]
        method = self.method
        has_id = "{id}" in self.path
        if method == "GET":
            codes += [400, 406]
        # Any GET: DRF answers an unknown `?format=` with 404, as a page past the last.
        if has_id or method == "GET":
            codes += [404]
        if method in ("POST", "PUT", "PATCH"):
            codes += [400, 413, 415]
        if method in ("POST", "PUT", "PATCH"):
            # 409: another record holds the same name/handle/URL, or a key is in flight.
            codes += [409]
        if method == "POST":
            codes += [422]
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

    def _get_filter_parameters(self):
        """django-filter's bounds (min_value, max_value, max_length), which the filter's form
        enforces with a 400, written into each query parameter's schema."""
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None:
            return parameters
        bounds = {"min_value": "minimum", "max_value": "maximum", "max_length": "maxLength"}
        for parameter in parameters:
            declared = filterset_class.base_filters.get(parameter["name"])
            schema = parameter.get("schema", {})
            if declared is None or "$ref" in schema:
                continue
            for option, keyword in bounds.items():
                if declared.extra.get(option) is not None:
                    schema[keyword] = declared.extra[option]
            if isinstance(declared, df.BooleanFilter) and schema.get("type") == "boolean":
                # django-filter reads true/false and ignores any other value (no filter).
                parameter["schema"] = {"anyOf": [{"type": "boolean"}, {"type": "string"}]}
                continue
            if isinstance(declared, df.NumberFilter) and schema.get("type") == "integer":
                schema["type"] = "number"  # its form field is a DecimalField: 0.5 is read
            if schema.get("type") == "string" and "format" in schema:
                value = {"format": schema.pop("format")}
                if isinstance(declared, DateTimeFilter):
                    value["pattern"] = UTC_OFFSET_PATTERN
                # An empty value (`?since=`, as an HTML filter form sends) means "no filter".
                schema["anyOf"] = [value, {"maxLength": 0}]
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        strict = isinstance(serializer, StrictMixin) or getattr(
            serializer, "refuses_unknown_fields", False
        )
        if direction == "request" and strict:
            # An unknown field answers 400 ("Unknown field.").
            schema["additionalProperties"] = False
        if direction == "request":
            for name, field in serializer.fields.items():
                if isinstance(field, serializers.URLField) and name in schema["properties"]:
                    _url_schema(schema["properties"][name])
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request":
            return schema
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            # spectacular's `^-?\d{0,M}(?:\.\d{0,N})?$` matches "" and "-", which are not
            # numbers ("A valid number is required."), and says nothing of min/max_value.
            schema["pattern"] = _decimal_pattern(field)
        if isinstance(field, serializers.ListField | serializers.ListSerializer | ManyRelatedField):
            # allow_empty=False answers "This list may not be empty." (400).
            if getattr(field, "allow_empty", True) is False and schema.get("type") == "array":
                schema["minItems"] = max(schema.get("minItems", 0), 1)
            # A nested `many=True` serializer's max_length is no validator spectacular reads.
            if isinstance(field, serializers.ListSerializer) and field.max_length is not None:
                schema["maxItems"] = field.max_length
        if isinstance(field, WorkspacePrimaryKeyField) and schema.get("type") == "integer":
            # Ids are positive bigints; anything else is refused as the wrong type (400).
            schema["minimum"] = 1
            schema["maximum"] = MAX_ID
        return schema

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


class ContactInputSchema(OpenApiSerializerExtension):
    """A contact's value is read by its kind: an email address for email, a phone number
    (`format: phone`: international, or national for the creator's country) for phone and
    WhatsApp, free text otherwise. One branch per rule, chosen by `kind`."""

    target_class = "influencers.api.serializers.creators.ContactInputSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction != "request":
            return schema
        formats = {ContactMethod.Kind.EMAIL: "email", **dict.fromkeys(PHONE_KINDS, "phone")}
        free = [kind for kind in ContactMethod.Kind.values if kind not in formats]

        def kinds(names) -> dict:
            # A pattern, not an enum: spectacular would hoist an enum into one shared component.
            return {"pattern": f"^(?:{'|'.join(sorted(names))})$"}

        schema["oneOf"] = [
            *(
                {
                    "properties": {
                        "kind": kinds(k for k, f in formats.items() if f == name),
                        "value": {"format": name},
                    }
                }
                for name in sorted(set(formats.values()))
            ),
            {"properties": {"kind": kinds(free)}},
        ]
        return schema
