from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.response import Response

from influencers.api.concurrency import etag_for
from influencers.api.filters import CreatorFilter
from influencers.api.pagination import KeysetPagination, Ordering
from influencers.api.serializers.creators import (
    CreatorInputSerializer,
    CreatorSerializer,
    creators_payload,
)
from influencers.selectors.api_creators import (
    creator_page_rows,
    creators_for_workspace,
    keyset_paged,
    page_related_rows,
)
from influencers.services.creators import creator_create, creator_update
from influencers.services.records import record_delete

from .base import WorkspaceViewSet
from .imports import (
    CSVRenderer,
    XLSXRenderer,
    creators_csv_response,
    creators_xlsx_response,
)

CREATE_EXAMPLE = OpenApiExample(
    "A creator with a TikTok account and an email",
    request_only=True,
    value={
        "display_name": "Lena Park",
        "status": "prospect",
        "country": "US",
        "tags": ["beauty", "skincare"],
        "accounts": [{"platform": "tiktok", "handle": "@lena.park", "followers": 125000}],
        "contacts": [{"kind": "email", "value": "lena@example.com", "is_primary": True}],
    },
)


@extend_schema_view(
    list=extend_schema(summary="List creators (cursor-paged, filterable, ordered)"),
    retrieve=extend_schema(summary="Get one creator"),
    create=extend_schema(
        summary="Create a creator with accounts, contacts and tags",
        request=CreatorInputSerializer,
        responses={201: CreatorSerializer},
        examples=[CREATE_EXAMPLE],
    ),
    update=extend_schema(
        summary="Replace a creator's fields (accounts/contacts upserted)",
        request=CreatorInputSerializer,
        responses=CreatorSerializer,
    ),
    partial_update=extend_schema(
        summary="Change some of a creator's fields",
        request=CreatorInputSerializer,
        responses=CreatorSerializer,
    ),
    destroy=extend_schema(summary="Delete a creator (manager or owner)"),
)
class CreatorViewSet(WorkspaceViewSet):
    """The pool. Output rows are built from values() rows that carry their accounts, contacts
    and tags (json_agg subqueries: one statement per page), so a page costs the same whatever
    its size."""

    filterset_class = CreatorFilter
    pagination_class = KeysetPagination
    output_serializer_class = CreatorSerializer
    input_serializer_class = CreatorInputSerializer
    orderings = {
        "-created": Ordering("created_at", descending=True),
        "created": Ordering("created_at", descending=False),
        "-updated": Ordering("updated_at", descending=True),
        "updated": Ordering("updated_at", descending=False),
        "-followers": Ordering("followers", descending=True),
        "followers": Ordering("followers", descending=False),
        "-engagement": Ordering("engagement_rate", descending=True),
        "engagement": Ordering("engagement_rate", descending=False),
        "-gmv": Ordering("rollup_gmv", descending=True),
        "gmv": Ordering("rollup_gmv", descending=False),
        # On the readiness row (INNER-joined by creator_page_rows, see with_readiness).
        "-readiness": Ordering("readiness__score", descending=True),
        "readiness": Ordering("readiness__score", descending=False),
        "-last_contact": Ordering("last_contacted_at", descending=True, nullable=True),
        "last_contact": Ordering("last_contacted_at", descending=False, nullable=True),
    }
    default_ordering = "-created"

    def get_queryset(self):
        return creators_for_workspace(workspace=self.workspace)

    def get_renderers(self):
        # Only the list exports as CSV; elsewhere `?format=csv` is a 404, not an empty 201.
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers += [CSVRenderer(), XLSXRenderer()]
        return renderers

    def payload(self, rows):
        accounts, contacts, tags = page_related_rows(rows)
        return creators_payload(rows, accounts, contacts, tags, masked=not self.contacts_visible)

    def output(self, instance):
        rows = list(creator_page_rows(self.get_queryset().filter(pk=instance.pk)))
        return self.payload(rows)[0]

    def fresh(self, instance):
        return instance

    def list(self, request, *args, **kwargs):
        # `?format=csv` or `Accept: text/csv` alike (content negotiation chose the renderer).
        export = {"csv": creators_csv_response, "xlsx": creators_xlsx_response}.get(
            getattr(request.accepted_renderer, "format", None)
        )
        if export is not None:  # the whole filtered list, streamed
            return export(self.export_queryset(), role=self.role)
        queryset = creator_page_rows(self.filter_queryset(keyset_paged(self.get_queryset())))
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.payload(rows))

    def export_queryset(self):
        """The filtered list for an export, validated as the JSON list validates it, and run
        once (EXISTS) before the file starts: once a 200 and the header row have gone out,
        an error can only cut the connection. A bad value the database refuses (a time-zone
        offset PostgreSQL cannot store) is then a 400 problem document here, as in JSON."""
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.validate_query(self.request, self, queryset.model)
        if queryset.query.is_empty() or not queryset.exists():
            # Nothing matches: a file with its header row only. (A queryset known to be empty,
            # such as an unknown tag's, has no SQL at all, so the exporter cannot COPY it.)
            return queryset.model.objects.filter(pk__isnull=True)
        return queryset

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.with_etag(Response(self.output(instance)), instance)

    def create(self, request, *args, **kwargs):
        serializer = CreatorInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        serializer.refuse_taken_handles()
        args = serializer.service_arguments()
        fields = args.pop("fields")
        creator = creator_create(
            workspace=self.workspace,
            actor=request.user,
            display_name=fields.pop("display_name"),
            **args,
            **fields,
        )
        creator.refresh_from_db(fields=["updated_at"])
        return Response(self.output(creator), status=201, headers={"ETag": etag_for(creator)})

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            creator = self.locked_object()
            context = dict(
                self.get_serializer_context(),
                creator_country=creator.country,
                creator_id=creator.pk,
            )
            serializer = CreatorInputSerializer(data=request.data, partial=partial, context=context)
            serializer.is_valid(raise_exception=True)
            serializer.refuse_taken_handles()
            args = serializer.service_arguments()
            creator = creator_update(
                creator=creator, actor=request.user, data=args.pop("fields"), **args
            )
        creator.refresh_from_db(fields=["updated_at"])
        return self.with_etag(Response(self.output(creator)), creator)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            record_delete(instance=self.locked_object(), actor=request.user)
        return Response(status=204)
