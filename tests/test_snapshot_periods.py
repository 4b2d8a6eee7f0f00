"""Numbers add up: Amazon report rows are periods (a day, or a date range) and a creator's orders
and GMV are the sum of the periods; TikTok/manual readings are running totals (latest wins);
importing the same report again changes nothing; a corrected re-export replaces the days it
covers; the creator page says which dates the reports covered."""

import csv
import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from influencers.models import ImportRecordKey, ImportState, MetricSnapshot
from influencers.selectors.metrics import creator_report_coverage
from influencers.selectors.rollups import creator_rollups
from influencers.services.imports import import_job_create, import_job_run
from influencers.services.rollups import creator_rollups_store
from tests.factories import CreatorFactory, MetricSnapshotFactory, WorkspaceFactory

DATA = Path(__file__).parent / "fixtures" / "data"
TAG = "maas=maas_adg_1_jane"
HEADER = (
    "Date,Campaign,Ad group,Creative,Publisher,Attribution tag,ASIN,Clicks,"
    "Detail page views (14d),Add to carts (14d),Purchases (14d),Units sold (14d),"
    "Total sales (14d),Brand Referral Bonus"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def attribution_csv(rows, tag=TAG, preamble="") -> bytes:
    """rows: (date cell, orders, sales[, asin])"""
    lines = [preamble + HEADER] if preamble else [HEADER]
    for row in rows:
        day, orders, sales, *rest = row
        asin = rest[0] if rest else "B0B8H2TQ5W"
        lines.append(
            f"{day},TikTok creators Q4,jane,video,TikTok,{tag},{asin},10,8,3,{orders},{orders},"
            f"{sales},1.00"
        )
    return ("\n".join(lines) + "\n").encode()


def run(workspace, content: bytes, name="attribution.csv", **kwargs):
    upload = SimpleUploadedFile(name, content)
    job = import_job_create(workspace=workspace, actor=None, upload=upload, **kwargs)
    job = import_job_run(job_id=job.pk)
    assert job.state == ImportState.SUCCEEDED, job.error
    return job


def import_and_roll_up(workspace, content, capture, **kwargs):
    """Import as a user does: the roll-ups are recomputed when the import commits."""
    with capture(execute=True):
        return run(workspace, content, **kwargs)


def rollup(creator):
    creator.refresh_from_db()
    return creator.rollup_orders, creator.rollup_gmv


@pytest.fixture
def jane(workspace):
    return CreatorFactory(workspace=workspace, attribution_tag=TAG)


THREE_DAYS = [("2026-11-01", 2, "10.00"), ("2026-11-02", 3, "20.00"), ("2026-11-03", 4, "30.50")]


@pytest.mark.django_db
def test_three_daily_rows_add_up_to_nine_orders_and_60_50(
    workspace, jane, django_capture_on_commit_callbacks
):
    # Before: the roll-up took the latest reading, i.e. the last day only (4 / 30.50).
    import_and_roll_up(workspace, attribution_csv(THREE_DAYS), django_capture_on_commit_callbacks)
    assert rollup(jane) == (9, Decimal("60.50"))
    periods = MetricSnapshot.objects.filter(creator=jane).order_by("period_start")
    assert [(s.kind, s.period_start, s.period_end, s.report_kind) for s in periods] == [
        ("period", dt.date(2026, 11, d), dt.date(2026, 11, d), "amazon_attribution")
        for d in (1, 2, 3)
    ]


@pytest.mark.django_db
def test_importing_the_same_report_twice_changes_nothing(
    workspace, jane, django_capture_on_commit_callbacks
):
    content = attribution_csv(THREE_DAYS)
    import_and_roll_up(workspace, content, django_capture_on_commit_callbacks)
    ids = set(MetricSnapshot.objects.values_list("id", flat=True))
    again = import_and_roll_up(workspace, content, django_capture_on_commit_callbacks)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert set(MetricSnapshot.objects.values_list("id", flat=True)) == ids
    assert rollup(jane) == (9, Decimal("60.50"))


@pytest.mark.django_db
def test_a_corrected_re_export_of_a_day_replaces_it(
    workspace, jane, django_capture_on_commit_callbacks
):
    import_and_roll_up(workspace, attribution_csv(THREE_DAYS), django_capture_on_commit_callbacks)
    # Amazon revised 2026-11-03 (late-attributed purchases): 4 / 30.50 becomes 5 / 41.00.
    corrected = [*THREE_DAYS[:2], ("2026-11-03", 5, "41.00")]
    job = import_and_roll_up(
        workspace, attribution_csv(corrected), django_capture_on_commit_callbacks
    )
    assert (job.updated_count, job.unchanged_count) == (1, 2)
    assert rollup(jane) == (10, Decimal("71.00"))
    assert MetricSnapshot.objects.filter(creator=jane).count() == 3
    # The replaced day's row key went with it: no orphan keys, one per snapshot.
    assert ImportRecordKey.objects.count() == 3
    assert set(ImportRecordKey.objects.values_list("snapshot_id", flat=True)) == set(
        MetricSnapshot.objects.values_list("id", flat=True)
    )


@pytest.mark.django_db
def test_two_asins_on_one_day_are_two_periods(workspace, jane, django_capture_on_commit_callbacks):
    rows = [("2026-11-01", 2, "10.00", "B0B8H2TQ5W"), ("2026-11-01", 1, "7.25", "B0CXYZ1234")]
    import_and_roll_up(workspace, attribution_csv(rows), django_capture_on_commit_callbacks)
    assert rollup(jane) == (3, Decimal("17.25"))


@pytest.mark.django_db
def test_a_row_covering_a_date_range_is_one_period(
    workspace, jane, django_capture_on_commit_callbacks
):
    rows = [("2026-11-01 ~ 2026-11-07", 12, "150.00")]
    import_and_roll_up(workspace, attribution_csv(rows), django_capture_on_commit_callbacks)
    snapshot = MetricSnapshot.objects.get(creator=jane)
    assert (snapshot.kind, snapshot.period_start, snapshot.period_end) == (
        "period",
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 7),
    )
    assert rollup(jane) == (12, Decimal("150.00"))


