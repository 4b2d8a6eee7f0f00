"""Every sample file imports with the outcome the data README describes, row by row."""

import csv
import shutil
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from influencers.importers import pipeline
from influencers.models import (
    ActivityEvent,
    ContactMethod,
    Creator,
    ImportJob,
    ImportState,
    MetricSnapshot,
    PlatformAccount,
)
from influencers.services.imports import import_job_create

DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def run_import(workspace, path, user=None, batch_size=2000, **kwargs) -> ImportJob:
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    job = import_job_create(workspace=workspace, actor=user, upload=upload, **kwargs)
    return pipeline.run(job.pk, batch_size=batch_size)


def by_handle(handle):
    return PlatformAccount.objects.get(platform="tiktok", handle_normalised=handle).creator


def counts(job):
    return {
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "skipped": job.skipped_count,
        "failed": job.failed_count,
    }


def issues_by_line(job):
    by_line = {}
    for issue in job.issues.all():
        by_line.setdefault(issue.line, []).append(issue)
    return by_line


def csv_data_rows(path, encoding="utf-8-sig", delimiter=","):
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader)
        rows = []
        # The row a spreadsheet shows: records, not text lines (a note may hold line breaks).
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                rows.append((number, dict(zip(header, cells, strict=False))))
        return rows


import contextlib  # noqa: E402
from decimal import Decimal  # noqa: E402

from influencers.models import ImportIssue, ImportRecordKey  # noqa: E402
from influencers.normalisers import (  # noqa: E402
    NormaliseError,
    normalise_emails,
    normalise_handle,
    parse_count,
)

HANDLE_COLUMNS = {"TikTok": "tiktok", "Instagram": "instagram", "TikTok账号": "tiktok"}


def _handles(cells):
    found = []
    for column, platform in HANDLE_COLUMNS.items():
        text = (cells.get(column) or "").strip()
        if text:
            with contextlib.suppress(NormaliseError):
                found.append((platform, normalise_handle(text, platform)))
    return found


def _emails(cells, column):
    try:
        return normalise_emails((cells.get(column) or "").strip())
    except NormaliseError:
        return []


def _creator_for(workspace, handles, emails):
    for platform, handle in handles:
        account = PlatformAccount.objects.filter(
            workspace=workspace, platform=platform, handle_normalised=handle
        ).first()
        if account:
            return account.creator
    for email in emails:
        contact = ContactMethod.objects.filter(
            workspace=workspace, kind="email", value_normalised=email
        ).first()
        if contact:
            return contact.creator
    return None


def assert_sheet_row_by_row(workspace, job, rows, email_column):
    issues = issues_by_line(job)
    creators = set()
    for line, cells in rows:
        handles, emails = _handles(cells), _emails(cells, email_column)
        if not handles and not emails:
            assert [i.level for i in issues[line]] == ["error"], line
            assert "names no creator" in issues[line][0].reason
            continue
        creator = _creator_for(workspace, handles, emails)
        assert creator is not None, (line, cells)
        creators.add(creator.pk)
        have = set(creator.accounts.values_list("platform", "handle_normalised"))
        for platform, handle in handles:
            owner = PlatformAccount.objects.get(
                workspace=workspace, platform=platform, handle_normalised=handle
            )
            assert (platform, handle) in have or owner.creator_id != creator.pk, line
        contacts = set(creator.contacts.values_list("value_normalised", flat=True))
        assert set(emails) <= contacts, line
        for issue in issues.get(line, []):
            # A bad optional cell: the row is kept, the original text is on the creator.
            assert issue.level == "warning", (line, issue.reason)
            assert issue.value, line
            assert issue.value in creator.remarks, (line, issue.value)
    return creators


