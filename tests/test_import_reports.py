"""An import's report is one a person can act on: its row numbers are the rows Excel/WPS show,
its reasons are in the language of whoever started the import (also when a worker writes
them), cells beyond the header are kept and reported, and re-importing an unchanged file
reports nothing updated under any policy."""

import shutil
import threading
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from influencers.importers import pipeline
from influencers.importers.kinds.base import column_letter
from influencers.importers.sources import open_table
from influencers.models import (
    ActivityEvent,
    Creator,
    ImportIssue,
    ImportJob,
    ImportPolicy,
    ImportState,
    PlatformAccount,
)
from influencers.services.imports import import_job_create, import_job_errors_csv

DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def _job(workspace, name, data: bytes, **kwargs) -> ImportJob:
    return import_job_create(
        workspace=workspace, actor=None, upload=SimpleUploadedFile(name, data), **kwargs
    )


def run_import(workspace, name, data: bytes, batch_size=2000, **kwargs) -> ImportJob:
    return pipeline.run(_job(workspace, name, data, **kwargs).pk, batch_size=batch_size)


# Sheet rows:            1 header, 2-3 notes of three lines each, 4 ok, 5 ok,
# 6 followers "lots" (a warning), 7 no handle nor email (an error). As text lines the
# notes' line breaks push row 6 down to line 10 and row 7 to line 11.
MULTILINE_CSV = (
    b"Creator Name,TikTok,Followers,Notes\r\n"
    b'Ann,@ann,1000,"met at expo\r\nlikes pets\r\nsend sample"\r\n'
    b'Bea,@bea,2000,"line one\nline two\nline three"\r\n'
    b"Cat,@cat,3000,\r\n"
    b"Dan,@dan,4000,\r\n"
    b"Eve,@eve,lots,\r\n"
    b"Fay,,5000,\r\n"
)


def _lines(job, level=None):
    issues = ImportIssue.objects.filter(job=job)
    if level:
        issues = issues.filter(level=level)
    return sorted(issues.values_list("line", "column"))


@pytest.mark.django_db
def test_csv_row_numbers_are_the_sheet_rows_however_many_line_breaks_a_note_holds(workspace):
    job = run_import(workspace, "notes.csv", MULTILINE_CSV)
    assert job.state == ImportState.SUCCEEDED, job.error_message
    assert _lines(job) == [(6, "Followers"), (7, "Creator Name")]
    assert job.header_line == 1
    report = "".join(import_job_errors_csv(job=job, role="owner")).splitlines()
    assert report[1].startswith("6,Followers,lots,") and report[2].startswith("7,")


@pytest.mark.django_db(transaction=True)
def test_rows_parsed_in_a_second_process_are_numbered_as_the_sheet_shows(settings, workspace):
    settings.IMPORT_PARSE_PROCESS_MIN_ROWS = 1
    job = run_import(workspace, "notes.csv", MULTILINE_CSV, batch_size=2)
    assert job.state == ImportState.SUCCEEDED, job.error_message
    assert _lines(job) == [(6, "Followers"), (7, "Creator Name")]


