"""What every kind shares: the row, the context of a job, a batch's result, issue helpers,
cached value parsers and the metric-snapshot writer used by the report kinds."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from influencers.models import (
    ActivityEvent,
    Creator,
    ImportIssue,
    ImportJob,
    ImportRecordKey,
    MetricSnapshot,
)
from influencers.normalisers import (
    NormaliseError,
    normalise_country,
    normalise_phone,
    parse_count,
    parse_date,
    parse_decimal,
    parse_percent,
)

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


@dataclass
class Row:
    line: int  # the row number a spreadsheet program shows (header = row 1 of a CSV)
    values: dict[str, str]  # field -> cell text, only the non-empty cells of mapped columns
    # (column letter, cell text) of the non-empty cells in columns without a header: typed
    # by the seller, so kept (see EXTRA_CELL) rather than silently dropped.
    extra: list[tuple[str, str]] = field(default_factory=list)


EXTRA_CELL = _("This cell is in a column with no header: it was kept in the creator's remarks.")
EXTRA_CELL_REPORT = _(
    "This cell is in a column with no header: it was not imported (a report row has no place "
    "for it); it is kept here, in the report."
)


def column_letter(index: int) -> str:
    """The letter a spreadsheet shows above the column at 0-based `index` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass
class ImportContext:
    job: ImportJob
    workspace: object
    actor: object
    policy: str
    headers: dict[str, str]  # field -> the column's header as written
    preamble: list[list[str]] = field(default_factory=list)  # rows above the header
    decimal_comma: bool | None = None  # a semicolon file writes 4,5 for four and a half
    # Creators that rows of this job's earlier batches were applied to: "overwrite" replaces
    # the pool's values with the file's once; a later row of the same file for the same
    # creator (a duplicate) only fills what is empty, as duplicates inside a file always do —
    # else two differing duplicates would flip the creator back and forth, and every
    # re-import of an unchanged file would report (and write) them as updated.
    met_creator_ids: set[int] = field(default_factory=set)
    # Told, inside each batch's transaction, which creators the batch changed (roll-ups to
    # refresh). The import service passes it: the pipeline reports what it touched and never
    # queues follow-up work itself.
    touched: Callable[[list[int]], None] | None = None

    def header(self, field_name: str) -> str:
        return self.headers.get(field_name, field_name)


@dataclass
class BatchResult:
    counts: Counter = field(default_factory=Counter)
    issues: list[ImportIssue] = field(default_factory=list)
    rollup_creator_ids: set[int] = field(default_factory=set)
    met_creator_ids: set[int] = field(default_factory=set)  # see ImportContext

    def outcome(self, name: str) -> None:
        self.counts[name] += 1

    def copy(self) -> BatchResult:
        return BatchResult(
            Counter(self.counts),
            list(self.issues),
            set(self.rollup_creator_ids),
            set(self.met_creator_ids),
        )

    def issue(
        self,
        ctx: ImportContext,
        row: Row | None,
        field_name: str,
        value,
        reason,
        level=ImportIssue.Level.WARNING,
    ) -> None:
        self.issues.append(
            ImportIssue(
                job=ctx.job,
                line=row.line if row is not None else None,
                column=str(ctx.header(field_name)) if field_name else "",
                value="" if value is None else str(value)[:2000],
                reason=str(reason)[:500],
                level=level,
            )
        )

    def warn(self, ctx, row, field_name, value, reason) -> None:
        self.issue(ctx, row, field_name, value, reason, ImportIssue.Level.WARNING)

    def fail(self, ctx, row, field_name, value, reason) -> None:
        self.issue(ctx, row, field_name, value, reason, ImportIssue.Level.ERROR)
        self.outcome("failed")

    def skip(self, ctx, row, field_name, value, reason) -> None:
        self.issue(ctx, row, field_name, value, reason, ImportIssue.Level.WARNING)
        self.outcome("skipped")


