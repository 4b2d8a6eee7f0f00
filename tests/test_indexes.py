"""Indexes as PostgreSQL holds them: every foreign key can be looked up through an index (a
cascade delete or a join never reads a whole table), and no index is a copy of the start of
another (each one costs every import a write per row)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _tables():
    models = apps.get_app_config("influencers").get_models(include_auto_created=True)
    # simple-history's tables hold copies of rows, looked up by their own history id only.
    return sorted({m._meta.db_table for m in models if not m.__name__.startswith("Historical")})


def _indexes(cursor, table):
    """(name, key columns) of each index of `table`; an expression key is None."""
    constraints = connection.introspection.get_constraints(cursor, table)
    return [
        (name, [c or None for c in info["columns"]])
        for name, info in constraints.items()
        if info["index"] or info["unique"] or info["primary_key"]
    ]


def test_every_foreign_key_leads_an_index():
    missing = []
    with connection.cursor() as cursor:
        for table in _tables():
            constraints = connection.introspection.get_constraints(cursor, table)
            leading = {columns[0] for _name, columns in _indexes(cursor, table) if columns}
            for name, info in constraints.items():
                if info["foreign_key"] and info["columns"][0] not in leading:
                    missing.append(f"{table}.{info['columns'][0]} ({name})")
    assert missing == []


# What an import writes, row by row (the many-to-many table of tags is Django's own, with the
# index Django gives it).
IMPORT_WRITES = (
    "influencers_creator",
    "influencers_platformaccount",
    "influencers_contactmethod",
    "influencers_activityevent",
    "influencers_creatorreadiness",
    "influencers_metricsnapshot",
    "influencers_importrecordkey",
    "influencers_importissue",
)


def test_no_index_an_import_maintains_is_the_start_of_another():
    """A plain b-tree index (no expression, no condition, default operator classes, not
    unique) whose columns begin another index of the same table serves no query that the
    other cannot, and costs every imported row a write."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, x.indkey::int2[], x.indclass::oid[],
                   x.indisunique, x.indexprs IS NULL AND x.indpred IS NULL,
                   bool_and(oc.opcdefault), am.amname, x.indpred IS NULL
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_am am ON am.oid = i.relam
            JOIN LATERAL unnest(x.indclass::oid[]) AS c(oid) ON true
            JOIN pg_opclass oc ON oc.oid = c.oid
            WHERE t.relname = ANY(%s)
            GROUP BY 1, 2, 3, 4, 5, 6, 8, 9
            """,
            [list(IMPORT_WRITES)],
        )
        rows = cursor.fetchall()
    assert {row[0] for row in rows} == set(IMPORT_WRITES)
    redundant = []
    for table, name, keys, classes, unique, simple, default_classes, method, _whole in rows:
        if unique or not simple or not default_classes or method != "btree":
            continue
        for other_table, other, other_keys, other_classes, *_rest, whole in rows:
            if (
                whole  # a partial index covers only some rows
                and other_table == table
                and other != name
                and other_keys[: len(keys)] == keys
                and other_classes[: len(classes)] == classes
            ):
                redundant.append(f"{table}: {name} begins {other}")
                break
    assert redundant == []


def test_a_name_prefix_search_walks_the_name_prefix_index(workspace):
    """Migration 0002 adds creator_name_prefix, (workspace, LOWER(display_name)
    text_pattern_ops), by raw SQL: `LIKE 'abc%'` on the lowered name, as the search box asks,
    is a range of that index in any collation."""
    from django.db.models.functions import Lower

    from influencers.models import Creator
    from tests.factories import CreatorFactory

    Creator.objects.bulk_create(
        Creator(workspace=workspace, display_name=f"Creator {n}") for n in range(3000)
    )
    CreatorFactory(workspace=workspace, display_name="Émilie Laurent")
    search = (
        Creator.objects.filter(workspace=workspace)
        .alias(lname=Lower("display_name"))
        .filter(lname__startswith="émi")
        .order_by()
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE influencers_creator")
    plan = search.explain()
    assert "creator_name_prefix" in plan
    assert list(search.values_list("display_name", flat=True)) == ["Émilie Laurent"]