def _xlsx(tmp_path, rows: dict[int, list]) -> bytes:
    """A workbook whose sheet holds `rows` at those row numbers (missing rows stay empty,
    absent from the file as Excel leaves them)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, cells in rows.items():
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=number, column=column, value=value)
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    return path.read_bytes()


@pytest.mark.django_db
def test_xlsx_row_numbers_are_the_sheet_rows_below_a_title_and_blank_rows(workspace, tmp_path):
    data = _xlsx(
        tmp_path,
        {
            1: ["Our creators, autumn 2026"],
            # row 2 blank: the header is on row 3
            3: ["Creator Name", "TikTok", "Followers"],
            4: ["Ann", "@ann", 1000],
            # row 5 blank
            6: ["Eve", "@eve", "lots"],
            7: ["Fay", None, 5000],
        },
    )
    job = run_import(workspace, "sheet.xlsx", data)
    assert job.state == ImportState.SUCCEEDED, job.error_message
    assert job.header_line == 3
    assert _lines(job) == [(6, "Followers"), (7, "Creator Name")]


@pytest.mark.django_db
def test_tiktok_shop_sample_reports_the_rows_excel_shows(workspace):
    """The sample export has a title row and a blank row above its header (row 3)."""
    job = run_import(
        workspace,
        "tiktok.xlsx",
        (DATA / "tiktok_shop_affiliate_creators.xlsx").read_bytes(),
    )
    workbook = openpyxl.load_workbook(DATA / "tiktok_shop_affiliate_creators.xlsx")
    sheet = workbook.worksheets[0]
    for issue in job.issues.exclude(value=""):
        # The value the report names is in the sheet row the report names.
        row = [str(c.value) for c in sheet[issue.line] if c.value is not None]
        assert any(issue.value.strip() in cell for cell in row), (issue.line, issue.value)


# --- language ---------------------------------------------------------------------------


def _run_task_in_english_thread(job_id: int) -> None:
    """The Celery task's entry point, in a thread with English active, as a worker runs it
    (a worker has no request, so no language of its own)."""
    from influencers.tasks import import_job_run

    failures = []

    def work():
        from django.db import connection

        try:
            with translation.override("en"):
                import_job_run(job_id)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_reasons_in_the_language_of_whoever_started_the_import(workspace):
    with translation.override("zh-hans"):
        job = _job(workspace, "notes.csv", MULTILINE_CSV)
    assert job.language == "zh-hans"
    _run_task_in_english_thread(job.pk)
    job.refresh_from_db()
    reasons = dict(job.issues.values_list("line", "reason"))
    assert reasons[7] == "该行未指明达人：没有可用的账号名，也没有可用的邮箱。"
    assert "names no creator" not in reasons[7]
    # The English one, started in English, stays English.
    with translation.override("en"):
        english = _job(workspace, "notes.csv", MULTILINE_CSV)
    _run_task_in_english_thread(english.pk)
    assert "names no creator" in english.issues.get(line=7).reason


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reports_in_chinese_for_an_import_started_in_chinese(settings, workspace):
    """The worker process runs with the site's default language (English)."""
    from influencers.services.imports import import_job_confirm
    from tests.workers import new_queue, start_worker, stop, tasks_sent_to, wait_until

    with translation.override("zh-hans"):
        job = _job(workspace, "notes.csv", MULTILINE_CSV)
    queue = new_queue("test-import-language")
    worker = start_worker(queue, extra_env={"DJANGO_MEDIA_ROOT": settings.MEDIA_ROOT})
    try:
        with tasks_sent_to(queue):
            import_job_confirm(job=job)

            def finished():
                job.refresh_from_db()
                return job.is_finished

            assert wait_until(finished, 90, worker, interval=0.2), "the worker never ran it"
    finally:
        stop(worker)
    assert job.state == ImportState.SUCCEEDED, job.error_message
    reasons = dict(job.issues.values_list("line", "reason"))
    assert reasons[7] == "该行未指明达人：没有可用的账号名，也没有可用的邮箱。"


@pytest.mark.django_db(transaction=True)
def test_a_refused_file_is_refused_in_the_language_of_whoever_started_the_import(workspace):
    with translation.override("zh-hans"):
        job = _job(workspace, "empty.csv", b"Creator Name,TikTok\r\n")
    _run_task_in_english_thread(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.error_message == "文件只有表头行，没有数据行。"


@pytest.mark.django_db
def test_an_upload_through_the_api_keeps_the_callers_language(api):
    response = api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("notes.csv", MULTILINE_CSV)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )
    assert response.status_code == 202, response.content
    assert ImportJob.objects.get().language == "zh-hans"


# --- cells beyond the header ------------------------------------------------------------

EXTRA_CSV = (
    b"Creator Name,TikTok,Followers,Notes\r\n"
    b"Ann,@ann,1000,likes pets,call after 6pm,prefers WhatsApp\r\n"
    b"Bea,@bea,2000,\r\n"
    b"Cat,@cat,3000,,,\r\n"
)


@pytest.mark.django_db
def test_cells_beyond_the_header_are_kept_in_the_remarks_and_reported_as_a_warning(workspace):
    job = run_import(workspace, "extra.csv", EXTRA_CSV)
    assert (job.created_count, job.failed_count) == (3, 0)
    warnings = list(
        job.issues.filter(level=ImportIssue.Level.WARNING).values_list("line", "column", "value")
    )
    assert warnings == [(2, "E", "call after 6pm"), (2, "F", "prefers WhatsApp")]
    ann = PlatformAccount.objects.get(handle_normalised="ann").creator
    assert ann.remarks.splitlines() == ["likes pets", "E: call after 6pm", "F: prefers WhatsApp"]
    # Kept once: importing the file again adds nothing to the remarks.
    again = run_import(workspace, "extra.csv", EXTRA_CSV)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    ann.refresh_from_db()
    assert ann.remarks.count("call after 6pm") == 1


