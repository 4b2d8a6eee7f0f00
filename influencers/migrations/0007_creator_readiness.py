"""Readiness moves off the creator row into its own narrow one-to-one table.

A weights change rewrites every creator's score; on the creator row each rewrite went into all
~20 of its indexes (none HOT, the score being indexed), here it touches two. Every creator
gets a row: existing ones are copied over, and a trigger adds one for each creator inserted
later, whatever inserts it (ORM, bulk_create, the importers' COPY, raw SQL), so readers may
INNER JOIN it (see influencers.models.readiness).
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = """
INSERT INTO influencers_creatorreadiness (creator_id, workspace_id, score, reasons, computed_at)
SELECT id, workspace_id, readiness_score, readiness_reasons, readiness_computed_at
FROM influencers_creator
"""
COPY_BACK = """
UPDATE influencers_creator
SET readiness_score = r.score, readiness_reasons = r.reasons,
    readiness_computed_at = r.computed_at
FROM influencers_creatorreadiness r
WHERE r.creator_id = influencers_creator.id
"""

# One statement-level trigger with a transition table, so a COPY or a bulk_create of
# thousands of creators adds their rows in one INSERT ... SELECT.
CREATE_TRIGGER = [
    """
    CREATE FUNCTION influencers_creator_readiness_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO influencers_creatorreadiness
            (creator_id, workspace_id, score, reasons, computed_at)
        SELECT n.id, n.workspace_id, 0, '[]'::jsonb, NULL FROM new_creators n;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER influencers_creator_readiness_row
    AFTER INSERT ON influencers_creator
    REFERENCING NEW TABLE AS new_creators
    FOR EACH STATEMENT EXECUTE FUNCTION influencers_creator_readiness_row()
    """,
]
DROP_TRIGGER = [
    "DROP TRIGGER IF EXISTS influencers_creator_readiness_row ON influencers_creator",
    "DROP FUNCTION IF EXISTS influencers_creator_readiness_row()",
]

class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0006_workspace_readiness_checked_at"),
    ]

    operations = [
        # The (workspace, score, creator) index is created at the end of the migration (Django
        # defers index creation), i.e. once, after the copy.
        migrations.CreateModel(
            name="CreatorReadiness",
            fields=[
                (
                    "creator",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="readiness",
                        serialize=False,
                        to="influencers.creator",
                        verbose_name="creator",
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="influencers.workspace",
                        verbose_name="workspace",
                    ),
                ),
                ("score", models.PositiveSmallIntegerField(default=0, verbose_name="readiness")),
                (
                    "reasons",
                    models.JSONField(blank=True, default=list, verbose_name="readiness reasons"),
                ),
                (
                    "computed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="readiness computed"
                    ),
                ),
            ],
            options={
                "verbose_name": "readiness",
                "verbose_name_plural": "readiness",
                "indexes": [
                    models.Index(
                        fields=["workspace", "score", "creator"], name="readiness_ws_score"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("score__lte", 100)), name="readiness_score_0_100"
                    )
                ],
            },
        ),
        migrations.RunSQL(COPY, reverse_sql=COPY_BACK),
        # Statistics for the planner right away (autovacuum may be off or late).
        migrations.RunSQL(
            "ANALYZE influencers_creatorreadiness", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.RemoveIndex(
            model_name="creator",
            name="creator_ws_readiness",
        ),
        migrations.RemoveField(
            model_name="creator",
            name="readiness_computed_at",
        ),
        migrations.RemoveField(
            model_name="creator",
            name="readiness_reasons",
        ),
        migrations.RemoveField(
            model_name="creator",
            name="readiness_score",
        ),
        migrations.RunSQL(CREATE_TRIGGER, reverse_sql=DROP_TRIGGER),
    ]
