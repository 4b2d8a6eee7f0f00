"""Switch-over over the API: plans (CRUD, preview, CSV, dry run, launch), invitations, and the
workspace's Amazon link settings and readiness weights. Thin: validate, call one service or
selector, render."""

from __future__ import annotations

import django_filters as df
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import renderers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from influencers import policy
from influencers.api.concurrency import check_if_match
from influencers.api.pagination import (
    KeysetPagination,
    Ordering,
    PageNumberPagination,
    page_size_from,
)
from influencers.api.serializers import switchover as s
from influencers.models import (
    AmazonLinkSettings,
    ContactMethod,
    Invitation,
    ScoringWeights,
    SwitchoverPlan,
)
from influencers.scoring import reason_texts
from influencers.selectors import switchover as sel
from influencers.services import switchover as svc
from influencers.services.readiness import readiness_weights_save
from influencers.services.records import record_save
from influencers.services.switchover_test_send import switchover_test_send
from influencers.switchover import selection
from influencers.switchover.export import preview_csv_stream, shortlist_rows

from .base import RetrieveMixin, WorkspaceAPIMixin, WorkspaceViewSet
from .imports import CSVRenderer
from .records import ListMixin

MAX_BIG = 2**63 - 1


class PlanFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(choices=SwitchoverPlan.Status.choices, distinct=False)

    class Meta:
        model = SwitchoverPlan
        fields = []


class InvitationFilter(df.FilterSet):
    plan = df.NumberFilter(field_name="plan_id", min_value=1, max_value=MAX_BIG)
    creator = df.NumberFilter(field_name="creator_id", min_value=1, max_value=MAX_BIG)
    status = df.MultipleChoiceFilter(choices=Invitation.Status.choices, distinct=False)

    class Meta:
        model = Invitation
        fields = []


def _preview_payload(prepared, rank: int, *, role) -> dict:
    return {
        "rank": rank,
        "creator": prepared.creator_id,
        "name": prepared.name,
        "readiness": prepared.readiness,
        "reasons": reason_texts(prepared.reasons),
        "email": policy.contact_for(role, ContactMethod.Kind.EMAIL, prepared.email),
        "language": prepared.language,
        "tracking_id": prepared.tracking_id,
        "link": prepared.link,
        "subject": policy.message_for(role, prepared.subject),
        "body": policy.message_for(role, prepared.body),
        "sendable": prepared.sendable,
        "problems": prepared.problem_texts,
    }


