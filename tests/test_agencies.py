"""Agencies (MCNs): many creators belong to one, in the admin, the API and filters
(issue 11, item 2)."""

import pytest
from django.urls import reverse

from influencers.models import Agency, Creator
from tests.factories import AgencyFactory, CreatorFactory

URL = "/api/v1/agencies/"

pytestmark = pytest.mark.django_db


def test_an_owner_creates_an_agency_and_a_second_one_of_the_same_name_is_refused(api):
    created = api.post(
        URL,
        {"name": "Bright MCN", "email": "team@bright.example", "country": "US"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "Bright MCN"

    again = api.post(URL, {"name": "bright mcn"}, format="json")
    # Well formed, but another record has the name: a conflict (as duplicates are everywhere).
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert "already exists in this workspace" in again.content.decode()
    assert Agency.objects.count() == 1


def test_creators_are_filed_under_an_agency_and_listed_by_it(api, workspace, other_workspace):
    agency = AgencyFactory(workspace=workspace, name="Bright MCN")
    mia, leo, ava = (
        CreatorFactory(workspace=workspace, display_name=n) for n in ["Mia", "Leo", "Ava"]
    )
    for creator in (mia, leo):
        response = api.patch(
            f"/api/v1/creators/{creator.pk}/", {"agency": agency.pk}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["agency"] == agency.pk

    listed = api.get("/api/v1/creators/", {"agency": agency.pk}).json()["results"]
    assert sorted(c["display_name"] for c in listed) == ["Leo", "Mia"]
    assert api.get(f"/api/v1/creators/{ava.pk}/").json()["agency"] is None

    foreign = AgencyFactory(workspace=other_workspace, name="Elsewhere")
    refused = api.patch(f"/api/v1/creators/{ava.pk}/", {"agency": foreign.pk}, format="json")
    assert refused.status_code == 400
    assert Creator.objects.get(pk=ava.pk).agency_id is None


def test_a_viewer_reads_agencies_but_cannot_create_one(api_as, workspace):
    AgencyFactory(workspace=workspace, name="Bright MCN")
    viewer = api_as("viewer")
    assert [a["name"] for a in viewer.get(URL).json()["results"]] == ["Bright MCN"]
    assert viewer.post(URL, {"name": "Mine"}, format="json").status_code == 403


def test_deleting_an_agency_keeps_its_creators(api, workspace):
    agency = AgencyFactory(workspace=workspace)
    creator = CreatorFactory(workspace=workspace, agency=agency)
    assert api.delete(f"{URL}{agency.pk}/").status_code == 204
    creator.refresh_from_db()
    assert creator.agency_id is None


def test_the_admin_shows_an_agencys_creators_and_filters_the_pool_by_agency(
    client, member, workspace
):
    agency = AgencyFactory(workspace=workspace, name="Bright MCN")
    CreatorFactory(workspace=workspace, display_name="Mia Makes", agency=agency)
    CreatorFactory(workspace=workspace, display_name="Leo Cooks", agency=agency)
    CreatorFactory(workspace=workspace, display_name="Ava Alone")
    client.force_login(member)

    page = client.get(reverse("admin:influencers_agency_change", args=[agency.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    listed = html[
        html.index('id="agency-creators"') : html.index("</ul>", html.index('id="agency-creators"'))
    ]
    assert "Mia Makes" in listed and "Leo Cooks" in listed and "Ava Alone" not in listed
    assert "All 2 creators of this agency" in html

    changelist = client.get(
        reverse("admin:influencers_creator_changelist"), {"agency__id__exact": agency.pk}
    )
    body = changelist.content.decode()
    assert "Mia Makes" in body and "Leo Cooks" in body and "Ava Alone" not in body


# --- switch-over through the agency ---------------------------------------------------------


@pytest.fixture
def smtp(settings):
    from tests.switchover_world import Sink, smtp_server

    with smtp_server(settings, Sink()) as sink:
        yield sink


def test_a_creator_without_an_email_is_invited_through_their_agency_and_the_preview_says_so(
    workspace, smtp, django_capture_on_commit_callbacks, client, member
):
    from influencers.models import Invitation
    from influencers.services.switchover import switchover_launch
    from influencers.switchover import selection
    from tests.factories import PlatformAccountFactory
    from tests.switchover_world import eligible, make_plan

    plan = make_plan(workspace)
    agency = AgencyFactory(workspace=workspace, name="Bright MCN", email="team@bright.example")
    (own,) = eligible(workspace, 1)
    Creator.objects.filter(pk=own.pk).update(agency=agency)  # has an email: keeps it
    managed = CreatorFactory(workspace=workspace, agency=agency, readiness__score=60)
    PlatformAccountFactory(creator=managed, handle="@managed.one", handle_normalised="managed.one")
    alone = CreatorFactory(workspace=workspace, readiness__score=55)  # no email, no agency
    PlatformAccountFactory(creator=alone, handle="@alone.one", handle_normalised="alone.one")

    rows = {r.creator_id: r for r in selection.preview(plan)}
    assert (rows[own.pk].email, rows[own.pk].via_agency) == ("maker0@example.com", "")
    assert (rows[managed.pk].email, rows[managed.pk].via_agency) == (
        "team@bright.example",
        "Bright MCN",
    )
    assert rows[managed.pk].sendable
    assert "no_email" in rows[alone.pk].problems

    client.force_login(member)
    page = client.get(
        reverse("admin:influencers_switchoverplan_preview_page", args=[plan.pk])
    ).content.decode()
    assert "through the agency Bright MCN" in page

    with django_capture_on_commit_callbacks(execute=True):
        switchover_launch(plan=plan)
    recipients = sorted(r for rcpts, _content in smtp.messages for r in rcpts)
    assert recipients == ["maker0@example.com", "team@bright.example"]
    assert Invitation.objects.get(creator=managed).email == "team@bright.example"
    assert not Invitation.objects.filter(creator=alone).exists()


def test_an_imported_contact_equal_to_the_agencys_is_marked_as_the_agencys(workspace, api):
    """Item 2: a shared contact marked as the agency's. Five creators of one MCN give its inbox
    as their email; each keeps its own creator row, the shared inbox is marked as the agency's
    on each, a creator's own address is not, and the API says which is which."""
    from influencers.importers import pipeline
    from influencers.models import ContactMethod
    from tests.test_import_reports import _job

    rows = ["Creator Name,TikTok,Email,Agency,Agency email"]
    rows += [f"MCN {i},@mcn.creator{i},team@mcn-agency.example,Star MCN," for i in range(4)]
    rows.append("Own inbox,@mcn.own,own@creator.example,Star MCN,team@mcn-agency.example")
    data = ("\r\n".join(rows) + "\r\n").encode()

    job = pipeline.run(_job(workspace, "mcn.csv", data, kind="creators").pk)

    assert job.created_count == 5
    agency = Agency.objects.get(workspace=workspace, name="Star MCN")
    shared = ContactMethod.objects.filter(value_normalised="team@mcn-agency.example")
    assert shared.count() == 4 and set(shared.values_list("agency", flat=True)) == {agency.pk}
    own = ContactMethod.objects.get(value_normalised="own@creator.example")
    assert own.agency_id is None
    body = api.get("/api/v1/creators/", {"agency": agency.pk, "page_size": 10}).json()
    by_value = {c["value"]: c["agency"] for r in body["results"] for c in r["contacts"]}
    assert by_value == {"team@mcn-agency.example": agency.pk, "own@creator.example": None}
