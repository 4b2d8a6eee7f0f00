"""Amazon IDs are checked where they are typed (issue 12, item 1): an Associates tracking ID
like "ella_x-20" is refused by the API and the admin's model validation and left out of an
import with a warning (kept in the remarks), instead of surfacing first in a dry run."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from influencers.importers import pipeline
from influencers.models import Creator
from influencers.normalisers import (
    InvalidAmazonId,
    normalise_attribution_tag,
    normalise_tracking_id,
)
from influencers.services.imports import import_job_create
from influencers.switchover import links
from tests.factories import CreatorFactory

SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=0, max_size=30)


@given(head=st.sampled_from("abcxyz019"), rest=SLUG, digit=st.integers(0, 9))
def test_a_valid_tracking_id_is_kept_lowercased_and_builds_a_link(head, rest, digit):
    value = f"{head}{rest}-2{digit}"
    assert normalise_tracking_id(value.upper()) == value
    link = links.amazon_link(asin="B0B8H2TQ5W", marketplace="US", tag=value)
    assert link.endswith(f"?tag={value}")


@given(
    good=st.text(alphabet="abc123", min_size=1, max_size=10),
    bad=st.sampled_from(["_", " ", "/", "?", "&", "#", "é", "."]),
)
def test_a_tracking_id_with_any_other_character_is_refused(good, bad):
    with pytest.raises(InvalidAmazonId):
        normalise_tracking_id(f"{good}{bad}x-20")


@given(st.text(min_size=1, max_size=40))
def test_an_attribution_tag_is_refused_or_safe_in_a_query(text):
    try:
        tag = normalise_attribution_tag(text)
    except InvalidAmazonId:
        return
    assert tag and not any(ch in tag for ch in " &?#/\t\n")


def test_the_tracking_id_from_the_dry_run_is_refused_with_an_example():
    with pytest.raises(InvalidAmazonId) as caught:
        normalise_tracking_id("ella_x-20")
    assert "ella-20" in str(caught.value.reason)
    assert normalise_attribution_tag(" maas=maas_adg_1_jane ") == "maas=maas_adg_1_jane"


@pytest.mark.django_db
def test_the_api_refuses_a_bad_tracking_id_and_keeps_the_old_one(workspace, api):
    creator = CreatorFactory(workspace=workspace, associates_tracking_id="ella-20")
    url = f"/api/v1/creators/{creator.pk}/"
    response = api.patch(url, {"associates_tracking_id": "ella_x-20"}, format="json")
    assert response.status_code == 400
    assert "associates_tracking_id" in response.json()["errors"]
    bad_tag = api.patch(url, {"attribution_tag": "maas tag with spaces"}, format="json")
    assert bad_tag.status_code == 400 and "attribution_tag" in bad_tag.json()["errors"]
    creator.refresh_from_db()
    assert creator.associates_tracking_id == "ella-20"
    fixed = api.patch(url, {"associates_tracking_id": "Ella-21"}, format="json")
    assert fixed.status_code == 200, fixed.json()
    creator.refresh_from_db()
    assert creator.associates_tracking_id == "ella-21"


@pytest.mark.django_db
def test_the_admin_model_validation_refuses_a_bad_tracking_id(workspace):
    creator = CreatorFactory(workspace=workspace)
    creator.associates_tracking_id = "ella_x-20"
    with pytest.raises(ValidationError) as caught:
        creator.full_clean()
    assert "associates_tracking_id" in caught.value.message_dict


@pytest.mark.django_db
def test_the_import_leaves_a_bad_tracking_id_out_with_a_warning_and_keeps_it(
    workspace, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "TikTok", "Associates tracking ID"])
    writer.writerow(["Ella", "@ella.makes", "ella_x-20"])
    writer.writerow(["Mia", "@mia.makes", "MIA-20"])
    upload = SimpleUploadedFile("creators.csv", out.getvalue().encode())
    job = import_job_create(workspace=workspace, actor=None, upload=upload)
    job = pipeline.run(job.pk)
    assert job.created_count == 2
    issue = job.issues.get()
    assert (issue.line, issue.value) == (2, "ella_x-20")
    ella = Creator.objects.get(display_name="Ella")
    assert ella.associates_tracking_id == "" and "ella_x-20" in ella.remarks
    assert Creator.objects.get(display_name="Mia").associates_tracking_id == "mia-20"