@pytest.mark.django_db
def test_overlapping_reports_count_each_day_once_with_the_later_import(
    workspace, jane, django_capture_on_commit_callbacks
):
    """A seller exports Nov 1-3, then Nov 2-4 (Amazon's 14-day window revised Nov 2-3). Adding
    both would count Nov 2-3 twice; each day counts once, with the numbers imported last."""
    import_and_roll_up(workspace, attribution_csv(THREE_DAYS), django_capture_on_commit_callbacks)
    later = [("2026-11-02", 3, "21.00"), ("2026-11-03", 4, "30.50"), ("2026-11-04", 1, "5.00")]
    import_and_roll_up(workspace, attribution_csv(later), django_capture_on_commit_callbacks)
    # Nov 1 (2 / 10.00) from the first report + Nov 2-4 (8 / 56.50) from the second.
    assert rollup(jane) == (10, Decimal("66.50"))
    days = sorted(
        MetricSnapshot.objects.filter(creator=jane).values_list("period_start", flat=True)
    )
    assert days == [dt.date(2026, 11, d) for d in (1, 2, 3, 4)]
    # A weekly range over the same days replaces the daily rows it overlaps.
    week = [("2026-11-01 ~ 2026-11-07", 12, "150.00")]
    import_and_roll_up(workspace, attribution_csv(week), django_capture_on_commit_callbacks)
    assert rollup(jane) == (12, Decimal("150.00"))


@pytest.mark.django_db
def test_running_totals_still_take_the_latest_and_add_to_periods(
    workspace, jane, django_capture_on_commit_callbacks
):
    now = timezone.now()
    MetricSnapshotFactory(creator=jane, captured_at=now - dt.timedelta(days=2), orders=5)
    MetricSnapshotFactory(creator=jane, captured_at=now - dt.timedelta(days=1), orders=7)
    import_and_roll_up(workspace, attribution_csv(THREE_DAYS), django_capture_on_commit_callbacks)
    r = creator_rollups(creator_ids=[jane.pk])[jane.pk]
    assert r.orders == 7 + 9  # the latest TikTok/manual total + the sum of the report days


