"""Indexes for the search box (influencers.selectors.creator_search): an email's start, its
domain (the reversed value's start) and a name typed without its accents. The two expression
indexes are raw SQL: Django wraps an expression index's operator class inside the expression's
parentheses, which PostgreSQL refuses."""

from django.db import migrations, models

from influencers.normalisers.folding import ACCENTED, PLAIN

FOLDED = f"translate(lower(display_name), '{ACCENTED}', '{PLAIN}')"

CREATE = [
    "CREATE INDEX contact_ws_value_reversed ON influencers_contactmethod "
    "(workspace_id, kind, (reverse(value_normalised)) text_pattern_ops)",
    f"CREATE INDEX creator_ws_name_folded ON influencers_creator (workspace_id, ({FOLDED}) text_pattern_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS contact_ws_value_reversed",
    "DROP INDEX IF EXISTS creator_ws_name_folded",
]


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0027_main_plan_launch_report"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contactmethod",
            index=models.Index(
                fields=["workspace", "kind", "value_normalised"],
                name="contact_ws_value_prefix",
                opclasses=["int8_ops", "text_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.RunSQL(CREATE, reverse_sql=DROP),
    ]
