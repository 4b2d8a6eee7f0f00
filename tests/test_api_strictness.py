"""Every API output is validated before it goes out (issue 14 item 6): the CSV/XLSX export
refuses what the JSON list refuses, before the first byte; replayed errors, 406, If-Match lists,
nested error paths, constraint messages, masked colleague emails; and owners revoke any token
of their workspace in the admin."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from influencers.models import ApiToken, Tag
from tests.factories import (
    CreatorFactory,
    MembershipFactory,
    PlatformAccountFactory,
    TagFactory,
    UserFactory,
    api_token_for,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/creators/"
PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An offset Python parses and PostgreSQL cannot store (it allows at most ±15:59).
FAR_OFFSET = "2026-06-22T19:43:46-23:22"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_lines(response) -> list[str]:
    return _body(response).decode("utf-8-sig").splitlines()


# --- the export validates like the JSON list, before it streams ------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    ["ordering=bogus", "cursor=__dict__", "page_size=0", "followers_min=-1", "status=nonsense"],
)
def test_the_export_refuses_what_the_json_list_refuses_with_the_same_problem(
    api, workspace, fmt, query
):
    CreatorFactory(workspace=workspace)
    as_json = api.get(f"{URL}?{query}")
    exported = api.get(f"{URL}?format={fmt}&{query}")
    assert as_json.status_code == exported.status_code == 400
    assert exported["Content-Type"] == PROBLEM
    assert not exported.streaming
    assert exported.json() == as_json.json()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_date_the_database_cannot_store_is_a_400_before_the_file_starts(api, workspace, fmt):
    # transaction=True: were the database to refuse it, the test's transaction would not abort.
    CreatorFactory(workspace=workspace)
    response = api.get(f"{URL}?format={fmt}&created_since={FAR_OFFSET}")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert not response.streaming
    assert response.json()["errors"] == {
        "created_since": ["Use a time-zone offset between -15:59 and +15:59 (or Z)."]
    }


@pytest.mark.parametrize(
    "offset, status", [("+15:59", 200), ("-15:59", 200), ("Z", 200), ("+16:00", 400)]
)
@pytest.mark.parametrize(
    "url, param",
    [(URL, "updated_since"), ("/api/v1/activity/", "since"), ("/api/v1/notes/", "occurred_after")],
)
def test_time_zone_offsets_up_to_what_the_database_stores_are_accepted(
    api, url, param, offset, status
):
    response = api.get(url, {param: f"2026-06-22T19:43:46{offset}"})
    assert response.status_code == status
    if status == 400:
        assert list(response.json()["errors"]) == [param]


def test_an_unknown_tag_exports_a_csv_with_its_header_only(api, workspace):
    CreatorFactory(workspace=workspace).tags.add(TagFactory(workspace=workspace, name="pets"))
    assert api.get(f"{URL}?tag=no-such-tag").json()["results"] == []
    response = api.get(f"{URL}?format=csv&tag=no-such-tag")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = _csv_lines(response)
    assert len(lines) == 1 and lines[0].startswith("ID,")
    # And the tag that exists still exports its creator.
    assert len(_csv_lines(api.get(f"{URL}?format=csv&tag=pets"))) == 2


def test_an_unknown_tag_exports_an_xlsx_with_its_header_only(api, workspace):
    from openpyxl import load_workbook

    CreatorFactory(workspace=workspace)
    response = api.get(f"{URL}?format=xlsx&tag=999999")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(_body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][0] == "ID"


def test_accept_text_csv_on_the_creator_list_exports_csv_not_an_empty_200(api, workspace):
    CreatorFactory(workspace=workspace, display_name="Lena Park")
    response = api.get(URL, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = _csv_lines(response)
    assert len(lines) == 2 and "Lena Park" in lines[1]


def test_accept_text_csv_on_a_plan_preview_streams_its_shortlist_not_an_empty_200(api, workspace):
    from tests.switchover_world import eligible, make_plan

    eligible(workspace, 2)
    plan = make_plan(workspace)
    as_json = api.get(f"/api/v1/switchover-plans/{plan.pk}/preview/").json()
    response = api.get(f"/api/v1/switchover-plans/{plan.pk}/preview/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert [int(row[1]) for row in rows[1:]] == [row["creator"] for row in as_json["results"]]
    assert len(rows) == 3
    refused = api.get(f"/api/v1/switchover-plans/{plan.pk}/preview/?format=csv&page_size=x")
    assert refused.status_code == 400
    assert refused["Content-Type"] == PROBLEM


@pytest.mark.parametrize("url", ["/api/v1/tags/", "/api/v1/members/", "creator-detail"])
def test_accept_text_csv_where_there_is_no_csv_is_406_problem(api, workspace, url):
    if url == "creator-detail":
        url = f"{URL}{CreatorFactory(workspace=workspace).pk}/"
    response = api.get(url, HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 406


def test_data_answered_to_the_csv_renderer_is_a_406_never_an_empty_200(api):
    """The guard behind the two cases above: any view of ours that answers data (not a file)
    when negotiation chose CSV."""
    from rest_framework.renderers import JSONRenderer
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from influencers.api.views.base import WorkspaceAPIMixin
    from influencers.api.views.imports import CSVRenderer

    class DataOnly(WorkspaceAPIMixin, APIView):
        renderer_classes = [JSONRenderer, CSVRenderer]

        def get(self, request):
            return Response({"rows": [1, 2]})

    request = APIRequestFactory().get(
        "/api/v1/data-only/", HTTP_ACCEPT="text/csv", HTTP_AUTHORIZATION=f"Bearer {api.raw}"
    )
    response = DataOnly.as_view()(request).render()
    assert response.status_code == 406
    assert response["Content-Type"] == PROBLEM
    assert response.content and b'"status":406' in response.content


# --- replayed errors --------------------------------------------------------------------------


def test_a_replayed_error_is_still_a_problem_document(api, workspace):
    first = api.post("/api/v1/tags/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="e1")
    again = api.post("/api/v1/tags/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="e1")
    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
    assert first["Content-Type"] == again["Content-Type"] == PROBLEM
    assert again.json() == first.json()


# --- If-Match -----------------------------------------------------------------------------------


def test_if_match_takes_a_list_of_etags_and_a_star(api, workspace):
    pk = CreatorFactory(workspace=workspace).pk
    etag = api.get(f"{URL}{pk}/")["ETag"]
    stale = '"0123456789abcdef0123456789abcdef"'

    listed = api.patch(
        f"{URL}{pk}/", {"remarks": "a"}, format="json", HTTP_IF_MATCH=f"{stale}, {etag}"
    )
    assert listed.status_code == 200
    etag = listed["ETag"]
    none_current = api.patch(
        f"{URL}{pk}/", {"remarks": "b"}, format="json", HTTP_IF_MATCH=f'{stale}, "other"'
    )
    assert none_current.status_code == 412
    # If-Match compares strongly: a weak tag never matches (RFC 9110 13.1.1).
    weak = api.patch(f"{URL}{pk}/", {"remarks": "c"}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    assert weak.status_code == 412
    star = api.patch(f"{URL}{pk}/", {"remarks": "d"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200
    garbled = api.patch(f"{URL}{pk}/", {"remarks": "e"}, format="json", HTTP_IF_MATCH="nope")
    assert garbled.status_code == 412
    assert garbled["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "url, change",
    [
        ("/api/v1/scoring-weights/", {"reach": 30}),
        ("/api/v1/amazon-link-settings/", {"store_id": "acme"}),
    ],
)
def test_writable_singletons_send_an_etag_and_honour_if_match(api, url, change):
    first = api.get(url)
    assert first["ETag"]  # even before anything was saved (the defaults)
    stale = '"0123456789abcdef0123456789abcdef"'
    refused = api.patch(url, change, format="json", HTTP_IF_MATCH=stale)
    assert refused.status_code == 412
    assert refused["Content-Type"] == PROBLEM

    saved = api.patch(url, change, format="json", HTTP_IF_MATCH=first["ETag"])
    assert saved.status_code == 200
    assert saved["ETag"] and saved["ETag"] != first["ETag"]
    assert api.get(url)["ETag"] == saved["ETag"]
    # The version read before the change no longer matches; a list holding the current does.
    assert api.patch(url, change, format="json", HTTP_IF_MATCH=first["ETag"]).status_code == 412
    both = f"{first['ETag']}, {saved['ETag']}"
    assert api.patch(url, change, format="json", HTTP_IF_MATCH=both).status_code == 200


# --- error bodies ---------------------------------------------------------------------------


def test_a_nested_contact_error_is_keyed_by_its_path(api, workspace):
    contacts = [
        {"kind": "email", "value": "lena@example.com"},
        {"kind": "phone", "value": "12"},
    ]
    created = api.post(URL, {"display_name": "Lena", "contacts": contacts}, format="json")
    assert created.status_code == 400
    assert list(created.json()["errors"]) == ["contacts.1.value"]

    creator = CreatorFactory(workspace=workspace, country="US")
    changed = api.patch(f"{URL}{creator.pk}/", {"contacts": contacts}, format="json")
    assert changed.status_code == 400
    assert list(changed.json()["errors"]) == ["contacts.1.value"]
    # A number valid for the creator's stored country passes (the service's own rule).
    good = [{"kind": "phone", "value": "(415) 555-0199"}]
    assert api.patch(f"{URL}{creator.pk}/", {"contacts": good}, format="json").status_code == 200


def test_a_handle_another_creator_has_is_a_409_keyed_by_the_account(api, workspace):
    holder = CreatorFactory(workspace=workspace)
    PlatformAccountFactory(
        creator=holder, platform="tiktok", handle="@taken", handle_normalised="taken"
    )
    accounts = [
        {"platform": "tiktok", "handle": "@fine.one"},
        {"platform": "tiktok", "handle": "https://www.tiktok.com/@Taken"},
    ]
    created = api.post(URL, {"display_name": "Lena", "accounts": accounts}, format="json")
    assert created.status_code == 409
    body = created.json()
    assert list(body["errors"]) == ["accounts.1.handle"]
    assert "already in the pool" in body["errors"]["accounts.1.handle"][0]
    assert "account_unique" not in created.content.decode()
    # The creator who has it may send it again (an update that keeps its own account).
    mine = api.patch(f"{URL}{holder.pk}/", {"accounts": accounts[1:]}, format="json")
    assert mine.status_code == 200, mine.content


def test_a_duplicate_tag_says_what_is_wrong_not_the_constraint_name(api, workspace):
    TagFactory(workspace=workspace, name="pets")
    response = api.post("/api/v1/tags/", {"name": "PETS"}, format="json")
    # Another record holds the name: a conflict with the current state (409), field errors kept.
    assert response.status_code == 409
    text = response.content.decode()
    assert "tag_unique_name_ci" not in text and "Constraint" not in text
    messages = [m for ms in response.json()["errors"].values() for m in ms]
    assert messages == ["A tag with this name already exists in this workspace."]
    assert Tag.objects.filter(workspace=workspace).count() == 1


def test_a_duplicate_tag_message_is_translated(api, workspace):
    TagFactory(workspace=workspace, name="pets")
    response = api.post(
        "/api/v1/tags/", {"name": "Pets"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    messages = [m for ms in response.json()["errors"].values() for m in ms]
    assert messages == ["此工作区已有同名标签。"]


# --- members ----------------------------------------------------------------------------------


def test_viewers_see_colleagues_emails_masked_and_their_own_in_full(api_as, workspace):
    colleague = UserFactory(username="mia", email="mia.wong@example.com")
    MembershipFactory(workspace=workspace, user=colleague, role="manager")
    viewer = api_as("viewer")
    listed = viewer.get("/api/v1/members/").json()["results"]
    seen = {m["user"]["username"]: m["user"]["email"] for m in listed}
    assert seen["mia"] == "m***@example.com"
    assert seen[viewer.user.username] == viewer.user.email
    membership = colleague.memberships.get()
    one = viewer.get(f"/api/v1/members/{membership.pk}/").json()
    assert one["user"]["email"] == "m***@example.com"
    # A member (who sees creators' contacts) sees colleagues' addresses too.
    member_view = api_as("member").get("/api/v1/members/").json()["results"]
    assert "mia.wong@example.com" in [m["user"]["email"] for m in member_view]


# --- tokens (admin) ---------------------------------------------------------------------------


def test_an_owner_revokes_another_members_token_in_the_admin(workspace):
    owner = UserFactory(username="olga", is_staff=True)
    MembershipFactory(workspace=workspace, user=owner, role="owner")
    colleague = UserFactory(username="max")
    MembershipFactory(workspace=workspace, user=colleague, role="member")
    token, raw = api_token_for(colleague, workspace, name="max's script")

    client = Client()
    client.force_login(owner)
    changelist = reverse("admin:influencers_apitoken_changelist")
    assert "max&#x27;s script" in client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {"action": "revoke_tokens", "_selected_action": [token.pk], "index": 0},
        follow=True,
    )
    assert "1 token(s) revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").status_code == 401


def test_a_member_cannot_revoke_a_colleagues_token_through_the_service(workspace):
    from django.core.exceptions import PermissionDenied

    from influencers.services.tokens import api_token_revoke

    manager = MembershipFactory(workspace=workspace, user=UserFactory(), role="manager").user
    colleague = MembershipFactory(workspace=workspace, user=UserFactory(), role="member").user
    token, _raw = api_token_for(colleague, workspace)
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=manager)
    own, _raw = api_token_for(manager, workspace)
    api_token_revoke(token=own, actor=manager)  # one's own: always
    assert ApiToken.objects.get(pk=own.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
