"""One error shape for the whole API: RFC 9457 problem details (``application/problem+json``).

    {"type": "urn:ipm:problem:invalid", "title": "Invalid input", "status": 400,
     "detail": "...", "errors": {"field": ["message", ...]}}

``errors`` is present for validation failures only; nested fields are flattened to dotted keys
(``accounts.0.handle``), except the bulk endpoint, whose ``errors`` are keyed by item index.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, renderers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Invalid request"),
    401: _("Not authenticated"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    428: _("Precondition required"),
    429: _("Too many requests"),
    500: _("Server error"),
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since you read it (If-Match does not match).")
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class UniquenessConflict(exceptions.ValidationError):
    """Another record already holds this name/handle/URL: the request is well formed but
    conflicts with the current state (409, as when the same clash loses a race at the
    database: IntegrityError), with the field errors of a 400."""

    status_code = status.HTTP_409_CONFLICT


UNIQUE_CODES = {"unique", "unique_together", "unique_for_date"}


def _unique_constraint_messages() -> set[str]:
    from django.apps import apps
    from django.db.models import UniqueConstraint

    return {
        force_str(constraint.get_violation_error_message())
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint)
    }


def _only_uniqueness(exc: DjangoValidationError) -> bool:
    """Every error of `exc` says another record holds the same unique value."""
    messages = _unique_constraint_messages()
    if hasattr(exc, "error_dict"):
        flat = [error for errors in exc.error_dict.values() for error in errors]
    else:
        flat = exc.error_list
    return bool(flat) and all(
        e.code in UNIQUE_CODES
        or force_str(e.message % e.params if e.params else e.message) in messages
        for e in flat
    )


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class UnprocessableRequest(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The request cannot be processed.")
    default_code = "unprocessable"


class ItemsValidationError(exceptions.APIException):
    """Per-item errors of a bulk request: ``errors`` is ``{"<index>": {field: [messages]}}``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Some items are invalid; nothing was saved.")
    default_code = "invalid_items"

    def __init__(self, item_errors: dict, detail=None):
        super().__init__(detail)
        self.item_errors = item_errors


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure -> {"dotted.field": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_errors(value, name).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            if detail:
                flat[prefix or "non_field_errors"] = [force_str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                name = f"{prefix}.{index}" if prefix else str(index)
                for k, v in flatten_errors(item, name).items():
                    flat.setdefault(k, []).extend(v)
    elif detail not in (None, ""):
        flat[prefix or "non_field_errors"] = [force_str(detail)]
    return flat


def problem(status_code: int, detail=None, *, code: str | None = None, errors=None) -> dict:
    body = {
        "type": f"urn:ipm:problem:{code}" if code else "about:blank",
        "title": force_str(TITLES.get(status_code, HTTPStatus(status_code).phrase)),
        "status": status_code,
        "detail": force_str(detail) if detail is not None else "",
    }
    if errors is not None:
        body["errors"] = errors
    return body


# What a violated constraint means, in words. Django's default message for a constraint
# without one of its own names the constraint ("Constraint “tag_unique_name_ci” is
# violated."), which tells a client nothing and shows a database detail.
CONSTRAINT_MESSAGES = {
    "tag_unique_name_ci": _("A tag with this name already exists in this workspace."),
    "agency_unique_name_ci": _("An agency with this name already exists in this workspace."),
    "contact_one_primary_per_kind": _("A creator can have only one primary contact of each kind."),
    "snapshot_period_unique": _("A snapshot for this creator and period already exists."),
}
CONSTRAINT_FALLBACK = _("These values break a rule of this record or clash with another record.")


def _constraint_texts() -> dict[str, str]:
    """{the default message of each constraint that has no message of its own, in the active
    language: the message to show instead}."""
    from django.apps import apps
    from django.db.models import BaseConstraint

    default = BaseConstraint.default_violation_error_message
    texts = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.violation_error_message is default:
                texts[force_str(constraint.get_violation_error_message())] = force_str(
                    CONSTRAINT_MESSAGES.get(constraint.name, CONSTRAINT_FALLBACK)
                )
    return texts


def _without_constraint_names(detail):
    """`detail` (as_serializer_error's {field: [messages]}) with every default constraint
    message replaced by what it means."""
    texts = _constraint_texts()
    result = {}
    for field, messages in detail.items():
        kept = []
        for message in messages:
            text = texts.get(force_str(message))
            if text is not None:
                message = exceptions.ErrorDetail(text, code=getattr(message, "code", "invalid"))
            kept.append(message)
        result[field] = kept
    return result


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        detail = _without_constraint_names(as_serializer_error(exc))
        if _only_uniqueness(exc):
            return UniquenessConflict(detail)
        return exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, ProtectedError | RestrictedError):
        # Deleting it would erase records that must stay (a creator's invitations).
        objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        blocking = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
        return Conflict(
            _(
                "This cannot be deleted: %(records)s still refer to it and must be kept. "
                "Change its status instead (for a creator: paused or do not contact)."
            )
            % {"records": ", ".join(blocking)}
        )
    if isinstance(exc, IntegrityError):
        # A unique/check constraint lost a race with another request: the state conflicts.
        return Conflict()
    if isinstance(exc, DataError):
        return exceptions.ValidationError({"non_field_errors": [_("A value is out of range.")]})
    return exc


def problem_exception_handler(exc, context):
    exc = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handler (also problem+json under /api/)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    code = exc.get_codes() if not isinstance(exc, exceptions.ValidationError) else "invalid"
    if not isinstance(code, str):
        code = "invalid"
    if isinstance(exc, ItemsValidationError):
        body = problem(exc.status_code, exc.detail, code=code, errors=exc.item_errors)
    elif isinstance(exc, UniquenessConflict):
        body = problem(
            exc.status_code,
            _("Another record already has these values."),
            code="conflict",
            errors=flatten_errors(exc.detail),
        )
    elif isinstance(exc, exceptions.ValidationError):
        body = problem(
            exc.status_code,
            _("The request has invalid fields."),
            code="invalid",
            errors=flatten_errors(exc.detail),
        )
    else:
        body = problem(exc.status_code, exc.detail, code=code)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if request is not None and getattr(renderer, "format", "json") not in ("json", "api"):
        # An error asked for as CSV (`?format=csv`) is still a problem document: a CSV
        # renderer has nothing to say about it and would answer an empty body.
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
        renderer = request.accepted_renderer
    content_type = None
    if renderer is None or getattr(renderer, "format", "json") == "json":
        content_type = PROBLEM_CONTENT_TYPE
    return Response(body, status=exc.status_code, headers=headers, content_type=content_type)


def problem_response(status_code: int, detail=None, code: str | None = None) -> JsonResponse:
    """For Django-level handlers (404/500 outside DRF views under /api/)."""
    return JsonResponse(
        problem(status_code, detail, code=code),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