@extend_schema_view(
    list=extend_schema(summary="List switch-over plans"),
    retrieve=extend_schema(summary="Get one switch-over plan"),
    create=extend_schema(
        summary="Create a switch-over plan (products, commission, messages, criteria)",
        request=s.SwitchoverPlanSerializer,
        responses={201: s.SwitchoverPlanSerializer},
    ),
    update=extend_schema(
        summary="Replace a plan (not once launched; messages replaced when given)",
        request=s.SwitchoverPlanSerializer,
        responses=s.SwitchoverPlanSerializer,
    ),
    partial_update=extend_schema(
        summary="Change a plan (not once launched)",
        request=s.SwitchoverPlanSerializer,
        responses=s.SwitchoverPlanSerializer,
    ),
    destroy=extend_schema(summary="Delete a plan that has not been launched (manager or owner)"),
)
class SwitchoverPlanViewSet(ListMixin, RetrieveMixin, WorkspaceViewSet):
    output_serializer_class = s.SwitchoverPlanSerializer
    input_serializer_class = s.SwitchoverPlanSerializer
    filterset_class = PlanFilter
    required_actions = {"launch": policy.Action.LAUNCH}

    def get_queryset(self):
        return sel.plans_for_workspace(workspace=self.workspace)

    def get_serializer_class(self):
        return {
            "preview": s.PreviewRowSerializer,
            "dry_run": s.DryRunSerializer,
            "launch": s.SwitchoverPlanSerializer,
            "test_send": s.TestSendInputSerializer,
        }.get(self.action, s.SwitchoverPlanSerializer)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            sel.attach_invitation_counts(page)
        return page

    def output(self, instance):
        sel.attach_invitation_counts([instance])
        return super().output(instance)

    def create(self, request, *args, **kwargs):
        serializer = s.SwitchoverPlanSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        plan = svc.switchover_plan_create(
            workspace=self.workspace, actor=request.user, data=serializer.validated_data
        )
        plan = self.fresh(plan)
        return self.with_etag(Response(self.output(plan), status=201), plan)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            plan = self.locked_object()
            serializer = s.SwitchoverPlanSerializer(
                plan, data=request.data, partial=partial, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            plan = svc.switchover_plan_update(
                plan=plan, actor=request.user, data=serializer.validated_data
            )
        plan = self.fresh(plan)
        return self.with_etag(Response(self.output(plan)), plan)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            svc.switchover_plan_delete(plan=self.locked_object(), actor=request.user)
        return Response(status=204)

    @extend_schema(
        summary="The ranked shortlist with reasons, message and link per creator (paged)",
        description=str(
            _(
                "Creators matching the plan's criteria, best first, capped at its maximum. "
                "`?format=csv` (or preview.csv) streams the whole shortlist as CSV."
            )
        ),
        responses={200: s.PreviewRowSerializer(many=True), (200, "text/csv"): OpenApiTypes.STR},
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=PageNumberPagination,
        renderer_classes=[renderers.JSONRenderer, CSVRenderer],
        filterset_class=None,
    )
    def preview(self, request, pk=None):
        plan = self.get_object()
        # `?format=csv` or `Accept: text/csv` alike: content negotiation chose the renderer,
        # and the CSV renderer has nothing to render (an empty 200) unless the view streams.
        if getattr(request.accepted_renderer, "format", None) == "csv":
            page_size_from(request)  # refused in CSV as in JSON
            return preview_csv_response(plan, role=self.role)
        page = self.paginator.paginate_queryset(shortlist_rows(plan), request, view=self)
        preparer = selection.Preparer(plan)
        start = (self.paginator.page.start_index() or 1) if page else 1
        data = [
            _preview_payload(preparer.prepare(row), start + i, role=self.role)
            for i, row in enumerate(page)
        ]
        return self.paginator.get_paginated_response(data)

    @extend_schema(
        summary="Dry run: render everything, send nothing; counts and problems",
        request=None,
        responses={200: s.DryRunSerializer},
    )
    @action(detail=True, methods=["post"], url_path="dry-run", filterset_class=None)
    def dry_run(self, request, pk=None):
        return Response(selection.dry_run(self.get_object()))

    @extend_schema(
        summary="Send the message one creator would get to yourself (a test, never an "
        "invitation: nothing is recorded and the creator is not contacted)",
        request=s.TestSendInputSerializer,
        responses={200: s.TestSendSerializer},
    )
    @action(detail=True, methods=["post"], url_path="test-send", filterset_class=None)
    def test_send(self, request, pk=None):
        plan = self.get_object()
        body = s.TestSendInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        prepared = switchover_test_send(
            plan=plan, actor=request.user, creator_id=body.validated_data["creator"]
        )
        return Response(
            {
                "sent_to": request.user.email,
                "creator": prepared.creator_id,
                "language": prepared.language,
                "subject": prepared.subject,
                "body": prepared.body,
            }
        )

    @extend_schema(
        summary="Launch (manager or owner): 202; invitations are drafted and sent in the "
        "background, each creator exactly once however often this is called",
        request=None,
        responses={202: s.SwitchoverPlanSerializer},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def launch(self, request, pk=None):
        plan = svc.switchover_launch_checked(plan=self.get_object(), actor=request.user)
        plan = self.fresh(plan)
        return self.with_etag(Response(self.output(plan), status=202), plan)


def preview_csv_response(plan, *, role) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        preview_csv_stream(plan, role=role), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-shortlist.csv"'
    return response


class PlanPreviewCSVView(WorkspaceAPIMixin, APIView):
    # JSON first: errors (404, 401...) are problem+json; the CSV itself is streamed.
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="switchover_plans_preview_csv",
        summary="The plan's ranked shortlist as CSV (UTF-8 with BOM)",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, pk: int):
        plan = sel.plans_for_workspace(workspace=self.workspace).filter(pk=pk).first()
        if plan is None:
            raise NotFound()
        return preview_csv_response(plan, role=self.role)


@extend_schema_view(
    list=extend_schema(summary="List invitations (cursor-paged; filter by plan, status)"),
    retrieve=extend_schema(summary="Get one invitation"),
    partial_update=extend_schema(
        summary="Set an invitation's status (accepted/declined move its collaboration)",
        request=s.InvitationStatusSerializer,
        responses=s.InvitationSerializer,
    ),
)
class InvitationViewSet(ListMixin, RetrieveMixin, WorkspaceViewSet):
    http_method_names = ["get", "patch", "post", "head", "options"]
    required_actions = {"send_again": policy.Action.LAUNCH}
    output_serializer_class = s.InvitationSerializer
    input_serializer_class = s.InvitationStatusSerializer
    filterset_class = InvitationFilter
    pagination_class = KeysetPagination
    orderings = {
        "-created": Ordering("created_at", descending=True),
        "created": Ordering("created_at", descending=False),
    }
    default_ordering = "-created"

    def get_queryset(self):
        return sel.invitations_for_workspace(workspace=self.workspace)

    def partial_update(self, request, *args, **kwargs):
        with transaction.atomic():
            invitation = self.locked_object()
            serializer = s.InvitationStatusSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            invitation = svc.invitation_set_status(
                invitation=invitation,
                status=serializer.validated_data["status"],
                actor=request.user,
                reason=serializer.validated_data["reason"],
            )
        invitation = self.fresh(invitation)
        return self.with_etag(Response(self.output(invitation)), invitation)

    @extend_schema(
        request=None,
        responses={202: s.InvitationSerializer},
        summary=_("Send an interrupted or failed invitation again"),
        description=_(
            "Only for invitations whose sending was interrupted (uncertain: it may already "
            "have reached the creator) or failed. The invitation goes back to drafted and is "
            "sent in the background; other statuses answer 400."
        ),
    )
    @action(detail=True, methods=["post"], url_path="send-again", filterset_class=None)
    def send_again(self, request, pk=None):
        invitation = self.get_object()
        queued = svc.invitations_send_again(
            workspace_id=self.workspace.pk, invitation_ids=[invitation.pk], actor=request.user
        )
        if not queued:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Only interrupted (uncertain) or failed invitations can be sent "
                            "again; this one is %(status)s."
                        )
                        % {"status": invitation.get_status_display()}
                    ]
                }
            )
        invitation = self.fresh(invitation)
        return self.with_etag(Response(self.output(invitation), status=202), invitation)


