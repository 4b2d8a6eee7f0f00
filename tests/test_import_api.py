"""Imports and the creator export over the REST API."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from influencers.models import Creator, ImportJob

DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def _upload(api, name="creators_sheet_en.csv", **extra):
    data = (DATA / name).read_bytes()
    return api.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile(name, data), **extra}, format="multipart"
    )


@pytest.mark.django_db
def test_upload_answers_202_and_the_job_reports_progress_and_errors(
    api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(api)
    assert response.status_code == 202, response.content
    job_url = response.json()["url"]
    assert response["Location"] == job_url
    job = api.get(job_url).json()
    assert job["state"] == "succeeded" and job["rows_total"] == 209
    assert sum(job["counts"].values()) == 209 and job["counts"]["failed"] == 1
    errors = api.get(job["errors_url"])
    assert errors.status_code == 200
    body = b"".join(errors.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffline,column,value,reason,level")
    assert "names no creator" in body and "call me" in body


@pytest.mark.django_db
def test_only_managers_and_owners_may_import(api_as):
    assert _upload(api_as("member")).status_code == 403
    assert _upload(api_as("viewer")).status_code == 403


@pytest.mark.django_db
def test_a_column_mapping_names_fields_by_text_and_unknown_form_fields_are_refused(api):
    mapped = _upload(api, column_mapping=json.dumps({"Creator Name": "display_name", "Nick": None}))
    assert mapped.status_code == 202, mapped.content
    assert ImportJob.objects.get().column_mapping == {"Creator Name": "display_name", "Nick": ""}
    for mapping in ({"Creator Name": 0}, {"Creator Name": False}, [], 0):
        refused = _upload(api, column_mapping=json.dumps(mapping))
        assert refused.status_code == 400 and "column_mapping" in refused.json()["errors"]
    typo = _upload(api, colum_mapping="{}")
    assert typo.status_code == 400
    assert typo.json()["errors"] == {"colum_mapping": ["Unknown field."]}
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_a_file_over_the_cap_answers_413(api, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = _upload(api)
    assert response.status_code == 413
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_jobs_of_other_workspaces_are_not_found(api, api_as, other_workspace):
    response = _upload(api_as("owner", other_workspace))
    assert response.status_code == 202
    assert api.get(f"/api/v1/imports/{response.json()['id']}/").status_code == 404


@pytest.mark.django_db
def test_creators_export_csv_streams_the_whole_filtered_list(api, workspace):
    from tests.factories import CreatorFactory

    CreatorFactory.create_batch(120, workspace=workspace, status="active")
    CreatorFactory(workspace=workspace, status="paused", display_name="+cmd")
    response = api.get("/api/v1/creators/?format=csv&page_size=10")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and len(body.strip().splitlines()) == 1 + 121
    assert "'+cmd" in body
    assert Creator.objects.count() == 121
