"""The sample ledger (delivered, posted, post-by per sample; the workspace's post-by default),
the daily digest settings per member, sample follow-through in the readiness weights.

Samples already shipped get their post-by date from the new default (14 days after shipping),
so the overdue list is complete from the first day instead of only covering new shipments."""

import django.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0030_main_constraint_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="scoringweights",
            name="weights_not_all_zero",
        ),
        migrations.AddField(
            model_name="collaboration",
            name="sample_delivered_on",
            field=models.DateField(blank=True, null=True, verbose_name="sample delivered on"),
        ),
        migrations.AddField(
            model_name="collaboration",
            name="sample_post_by",
            field=models.DateField(
                blank=True,
                help_text="Set from the shipping date and the workspace's default when shipped.",
                null=True,
                verbose_name="sample post by",
            ),
        ),
        migrations.AddField(
            model_name="collaboration",
            name="sample_posted_on",
            field=models.DateField(blank=True, null=True, verbose_name="sample posted on"),
        ),
        migrations.AddField(
            model_name="historicalcollaboration",
            name="sample_delivered_on",
            field=models.DateField(blank=True, null=True, verbose_name="sample delivered on"),
        ),
        migrations.AddField(
            model_name="historicalcollaboration",
            name="sample_post_by",
            field=models.DateField(
                blank=True,
                help_text="Set from the shipping date and the workspace's default when shipped.",
                null=True,
                verbose_name="sample post by",
            ),
        ),
        migrations.AddField(
            model_name="historicalcollaboration",
            name="sample_posted_on",
            field=models.DateField(blank=True, null=True, verbose_name="sample posted on"),
        ),
        migrations.AddField(
            model_name="membership",
            name="digest_enabled",
            field=models.BooleanField(default=True, verbose_name="daily digest"),
        ),
        migrations.AddField(
            model_name="membership",
            name="digest_hour",
            field=models.PositiveSmallIntegerField(
                default=8,
                help_text="The hour of the morning (0-23, local time) the digest is sent from.",
                validators=[django.core.validators.MaxValueValidator(23)],
                verbose_name="digest hour",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="digest_last_sent_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="digest last sent on"
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="language",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="scoringweights",
            name="samples",
            field=models.PositiveSmallIntegerField(
                default=5,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="sample follow-through",
            ),
        ),
        migrations.AddField(
            model_name="workspace",
            name="sample_post_by_days",
            field=models.PositiveSmallIntegerField(
                default=14,
                help_text="A sample's post-by date is its shipping date plus this many days.",
                validators=[django.core.validators.MaxValueValidator(365)],
                verbose_name="days to post after a sample ships",
            ),
        ),
        migrations.AlterField(
            model_name="activityevent",
            name="verb",
            field=models.CharField(
                choices=[
                    ("creator.created", "Creator created"),
                    ("creator.updated", "Creator updated"),
                    ("note.added", "Note added"),
                    ("collaboration.created", "Collaboration created"),
                    ("collaboration.advanced", "Collaboration advanced"),
                    ("metrics.recorded", "Metrics recorded"),
                    ("creators.merged", "Creators merged"),
                    ("creator.imported", "Creator imported"),
                    ("invitation.sent", "Switch-over invitation sent"),
                    ("invitation.answered", "Switch-over invitation answered"),
                    ("invitation.status_set", "Invitation status set by the team"),
                    ("consent.recorded", "Consent recorded"),
                    ("invitation.reminded", "Switch-over reminder sent"),
                    ("invitation.opened", "Switch-over invitation opened"),
                    ("sample.delivered", "Sample delivered"),
                    ("sample.posted", "Sample posted"),
                ],
                max_length=40,
                verbose_name="verb",
            ),
        ),
        migrations.AddIndex(
            model_name="collaboration",
            index=models.Index(
                condition=models.Q(
                    ("sample_post_by__isnull", False), ("sample_posted_on__isnull", True)
                ),
                fields=["workspace", "sample_post_by"],
                name="collab_ws_sample_waiting",
            ),
        ),
        migrations.AddConstraint(
            model_name="collaboration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sample_shipped_on__isnull", True),
                    models.Q(
                        models.Q(
                            ("sample_delivered_on__isnull", True),
                            ("sample_delivered_on__gte", models.F("sample_shipped_on")),
                            _connector="OR",
                        ),
                        models.Q(
                            ("sample_posted_on__isnull", True),
                            ("sample_posted_on__gte", models.F("sample_shipped_on")),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="collab_sample_dates_in_order",
                violation_error_message=(
                    "A sample cannot be delivered or posted before it was shipped."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(("digest_hour__lte", 23)),
                name="membership_digest_hour",
                violation_error_message="The digest hour is between 0 and 23.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringweights",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reach__gt", 0),
                    ("engagement__gt", 0),
                    ("results__gt", 0),
                    ("relationship__gt", 0),
                    ("amazon__gt", 0),
                    ("contactability__gt", 0),
                    ("samples__gt", 0),
                    _connector="OR",
                ),
                name="weights_not_all_zero",
                violation_error_message="At least one weight must be above zero.",
            ),
        ),
        migrations.RunSQL(
            sql="""
                UPDATE influencers_collaboration
                SET sample_post_by = sample_shipped_on + 14
                WHERE sample_shipped_on IS NOT NULL AND sample_post_by IS NULL
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
