"""Indexes for the search box at 1M creators.

A name found by any part of it ("emma" in "Gemma Díaz") through an index, on every
PostgreSQL: the trigrams (three-letter pieces) of the accent-folded name, each tagged with its
workspace, in a GIN index over a text[] expression. pg_trgm would do this, but the embedded
server (a pip wheel) has no contrib extensions; GIN over arrays is core PostgreSQL.

influencers_name_trigrams(workspace, text) is the one definition of a "trigram" for the index
and for the search term (influencers.selectors.creator_search), so both sides always agree. Its
body has a FROM, so PostgreSQL never inlines it and the index expression is matched by call.
(A piece twice in a name is one key: GIN removes repeated keys itself.)

The price is at write time: GIN keeps ~15 keys a creator, ~40 us per creator inserted into
an empty table and ~100 us into a 1M-creator one (measured, docs/performance.md).

account_creator_platform also holds the handle: a search that walks the list in its order
probes each creator's handles from the index alone (no table read per creator);
contact_ws_value_prefix holds the creator: the creators an address's start matches are read
from the index alone."""

from django.db import migrations, models

from influencers.normalisers.folding import ACCENTED, PLAIN

FOLDED = f"translate(lower(display_name), '{ACCENTED}', '{PLAIN}')"

CREATE_FUNCTION = """
CREATE FUNCTION influencers_name_trigrams(workspace bigint, folded text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(workspace::text || ':' || substr(folded, i, 3)), '{}')
    FROM generate_series(1, length(folded) - 2) AS i
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0033_main_creator_sort_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            [
                CREATE_FUNCTION,
                "CREATE INDEX creator_name_trigrams ON influencers_creator USING gin "
                f"(influencers_name_trigrams(workspace_id, {FOLDED}))",
            ],
            [
                "DROP INDEX IF EXISTS creator_name_trigrams",
                "DROP FUNCTION IF EXISTS influencers_name_trigrams(bigint, text)",
            ],
        ),
        migrations.RemoveIndex(model_name="platformaccount", name="account_creator_platform"),
        migrations.AddIndex(
            model_name="platformaccount",
            index=models.Index(
                fields=["creator", "platform"],
                include=("handle_normalised",),
                name="account_creator_platform",
            ),
        ),
        migrations.RemoveIndex(model_name="contactmethod", name="contact_ws_value_prefix"),
        migrations.AddIndex(
            model_name="contactmethod",
            index=models.Index(
                fields=["workspace", "kind", "value_normalised"],
                opclasses=["int8_ops", "text_ops", "varchar_pattern_ops"],
                include=("creator",),
                name="contact_ws_value_prefix",
            ),
        ),
    ]