@pytest.mark.django_db
def test_the_extra_cell_warning_is_in_the_language_of_whoever_started_the_import(workspace):
    with translation.override("zh-hans"):
        job = _job(workspace, "extra.csv", EXTRA_CSV)
    with translation.override("en"):
        job = pipeline.run(job.pk)
    assert set(job.issues.values_list("reason", flat=True)) == {
        "此单元格所在的列没有表头：内容已保留在达人的备注中。"
    }


@pytest.mark.django_db
def test_a_column_with_no_header_between_named_ones_is_kept_too(workspace, tmp_path):
    data = _xlsx(
        tmp_path,
        {
            1: ["Creator Name", "TikTok", None, "Followers"],
            2: ["Ann", "@ann", "VIP", 1000],
        },
    )
    job = run_import(workspace, "sheet.xlsx", data)
    assert job.created_count == 1
    assert list(job.issues.values_list("line", "column", "value", "level")) == [
        (2, "C", "VIP", "warning")
    ]
    assert "C: VIP" in PlatformAccount.objects.get(handle_normalised="ann").creator.remarks


# --- re-importing an unchanged file ----------------------------------------------------


def _footprint(workspace):
    creators = Creator.objects.filter(workspace=workspace)
    return {
        "updated_at": sorted(creators.values_list("pk", "updated_at")),
        "accounts_updated_at": sorted(
            PlatformAccount.objects.filter(workspace=workspace).values_list("pk", "updated_at")
        ),
        "events": ActivityEvent.objects.filter(workspace=workspace).count(),
        "history": Creator.history.filter(workspace_id=workspace.pk).count(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("policy", ImportPolicy.values)
@pytest.mark.parametrize(
    "name",
    [
        "creators_sheet_en.csv",
        "creators_sheet_zh_gb18030.csv",
        "tiktok_shop_affiliate_creators.xlsx",
    ],
)
def test_reimporting_an_unchanged_file_reports_nothing_updated_under_any_policy(
    workspace, policy, name
):
    data = (DATA / name).read_bytes()
    first = run_import(workspace, name, data, policy=policy)
    assert first.state == ImportState.SUCCEEDED, first.error_message
    before = _footprint(workspace)
    # Small batches: a creator's duplicate rows land in different batches too.
    again = run_import(workspace, name, data, policy=policy, batch_size=7)
    assert again.state == ImportState.SUCCEEDED, again.error_message
    assert (again.created_count, again.updated_count) == (0, 0)
    assert _footprint(workspace) == before


@pytest.mark.django_db
@pytest.mark.parametrize("policy", [ImportPolicy.OVERWRITE, ImportPolicy.FILL_EMPTY])
def test_a_file_with_one_changed_cell_reports_exactly_one_updated(workspace, policy):
    data = (DATA / "creators_sheet_en.csv").read_bytes()
    run_import(workspace, "sheet.csv", data, policy=policy)
    # Christine King (@walter95916) gets a new tag: a change under every policy but skip.
    changed = data.replace(b"MX,Baby,Active", b"MX,Baby; Toys,Active", 1)
    assert changed != data
    job = run_import(workspace, "sheet.csv", changed, policy=policy)
    assert (job.created_count, job.updated_count) == (0, 1)


@pytest.mark.django_db
def test_overwrite_with_one_changed_count_updates_that_creator_only(workspace):
    data = (DATA / "creators_sheet_en.csv").read_bytes()
    run_import(workspace, "sheet.csv", data, policy=ImportPolicy.OVERWRITE)
    changed = data.replace(b"@walter95916,19432,", b"@walter95916,19500,", 1)
    assert changed != data
    job = run_import(workspace, "sheet.csv", changed, policy=ImportPolicy.OVERWRITE)
    assert (job.created_count, job.updated_count) == (0, 1)
    account = PlatformAccount.objects.get(platform="tiktok", handle_normalised="walter95916")
    assert account.followers == 19500


# --- properties -------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=16383))
def test_column_letters_are_the_ones_a_spreadsheet_shows(index):
    assert column_letter(index) == get_column_letter(index + 1)


_cell = st.text(alphabet=st.sampled_from('ab ,"\r\n中'), max_size=8)


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cell, min_size=1, max_size=4), min_size=1, max_size=12))
def test_csv_rows_are_numbered_by_record_whatever_the_cells_hold(tmp_path_factory, records):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Creator Name", "TikTok", "Notes", "Email"])
    writer.writerows(records)
    path = tmp_path_factory.mktemp("csv") / "sheet.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    numbers = [number for number, _cells in open_table(path).rows()]
    assert numbers == list(range(1, len(records) + 2))