class _WorkspaceSingletonViewSet(WorkspaceViewSet):
    """One row per workspace at a fixed URL: GET (defaults until saved), PUT/PATCH (owner)."""

    required_actions = {"update": policy.Action.MANAGE, "partial_update": policy.Action.MANAGE}
    etag_without_id = True  # the schema documents the ETag of its GET/PUT/PATCH
    model = None
    pagination_class = None
    filterset_class = None

    def get_queryset(self):
        return self.model.objects.filter(workspace=self.workspace)

    def get_object(self):  # OPTIONS (metadata) asks for it
        return self.current()

    def current(self):
        if self.workspace is None:  # schema generation
            return self.model()
        return self.model.objects.filter(workspace=self.workspace).first() or self.model(
            workspace=self.workspace
        )

    def retrieve(self, request, *args, **kwargs):
        # The defaults (nothing saved yet) have a version too, so the first write can be
        # conditional like every later one.
        instance = self.current()
        return self.with_etag(Response(self.output(instance)), instance)

    def save(self, instance):
        # The record service: the owner-only policy, validation; the same path as the admin.
        return record_save(instance=instance, actor=self.request.user)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.current()
            if instance.pk:
                instance = self.model.objects.select_for_update().get(pk=instance.pk)
            # Unsaved, the defaults' tag is the current version; a second first write racing
            # this one loses on the one-row-per-workspace constraint (409).
            check_if_match(request, instance)
            serializer = self.output_serializer_class(
                instance, data=request.data, partial=partial, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            for name, value in serializer.validated_data.items():
                setattr(instance, name, value)
            instance = self.save(instance)
        return self.with_etag(Response(self.output(instance)), instance)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


@extend_schema_view(
    retrieve=extend_schema(summary="The workspace's Amazon link settings"),
    update=extend_schema(summary="Replace the Amazon link settings (owner)"),
    partial_update=extend_schema(summary="Change the Amazon link settings (owner)"),
)
class AmazonLinkSettingsViewSet(_WorkspaceSingletonViewSet):
    model = AmazonLinkSettings

    output_serializer_class = s.AmazonLinkSettingsSerializer
    input_serializer_class = s.AmazonLinkSettingsSerializer


@extend_schema_view(
    retrieve=extend_schema(summary="The workspace's readiness weights"),
    update=extend_schema(summary="Replace the readiness weights (owner); rescores the pool"),
    partial_update=extend_schema(summary="Change the readiness weights (owner)"),
)
class ScoringWeightsViewSet(_WorkspaceSingletonViewSet):
    model = ScoringWeights

    output_serializer_class = s.ScoringWeightsSerializer
    input_serializer_class = s.ScoringWeightsSerializer

    def save(self, instance):
        return readiness_weights_save(weights=instance)