@pytest.mark.django_db
def test_english_sheet_imports_row_by_row(workspace, member):
    path = DATA / "creators_sheet_en.csv"
    rows = csv_data_rows(path)
    job = run_import(workspace, path, user=member)
    assert job.state == ImportState.SUCCEEDED, job.error_message
    assert (job.encoding, job.delimiter, job.kind) == ("utf-8-sig", ",", "creators")
    assert job.rows_total == len(rows) == 209
    assert sum(counts(job).values()) == len(rows)
    creators = assert_sheet_row_by_row(workspace, job, rows, "Email")
    assert job.created_count == len(creators) == Creator.objects.filter(workspace=workspace).count()
    assert job.failed_count == 1
    # The duplicate rows ("dup row from old sheet") folded into the creator of their first row.
    assert job.created_count + job.updated_count + job.unchanged_count == len(rows) - 1
    assert job.updated_count >= 6

    bad = by_handle("bad_numbers_1")
    assert bad.country == "" and bad.status == "prospect"
    for text in ("lots", "not-an-email", "call me", "Atlantis", "weird", "130%", "31/02/2026"):
        assert text in bad.remarks
    # Sheet row 88 (text line 97: nine notes above it hold line breaks).
    assert {i.column for i in job.issues.filter(line=88)} >= {
        "Followers",
        "Email",
        "Country",
        "Status",
        "Last contacted",
        "Engagement %",
        "Phone / WhatsApp",
    }

    first = by_handle("lgordon693")
    assert first.country == "DE" and first.status == "active"
    assert first.associates_tracking_id == "lgordon693-20"
    assert first.attribution_tag == "maas=maas_adg_2686667678_lgordon693"
    account = first.accounts.get(platform="tiktok")
    assert account.followers == 31900 and account.engagement_rate == Decimal("8.08")
    assert first.followers == 31900
    assert set(first.contacts.values_list("kind", "value_normalised")) == {
        ("email", "lgordon693@yahoo.com"),
        ("phone", "+4915177944069"),
    }
    assert list(first.tags.values_list("name", flat=True)) == ["Outdoors"]
    assert "Rate (USD): 1500" in first.remarks
    # Two emails in one cell, upper-case ones, national phones read with the row's country.
    omar = by_handle("omarmack645")
    assert set(omar.contacts.filter(kind="email").values_list("value_normalised", flat=True)) == {
        "omarmack645@qq.com",
        "mgmt+omarmack645@qq.com",
    }
    teresa = by_handle("teresa85905")
    assert teresa.contacts.get(kind="phone").value_normalised == "+4915174170261"
    assert by_handle("omiller699").contacts.get(kind="whatsapp").value_normalised == "+33612698742"
    # Excel serial date 46105 and "Aug 15, 2026"-style dates.
    assert str(by_handle("daniel58390").last_contacted_at.date()) == "2026-03-24"
    # Activity rows for every created creator, issues for every bad cell.
    assert (
        ActivityEvent.objects.filter(
            workspace=workspace, verb="creator.imported", data__import_job=job.pk
        ).count()
        == job.created_count
    )  # one batch: one event per creator it touched


@pytest.mark.django_db
def test_chinese_gb18030_sheet_imports_row_by_row(workspace):
    path = DATA / "creators_sheet_zh_gb18030.csv"
    rows = csv_data_rows(path, encoding="gb18030")
    job = run_import(workspace, path)
    assert job.state == ImportState.SUCCEEDED, job.error_message
    assert job.encoding == "gb18030"
    assert sum(counts(job).values()) == len(rows) == 100
    creators = assert_sheet_row_by_row(workspace, job, rows, "邮箱")
    assert job.created_count == len(creators)
    beard = by_handle("beardalexis927")
    assert beard.accounts.get().followers == 407000  # 40.7万
    assert beard.country == "US" and beard.status == "paused"
    assert beard.associates_tracking_id == "beardalexis927-20"
    assert list(beard.tags.values_list("name", flat=True)) == ["美食"]
    assert "要求先付款" in beard.remarks
    assert by_handle("rodriguezsarah369").status == ("do_not_contact")


