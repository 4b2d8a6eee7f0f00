"""Issue 13 item 6: "Export this list" on the creator list exports what the list shows — its
filters and search, every page, not only selected rows — as CSV and as Excel with a frozen,
filterable header, labels in the user's language, formula-like text neutralised, contacts
masked for viewers; a bad filter is a clear message, never a 500."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from influencers.models import Creator
from tests.factories import (
    ContactMethodFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = "admin:influencers_creator_changelist"


def _export(name):
    return reverse("admin:influencers_creator_export_list", args=[name])


@pytest.fixture
def pool(workspace, other_workspace):
    active = [
        CreatorFactory(workspace=workspace, display_name=f"Active {i}", status="active")
        for i in range(30)  # more than one page of the list
    ]
    CreatorFactory(workspace=workspace, display_name="=HYPERLINK(evil)", status="active")
    CreatorFactory(workspace=workspace, display_name="Prospect", status="prospect")
    CreatorFactory(workspace=other_workspace, display_name="Theirs", status="active")
    ContactMethodFactory(
        creator=active[0], value="ana@example.com", value_normalised="ana@example.com"
    )
    return active


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_the_button_carries_the_lists_filters_and_exports_every_page(client, member, pool):
    client.force_login(member)
    page = client.get(reverse(LIST), {"status__exact": "active"}).content.decode()
    assert 'id="export-list"' in page and "31 creators" in page
    assert f'href="{_export("csv")}?status__exact=active"' in page

    rows = _csv_rows(client.get(_export("csv"), {"status__exact": "active"}))
    header, body = rows[0], rows[1:]
    names = {row[header.index("Creator name")] for row in body}
    assert len(body) == 31 and "Prospect" not in names and "Theirs" not in names
    assert "'=HYPERLINK(evil)" in names  # neutralised
    status = {row[header.index("Status")] for row in body}
    assert status == {"Active"}  # the label, not the code


def test_search_narrows_the_export_and_labels_follow_the_language(client, member, pool):
    client.force_login(member)
    rows = _csv_rows(client.get(_export("csv"), {"q": "Active 1"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert len(rows) > 1
    assert all("Active 1" in " ".join(row) for row in rows[1:])
    assert "达人名称" in rows[0] and "状态" in rows[0]
    assert {row[rows[0].index("状态")] for row in rows[1:]} == {"合作中"}


def test_excel_has_a_frozen_filterable_header(client, member, pool):
    client.force_login(member)
    response = client.get(_export("xlsx"), {"status__exact": "prospect"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.max_row == 2 and "Prospect" in [c.value for c in sheet[2]]


def test_a_viewer_gets_masked_contacts(client, workspace, pool):
    viewer = UserFactory(username="vera", is_staff=True)
    MembershipFactory(workspace=workspace, user=viewer, role="viewer")
    client.force_login(viewer)
    body = "\n".join(",".join(r) for r in _csv_rows(client.get(_export("csv"))))
    assert "ana@example.com" not in body and "Active 0" in body


def test_a_bad_filter_is_a_message_not_an_error(client, member, pool):
    client.force_login(member)
    response = client.get(_export("csv"), {"readiness__score__gte": "lots"}, follow=True)
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    assert Creator.objects.count() == 33
