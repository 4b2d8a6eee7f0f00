"""Export streams the whole list, UTF-8 with BOM, with formula-like cells neutralised."""

import csv
import io
import tracemalloc

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
    pieces = creators_csv_stream(Creator.objects.filter(workspace=workspace))
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
    for _piece in creators_csv_stream(queryset):
        pieces += 1
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert pieces > 10  # streamed in many pieces, not built as one string
    assert peak < 40 * 1024 * 1024


@pytest.mark.django_db
def test_xlsx_export_neutralises_and_keeps_numbers(workspace):
    CreatorFactory(workspace=workspace, display_name="+SUM(A1)", followers=1234)
    handle = creators_xlsx_file(Creator.objects.filter(workspace=workspace))
    workbook = openpyxl.load_workbook(handle, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == "'+SUM(A1)"
    assert rows[1][10] == 1234
    handle.close()


@pytest.mark.django_db
def test_the_postgresql_export_picks_the_same_cells_as_the_reference_path(workspace):
    """The COPY path (server-side, ordered aggregates) and the portable path (`_rows` + csv)
    write the same rows: the first handle per platform, the primary (else first) email and
    phone or WhatsApp, neutralised cells, empty cells where there is nothing."""
    from influencers.exporters import creators as exporters
    from influencers.models import ContactMethod

    tricky = CreatorFactory(workspace=workspace, display_name="-2+3", remarks="\tnote")
    PlatformAccountFactory(creator=tricky, platform="tiktok", handle_normalised="first")
    PlatformAccountFactory(creator=tricky, platform="instagram", handle_normalised="insta")
    PlatformAccountFactory(creator=tricky, platform="youtube", handle_normalised="=tube")
    ContactMethodFactory(
        creator=tricky, kind="email", value_normalised="a@example.com", is_primary=False
    )
    ContactMethodFactory(
        creator=tricky, kind="email", value_normalised="primary@example.com", is_primary=True
    )
    ContactMethodFactory(creator=tricky, kind="whatsapp", value_normalised="+4915112345678")
    ContactMethodFactory(creator=tricky, kind="phone", value_normalised="+12015550123")
    ContactMethodFactory(creator=tricky, kind="wechat", value_normalised="wx-only")
    CreatorFactory(workspace=workspace, display_name="nobody to reach", country="")
    for n in range(30):
        creator = CreatorFactory(workspace=workspace, display_name=f"Creator {n}")
        PlatformAccountFactory(creator=creator, platform="tiktok", handle_normalised=f"c{n}")
        ContactMethodFactory(creator=creator, kind="email", value_normalised=f"c{n}@example.com")
    queryset = Creator.objects.filter(workspace=workspace)

    def rows(text):
        return sorted(csv.reader(io.StringIO(text.lstrip("\ufeff"))))

    server = "".join(creators_csv_stream(queryset))
    writer = csv.writer(exporters._Echo())
    portable = "".join(
        writer.writerow([neutralise(v) for v in values]) for values in exporters._rows(queryset)
    )
    assert rows(server)[:-1] == rows(portable)  # the header sorts last ("id" > digits)
    row = next(r for r in rows(server) if r[0] == str(tricky.pk))
    assert row[1:7] == [
        "'-2+3",
        "first",
        "insta",
        "'=tube",
        "primary@example.com",
        "+4915112345678",
    ]
    assert ContactMethod.objects.filter(creator=tricky).count() == 5