@pytest.mark.django_db
def test_tiktok_shop_export_creates_updates_and_records_snapshots(workspace):
    run_import(workspace, DATA / "creators_sheet_en.csv")
    known_before = set(
        PlatformAccount.objects.filter(workspace=workspace, platform="tiktok").values_list(
            "handle_normalised", flat=True
        )
    )
    import openpyxl

    workbook = openpyxl.load_workbook(DATA / "tiktok_shop_affiliate_creators.xlsx", read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))[3:]
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    job = run_import(workspace, DATA / "tiktok_shop_affiliate_creators.xlsx")
    assert job.state == ImportState.SUCCEEDED and job.kind == "tiktok_shop"
    assert job.header_line == 3
    assert sum(counts(job).values()) == len(rows) == job.rows_total
    handles = [normalise_handle(str(r[0]), "tiktok") for r in rows]
    assert job.created_count == len(set(handles) - known_before)
    for row, handle in zip(rows, handles, strict=True):
        account = PlatformAccount.objects.get(
            workspace=workspace, platform="tiktok", handle_normalised=handle
        )
        assert account.followers == parse_count(row[2])
        creator = account.creator
        assert creator.tiktok_shop_status == "active"
        if handle not in known_before:
            assert creator.status == "prospect"
            assert "TikTok Shop affiliate export" in creator.remarks
            assert creator.display_name == row[1]
        snapshot = MetricSnapshot.objects.get(
            creator=creator, source="import", sales=Decimal(str(row[3])).quantize(Decimal("0.01"))
        )
        assert snapshot.orders == row[5] and snapshot.units == row[6]
        assert str(snapshot.captured_at.date()) == "2026-10-31"
    assert MetricSnapshot.objects.filter(workspace=workspace).count() == len(rows)

    again = run_import(workspace, DATA / "tiktok_shop_affiliate_creators.xlsx")
    assert counts(again) == {
        "created": 0,
        "updated": 0,
        "unchanged": len(rows),
        "skipped": 0,
        "failed": 0,
    }
    assert MetricSnapshot.objects.filter(workspace=workspace).count() == len(rows)


def _tags_on_creators(workspace, column):
    return set(
        Creator.objects.filter(workspace=workspace)
        .exclude(**{column: ""})
        .values_list(column, flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "tag_column", "creator_field", "kind"),
    [
        (
            "amazon_attribution_report.csv",
            "Attribution tag",
            "attribution_tag",
            "amazon_attribution",
        ),
        (
            "amazon_associates_tracking_ids.csv",
            "Tracking Id",
            "associates_tracking_id",
            "amazon_associates",
        ),
    ],
)
def test_amazon_reports_match_by_tag_only_and_skip_the_rest(
    workspace, name, tag_column, creator_field, kind
):
    run_import(workspace, DATA / "creators_sheet_en.csv")
    run_import(workspace, DATA / "creators_sheet_zh_gb18030.csv")
    creators_before = Creator.objects.filter(workspace=workspace).count()
    known = _tags_on_creators(workspace, creator_field)
    rows = csv_data_rows(DATA / name)
    job = run_import(workspace, DATA / name)
    assert job.state == ImportState.SUCCEEDED and job.kind == kind
    assert sum(counts(job).values()) == len(rows)
    assert Creator.objects.filter(workspace=workspace).count() == creators_before
    issues = issues_by_line(job)
    matched = 0
    for line, cells in rows:
        tag = cells[tag_column]
        if tag in known:
            matched += 1
            creator = Creator.objects.get(workspace=workspace, **{creator_field: tag})
            assert MetricSnapshot.objects.filter(
                creator=creator, source="import", clicks=int(cells["Clicks"])
            ).exists(), line
            assert line not in issues
        else:
            assert [(i.reason, i.value) for i in issues[line]] == [
                ("no creator has this tag", tag)
            ], line
    assert job.skipped_count == len(rows) - matched
    assert 0 < matched < len(rows)
    assert job.updated_count + job.unchanged_count == matched
    snapshots = MetricSnapshot.objects.filter(workspace=workspace).count()
    assert ImportRecordKey.objects.filter(workspace=workspace).count() == snapshots

    # Re-importing records nothing twice; after a tag is recorded the row is picked up.
    again = run_import(workspace, DATA / name)
    assert again.created_count == again.updated_count == 0
    assert MetricSnapshot.objects.filter(workspace=workspace).count() == snapshots
    line, cells = next((ln, c) for ln, c in rows if c[tag_column] not in known)
    somebody = Creator.objects.filter(workspace=workspace, **{creator_field: ""}).first()
    setattr(somebody, creator_field, cells[tag_column])
    somebody.save()
    third = run_import(workspace, DATA / name)
    assert third.updated_count >= 1
    assert MetricSnapshot.objects.filter(creator=somebody).exists()