# Values repeat a lot in real sheets (countries, dates, statuses, small counts): caching the
# pure parsers turns most of a row's parsing into dictionary look-ups.
def _cached(func):
    cached = functools.lru_cache(maxsize=20000)(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = cached(*args, **kwargs)
        if isinstance(result, _Failure):
            # A fresh exception each time: re-raising one cached instance would chain every
            # raise's frames onto its traceback and keep whole batches alive.
            raise result.error_class(*result.args)
        return result

    return wrapper


@dataclass(frozen=True)
class _Failure:
    error_class: type
    args: tuple


def _catching(func):
    def inner(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NormaliseError as exc:
            return _Failure(type(exc), (exc.value, exc.reason, exc.code))

    return inner


country = _cached(_catching(normalise_country))
count = _cached(_catching(parse_count))
date = _cached(_catching(parse_date))
percent = _cached(_catching(parse_percent))
decimal = _cached(_catching(parse_decimal))
# Phones are often unique, but a creator's number recurs on every row naming them and in every
# re-import; phonenumbers costs ~35-100 µs a number, a cache hit well under 1 µs.
phone = _cached(_catching(normalise_phone))


def parse_count_text(text: str, decimal_comma: bool | None):
    if decimal_comma and "," in text and "." not in text:
        return count(text.replace(",", "."))
    return count(text)


def money(text: str, decimal_comma: bool | None = None):
    value = decimal(text, decimal_comma=decimal_comma)
    if value < 0:
        raise NormaliseError(text, _("An amount cannot be negative"), "negative")
    return value.quantize(Decimal("0.01"))


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def record_key(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:64]


_ISO_DAY_RE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


def _days_in(texts) -> list[dt.date]:
    found = []
    for text in texts:
        for day_text in _ISO_DAY_RE.findall(text or ""):
            try:
                found.append(parse_date(day_text))
            except NormaliseError:
                continue
    return found


def period_end(preamble: list[list[str]]) -> dt.date | None:
    """The last date named above the header ("Date range: 2026-08-01 ~ 2026-10-31")."""
    found = _days_in(cell for cells in preamble for cell in cells)
    return found[-1] if found else None


def period_range(preamble: list[list[str]]) -> tuple[dt.date, dt.date] | None:
    """The dates a report covers, as named above the header (first and last date found)."""
    found = _days_in(cell for cells in preamble for cell in cells)
    return (min(found), max(found)) if found else None


def cell_period(text: str) -> tuple[dt.date, dt.date]:
    """A report's date cell: one day ("2026-11-01", "11/01/2026") or a range written in one
    cell ("2026-11-01 ~ 2026-11-03", "2026-11-01 - 2026-11-03"). Raises NormaliseError."""
    days = _days_in([text])
    if len(days) >= 2:
        start, end = min(days), max(days)
        return start, end
    day = date(text)
    return day, day


def snapshots_record(ctx: ImportContext, result: BatchResult, items: list[dict]) -> set[str]:
    """Record one metric snapshot per item unless its natural key was recorded before.

    Each item: {"key", "creator_id", "captured_at", and metric values}, plus for a period
    (a day or date range of an Amazon report) "period": (start, end, report_kind, period_key).
    Returns the keys newly recorded. Keys already present (this file imported before, a
    resumed job, or the same row twice in the file) are skipped; the key rows are written in
    the same transaction as the snapshots, so a crash leaves either both or neither.

    A new period replaces the periods of the same creator, report and row identity whose dates
    overlap it (a corrected re-export of a day, or a later report covering those days): a
    seller expects each day counted once, with the numbers of the report imported last.
    """
    if not items:
        return set()
    unique: dict[str, dict] = {}
    for item in items:
        unique.setdefault(item["key"], item)
    # Two rows of one batch for the same period and identity (a corrected line further down
    # the file): the later one wins, as it would across two imports.
    by_period: dict[tuple, str] = {}
    for key, item in unique.items():
        if item.get("period"):
            by_period[(item["creator_id"], *item["period"])] = key
    kept = set(by_period.values())
    unique = {k: v for k, v in unique.items() if not v.get("period") or k in kept}
    existing = set(
        ImportRecordKey.objects.filter(workspace=ctx.workspace, key__in=list(unique)).values_list(
            "key", flat=True
        )
    )
    fresh = [item for key, item in unique.items() if key not in existing]
    if not fresh:
        return set()
    _periods_replace(ctx, [item for item in fresh if item.get("period")])
    currency = ctx.workspace.default_currency
    snapshots = []
    for item in fresh:
        values = {
            k: v for k, v in item.items() if k not in ("key", "creator_id", "captured_at", "period")
        }
        period = {}
        if item.get("period"):
            start, end, report_kind, period_key = item["period"]
            period = {
                "kind": MetricSnapshot.Kind.PERIOD,
                "period_start": start,
                "period_end": end,
                "report_kind": report_kind,
                "period_key": period_key,
            }
        snapshots.append(
            MetricSnapshot(
                workspace=ctx.workspace,
                creator_id=item["creator_id"],
                captured_at=item["captured_at"],
                source=MetricSnapshot.Source.IMPORT,
                currency=currency,
                **period,
                **values,
            )
        )
    MetricSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    ImportRecordKey.objects.bulk_create(
        [
            ImportRecordKey(workspace=ctx.workspace, key=item["key"], snapshot=s, job=ctx.job)
            for item, s in zip(fresh, snapshots, strict=True)
        ],
        batch_size=1000,
    )
    per_creator = Counter(s.creator_id for s in snapshots)
    ActivityEvent.objects.bulk_create(
        [
            ActivityEvent(
                workspace=ctx.workspace,
                verb=ActivityEvent.Verb.METRICS_RECORDED,
                actor=ctx.actor,
                creator_id=creator_id,
                data={"snapshots": n, "import_job": ctx.job.pk},
            )
            for creator_id, n in per_creator.items()
        ],
        batch_size=1000,
    )
    result.rollup_creator_ids.update(per_creator)
    return {item["key"] for item in fresh}


def _periods_replace(ctx: ImportContext, items: list[dict]) -> None:
    """Delete the recorded periods these new ones replace: same creator, report and row
    identity, overlapping dates. One statement for the batch; their row keys go with them
    (ImportRecordKey.snapshot cascades), so re-importing the replaced report later is seen
    as new again rather than silently skipped."""
    if not items:
        return
    table = MetricSnapshot._meta.db_table
    keys = ImportRecordKey._meta.db_table
    with connection.cursor() as cursor:
        # The row keys are deleted in the same statement (the cascade is Django's, not the
        # database's).
        cursor.execute(
            f"""
            WITH gone AS (
            DELETE FROM {table} s
             USING unnest(%s::bigint[], %s::date[], %s::date[], %s::text[], %s::text[])
                   AS n(creator_id, period_start, period_end, report_kind, period_key)
             WHERE s.workspace_id = %s AND s.kind = 'period'
               AND s.creator_id = n.creator_id AND s.report_kind = n.report_kind
               AND s.period_key = n.period_key
               AND s.period_start <= n.period_end AND s.period_end >= n.period_start
            RETURNING s.id)
            DELETE FROM {keys} WHERE snapshot_id IN (SELECT id FROM gone)
            """,
            [
                [item["creator_id"] for item in items],
                [item["period"][0] for item in items],
                [item["period"][1] for item in items],
                [item["period"][2] for item in items],
                [item["period"][3] for item in items],
                ctx.workspace.pk,
            ],
        )


def creators_by_column(ctx: ImportContext, column: str, values: set[str]) -> dict[str, int]:
    """Map each value to the (oldest) creator with that value in `column` (exact match)."""
    found: dict[str, int] = {}
    if not values:
        return found
    rows = (
        Creator.objects.filter(workspace=ctx.workspace, **{f"{column}__in": list(values)})
        .order_by("pk")
        .values_list(column, "pk")
    )
    for value, pk in rows:
        found.setdefault(value, pk)
    return found


def now():
    return timezone.now()


class Plain:
    """A row to insert, without a Django model instance: attributes named like the model's
    fields (attname: `workspace_id`, `creator_id`), `pk` an alias of `id`. Building one costs
    a dictionary copy instead of Django's ~38 µs per instance; `fast_insert` writes them."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def pk(self):
        return self.__dict__.get("id")

    @pk.setter
    def pk(self, value) -> None:
        self.__dict__["id"] = value


@functools.cache
def _field_defaults(model) -> tuple[dict, tuple]:
    """(constant defaults, names of fields whose default is a callable) of a model."""
    constant, called = {}, []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            constant[f.attname] = None
        elif f.has_default() and callable(f.default):
            called.append((f.attname, f))
        else:
            constant[f.attname] = f.get_default()
    return constant, tuple(called)


def plain(model, **values) -> Plain:
    """A new `model` row as a Plain object with the model's defaults filled in."""
    constant, called = _field_defaults(model)
    obj = Plain(constant)
    for name, f in called:
        obj.__dict__[name] = f.get_default()
    obj.__dict__.update(values)
    return obj


@functools.cache
def _copy_layout(model) -> tuple[list, list]:
    from django.db import models as dj

    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    converters = []
    for f in fields:
        if isinstance(f, dj.DateTimeField) and (f.auto_now or f.auto_now_add):
            converters.append((f.attname, "now"))
        elif isinstance(f, dj.JSONField):
            converters.append((f.attname, "json"))
        else:
            converters.append((f.attname, None))
    return fields, converters


def fast_insert(
    model, objects: list, *, need_ids: bool = False, db_columns: tuple[str, ...] = ()
) -> None:
    """Insert `objects` (model instances or Plain rows) with COPY (ids allocated from the
    table's sequence first when the caller needs them). COPY skips Django's per-value SQL
    compilation, which is most of an import's time at 100,000 rows; model defaults and
    auto_now(_add) timestamps are applied here as bulk_create would. `db_columns`: columns
    the table has but the model does not (influencers.search_keys), each object carrying
    its value under that name."""
    if not objects:
        return
    import json

    meta = model._meta
    table = meta.db_table
    stamp = timezone.now()
    fields, converters = _copy_layout(model)
    pk = meta.pk
    with connection.cursor() as cursor:
        if need_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objects)],
            )
            for obj, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = new_id
            fields = [pk, *fields]
            converters = [(pk.attname, None), *converters]
        columns = ", ".join(
            connection.ops.quote_name(c) for c in [*(f.column for f in fields), *db_columns]
        )
        names = [attname for attname, _how in converters] + list(db_columns)
        stamped = [attname for attname, how in converters if how == "now"]
        jsons = [index for index, (_name, how) in enumerate(converters) if how == "json"]
        values_of = operator.itemgetter(*names)
        dumps = json.dumps
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
            ) as copy,
        ):
            write_row = copy.write_row
            for obj in objects:
                values = obj.__dict__  # a model instance keeps its field values there too
                for attname in stamped:
                    if not values.get(attname):
                        values[attname] = stamp
                row = values_of(values)
                if jsons:
                    row = list(row)
                    for index in jsons:
                        row[index] = dumps(row[index])
                write_row(row)
    for obj in objects:
        state = getattr(obj, "_state", None)
        if state is not None:
            state.adding = False
            state.db = "default"


def fast_update(model, objects: list, field_names) -> None:
    """UPDATE the given fields of `objects` (Plain rows or model instances with their id) in
    one statement: the values travel as one array per column (`unnest`), instead of
    bulk_update's CASE WHEN per row and field, which Django compiles value by value."""
    if not objects:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    casts = [f"%s::{meta.pk.db_type(connection)}[]"] + [
        f"%s::{f.db_type(connection)}[]" for f in fields
    ]
    aliases = ["id"] + [f"v{i}" for i in range(len(fields))]
    assignments = ", ".join(
        f"{quote(f.column)} = v.{alias}" for f, alias in zip(fields, aliases[1:], strict=True)
    )
    params = [[obj.pk for obj in objects]] + [
        [getattr(obj, f.attname) for obj in objects] for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
            f"FROM unnest({', '.join(casts)}) AS v({', '.join(aliases)}) "
            f"WHERE t.{quote(meta.pk.column)} = v.id",
            params,
        )
