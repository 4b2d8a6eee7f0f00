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


def _by_header(text):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


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
    rows = _by_header(text)
    assert len(rows) == 5_501  # the whole list, not one page
    row = next(r for r in rows if r["ID"] == str(evil.pk))
    assert row["Creator name"] == '\'=HYPERLINK("http://x","y")'
    assert row["TikTok handle"] == "evil" and row["Email"] == "evil@example.com"
    assert row["Remarks"] == "'@cmd /c calc"
    assert any(r["Creator name"] == "王芳" for r in rows)
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
def test_xlsx_export_neutralises_keeps_numbers_and_freezes_a_filtered_header(workspace):
    creator = CreatorFactory(workspace=workspace, display_name="+SUM(A1)")
    PlatformAccountFactory(creator=creator, handle_normalised="sum", followers=1234)
    handle = creators_xlsx_file(Creator.objects.filter(workspace=workspace), role="owner")
    workbook = openpyxl.load_workbook(handle)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Creator name"] == "'+SUM(A1)"
    assert row["Followers"] == 1234
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    handle.close()


@pytest.mark.django_db
def test_each_column_holds_every_handle_contact_and_tag_and_the_creators_fields(workspace):
    """Per creator: every handle of each platform and every contact of each kind ("; ",
    primary first), tags, agency, status and TikTok Shop status as labels, the owner's
    username, the main account's figures (blank when unknown), formula-like text neutralised;
    the XLSX row holds the same cells (numbers as numbers)."""
    from tests.factories import AgencyFactory, TagFactory, UserFactory

    owner = UserFactory(username="mia.owner")
    tricky = CreatorFactory(
        workspace=workspace,
        display_name="-2+3",
        remarks="\tnote",
        status="active",
        country="DE",
        language="de",
        owner=owner,
        agency=AgencyFactory(workspace=workspace, name="Bright MCN"),
        associates_tracking_id="lena-20",
        attribution_tag="=cmd",
        tiktok_shop_status="active",
        rollup_orders=12,
        rollup_gmv=Decimal("345.60"),
        # Late on the 4th in UTC (already the 5th in Berlin): the export writes the UTC date.
        last_contacted_at=dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC),
    )
    tricky.tags.add(
        TagFactory(workspace=workspace, name="pets"), TagFactory(workspace=workspace, name="Beauty")
    )
    PlatformAccountFactory(
        creator=tricky, platform="instagram", handle_normalised="insta", followers=9
    )
    PlatformAccountFactory(
        creator=tricky, platform="tiktok", handle_normalised="first", followers=250_000,
        engagement_rate=Decimal("5.25"),
    )  # fmt: skip
    PlatformAccountFactory(creator=tricky, platform="tiktok", handle_normalised="second")
    PlatformAccountFactory(creator=tricky, platform="youtube", handle_normalised="=tube")
    for kind, value, primary in [
        ("email", "a@example.com", False),
        ("email", "primary@example.com", True),
        ("whatsapp", "+4915112345678", False),
        ("phone", "+12015550123", False),
        ("wechat", "wx-only", False),
    ]:
        ContactMethodFactory(creator=tricky, kind=kind, value_normalised=value, is_primary=primary)
    nobody = CreatorFactory(workspace=workspace, display_name="nobody to reach", country="")
    queryset = Creator.objects.filter(workspace=workspace)

    rows = {r["ID"]: r for r in _by_header("".join(creators_csv_stream(queryset, role="owner")))}
    expected = {
        "ID": str(tricky.pk),
        "Creator name": "'-2+3",
        "TikTok handle": "first; second",
        "Instagram handle": "insta",
        "YouTube channel": "'=tube",
        "X (Twitter) handle": "",
        "Twitch handle": "",
        "Email": "primary@example.com; a@example.com",
        "Phone": "+12015550123",
        "WhatsApp": "+4915112345678",
        "WeChat": "wx-only",
        "Tags": "Beauty; pets",
        "Agency / MCN": "Bright MCN",
        "Status": "Active",
        "Owner": "mia.owner",
        "Country": "DE",
        "Language": "de",
        "Followers": "250000",  # the TikTok account's: TikTok comes first for the import
        "Engagement rate (%)": "5.25",
        "Associates tracking ID": "lena-20",
        "Amazon Attribution tag": "'=cmd",
        "TikTok Shop status": "Active affiliate",
        "Last contacted": "2026-03-04",
        "Remarks": "'\tnote",
        "Orders (roll-up)": "12",
        "GMV (roll-up)": "345.60",
    }
    assert rows[str(tricky.pk)] == expected
    assert {k: v for k, v in rows[str(nobody.pk)].items() if v} == {
        "ID": str(nobody.pk),
        "Creator name": "nobody to reach",
        "Status": "Prospect",
        "Language": "en",
        "TikTok Shop status": "Not an affiliate",
        "Orders (roll-up)": "0",
        "GMV (roll-up)": "0.00",
    }

    workbook = openpyxl.load_workbook(creators_xlsx_file(queryset, role="owner"), read_only=True)
    sheet = list(workbook.worksheets[0].iter_rows(values_only=True))
    xlsx = {row[0]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]}
    numbers = {"ID": tricky.pk, "Followers": 250_000, "Engagement rate (%)": 5.25,
               "Orders (roll-up)": 12, "GMV (roll-up)": 345.6}  # fmt: skip
    assert xlsx[tricky.pk] == {
        **expected,
        **numbers,
        "X (Twitter) handle": None,
        "Twitch handle": None,
    }
