"""Identity on import: a creator is who their platform handles say (issue 11, item 1).

Agencies (MCNs) reach many creators through one phone or inbox; rows with different handles
that share a contact stay different creators, each with the contact attached, and come back
as a merge suggestion for a person to decide."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influencers.importers import pipeline
from influencers.models import ContactMethod, Creator, PlatformAccount
from influencers.selectors.merge_suggestions import merge_suggestions
from influencers.services.imports import import_job_create
from tests.factories import WorkspaceFactory

AGENCY_PHONE = "+1 201-555-0199"
AGENCY_EMAIL = "team@mcn-agency.example"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def sheet(rows, header=("Name", "TikTok", "Email", "Phone", "Country")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def run(workspace, data: bytes, name="creators.csv", **kwargs):
    upload = SimpleUploadedFile(name, data)
    job = import_job_create(workspace=workspace, actor=None, upload=upload, **kwargs)
    return pipeline.run(job.pk)


def accounting(job):
    return (job.created_count, job.updated_count, job.unchanged_count, job.failed_count)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "shared, kind, e164",
    [
        ("phone", "phone", "+12015550199"),
        ("email", "email", AGENCY_EMAIL),
    ],
)
def test_five_handles_sharing_an_agency_contact_stay_five_creators(workspace, shared, kind, e164):
    handles = ["mia.makes", "leo_cooks", "ava.home", "noah.fit", "zoe.style"]
    rows = [
        (
            handle.title(),
            f"@{handle}",
            AGENCY_EMAIL if shared == "email" else "",
            AGENCY_PHONE if shared == "phone" else "",
            "US",
        )
        for handle in handles
    ]
    job = run(workspace, sheet(rows))

    assert accounting(job) == (5, 0, 0, 0)
    creators = Creator.objects.filter(workspace=workspace)
    assert creators.count() == 5
    for creator in creators:
        assert creator.accounts.count() == 1
        assert list(creator.contacts.values_list("kind", "value_normalised")) == [(kind, e164)]
    suggestions = merge_suggestions(workspace=workspace)
    assert len(suggestions) == 1
    assert set(suggestions[0].creator_ids) == set(creators.values_list("pk", flat=True))
    assert suggestions[0].code == shared
    assert suggestions[0].value == e164

    again = run(workspace, sheet(rows))
    assert accounting(again) == (0, 0, 5, 0)
    assert Creator.objects.filter(workspace=workspace).count() == 5


@pytest.mark.django_db
def test_a_row_without_a_handle_is_found_by_its_email_then_its_phone(workspace):
    run(
        workspace,
        sheet([("Mia", "@mia.makes", "mia@example.com", "", "US"),
               ("Leo", "@leo_cooks", "", "+1 646-555-0164", "US")]),
    )  # fmt: skip
    job = run(
        workspace,
        sheet([("Mia M.", "", "MIA@example.com", "", "US"),
               ("Leo C.", "", "", "(646) 555-0164", "US")]),
    )  # fmt: skip

    assert accounting(job) == (0, 0, 2, 0)
    assert Creator.objects.filter(workspace=workspace).count() == 2


@pytest.mark.django_db
def test_a_row_without_a_handle_whose_contact_several_creators_share_fails_saying_why(workspace):
    run(
        workspace,
        sheet([("A", "@a.one", AGENCY_EMAIL, "", "US"), ("B", "@b.two", AGENCY_EMAIL, "", "US")]),
    )
    job = run(workspace, sheet([("Someone", "", AGENCY_EMAIL, "", "US")]))

    assert accounting(job) == (0, 0, 0, 1)
    (issue,) = job.issues.all()
    assert issue.level == "error"
    assert issue.line == 2
    assert AGENCY_EMAIL in issue.reason and "2 creators" in issue.reason
    assert "handle" in issue.reason
    assert Creator.objects.filter(workspace=workspace).count() == 2


@pytest.mark.django_db
def test_a_new_handle_joins_the_creator_known_only_by_that_email(workspace):
    run(workspace, sheet([("Mia", "", "mia@example.com", "", "US")]))
    job = run(workspace, sheet([("Mia", "@mia.makes", "mia@example.com", "", "US")]))

    assert accounting(job) == (0, 1, 0, 0)
    creator = Creator.objects.get(workspace=workspace)
    assert list(creator.accounts.values_list("handle_normalised", flat=True)) == ["mia.makes"]


@pytest.mark.django_db
def test_a_new_handle_does_not_join_a_creator_with_another_handle_through_a_shared_email(
    workspace,
):
    run(workspace, sheet([("Mia", "@mia.makes", AGENCY_EMAIL, "", "US")]))
    job = run(workspace, sheet([("Leo", "@leo_cooks", AGENCY_EMAIL, "", "US")]))

    assert accounting(job) == (1, 0, 0, 0)
    leo = PlatformAccount.objects.get(handle_normalised="leo_cooks").creator
    mia = PlatformAccount.objects.get(handle_normalised="mia.makes").creator
    assert leo.pk != mia.pk
    assert leo.contacts.get().value_normalised == AGENCY_EMAIL


@pytest.mark.django_db
def test_the_import_preview_counts_rows_matched_by_handle_by_email_only_and_by_phone_only(
    workspace,
):
    run(
        workspace,
        sheet([("Mia", "@mia.makes", "mia@example.com", "", "US"),
               ("Leo", "@leo_cooks", "", "+1 646-555-0164", "US"),
               ("A", "@a.one", AGENCY_EMAIL, "", "US"),
               ("B", "@b.two", AGENCY_EMAIL, "", "US")]),
    )  # fmt: skip
    upload = SimpleUploadedFile(
        "next.csv",
        sheet([("Mia", "@MIA.makes", "", "", "US"),  # handle
               ("Mia again", "", "mia@example.com", "", "US"),  # email only
               ("Leo", "", "", "6465550164", "US"),  # phone only
               ("New", "@new.one", AGENCY_EMAIL, "", "US"),  # new: handles differ
               ("Who?", "", AGENCY_EMAIL, "", "US"),  # ambiguous
               ("New", "@new.one", "", "", "US")]),  # the row above, again
    )  # fmt: skip
    job = import_job_create(workspace=workspace, actor=None, upload=upload)

    matches = pipeline.preview(job).matches

    assert matches == {
        "handle": 1,
        "email": 1,
        "phone": 1,
        "new": 1,
        "repeated": 1,
        "ambiguous": 1,
        "unnamed": 0,
    }


handles = st.sampled_from([f"creator.{n}" for n in range(8)])
contacts = st.sampled_from(["", AGENCY_EMAIL, "solo@example.com", "other@agency.example"])


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(handles, contacts), min_size=1, max_size=12))
def test_creators_created_equal_the_distinct_handles_whatever_contacts_they_share(rows):
    workspace = WorkspaceFactory()
    job = run(workspace, sheet([(h, f"@{h}", email, "", "US") for h, email in rows]))

    distinct = {h for h, _email in rows}
    assert job.created_count == len(distinct)
    assert job.failed_count == 0
    assert Creator.objects.filter(workspace=workspace).count() == len(distinct)
    for handle in distinct:
        creator = PlatformAccount.objects.get(workspace=workspace, handle_normalised=handle).creator
        emails = {email for h, email in rows if h == handle and email}
        assert (
            set(
                creator.contacts.filter(kind=ContactMethod.Kind.EMAIL).values_list(
                    "value_normalised", flat=True
                )
            )
            == emails
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, label",
    [
        ("en", "Found by email only (the row has no handle)"),
        ("zh-hans", "仅按邮箱找到（该行没有账号名）"),
    ],
)
def test_the_admin_preview_page_shows_who_the_rows_are_in_the_users_language(
    client, workspace, member, language, label
):
    import re

    from django.urls import reverse

    run(workspace, sheet([("A", "@a.one", AGENCY_EMAIL, "", "US"),
                          ("Mia", "@mia.makes", "mia@example.com", "", "US")]))  # fmt: skip
    client.force_login(member)
    data = sheet(
        [("Mia", "", "mia@example.com", "", "US"), ("B", "@b.two", AGENCY_EMAIL, "", "US")]
    )
    response = client.post(
        reverse("admin:influencers_importjob_add"),
        {"file": SimpleUploadedFile("s.csv", data), "kind": "auto", "policy": "fill_empty"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE=language)

    html = page.content.decode()
    table = html[html.index('id="matches"') : html.index("</table>", html.index('id="matches"'))]
    cells = dict(re.findall(r"<th[^>]*>([^<]+)</th><td>(\d+)</td>", table))
    assert cells[label] == "1"  # Mia, by email only
    assert sum(int(n) for n in cells.values()) == 2


@pytest.mark.django_db
def test_an_agency_column_files_creators_under_their_agency_without_merging_them(workspace):
    from influencers.models import Agency

    header = ("Name", "TikTok", "Email", "Agency / MCN", "机构邮箱", "Agency phone", "Country")
    rows = [
        ("Mia", "@mia.makes", AGENCY_EMAIL, "Bright MCN", AGENCY_EMAIL, AGENCY_PHONE, "US"),
        ("Leo", "@leo_cooks", AGENCY_EMAIL, "bright  mcn", "", "", "US"),
        ("Ava", "@ava.home", "ava@example.com", "", "", "", "US"),
    ]
    job = run(workspace, sheet(rows, header=header))

    assert accounting(job) == (3, 0, 0, 0)
    agency = Agency.objects.get(workspace=workspace)
    assert (agency.name, agency.email, agency.phone) == ("Bright MCN", AGENCY_EMAIL, "+12015550199")
    assert sorted(agency.creators.values_list("display_name", flat=True)) == ["Leo", "Mia"]
    assert Creator.objects.get(display_name="Ava").agency is None
    (suggestion,) = merge_suggestions(workspace=workspace)
    assert suggestion.reason == "Same agency email"

    again = run(workspace, sheet(rows, header=header))
    assert accounting(again) == (0, 0, 3, 0)
    assert Agency.objects.filter(workspace=workspace).count() == 1
