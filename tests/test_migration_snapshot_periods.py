"""The 0011 migration gives existing snapshots their kind: rows an Amazon report import recorded
become periods of their day, everything else stays a running total."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from influencers.models import MetricSnapshot

BEFORE = [("influencers", "0009_lean_write_indexes")]
AFTER = [("influencers", "0011_i11b_snapshot_periods")]


@pytest.mark.django_db(transaction=True)
def test_existing_amazon_import_snapshots_become_periods_and_the_rest_totals():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Workspace = old.get_model("influencers", "Workspace")
    Creator = old.get_model("influencers", "Creator")
    ImportJob = old.get_model("influencers", "ImportJob")
    ImportRecordKey = old.get_model("influencers", "ImportRecordKey")
    Snapshot = old.get_model("influencers", "MetricSnapshot")
    ws = Workspace.objects.create(name="W", slug="w-migration")
    creator = Creator.objects.create(workspace=ws, display_name="Jane")
    day = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)

    def snapshot(kind_of_job=None, asin=""):
        s = Snapshot.objects.create(
            workspace=ws, creator=creator, captured_at=day, source="import", orders=2
        )
        if kind_of_job:
            job = ImportJob.objects.create(workspace=ws, kind=kind_of_job, file="x.csv")
            ImportRecordKey.objects.create(
                workspace=ws, key=f"{kind_of_job}{asin}", snapshot=s, job=job
            )
        return s.pk

    # Two ASINs of one day from one Attribution report must not collide on the new unique rule.
    attribution = [snapshot("amazon_attribution", "A"), snapshot("amazon_attribution", "B")]
    associates = snapshot("amazon_associates")
    tiktok = snapshot("tiktok_shop")
    manual = Snapshot.objects.create(
        workspace=ws, creator=creator, captured_at=day, source="manual", views=5
    ).pk

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    try:
        got = {
            s.pk: (s.kind, s.period_start, s.period_end, s.report_kind)
            for s in MetricSnapshot.objects.all()
        }
        nov2 = dt.date(2026, 11, 2)
        for pk in attribution:
            assert got[pk] == ("period", nov2, nov2, "amazon_attribution")
        assert got[associates] == ("period", nov2, nov2, "amazon_associates")
        assert got[tiktok] == ("total", None, None, "")
        assert got[manual] == ("total", None, None, "")
    finally:
        MetricSnapshot.objects.all().delete()
        # Back to the newest schema (every leaf: other migrations follow 0011), so the tests
        # after this one see the tables the models describe.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
