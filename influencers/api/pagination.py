"""Paging. Page numbers for small lists; keyset cursors for the big, time-ordered ones
(creators, activity, metric snapshots): a cursor says "after (value, id)" so page 1,000 costs
what page 1 costs, and rows added meanwhile never shift a page."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def page_size_from(request) -> int:
    raw = request.query_params.get("page_size")
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError(
            {"page_size": [_("A whole number between 1 and 100 is required.")]}
        ) from None
    if size < 1:
        raise exceptions.ValidationError(
            {"page_size": [_("A whole number between 1 and 100 is required.")]}
        )
    return min(size, MAX_PAGE_SIZE)


# No maximum: a larger page size is capped at MAX_PAGE_SIZE, not refused (docs/api.md).
PAGE_SIZE_PARAMETER = {
    "name": "page_size",
    "required": False,
    "in": "query",
    "description": f"Rows per page, from 1 (default {DEFAULT_PAGE_SIZE}; "
    f"larger than {MAX_PAGE_SIZE} counts as {MAX_PAGE_SIZE}).",
    "schema": {"type": "integer", "minimum": 1},
}


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return page_size_from(request)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                # 0 or a page past the last answers 404 ("Invalid page."), listed per operation.
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            PAGE_SIZE_PARAMETER,
        ]


@dataclass(frozen=True)
class Ordering:
    """One public ordering: `column` on the model, or across a one-to-one
    (`readiness__score`), descending or not; ties broken by id. The page rows carry the
    value under the same name (values() keys)."""

    column: str
    descending: bool
    nullable: bool = False

    def order_by(self):
        # NULLS LAST only where NULLs can exist: on a NOT NULL column it would stop PostgreSQL
        # from walking the (workspace, column, id) index backwards.
        col = F(self.column)
        nulls = {"nulls_last": True} if self.nullable else {}
        if self.descending:
            return [col.desc(**nulls), F("id").desc()]
        return [col.asc(**nulls), F("id").asc()]

    def after(self, value, pk) -> Q:
        """Rows strictly after (value, pk) in this order (NULLs sort last)."""
        c = self.column
        op, id_op = ("lt", "lt") if self.descending else ("gt", "gt")
        if value is None:
            return Q(**{f"{c}__isnull": True, f"id__{id_op}": pk})
        bound = "lte" if self.descending else "gte"
        # The redundant bound lets PostgreSQL use it as an index condition.
        after = Q(**{f"{c}__{bound}": value}) & (
            Q(**{f"{c}__{op}": value}) | Q(**{c: value, f"id__{id_op}": pk})
        )
        if self.nullable:
            after |= Q(**{f"{c}__isnull": True})
        return after


def _field(model, path: str):
    """The model field at the end of a lookup path ("followers", "readiness__score")."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


class KeysetPagination(pagination.BasePagination):
    """`?cursor=` opaque; `?page_size=` up to 100 (default 50); `?ordering=` from the view's
    `orderings` whitelist. The response is {"next": url or null, "results": [...]}."""

    cursor_query_param = "cursor"
    ordering_query_param = "ordering"

    def get_ordering(self, request, view) -> tuple[str, Ordering]:
        orderings: dict[str, Ordering] = view.orderings
        name = request.query_params.get(self.ordering_query_param) or view.default_ordering
        if name not in orderings:
            raise exceptions.ValidationError(
                {
                    "ordering": [
                        _("Unknown ordering. Choose one of: %(names)s.")
                        % {"names": ", ".join(orderings)}
                    ]
                }
            )
        return name, orderings[name]

    def _decode(self, raw: str, name: str, ordering: Ordering, model):
        try:
            padded = raw + "=" * (-len(raw) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            if data["o"] != name:
                raise ValueError
            pk = int(data["id"])
            value = data["v"]
            if value is not None:
                value = _field(model, ordering.column).to_python(value)
            return value, pk
        except (
            ValueError,
            KeyError,
            TypeError,
            UnicodeError,
            binascii.Error,
            DjangoValidationError,
        ):
            raise exceptions.ValidationError(
                {"cursor": [_("Invalid cursor (or one made for another ordering).")]}
            ) from None

    @staticmethod
    def _encode(name: str, value, pk) -> str:
        if value is not None and not isinstance(value, int | str):
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        raw = json.dumps({"o": name, "v": value, "id": pk}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def validate_query(self, request, view, model) -> None:
        """Refuse what paginate_queryset would refuse (page size, ordering, cursor), for a
        response that is not paged (the CSV/XLSX export of the same list): the same request
        gets the same 400 whatever format it asks for."""
        page_size_from(request)
        name, ordering = self.get_ordering(request, view)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            self._decode(raw, name, ordering, model)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = page_size_from(request)
        name, ordering = self.get_ordering(request, view)
        queryset = queryset.order_by(*ordering.order_by())
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            value, pk = self._decode(raw, name, ordering, queryset.model)
            queryset = queryset.filter(ordering.after(value, pk))
        self.next_cursor = None
        if queryset.query.is_empty():  # known empty (a search that found nobody): no query
            return []
        queryset = self._narrow_to_branches(queryset, size + 1)
        rows = list(queryset[: size + 1])
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            get = last.get if isinstance(last, dict) else (lambda k: getattr(last, k))
            self.next_cursor = self._encode(name, get(ordering.column), get("id"))
        return rows

    @staticmethod
    def _narrow_to_branches(queryset, limit: int):
        """A filter that is an OR of conditions each served by its own index (creators: name
        prefix OR handle prefix) may leave the OR to the pager on a queryset marked
        `keyset_paged`, putting its arms (Q objects) in `query.keyset_branches`. The page is
        among the first `limit` rows of each arm in the page order (same other filters, same
        cursor): each arm is a bounded index walk, or a sort of its own matches when they
        are few, and the page query picks from those few ids."""
        branches = getattr(queryset.query, "keyset_branches", None)
        if not branches:
            return queryset
        order = queryset.query.order_by
        parts = [queryset.filter(b).order_by(*order).values("pk")[:limit] for b in branches]
        candidates = parts[0].union(*parts[1:], all=True)
        return queryset.filter(pk__in=candidates)

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            PAGE_SIZE_PARAMETER,
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Sort order.",
                "schema": {"type": "string", "enum": list(view.orderings)},
            },
        ]
