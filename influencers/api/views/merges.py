"""Merging duplicate creators over the API.

* POST /creators/{id}/merge/ {"others": [ids]}: managers and owners; `id` is kept, the others
  are folded into it by `creators_merge` (one transaction, recorded). Ids outside the workspace
  do not exist here: the survivor answers 404, the others 400, and nothing changes.
* GET /merge-suggestions/: groups of probable duplicates with their reason, page-numbered over
  a bounded list (see selectors.merge_suggestions).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from influencers import policy
from influencers.api.concurrency import check_if_match
from influencers.api.pagination import PageNumberPagination
from influencers.api.serializers.creators import (
    CreatorSerializer,
    creators_payload,
    mask_contact,
)
from influencers.api.serializers.merges import (
    CreatorMergeInputSerializer,
    MergeSuggestionSerializer,
)
from influencers.models import ContactMethod, Creator
from influencers.selectors.api_creators import (
    creator_page_rows,
    creators_for_workspace,
    page_related_rows,
)
from influencers.selectors.merge_suggestions import (
    EMAIL,
    MAX_SUGGESTIONS,
    PHONE,
    REASONS,
    merge_suggestions,
)
from influencers.services.merges import creators_merge

from .base import WorkspaceAPIMixin


class CreatorMergeView(WorkspaceAPIMixin, GenericAPIView):
    action = "merge"  # WorkspaceRolePermission reads the required role per action
    required_actions = {"merge": policy.Action.MERGE}
    serializer_class = CreatorMergeInputSerializer
    pagination_class = None
    filter_backends = []
    queryset = Creator.objects.none()  # for the schema's path parameter type only

    def creator_payload(self, creator) -> dict:
        rows = list(
            creator_page_rows(
                creators_for_workspace(workspace=self.workspace).filter(pk=creator.pk)
            )
        )
        accounts, contacts, tags = page_related_rows(rows)
        return creators_payload(rows, accounts, contacts, tags, masked=not self.contacts_visible)[0]

    @extend_schema(
        operation_id="creators_merge",
        summary="Merge other creators into this one (manager or owner)",
        description=str(
            _(
                "Every account, contact, collaboration, post, note, metric snapshot and event "
                "of `others` moves to this creator, its empty fields are filled from them, and "
                "they are deleted; the merge is recorded. One transaction: all or nothing. "
                "Returns the kept creator."
            )
        ),
        request=CreatorMergeInputSerializer,
        responses={200: CreatorSerializer},
    )
    def post(self, request, pk):
        pk = int(pk)
        serializer = CreatorMergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other_ids = serializer.validated_data["others"]
        if pk in other_ids:
            raise exceptions.ValidationError(
                {"others": [_("A creator cannot be merged into itself.")]}
            )
        creators = creators_for_workspace(workspace=self.workspace)
        with transaction.atomic():
            # Locked in id order, as creators_merge locks them: concurrent merges queue.
            locked = {
                c.pk: c
                for c in creators.filter(pk__in=[pk, *other_ids]).order_by("pk").select_for_update()
            }
            survivor = locked.get(pk)
            if survivor is None:
                raise exceptions.NotFound()
            missing = [i for i in other_ids if i not in locked]
            if missing:
                raise exceptions.ValidationError(
                    {
                        "others": [
                            _("No such creator in this workspace: %(ids)s.")
                            % {"ids": ", ".join(str(i) for i in missing)}
                        ]
                    }
                )
            check_if_match(request, survivor)
            creators_merge(
                survivor=survivor, others=[locked[i] for i in other_ids], actor=request.user
            )
            survivor.refresh_from_db()
        return self.with_etag(Response(self.creator_payload(survivor)), survivor)


class MergeSuggestionListView(WorkspaceAPIMixin, GenericAPIView):
    serializer_class = MergeSuggestionSerializer
    pagination_class = PageNumberPagination
    filter_backends = []

    @extend_schema(
        operation_id="merge_suggestions_list",
        summary="Groups of probable duplicate creators, with their reason (page-numbered)",
        description=str(
            _(
                "Creators sharing an email or a phone number, or with near-identical handles on "
                "different platforms. At most %(n)d groups are listed: merging some lets the "
                "next ones show."
            )
            % {"n": MAX_SUGGESTIONS}
        ),
        parameters=[
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Only this reason.",
                enum=list(REASONS),
            )
        ],
        responses={200: MergeSuggestionSerializer(many=True)},
    )
    def get(self, request):
        reason = request.query_params.get("reason")
        if reason not in (None, "") and reason not in REASONS:
            raise exceptions.ValidationError(
                {
                    "reason": [
                        _("Unknown reason. Choose one of: %(names)s.")
                        % {"names": ", ".join(REASONS)}
                    ]
                }
            )
        suggestions = merge_suggestions(
            workspace=self.workspace,
            limit=MAX_SUGGESTIONS,
            reasons=[reason] if reason else None,
        )
        page = self.paginate_queryset(suggestions)
        ids = {pk for suggestion in page for pk in suggestion.creator_ids}
        names = dict(
            creators_for_workspace(workspace=self.workspace)
            .filter(pk__in=ids)
            .values_list("pk", "display_name")
        )
        masked = not self.contacts_visible
        kinds = {EMAIL: ContactMethod.Kind.EMAIL, PHONE: ContactMethod.Kind.PHONE}
        data = [
            {
                "reason": s.code,
                "reason_display": s.reason,
                "value": mask_contact(kinds[s.code], s.value)
                if masked and s.code in kinds
                else s.value,
                "creators": [{"id": pk, "display_name": names.get(pk, "")} for pk in s.creator_ids],
            }
            for s in page
        ]
        return self.get_paginated_response(data)
