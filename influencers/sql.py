"""Small helpers for the raw SQL that bulk paths write (imports, the launch's claims)."""

from __future__ import annotations

from django.db import connection


def in_list(values, array_type: str = "text[]") -> str:
    """The right-hand side of "column IN values" for a list passed by in_params().

    PostgreSQL takes the whole list as one array parameter (no per-value placeholders to build
    and send); other databases (SQLite, the embedded default) get a plain IN list. The explicit
    type matters: a list of ints would otherwise travel as numeric[], and
    `creator_id = ANY(numeric[])` cannot use the index on creator_id (a sequential scan of the
    table per query)."""
    if connection.vendor == "postgresql":
        return f"= ANY(%s::{array_type})"
    return f"IN ({', '.join(['%s'] * len(values))})"


def in_params(values) -> list:
    """The parameters that go with in_list(values)."""
    return [list(values)] if connection.vendor == "postgresql" else list(values)
