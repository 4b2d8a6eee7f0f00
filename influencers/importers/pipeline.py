"""Drive one import job: open the file, find the header, map the columns, then feed the data
rows to the job's kind in batches.

Every batch commits in one transaction together with the job's cursor (`rows_done`) and
counters, so a worker killed at any moment leaves the job at a batch boundary; running the job
again resumes after the last committed row (and the kinds' natural keys make even a replayed
batch write nothing twice). A PostgreSQL advisory lock keeps two workers off the same job.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from influencers.models import ImportIssue, ImportJob, ImportKind, ImportState

from . import columns as cols
from .errors import FileRefused, JobConflict, refused_no_columns, refused_no_rows
from .kinds import BatchResult, ImportContext, Row, detect_kind, kind_module
from .kinds.base import column_letter, fast_insert
from .parse_ahead import Batch, ParseProcessLost, batches, parsed_batches, wanted
from .sources import Table, open_table

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
HEADER_SCAN_ROWS = 30
_LOCK_NAMESPACE = 0x1A9


@dataclass
class Prepared:
    table: Table
    header_line: int
    headers: list[str]
    columns: list[cols.Column]
    kind: str
    preamble: list[list[str]]

    @property
    def field_headers(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns if c.field}

    @property
    def decimal_comma(self) -> bool | None:
        # A semicolon-separated file comes from a locale whose decimal separator is a comma.
        return True if self.table.delimiter == ";" else None


def _blank(cells: list[str]) -> bool:
    return not any(cells)


def find_header(table: Table, overrides: dict | None) -> tuple[int, list[str], list]:
    """The header is the first row, among the first rows, with the most recognised columns
    (title rows and blank rows above it are skipped)."""
    best = None
    preamble: list[list[str]] = []
    seen = 0
    for line, cells in table.rows():
        if _blank(cells):
            continue
        seen += 1
        score = cols.recognised_count(cells, overrides)
        if score and (best is None or score > best[0]):
            best = (score, line, cells, list(preamble))
        preamble.append(cells)
        if seen >= HEADER_SCAN_ROWS:
            break
    if best is None:
        if seen == 0:
            from .errors import refused_empty

            raise refused_empty()
        raise refused_no_columns()
    _score, line, cells, above = best
    return line, cells, above


def choose_sheet(table: Table, overrides: dict | None) -> None:
    """With several sheets and none chosen, take the one whose header is recognised best."""
    if table.format != "xlsx" or table.sheet or len(table.sheets) <= 1:
        if table.format == "xlsx" and not table.sheet and table.sheets:
            table.sheet = table.sheets[0]
        return
    best = (-1, table.sheets[0])
    for name in table.sheets:
        table.sheet = name
        try:
            _line, cells, _above = find_header(table, overrides)
            score = cols.recognised_count(cells, overrides)
        except FileRefused:
            score = 0
        best = max(best, (score, name), key=lambda item: item[0])
    table.sheet = best[1]


def prepare(job: ImportJob) -> Prepared:
    """Open the job's file and work out its layout. Raises FileRefused."""
    table = open_table(job.file.path, sheet=job.sheet)
    overrides = job.column_mapping or {}
    choose_sheet(table, overrides)
    line, headers, preamble = find_header(table, overrides)
    columns = cols.map_columns(headers, overrides)
    fields = {c.field for c in columns if c.field}
    kind = job.kind if job.kind != ImportKind.AUTO else detect_kind(fields)
    module = kind_module(kind)
    if not fields & set(module.REQUIRED):
        names = ", ".join(str(cols.field_label(f)) for f in module.REQUIRED)
        raise FileRefused(
            _(
                "None of the columns this kind of file needs was found (one of: %(fields)s). Map a "
                "column to one of them in the preview."
            )
            % {"fields": names},
            "no_columns",
        )
    return Prepared(table, line, headers, columns, kind, preamble)


def context(job: ImportJob, prepared: Prepared) -> ImportContext:
    return ImportContext(
        job=job,
        workspace=job.workspace,
        actor=job.created_by,
        policy=job.policy,
        headers=prepared.field_headers,
        preamble=prepared.preamble,
        decimal_comma=prepared.decimal_comma,
    )


