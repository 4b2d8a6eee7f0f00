"""Export streams the whole list, UTF-8 with BOM, with formula-like cells neutralised."""

import csv
import datetime as dt
import io
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest

from influencers.exporters import creators_csv_stream, creators_xlsx_file, neutralise
from influencers.models import Creator
from tests.factories import ContactMethodFactory, CreatorFactory, PlatformAccountFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(1,1)", "'+SUM(1,1)"),
        ("@cmd /c calc", "'@cmd /c calc"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),
        ("+4915", "+4915"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
    ],
)
def test_cells_that_start_a_formula_are_neutralised(value, expected):
    assert neutralise(value) == expected


@pytest.mark.django_db
def test_csv_export_streams_every_creator_with_bom_and_safe_cells(workspace):
    evil = CreatorFactory(
        workspace=workspace, display_name='=HYPERLINK("http://x","y")', remarks="@cmd /c calc"
    )
    PlatformAccountFactory(creator=evil, handle="@evil", handle_normalised="evil")
    ContactMethodFactory(creator=evil, value="evil@example.com", is_primary=True)
    CreatorFactory.create_batch(5_500, workspace=workspace, display_name="王芳")
    pieces = creators_csv_stream(Creator.objects.filter(workspace=workspace), role="owner")
    first = next(pieces)
    assert first.startswith("\ufeff")
    text = first + "".join(pieces)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 5_501  # the whole list, not one page
    row = next(r for r in rows if r[0] == str(evil.pk))
    assert row[1] == '\'=HYPERLINK("http://x","y")'
    assert row[2] == "evil" and row[5] == "evil@example.com"
    assert row[-1] == "'@cmd /c calc"
    assert any(r[1] == "王芳" for r in rows[1:])
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"


@pytest.mark.django_db
def test_csv_export_is_a_generator_with_flat_memory(workspace):
    CreatorFactory.create_batch(5200, workspace=workspace)
    queryset = Creator.objects.filter(workspace=workspace)
    tracemalloc.start()
    pieces = 0
    for _piece in creators_csv_stream(queryset, role="owner"):
        pieces += 1
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert pieces > 10  # streamed in many pieces, not built as one string
    assert peak < 40 * 1024 * 1024


@pytest.mark.django_db
def test_xlsx_export_neutralises_and_keeps_numbers(workspace):
    CreatorFactory(workspace=workspace, display_name="+SUM(A1)", followers=1234)
    handle = creators_xlsx_file(Creator.objects.filter(workspace=workspace), role="owner")
    workbook = openpyxl.load_workbook(handle, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == "'+SUM(A1)"
    assert rows[1][10] == 1234
    handle.close()


def _csv_rows(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.django_db
def test_each_column_holds_the_first_handle_the_primary_contact_and_the_creators_figures(
    workspace,
):
    """Per creator: the first handle on each platform, the primary (else first) email and
    phone or WhatsApp, the creator's own figures, formula-like text neutralised, empty cells
    where there is nothing; the XLSX row holds the same cells (numbers as numbers)."""
    tricky = CreatorFactory(
        workspace=workspace,
        display_name="-2+3",
        remarks="\tnote",
        status="active",
        country="DE",
        language="de",
        followers=250_000,
        engagement_rate=Decimal("5.25"),
        associates_tracking_id="lena-20",
        attribution_tag="=cmd",
        tiktok_shop_status="active",
        rollup_orders=12,
        rollup_gmv=Decimal("345.60"),
        # Late on the 4th in UTC (already the 5th in Berlin): the export writes the UTC date.
        last_contacted_at=dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC),
    )
    PlatformAccountFactory(creator=tricky, platform="tiktok", handle_normalised="first")
    PlatformAccountFactory(creator=tricky, platform="tiktok", handle_normalised="second")
    PlatformAccountFactory(creator=tricky, platform="instagram", handle_normalised="insta")
    PlatformAccountFactory(creator=tricky, platform="youtube", handle_normalised="=tube")
    ContactMethodFactory(
        creator=tricky, kind="email", value_normalised="a@example.com", is_primary=False
    )
    ContactMethodFactory(
        creator=tricky, kind="email", value_normalised="primary@example.com", is_primary=True
    )
    ContactMethodFactory(
        creator=tricky, kind="whatsapp", value_normalised="+4915112345678", is_primary=False
    )
    ContactMethodFactory(
        creator=tricky, kind="phone", value_normalised="+12015550123", is_primary=False
    )
    ContactMethodFactory(creator=tricky, kind="wechat", value_normalised="wx-only")
    nobody = CreatorFactory(workspace=workspace, display_name="nobody to reach", country="")
    plain = []
    for n in range(30):
        creator = CreatorFactory(workspace=workspace, display_name=f"Creator {n}")
        PlatformAccountFactory(creator=creator, platform="tiktok", handle_normalised=f"c{n}")
        ContactMethodFactory(creator=creator, kind="email", value_normalised=f"c{n}@example.com")
        plain.append((creator.pk, n))
    queryset = Creator.objects.filter(workspace=workspace)

    rows = _csv_rows("".join(creators_csv_stream(queryset, role="owner")))
    assert rows[0][:3] == ["ID", "Creator name", "TikTok"]
    by_id = {row[0]: row for row in rows[1:]}
    assert len(by_id) == 32
    assert by_id[str(tricky.pk)] == [
        str(tricky.pk),
        "'-2+3",
        "first",
        "insta",
        "'=tube",
        "primary@example.com",
        "+4915112345678",  # no primary phone: the first of phone and WhatsApp
        "active",
        "DE",
        "de",
        "250000",
        "5.25",
        "lena-20",
        "'=cmd",
        "active",
        "12",
        "345.60",
        "2026-03-04",
        "'\tnote",
    ]
    assert by_id[str(nobody.pk)] == [
        str(nobody.pk), "nobody to reach", "", "", "", "", "", "prospect", "", "en",
        "0", "0.00", "", "", "none", "0", "0.00", "", "",
    ]  # fmt: skip
    for pk, n in plain:
        row = by_id[str(pk)]
        assert (row[1], row[2], row[3], row[5], row[6]) == (
            f"Creator {n}",
            f"c{n}",
            "",
            f"c{n}@example.com",
            "",
        )

    workbook = openpyxl.load_workbook(creators_xlsx_file(queryset, role="owner"), read_only=True)
    xlsx = {row[0]: row for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert list(xlsx[tricky.pk]) == [
        tricky.pk,
        "'-2+3",
        "first",
        "insta",
        "'=tube",
        "primary@example.com",
        "+4915112345678",
        "active",
        "DE",
        "de",
        250_000,
        5.25,
        "lena-20",
        "'=cmd",
        "active",
        12,
        345.6,
        "2026-03-04",
        "'\tnote",
    ]
