"""Export a creator queryset: one row per creator with everything the creator import reads.

The file reads back: each column is written under the label of the import field it feeds, in
the exporting user's language (the import knows those labels in every product language), and
exporting then importing the file changes nothing (tests/test_export_roundtrip.py). Several
values of one kind (a creator's TikTok handles, emails, phones, tags) share one cell, joined
with "; ", which the import splits.

Both formats stream, so memory stays flat whatever the number of creators: PostgreSQL builds
every row itself (`COPY (SELECT ...) TO STDOUT`, the handles, contacts and tags of each
creator picked by ordered aggregates in one LATERAL look-up per table). The CSV is UTF-8 with
a BOM (Excel then shows Chinese correctly); for members it is the server's CSV as it comes,
formula-like text neutralised by the same rule as `neutralise` (a CASE). Viewers' CSV and
every XLSX are built from the same rows parsed in Python: contacts masked by the policy,
numbers written as numbers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.db import connections
from django.utils.translation import gettext_lazy as _

from influencers import policy
from influencers.importers.columns import field_label
from influencers.models import (
    Agency,
    ContactMethod,
    Creator,
    CreatorStatus,
    PlatformAccount,
    Tag,
    TikTokShopStatus,
)

from .safety import neutralise

# The platforms the creator import reads a handle column for, in its order: the import takes
# the first handle of the first of these as the row's main account.
HANDLE_PLATFORMS = ("tiktok", "instagram", "youtube", "x", "twitch")
CONTACT_KINDS = {
    "email": ContactMethod.Kind.EMAIL,
    "phone": ContactMethod.Kind.PHONE,
    "whatsapp": ContactMethod.Kind.WHATSAPP,
    "wechat": ContactMethod.Kind.WECHAT,
}
SEPARATOR = "; "

# (import field, SQL of the cell, how the cell is typed in XLSX). Labels come from the import
# (columns.field_label), except the two columns it does not read back.
_TEXT, _INT, _DECIMAL = "text", "int", "decimal"
_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "c.id", _INT),
    ("display_name", "c.display_name", _TEXT),
    *((platform, f"h.{platform}", _TEXT) for platform in HANDLE_PLATFORMS),
    *((alias, f"k.{alias}", _TEXT) for alias in CONTACT_KINDS),
    ("category", "t.tags", _TEXT),
    ("agency", "ag.name", _TEXT),
    ("status", "{status_label}", _TEXT),
    ("owner", "u.username", _TEXT),
    ("country", "c.country", _TEXT),
    ("language", "c.language", _TEXT),
    # The main account's figures (see HANDLE_PLATFORMS), blank when unknown: these are the
    # numbers the import writes back to that account, so a round trip invents none.
    ("followers", "h.followers", _INT),
    ("engagement_rate", "h.engagement_rate", _DECIMAL),
    ("associates_tracking_id", "c.associates_tracking_id", _TEXT),
    ("attribution_tag", "c.attribution_tag", _TEXT),
    ("tiktok_shop_status", "{shop_label}", _TEXT),
    ("last_contacted", "to_char(c.last_contacted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')", _TEXT),
    ("notes", "c.remarks", _TEXT),
    ("orders", "c.rollup_orders", _INT),
    ("sales", "c.rollup_gmv", _DECIMAL),
)
# Headers other than the import's field label: shorter words a seller expects in a sheet, each
# one also an alias of the same field in both languages (so the file still reads back), and
# the two roll-ups, which the creator import does not read.
_OWN_LABELS = {
    "id": _("ID"),
    "category": _("Tags"),
    "notes": _("Remarks"),
    "orders": _("Orders (roll-up)"),
    "sales": _("GMV (roll-up)"),
}
_CONTACT_INDEXES = {
    index: CONTACT_KINDS[name]
    for index, (name, _sql, _t) in enumerate(_COLUMNS)
    if name in CONTACT_KINDS
}
_REMARKS_INDEX = next(i for i, (name, _sql, _t) in enumerate(_COLUMNS) if name == "notes")


def export_labels() -> list[str]:
    """The header row, in the active language."""
    return [str(_OWN_LABELS.get(name) or field_label(name)) for name, _sql, _t in _COLUMNS]


# Kept for callers that list the columns (admin help, docs).
EXPORT_COLUMNS = tuple(
    (name, _OWN_LABELS.get(name) or field_label(name)) for name, _s, _t in _COLUMNS
)

_NUMBER_PATTERN = r"^[+-]?(?:[0-9]+(?:[.,][0-9]+)*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_PIECE_ROWS = 500  # rows per yielded piece of CSV


def _safe(expression: str) -> str:
    """SQL for neutralise(expression) of a text column; '' becomes NULL, which COPY writes as
    an empty unquoted field like the csv module (an empty string would be written ""). The
    first character is compared before the regular expression runs: most cells stop there."""
    return (
        f"CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        f"AND {expression} !~ %(number)s THEN '''' || {expression} "
        f"ELSE NULLIF({expression}, '') END"
    )


def _label_case(column: str, choices, prefix: str, params: dict) -> str:
    """CASE column WHEN value THEN label ... (labels in the active language, as parameters)."""
    whens = []
    for n, (value, label) in enumerate(choices):
        params[f"{prefix}v{n}"], params[f"{prefix}l{n}"] = value, str(label)
        whens.append(f"WHEN %({prefix}v{n})s THEN %({prefix}l{n})s")
    return f"CASE {column} {' '.join(whens)} ELSE {column} END"


def _select(queryset, *, safe: bool) -> tuple[str, dict]:
    ids_sql, ids_params = queryset.order_by().values("pk").query.sql_with_params()
    # The queryset's own (positional) parameters are renamed: both styles cannot mix.
    names = [f"p{i}" for i in range(len(ids_params))]
    ids_sql = ids_sql.replace("%%", "%%%%") % tuple(f"%({name})s" for name in names)
    params: dict = dict(zip(names, ids_params, strict=True))
    params["number"] = _NUMBER_PATTERN
    params["platforms"] = list(HANDLE_PLATFORMS)
    accounts, contacts = PlatformAccount._meta.db_table, ContactMethod._meta.db_table
    through, tags = Creator.tags.through._meta.db_table, Tag._meta.db_table
    handles = ", ".join(
        f"string_agg(a.handle_normalised, '{SEPARATOR}' ORDER BY a.id) "
        f"FILTER (WHERE a.platform = '{platform}') AS {platform}"
        for platform in HANDLE_PLATFORMS
    )
    main_account = "array_position(%(platforms)s::text[], a.platform::text), a.id"
    figures = (
        f"(array_agg(a.followers ORDER BY {main_account}) "
        f"FILTER (WHERE a.platform = ANY(%(platforms)s::text[])))[1] AS followers, "
        f"(array_agg(a.engagement_rate ORDER BY {main_account}) "
        f"FILTER (WHERE a.platform = ANY(%(platforms)s::text[])))[1] AS engagement_rate"
    )
    contact_cells = ", ".join(
        f"string_agg(m.value_normalised, '{SEPARATOR}' ORDER BY m.is_primary DESC, m.id) "
        f"FILTER (WHERE m.kind = '{kind}') AS {alias}"
        for alias, kind in CONTACT_KINDS.items()
    )
    joins = (
        f"LEFT JOIN LATERAL (SELECT {handles}, {figures} FROM {accounts} a "
        f"WHERE a.creator_id = c.id) h ON true "
        f"LEFT JOIN LATERAL (SELECT {contact_cells} FROM {contacts} m "
        f"WHERE m.creator_id = c.id) k ON true "
        f"LEFT JOIN LATERAL (SELECT string_agg(tg.name, '{SEPARATOR}' ORDER BY lower(tg.name)) "
        f"AS tags FROM {through} ct JOIN {tags} tg ON tg.id = ct.tag_id "
        f"WHERE ct.creator_id = c.id) t ON true "
        f"LEFT JOIN {Agency._meta.db_table} ag ON ag.id = c.agency_id "
        f"LEFT JOIN {Creator._meta.get_field('owner').related_model._meta.db_table} u "
        f"ON u.id = c.owner_id"
    )
    labels = {
        "status_label": _label_case("c.status", CreatorStatus.choices, "s", params),
        "shop_label": _label_case("c.tiktok_shop_status", TikTokShopStatus.choices, "t", params),
    }
    cells = []
    for _name, sql, kind in _COLUMNS:
        sql = sql.format(**labels)
        cells.append(_safe(sql) if safe and kind == _TEXT else sql)
    statement = (
        f"SELECT {', '.join(cells)} FROM {Creator._meta.db_table} c {joins} "
        f"WHERE c.id IN ({ids_sql}) ORDER BY c.id"
    )
    return statement, params


def _copy(queryset, *, safe: bool) -> Iterator[bytes]:
    """The rows as PostgreSQL writes them in CSV, one record each (its "\\n" dropped)."""
    sql, params = _select(queryset, safe=safe)
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        copy_sql = cursor.cursor.mogrify(sql, params)
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY ({copy_sql}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for data in copy:  # one message per row
                yield bytes(data[:-1])


def _rows(queryset, *, role) -> Iterator[list]:
    """Each row's cells typed (int, Decimal, text; None when empty), contacts and remarks
    as the role may see them."""
    masked = policy.must_mask(role)
    types = [kind for _name, _sql, kind in _COLUMNS]
    for record in _copy(queryset, safe=False):
        cells = next(csv.reader(io.StringIO(record.decode())))
        row: list = []
        for index, (text, kind) in enumerate(zip(cells, types, strict=True)):
            if text == "":
                row.append(None)
            elif kind == _INT:
                row.append(int(text))
            elif kind == _DECIMAL:
                row.append(Decimal(text))
            elif masked and index in _CONTACT_INDEXES:
                kind_of = _CONTACT_INDEXES[index]
                row.append(
                    SEPARATOR.join(policy.mask_contact(kind_of, v) for v in text.split(SEPARATOR))
                )
            elif masked and index == _REMARKS_INDEX:
                row.append(policy.mask_text(text))
            else:
                row.append(text)
        yield row


class _Echo:
    def write(self, value):
        return value


def creators_csv_stream(queryset=None, *, role) -> Iterator[str]:
    """CSV text pieces (the first starts with a BOM and the header), a few hundred rows per
    piece. `role` decides what personal data the file holds (influencers.policy)."""
    if queryset is None:
        queryset = Creator.objects.all()
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export_labels())
    if policy.must_mask(role):
        # Viewers' rows come through the same masking function as every other output.
        pieces = (
            writer.writerow(
                [
                    "" if v is None else v if isinstance(v, int | Decimal) else neutralise(v)
                    for v in row
                ]
            )
            for row in _rows(queryset, role=role)
        )
        joiner = ""
    else:
        pieces = (record.decode() for record in _copy(queryset, safe=True))
        joiner = "\r\n"  # the csv module's line end, which the header used
    buffer: list[str] = []
    for piece in pieces:
        buffer.append(piece)
        if len(buffer) >= _PIECE_ROWS:
            yield joiner.join(buffer) + joiner
            buffer = []
    if buffer:
        yield joiner.join(buffer) + joiner


def creators_xlsx_file(queryset=None, *, role):
    """Write the XLSX to a temporary file (write-only mode: rows are not kept in memory) and
    return it open, positioned at the start; the caller streams and closes it. The header row
    is frozen and carries a filter."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    if queryset is None:
        queryset = Creator.objects.all()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Creators")))
    sheet.freeze_panes = "A2"
    labels = export_labels()
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(labels))}1"
    sheet.append(labels)
    for row in _rows(queryset, role=role):
        sheet.append(
            [
                float(v)
                if isinstance(v, Decimal)
                else v
                if v is None or isinstance(v, int)
                else neutralise(v)
                for v in row
            ]
        )
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