def data_rows(prepared: Prepared) -> Iterator[Row | None]:
    """The data rows below the header, as Row objects; a row that repeats the header yields
    None (it is counted and skipped)."""
    mapped = [(c.index, c.field) for c in prepared.columns if c.field]
    # Columns with no header (between named ones, or past the last): their cells are kept.
    width = len(prepared.headers)
    nameless = {c.index for c in prepared.columns if not c.field and not c.header}
    header_key = [cols.header_key(h) for h in prepared.headers]
    first_header = prepared.headers[0] if prepared.headers else None
    started = False
    for line, cells in prepared.table.rows():
        if not started:
            started = line >= prepared.header_line
            continue
        if _blank(cells):
            continue
        if (
            cells[0] == first_header
            and [cols.header_key(c) for c in cells[: len(header_key)]] == header_key
        ):
            yield Row(line=line, values={"__header__": "1"})
            continue
        values = {}
        for index, field in mapped:
            if index < len(cells) and cells[index]:
                values[field] = cells[index]
        extra = [
            (column_letter(index), text)
            for index, text in enumerate(cells)
            if text and (index >= width or index in nameless)
        ]
        yield Row(line=line, values=values, extra=extra)


def count_rows(prepared: Prepared) -> int:
    """Read the whole file once before writing anything: it gives the progress bar its total
    and refuses a broken file (an unclosed quote at the very end) while nothing has changed."""
    # The rows data_rows() yields (repeated header rows included), without building them.
    total = 0
    started = False
    header_line = prepared.header_line
    for line, cells in prepared.table.rows():
        if not started:
            started = line >= header_line
            continue
        if any(cells):
            total += 1
    if total == 0:
        raise refused_no_rows()
    return total


@contextlib.contextmanager
def job_lock(job_id: int):
    """Session-level advisory lock: released by PostgreSQL if the worker dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, job_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, job_id])


def _batch_result(ctx: ImportContext, module, batch: Batch) -> BatchResult:
    if batch.parsed is not None:
        parsed, parsing = batch.parsed
        # A copy: a retried batch starts again from what parsing found.
        return module.write_batch(ctx, parsed, parsing.copy())
    return module.process(ctx, batch.rows) if batch.rows else BatchResult()


def _commit_batch(job: ImportJob, ctx: ImportContext, module, batch: Batch, cursor: int) -> int:
    for attempt in range(3):
        try:
            with transaction.atomic():
                locked = ImportJob.objects.select_for_update().get(pk=job.pk)
                if locked.rows_done != cursor or locked.is_finished:
                    raise JobConflict(job.pk)
                result = _batch_result(ctx, module, batch)
                for row in batch.repeats:
                    result.skip(ctx, row, "", "", _("This row repeats the header row."))
                fast_insert(ImportIssue, result.issues)
                done = batch.size
                ImportJob.objects.filter(pk=job.pk).update(
                    rows_done=F("rows_done") + done,
                    created_count=F("created_count") + result.counts["created"],
                    updated_count=F("updated_count") + result.counts["updated"],
                    unchanged_count=F("unchanged_count") + result.counts["unchanged"],
                    skipped_count=F("skipped_count") + result.counts["skipped"],
                    failed_count=F("failed_count") + result.counts["failed"],
                    warning_count=F("warning_count")
                    + sum(1 for i in result.issues if i.level == ImportIssue.Level.WARNING),
                    heartbeat_at=timezone.now(),
                )
                assert sum(result.counts.values()) == done, (result.counts, done)
                if result.rollup_creator_ids and ctx.touched is not None:
                    ctx.touched(sorted(result.rollup_creator_ids))
            ctx.met_creator_ids.update(result.met_creator_ids)  # committed: later batches see it
            return cursor + done
        except IntegrityError:
            # A concurrent import inserted the same handle or record key between our read and
            # our write: the batch rolled back; run it again, it now sees those rows.
            if attempt == 2:
                raise
            logger.warning("import job %s: batch at row %s retried", job.pk, cursor)
    raise AssertionError("unreachable")


def _write_rows(job, ctx, module, prepared, total: int, batch_size: int) -> int:
    """Commit every batch after the job's cursor, parsed ahead by a second process for a big
    creator sheet; returns the cursor after the last batch."""
    cursor = job.rows_done

    def commit(source) -> None:
        nonlocal cursor
        for batch in source:
            cursor = _commit_batch(job, ctx, module, batch, cursor)

    if wanted(prepared.kind, total - cursor):
        try:
            with parsed_batches(prepared, ctx, cursor + batch_size, batch_size) as pending:
                # The child takes a while to start (a new interpreter, then Django): the
                # first batch is parsed and written here meanwhile, the child starts after it.
                commit(
                    itertools.chain(
                        itertools.islice(batches(prepared, cursor, batch_size), 1), pending
                    )
                )
            return cursor
        except ParseProcessLost:
            # Not the file's fault (that is a FileRefused): parse the rest here instead, from
            # the last committed batch.
            logger.exception("import job %s: parsing in this process from row %s", job.pk, cursor)
    commit(batches(prepared, cursor, batch_size))
    return cursor


def run(job_id: int, *, batch_size: int = BATCH_SIZE, touched=None) -> ImportJob:
    """Run (or resume) a job to its end. Safe to call again at any time. `touched(ids)` is
    called inside each batch's transaction with the creators the batch changed."""
    with job_lock(job_id) as acquired:
        job = ImportJob.objects.select_related("workspace", "created_by").get(pk=job_id)
        if not acquired or job.is_finished:
            return job
        # A worker runs without a request: the job's reasons and messages are written in the
        # language of whoever started it (the parse process inherits it, see parse_ahead).
        if job.language:
            with translation.override(job.language):
                return _run(job, batch_size, touched)
        return _run(job, batch_size, touched)


