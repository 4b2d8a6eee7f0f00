"""The smaller resources: thin viewsets over selectors (get_queryset) and services."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from influencers.api import filters
from influencers.api.errors import ItemsValidationError, PayloadTooLarge, flatten_errors
from influencers.api.pagination import KeysetPagination, Ordering
from influencers.api.serializers import records as s
from influencers.models import Agency, Campaign, ContentPost, Product, Tag
from influencers.models.base import other_creator_errors
from influencers.selectors import api_records as sel
from influencers.services.collaborations import collaboration_advance, collaboration_create
from influencers.services.metrics import metric_snapshot_record, metric_snapshots_record_bulk
from influencers.services.notes import note_add
from influencers.services.records import record_create, record_delete, record_update

from .base import CreateMixin, DestroyMixin, RetrieveMixin, UpdateMixin, WorkspaceViewSet

BULK_MAX_ITEMS = s.BULK_MAX_ITEMS
CRUD = ("list", "create", "retrieve", "update", "partial_update", "destroy")


def _split_m2m(data: dict, names=("products",)) -> tuple[dict, dict]:
    data = dict(data)
    return data, {n: data.pop(n) for n in names if n in data}


class ListMixin:
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.output_serializer_class(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)


class CrudViewSet(
    ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, WorkspaceViewSet
):
    model = None
    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return self.output_serializer_class

    def get_queryset(self):
        return sel.records_for_workspace(model=self.model, workspace=self.workspace)

    def service_create(self, data):
        data, m2m = _split_m2m(data)
        return record_create(
            model=self.model, workspace=self.workspace, actor=self.request.user, m2m=m2m, **data
        )

    def service_update(self, instance, data):
        data, m2m = _split_m2m(data)
        return record_update(instance=instance, actor=self.request.user, data=data, m2m=m2m)

    def service_delete(self, instance):
        record_delete(instance=instance, actor=self.request.user)


def _crud_schema(name: str, serializer, update_serializer=None):
    update_serializer = update_serializer or serializer
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}s"),
        create=extend_schema(
            summary=f"Create a {name}", request=serializer, responses={201: serializer}
        ),
        retrieve=extend_schema(summary=f"Get one {name}"),
        update=extend_schema(
            summary=f"Replace a {name}", request=update_serializer, responses=serializer
        ),
        partial_update=extend_schema(
            summary=f"Change a {name}", request=update_serializer, responses=serializer
        ),
        destroy=extend_schema(summary=f"Delete a {name} (manager or owner)"),
    )


@_crud_schema("tag", s.TagSerializer)
class TagViewSet(CrudViewSet):
    model = Tag
    output_serializer_class = s.TagSerializer
    filterset_class = filters.TagFilter


@_crud_schema("agency", s.AgencySerializer)
class AgencyViewSet(CrudViewSet):
    model = Agency
    output_serializer_class = s.AgencySerializer
    filterset_class = filters.AgencyFilter


@_crud_schema("product", s.ProductSerializer)
class ProductViewSet(CrudViewSet):
    model = Product
    output_serializer_class = s.ProductSerializer
    filterset_class = filters.ProductFilter


@_crud_schema("campaign", s.CampaignSerializer)
class CampaignViewSet(CrudViewSet):
    model = Campaign
    output_serializer_class = s.CampaignSerializer
    filterset_class = filters.CampaignFilter


@_crud_schema("content post", s.ContentPostSerializer, s.ContentPostUpdateSerializer)
class ContentPostViewSet(CrudViewSet):
    model = ContentPost
    output_serializer_class = s.ContentPostSerializer
    update_serializer_class = s.ContentPostUpdateSerializer
    filterset_class = filters.ContentPostFilter


@_crud_schema("note", s.NoteSerializer, s.NoteUpdateSerializer)
class NoteViewSet(CrudViewSet):
    output_serializer_class = s.NoteSerializer
    update_serializer_class = s.NoteUpdateSerializer
    filterset_class = filters.NoteFilter

    def get_queryset(self):
        return sel.notes_for_workspace(workspace=self.workspace)

    def service_create(self, data):
        data = dict(data)
        return note_add(creator=data.pop("creator"), actor=self.request.user, **data)


@_crud_schema("collaboration", s.CollaborationSerializer, s.CollaborationUpdateSerializer)
class CollaborationViewSet(CrudViewSet):
    output_serializer_class = s.CollaborationSerializer
    update_serializer_class = s.CollaborationUpdateSerializer
    filterset_class = filters.CollaborationFilter

    def get_serializer_class(self):
        if self.action == "advance":
            return s.AdvanceSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        return sel.collaborations_for_workspace(workspace=self.workspace)

    def service_create(self, data):
        data, m2m = _split_m2m(data)
        return collaboration_create(
            creator=data.pop("creator"),
            actor=self.request.user,
            products=m2m.get("products", ()),
            **data,
        )

    @extend_schema(
        summary="Move a collaboration along its pipeline",
        description=str(
            _(
                "proposed → agreed → sample shipped → content live → completed; or declined / "
                "cancelled. A move the pipeline does not allow answers 400."
            )
        ),
        request=s.AdvanceSerializer,
        responses=s.CollaborationSerializer,
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        serializer = s.AdvanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.locked_object()
            collaboration_advance(
                collaboration=instance,
                actor=request.user,
                to_status=serializer.validated_data["status"],
                on_date=serializer.validated_data.get("on_date"),
            )
        instance = self.fresh(instance)
        return self.with_etag(Response(self.output(instance)), instance)


def _bulk_items(workspace, raw_items: list) -> tuple[list[dict], dict]:
    """Validate every item (no query per item), then resolve all ids in three queries.
    Returns (items ready for the service, {"<index>": {field: [messages]}})."""
    items_serializer = s.BulkMetricItemSerializer(data=raw_items, many=True)
    if not items_serializer.is_valid():
        errors = items_serializer.errors
        pairs = errors.items() if isinstance(errors, dict) else enumerate(errors)
        return [], {str(i): flatten_errors(e) for i, e in pairs if e}
    items = items_serializer.validated_data
    creators, collaborations, posts = sel.metric_targets(
        workspace=workspace,
        creator_ids=[i["creator"] for i in items],
        collaboration_ids=[i["collaboration"] for i in items if i.get("collaboration")],
        post_ids=[i["post"] for i in items if i.get("post")],
    )
    missing = _("No such record in this workspace.")
    errors: dict[str, dict] = {}
    resolved = []
    for index, item in enumerate(items):
        item = dict(item)
        item_errors = {}
        creator = creators.get(item["creator"])
        if creator is None:
            item_errors["creator"] = [str(missing)]
        item["creator"] = creator
        for name, known in (("collaboration", collaborations), ("post", posts)):
            pk = item.get(name)
            if pk is None:
                continue
            related = known.get(pk)
            if related is None:
                item_errors[name] = [str(missing)]
            elif creator is not None:
                item_errors.update(
                    {
                        k: [str(m) for m in v]
                        for k, v in other_creator_errors(creator.pk, **{name: related}).items()
                    }
                )
            item[name] = related
        if item_errors:
            errors[str(index)] = item_errors
        resolved.append(item)
    return resolved, errors


@extend_schema_view(
    list=extend_schema(summary="List metric snapshots (cursor-paged, newest first)"),
    create=extend_schema(
        summary="Record one metric snapshot", responses={201: s.MetricSnapshotSerializer}
    ),
    retrieve=extend_schema(summary="Get one metric snapshot"),
)
class MetricSnapshotViewSet(ListMixin, RetrieveMixin, CreateMixin, WorkspaceViewSet):
    """Append-only: snapshots are never edited; a new reading is a new row."""

    output_serializer_class = s.MetricSnapshotSerializer
    input_serializer_class = s.MetricSnapshotSerializer
    filterset_class = filters.MetricSnapshotFilter
    pagination_class = KeysetPagination
    orderings = {
        "-captured": Ordering("captured_at", descending=True),
        "captured": Ordering("captured_at", descending=False),
        "-created": Ordering("created_at", descending=True),
        "created": Ordering("created_at", descending=False),
    }
    default_ordering = "-captured"

    def get_serializer_class(self):
        if self.action == "bulk":
            return s.BulkMetricSnapshotSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        return sel.records_for_workspace(
            model=self.output_serializer_class.Meta.model, workspace=self.workspace
        )

    def service_create(self, data):
        data = dict(data)
        return metric_snapshot_record(creator=data.pop("creator"), actor=self.request.user, **data)

    @extend_schema(
        summary="Record up to 5,000 metric snapshots at once (all or nothing)",
        description=str(
            _(
                'Body: {"items": [snapshot, ...]}. If any item is invalid nothing is saved and '
                'the problem\'s `errors` are keyed by item index: {"3": {"views": [...]}}. '
                "More than 5,000 items answers 413."
            )
        ),
        request=s.BulkMetricSnapshotBodySerializer,
        responses={201: s.BulkResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        envelope = s.BulkMetricSnapshotSerializer(data=request.data)
        raw = request.data.get("items") if isinstance(request.data, dict) else None
        if isinstance(raw, list) and len(raw) > BULK_MAX_ITEMS:
            raise PayloadTooLarge(_("At most %(n)d items per request.") % {"n": BULK_MAX_ITEMS})
        envelope.is_valid(raise_exception=True)
        items, errors = _bulk_items(self.workspace, envelope.validated_data["items"])
        if errors:
            raise ItemsValidationError(errors)
        ids = metric_snapshots_record_bulk(
            workspace=self.workspace, actor=request.user, items=items
        )
        return Response({"created": len(ids), "ids": ids}, status=201)


@extend_schema_view(
    list=extend_schema(summary="List the workspace's members"),
    retrieve=extend_schema(summary="Get one member"),
)
class MemberViewSet(ListMixin, RetrieveMixin, WorkspaceViewSet):
    output_serializer_class = s.MemberSerializer
    filterset_class = filters.MemberFilter

    def get_queryset(self):
        return sel.members_for_workspace(workspace=self.workspace)


@extend_schema_view(
    list=extend_schema(summary="The workspace's activity, newest first (cursor-paged)"),
    retrieve=extend_schema(summary="Get one activity event"),
)
class ActivityViewSet(ListMixin, RetrieveMixin, WorkspaceViewSet):
    output_serializer_class = s.ActivityEventSerializer
    filterset_class = filters.ActivityFilter
    pagination_class = KeysetPagination
    orderings = {
        "-created": Ordering("created_at", descending=True),
        "created": Ordering("created_at", descending=False),
    }
    default_ordering = "-created"

    def get_queryset(self):
        return sel.activity_for_workspace(workspace=self.workspace)


__all__ = [
    "ActivityViewSet",
    "CampaignViewSet",
    "CollaborationViewSet",
    "ContentPostViewSet",
    "MemberViewSet",
    "MetricSnapshotViewSet",
    "NoteViewSet",
    "ProductViewSet",
    "TagViewSet",
]
