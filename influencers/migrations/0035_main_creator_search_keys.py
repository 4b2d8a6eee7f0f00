"""Each creator's handles and email addresses on its own row, for the search walk.

A search that matches thousands ("emma" at 1M creators) walks the list in its order and tests
each creator. The name is on the row; the handles and addresses were two index probes per
creator (~3.5 us each, ~15 ms of a page that walks 2,100 creators). Here they are two text
columns of the creator row, kept by statement-level triggers on the account and contact
tables (every write: services, imports by COPY, merges, deletes), so the walk tests a string
it has already read.

    search_handles  ' ' + every normalised handle of the creator, sorted, + ' '  ('' if none)
    search_emails   the same for its email addresses (kind 'email')

(sorted by code point, COLLATE "C": an import writes the same keys from Python for the
creators it creates, influencers.search_keys, and the triggers then leave those rows alone.)

The columns are not model fields: no form, serializer, export, import or history row carries
them, and no write from Django can put a stale value back (influencers.selectors.
creator_search.SearchKeys reads them). A creator row rewritten by a trigger keeps its
indexes when the new version fits its page (a HOT update: none of its ~20 indexed columns
changes): fillfactor 90 leaves some room on pages written from now on. On a database that
already holds 1M creators this migration rewrites every creator with an account (~8 min on
the development machine).
"""

from django.db import migrations

KEYS = {
    "handles": (
        "search_handles",
        "SELECT ' ' || string_agg(a.handle_normalised, ' ' "
        'ORDER BY a.handle_normalised COLLATE "C") || \' \' '
        "FROM influencers_platformaccount a WHERE a.creator_id = ids.creator_id",
    ),
    "emails": (
        "search_emails",
        "SELECT ' ' || string_agg(m.value_normalised, ' ' "
        'ORDER BY m.value_normalised COLLATE "C") || \' \' '
        "FROM influencers_contactmethod m "
        "WHERE m.creator_id = ids.creator_id AND m.kind = 'email'",
    ),
}


def _refresh(column: str, keys_sql: str, changed: str) -> str:
    return f"""
        UPDATE influencers_creator c SET {column} = k.keys
        FROM (SELECT ids.creator_id, coalesce(({keys_sql}), '') AS keys
              FROM ({changed}) ids) k
        WHERE c.id = k.creator_id AND c.{column} IS DISTINCT FROM k.keys;"""


def _function(table: str, column: str, keys_sql: str, source: tuple[str, ...]) -> str:
    # The transition tables a statement has: new rows (INSERT), old rows (DELETE), both
    # (UPDATE). plpgsql plans each branch when it first runs, so a branch naming a table
    # this trigger does not have is never compiled. An UPDATE counts only the rows whose
    # key, kind or creator changed (a trigger with transition tables cannot name columns):
    # an import refreshing followers or consent recomputes nobody's keys.
    new = "SELECT DISTINCT creator_id FROM new_rows"
    old = "SELECT DISTINCT creator_id FROM old_rows"
    moved = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in (*source, "creator_id"))
    both = (
        "SELECT x.creator_id FROM new_rows n JOIN old_rows o ON o.id = n.id, "
        f"LATERAL (VALUES (n.creator_id), (o.creator_id)) x(creator_id) WHERE {moved} "
        "GROUP BY x.creator_id"
    )
    return f"""
CREATE FUNCTION influencers_{table}_{column}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {_refresh(column, keys_sql, new)}
    ELSIF TG_OP = 'DELETE' THEN {_refresh(column, keys_sql, old)}
    ELSE {_refresh(column, keys_sql, both)}
    END IF;
    RETURN NULL;
END $$;
"""


def _triggers(table: str, column: str) -> str:
    fn = f"influencers_{table}_{column}"
    full = f"influencers_{table}"
    return f"""
CREATE TRIGGER {column}_ins AFTER INSERT ON {full}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER {column}_upd AFTER UPDATE ON {full}
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER {column}_del AFTER DELETE ON {full}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
"""


FORWARD = [
    "ALTER TABLE influencers_creator ADD COLUMN search_handles text NOT NULL DEFAULT '', "
    "ADD COLUMN search_emails text NOT NULL DEFAULT ''",
    "ALTER TABLE influencers_creator SET (fillfactor = 90)",
]
BACKWARD = [
    "ALTER TABLE influencers_creator RESET (fillfactor)",
    "ALTER TABLE influencers_creator DROP COLUMN search_handles, DROP COLUMN search_emails",
]
for table, (column, keys_sql), source in (
    ("platformaccount", KEYS["handles"], ("handle_normalised",)),
    ("contactmethod", KEYS["emails"], ("value_normalised", "kind")),
):
    FORWARD += [
        _function(table, column, keys_sql, source),
        _triggers(table, column),
        # The creators that already have accounts / addresses.
        _refresh(
            column,
            keys_sql,
            f"SELECT DISTINCT creator_id FROM influencers_{table}",
        ),
    ]
    BACKWARD[:0] = [
        f"DROP TRIGGER {column}_ins ON influencers_{table}; "
        f"DROP TRIGGER {column}_upd ON influencers_{table}; "
        f"DROP TRIGGER {column}_del ON influencers_{table}; "
        f"DROP FUNCTION influencers_{table}_{column}()",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0034_main_search_indexes"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