def _run(job: ImportJob, batch_size: int, touched=None) -> ImportJob:
    try:
        prepared = prepare(job)
        total = count_rows(prepared)
    except FileRefused as exc:
        _finish(job, ImportState.FAILED, str(exc))
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.RUNNING,
        rows_total=total,
        kind=prepared.kind,
        encoding=prepared.table.encoding,
        delimiter=prepared.table.delimiter,
        sheet=prepared.table.sheet,
        header_line=prepared.header_line,
        started_at=job.started_at or timezone.now(),
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    ctx = context(job, prepared)
    ctx.touched = touched
    module = kind_module(prepared.kind)
    try:
        cursor = _write_rows(job, ctx, module, prepared, total, batch_size)
        if cursor != total:
            raise FileRefused(
                _(
                    "The file changed while it was being imported: %(read)s of the "
                    "%(total)s rows counted at the start were read. Upload it again: rows "
                    "already imported are matched, not doubled."
                )
                % {"read": cursor, "total": total},
                "changed",
            )
    except JobConflict:
        return ImportJob.objects.get(pk=job.pk)
    except FileRefused as exc:  # the file changed under us: keep what is committed
        _finish(job, ImportState.FAILED, str(exc))
        return job
    _finish(job, ImportState.SUCCEEDED, "")
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, state: str, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state,
        error_message=message,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    job.state, job.error_message = state, message


@dataclass
class Preview:
    table: Table
    header_line: int
    columns: list[cols.Column]
    kind: str
    rows: list[Row]
    raw_rows: list[list[str]]
    # Creator sheets: rows that match the pool by handle / email only / phone only, new, ...
    # (kinds.creators.match_summary); None for reports.
    matches: dict[str, int] | None = None


def preview(job: ImportJob, *, limit: int = 10) -> Preview:
    """Layout and the first rows, for the confirm page. Raises FileRefused."""
    prepared = prepare(job)
    count_rows(prepared)
    raw = []
    for line, cells in prepared.table.rows():
        if line <= prepared.header_line or _blank(cells):
            continue
        raw.append(cells)
        if len(raw) >= limit:
            break
    rows = []
    for row in data_rows(prepared):
        rows.append(row)
        if len(rows) >= limit:
            break
    summary = getattr(kind_module(prepared.kind), "match_summary", None)
    matches = summary(context(job, prepared), data_rows(prepared)) if summary else None
    return Preview(
        prepared.table, prepared.header_line, prepared.columns, prepared.kind, rows, raw, matches
    )
