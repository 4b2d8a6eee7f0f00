"""What every API view shares: workspace scoping, bad-input guards, ETag/If-Match and
Idempotency-Key handling. Resource views stay thin: parse, call one service or selector,
render."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, viewsets
from rest_framework.response import Response

from influencers.api import idempotency
from influencers.api.concurrency import check_if_match, etag_for
from influencers.api.errors import PROBLEM_CONTENT_TYPE, PayloadTooLarge
from influencers.api.permissions import can_see_contacts
from influencers.api.throttling import FailedAuthThrottle

ID_REGEX = r"[0-9]{1,18}"
WRITE_METHODS = ("POST", "PUT", "PATCH")


def _has_nul(value: str) -> bool:
    return "\x00" in value


class IdempotencyMixin:
    """Idempotency-Key on POST (see influencers.api.idempotency): a view starts it with
    `idempotency_begin`, a replay answers the stored response, the response is stored."""

    _idempotency = None

    def idempotency_begin(self, request, *, fingerprint: str | None = None) -> None:
        self._idempotency = idempotency.begin(request, fingerprint=fingerprint)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            stored = exc.stored
            headers = dict(stored["headers"], **{"Idempotent-Replayed": "true"})
            content_type = stored.get("content_type")
            if content_type is None and stored["status"] >= 400:
                content_type = PROBLEM_CONTENT_TYPE  # kept before replays recorded it
            return Response(
                stored["data"], status=stored["status"], headers=headers, content_type=content_type
            )
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        idempotency.finish(self._idempotency, response)
        self._idempotency = None
        return response


class WorkspaceAPIMixin(IdempotencyMixin):
    """Scopes everything to request.api_workspace; ids of other workspaces simply do not
    exist (404)."""

    lookup_value_regex = ID_REGEX

    @property
    def workspace(self):
        # None only while drf-spectacular inspects the view (no request has been authorised).
        return getattr(self.request, "api_workspace", None)

    @property
    def role(self):
        return getattr(self.request, "api_role", None)

    @property
    def contacts_visible(self) -> bool:
        return can_see_contacts(self.role)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self.request, "api_workspace"):
            context["workspace"] = self.request.api_workspace
            context["role"] = self.request.api_role
        return context

    def initial(self, request, *args, **kwargs):
        # A method the view does not have is a 405 with Allow whatever else is wrong with the
        # request (DRF would first negotiate `?format=` and answer 404 for TRACE ...?format=csv).
        method = request.method.lower()
        if method not in self.http_method_names or getattr(self, method, None) is None:
            raise exceptions.MethodNotAllowed(request.method)
        # Before anything touches the database: PostgreSQL cannot store or compare NUL.
        for key, values in request.query_params.lists():
            if _has_nul(key) or any(_has_nul(v) for v in values):
                raise exceptions.ValidationError(
                    {key.replace("\x00", ""): [_("Null characters are not allowed.")]}
                )
        if request.method in WRITE_METHODS:
            try:
                request._request.body  # noqa: B018 - enforces DATA_UPLOAD_MAX_MEMORY_SIZE
            except RequestDataTooBig:
                raise PayloadTooLarge() from None
        try:
            super().initial(request, *args, **kwargs)
        except (exceptions.AuthenticationFailed, exceptions.NotAuthenticated):
            # Authentication fails before DRF's throttles run: without this, guessing tokens
            # or hammering anonymously is never slowed down. Counted per address.
            throttle = FailedAuthThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())
            raise
        self.idempotency_begin(request)

    def finalize_response(self, request, response, *args, **kwargs):
        # The CSV/XLSX renderers only let a file format through content negotiation; the view
        # streams the file. Data answered to one of them would go out as an empty 200, so a
        # view that has no file for this request answers 406 instead.
        renderer = getattr(request, "accepted_renderer", None)
        if (
            isinstance(response, Response)
            and not response.exception
            and getattr(renderer, "streamed_only", False)
        ):
            response = self.handle_exception(exceptions.NotAcceptable())
        return super().finalize_response(request, response, *args, **kwargs)

    # --- concurrency helpers for resource views
    def locked_object(self):
        """The object, locked for this transaction, after the If-Match check."""
        instance = self.get_object()
        locked = type(instance).objects.select_for_update().get(pk=instance.pk)
        check_if_match(self.request, locked)
        return locked

    @staticmethod
    def with_etag(response: Response, instance) -> Response:
        response["ETag"] = etag_for(instance)
        return response


class WorkspaceViewSet(WorkspaceAPIMixin, viewsets.GenericViewSet):
    """Generic CRUD over a workspace-owned model: `service_create`, `service_update`,
    `service_delete` hooks carry the writes; reads use `get_queryset` (a selector)."""

    input_serializer_class = None
    output_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.output_serializer_class

    def output(self, instance):
        return self.output_serializer_class(instance, context=self.get_serializer_context()).data

    def fresh(self, instance):
        """Re-read through the selector so the output has its related rows."""
        return self.get_queryset().get(pk=instance.pk)


class ListModelMixin(mixins.ListModelMixin):
    pass


class RetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.with_etag(Response(self.output(instance)), instance)


class CreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.service_create(serializer.validated_data)
        instance = self.fresh(instance)
        return self.with_etag(Response(self.output(instance), status=201), instance)


class UpdateMixin:
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.locked_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.service_update(instance, serializer.validated_data)
        instance = self.fresh(instance)
        return self.with_etag(Response(self.output(instance)), instance)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class DestroyMixin:
    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.service_delete(instance)
        return Response(status=204)