@pytest.mark.django_db
def test_the_sample_attribution_report_sums_each_creators_days(
    workspace, django_capture_on_commit_callbacks
):
    """The sample report, summed by hand from the file, per tag."""
    with open(DATA / "amazon_attribution_report.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    expected: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        orders, sales = expected.get(row["Attribution tag"], (0, Decimal("0")))
        expected[row["Attribution tag"]] = (
            orders + int(row["Purchases (14d)"]),
            sales + Decimal(row["Total sales (14d)"].replace(",", "")),
        )
    multi_day = [t for t in expected if sum(r["Attribution tag"] == t for r in rows) > 1][:5]
    assert multi_day, "the sample has creators with several days"
    creators = {t: CreatorFactory(workspace=workspace, attribution_tag=t) for t in multi_day}
    content = (DATA / "amazon_attribution_report.csv").read_bytes()
    import_and_roll_up(workspace, content, django_capture_on_commit_callbacks)
    for tag, creator in creators.items():
        assert rollup(creator) == expected[tag], tag
    snapshots = MetricSnapshot.objects.count()
    import_and_roll_up(workspace, content, django_capture_on_commit_callbacks)
    assert MetricSnapshot.objects.count() == snapshots
    for tag, creator in creators.items():
        assert rollup(creator) == expected[tag], tag


@pytest.mark.django_db
def test_associates_report_rows_are_periods_of_the_reports_dates(
    workspace, django_capture_on_commit_callbacks
):
    creator = CreatorFactory(workspace=workspace, associates_tracking_id="jane-20")
    header = "Tracking Id,Clicks,Items Ordered,Items Shipped,Revenue($),Earnings($)\n"
    october = (
        "Date range: 2026-10-01 ~ 2026-10-31\n\n" + header + 'jane-20,100,9,9,"1,060.50",42.42\n'
    )
    november = "Date range: 2026-11-01 ~ 2026-11-30\n\n" + header + "jane-20,50,3,3,90.00,3.60\n"
    import_and_roll_up(workspace, october.encode(), django_capture_on_commit_callbacks)
    import_and_roll_up(workspace, november.encode(), django_capture_on_commit_callbacks)
    import_and_roll_up(workspace, november.encode(), django_capture_on_commit_callbacks)
    assert rollup(creator) == (12, Decimal("1150.50"))
    assert [
        (s.kind, s.report_kind, s.period_start, s.period_end)
        for s in MetricSnapshot.objects.filter(creator=creator).order_by("period_start")
    ] == [
        ("period", "amazon_associates", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("period", "amazon_associates", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    ]


@pytest.mark.django_db
def test_tiktok_shop_readings_stay_running_totals(workspace):
    run(
        workspace,
        (DATA / "tiktok_shop_affiliate_creators.xlsx").read_bytes(),
        name="tiktok_shop_affiliate_creators.xlsx",
    )
    kinds = set(MetricSnapshot.objects.values_list("kind", flat=True))
    assert kinds == {"total"}


@pytest.mark.django_db
def test_creator_page_shows_the_dates_the_reports_covered(
    client, member, workspace, jane, django_capture_on_commit_callbacks
):
    import_and_roll_up(workspace, attribution_csv(THREE_DAYS), django_capture_on_commit_callbacks)
    client.force_login(member)
    url = reverse("admin:influencers_creator_change", args=[jane.pk])
    content = client.get(url).content.decode()
    assert "Amazon Attribution report: 2026-11-01 – 2026-11-03 (3 days)" in content
    week = attribution_csv([("2026-11-01 ~ 2026-11-07", 12, "150.00")], tag="maas=other")
    CreatorFactory(workspace=workspace, attribution_tag="maas=other")
    run(workspace, week)
    snapshots = client.get(reverse("admin:influencers_metricsnapshot_changelist")).content
    assert "2026-11-01 – 2026-11-07" in snapshots.decode()  # the period column
    # A gap (no report for Nov 5-6) shows as fewer days than the span.
    run(workspace, attribution_csv([("2026-11-07", 1, "1.00")]))
    coverage = creator_report_coverage(creator_id=jane.pk)
    assert [(c.first_day, c.last_day, c.days) for c in coverage] == [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 7), 4)
    ]


@pytest.mark.django_db
def test_api_shows_kind_and_period(api, workspace, jane, django_capture_on_commit_callbacks):
    import_and_roll_up(workspace, attribution_csv(THREE_DAYS), django_capture_on_commit_callbacks)
    MetricSnapshotFactory(creator=jane, captured_at=timezone.now(), views=100)
    body = api.get("/api/v1/metric-snapshots/", {"creator": jane.pk}).json()
    results = body["results"]
    periods = sorted(
        (r["period_start"], r["period_end"], r["report_kind"])
        for r in results
        if r["kind"] == "period"
    )
    assert periods == [(f"2026-11-0{d}", f"2026-11-0{d}", "amazon_attribution") for d in (1, 2, 3)]
    totals = [r for r in results if r["kind"] == "total"]
    assert len(totals) == 1 and totals[0]["period_start"] is None
    only = api.get("/api/v1/metric-snapshots/", {"creator": jane.pk, "kind": "period"}).json()
    assert len(only["results"]) == 3
    # Kind is not writable through the API: a reading sent there is a running total.
    created = api.post(
        "/api/v1/metric-snapshots/",
        {"creator": jane.pk, "views": 5, "kind": "period", "period_start": "2026-01-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["kind"], created.json()["period_start"]) == ("total", None)


@pytest.mark.django_db
def test_storing_rollups_for_many_creators_stays_one_statement(
    workspace, django_assert_max_num_queries
):
    creators = [CreatorFactory(workspace=workspace) for _ in range(30)]
    for c in creators:
        MetricSnapshot.objects.create(
            workspace=workspace,
            creator=c,
            captured_at=timezone.now(),
            kind="period",
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 1),
            report_kind="amazon_attribution",
            orders=2,
        )
    with django_assert_max_num_queries(1):
        rollups = creator_rollups(creator_ids=[c.pk for c in creators])
    assert {r.orders for r in rollups.values()} == {2}
    assert creator_rollups_store(creator_ids=[c.pk for c in creators]) == 30


# --- property: for any daily rows, roll-up = hand sum, and importing twice = once -------------

day_rows = st.lists(
    st.tuples(
        st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)),
        st.integers(min_value=0, max_value=500),
        st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda r: r[0],
)


class TestRandomDailyRows(HypothesisTestCase):
    def setUp(self):
        self.media = tempfile.mkdtemp()
        self.enterContext(override_settings(MEDIA_ROOT=self.media))
        self.addCleanup(shutil.rmtree, self.media, True)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=day_rows)
    def test_rollup_is_the_hand_sum_and_reimport_changes_nothing(self, rows):
        workspace = WorkspaceFactory()
        creator = CreatorFactory(workspace=workspace, attribution_tag=TAG)
        content = attribution_csv([(d.isoformat(), o, f"{s:.2f}") for d, o, s in rows])
        with self.captureOnCommitCallbacks(execute=True):
            run(workspace, content)
        expected = (sum(o for _, o, _ in rows), sum((s for _, _, s in rows), Decimal("0")))
        assert rollup(creator) == expected
        ids = set(MetricSnapshot.objects.filter(creator=creator).values_list("id", flat=True))
        with self.captureOnCommitCallbacks(execute=True):
            run(workspace, content)
        assert rollup(creator) == expected
        assert (
            set(MetricSnapshot.objects.filter(creator=creator).values_list("id", flat=True)) == ids
        )
        assert len(ids) == len(rows)