@pytest.mark.django_db
def test_semicolon_latin1_file_with_decimal_commas_imports(workspace):
    job = run_import(workspace, DATA / "bad" / "semicolon_latin1.csv")
    assert job.state == ImportState.SUCCEEDED
    assert (job.encoding, job.delimiter) == ("cp1252", ";")
    assert counts(job)["created"] == 2 and sum(counts(job).values()) == 2
    jose = by_handle("jose_muller")
    assert jose.display_name == "José Müller" and jose.country == "DE"
    account = jose.accounts.get()
    assert account.followers == 12500 and account.engagement_rate == Decimal("4.5")
    francoise = by_handle("francoise_b")
    assert francoise.accounts.get().followers == 1_200_000 and francoise.country == "FR"


def _table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Creator,
            PlatformAccount,
            ContactMethod,
            MetricSnapshot,
            ActivityEvent,
            ImportRecordKey,
            ImportIssue,
        )
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "The file is empty."),
        ("header_only.csv", "header row but no data rows"),
        ("binary_named.csv", "not a spreadsheet"),
        ("unclosed_quote.csv", "never closed"),
        ("no_known_columns.csv", "No column of this file is recognised"),
    ],
)
def test_bad_files_are_refused_with_one_message_and_change_nothing(workspace, name, message):
    run_import(workspace, DATA / "creators_sheet_en.csv")
    before = _table_counts()
    job = run_import(workspace, DATA / "bad" / name)
    assert job.state == ImportState.FAILED
    assert message in job.error_message
    assert counts(job) == dict.fromkeys(counts(job), 0)
    assert job.issues.count() == 0
    assert _table_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "creators_sheet_en.csv",
        "creators_sheet_zh_gb18030.csv",
        "tiktok_shop_affiliate_creators.xlsx",
        "bad/semicolon_latin1.csv",
    ],
)
def test_reimporting_the_same_file_creates_and_updates_nothing(workspace, name):
    first = run_import(workspace, DATA / name)
    before = _table_counts()
    again = run_import(workspace, DATA / name, batch_size=7)
    assert again.created_count == 0 and again.updated_count == 0
    assert again.unchanged_count + again.failed_count == sum(counts(first).values())
    after = _table_counts()
    after.pop("ImportIssue"), before.pop("ImportIssue")
    assert after == before


@pytest.mark.django_db
def test_small_batches_give_the_same_result_as_one_batch(workspace, other_workspace):
    one = run_import(workspace, DATA / "creators_sheet_en.csv")
    many = run_import(other_workspace, DATA / "creators_sheet_en.csv", batch_size=3)
    assert counts(one) == counts(many)
    assert (
        Creator.objects.filter(workspace=workspace).count()
        == Creator.objects.filter(workspace=other_workspace).count()
    )


@pytest.mark.django_db
def test_a_job_another_worker_is_running_is_left_to_it(workspace):
    """Two workers handed the same job (a retried task, a resumed queue): the second finds the
    job's advisory lock held and returns without writing; once the first is gone (its session
    ends, as when it is killed), the job runs."""
    from django.db import connections

    upload = SimpleUploadedFile("creators.csv", (DATA / "creators_sheet_en.csv").read_bytes())
    job = import_job_create(workspace=workspace, actor=None, upload=upload)
    other_worker = connections.create_connection("default")
    try:
        with other_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [pipeline._LOCK_NAMESPACE, job.pk])
        left = pipeline.run(job.pk)
        assert left.state == ImportState.PENDING and left.rows_done == 0
        assert not Creator.objects.filter(workspace=workspace).exists()
    finally:
        other_worker.close()
    # The server ends the closed session (and frees its locks) a moment after the socket
    # closes: wait for that, as a real retry would come later.
    from django.db import connection

    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                [job.pk],
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.05)
    assert pipeline.run(job.pk).state == ImportState.SUCCEEDED
    assert Creator.objects.filter(workspace=workspace).exists()
