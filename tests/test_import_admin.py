"""The admin import flow: upload, preview with mapping, confirm, progress JSON, error CSV;
and the export actions on the creator list."""

import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from influencers.models import Creator, ImportJob
from tests.factories import CreatorFactory, MembershipFactory, UserFactory

DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.mark.django_db
def test_upload_preview_map_confirm_and_follow_progress(
    client, workspace, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    data = b"Nick,TikTok,Weird\r\n" + b"Ann,@ann,x\r\nBob,@bob,y\r\n"
    response = client.post(
        reverse("admin:influencers_importjob_add"),
        {"file": SimpleUploadedFile("s.csv", data), "kind": "auto", "policy": "fill_empty"},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{job.pk}/preview/")
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="map::Weird"' in html and "@ann" in html
    # "Nick" is not an alias: the user maps it to the creator name, then confirms.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:influencers_importjob_preview", args=[job.pk]),
            {
                "map::Nick": "display_name",
                "map::TikTok": "tiktok",
                "map::Weird": "",
                "kind": "creators",
                "policy": "fill_empty",
                "confirm": "1",
            },
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "succeeded"  # tasks run eagerly in tests
    assert set(Creator.objects.values_list("display_name", flat=True)) == {"Ann", "Bob"}
    status = client.get(reverse("admin:influencers_importjob_status", args=[job.pk])).json()
    assert status["counts"]["created"] == 2 and status["percent"] == 100
    change = client.get(reverse("admin:influencers_importjob_change", args=[job.pk]))
    assert change.status_code == 200 and b"import-bar" in change.content
    errors = client.get(reverse("admin:influencers_importjob_errors", args=[job.pk]))
    assert b"".join(errors.streaming_content).startswith(b"\xef\xbb\xbfline,column")


@pytest.mark.django_db
def test_a_refused_file_shows_its_message_on_the_preview(client, workspace, member):
    client.force_login(member)
    response = client.post(
        reverse("admin:influencers_importjob_add"),
        {
            "file": SimpleUploadedFile("e.csv", b"foo,bar\r\n1,2\r\n"),
            "kind": "auto",
            "policy": "fill_empty",
        },
        follow=True,
    )
    assert b"No column of this file is recognised" in response.content


@pytest.mark.django_db
def test_a_plain_member_may_not_import(client, workspace):
    user = UserFactory(username="plain")
    MembershipFactory(workspace=workspace, user=user, role="member")
    client.force_login(user)
    assert client.get(reverse("admin:influencers_importjob_add")).status_code == 403


@pytest.mark.django_db
def test_export_actions_on_the_creator_list(client, workspace, member):
    client.force_login(member)
    creator = CreatorFactory(workspace=workspace, display_name="=evil")
    url = reverse("admin:influencers_creator_changelist")
    response = client.post(url, {"action": "export_creators_csv", "_selected_action": [creator.pk]})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and "'=evil" in body
    response = client.post(
        url, {"action": "export_creators_xlsx", "_selected_action": [creator.pk]}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
