"""Consent is evidence (issue 12, item 6): the import reads a consent column (English and
Chinese headers) and records where and when; a bulk action and an API endpoint record consent
for selected creators with its source, never silently; the preview and the dry run say how many
matching creators are held back by consent, and agree."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from influencers.importers import pipeline
from influencers.models import ActivityEvent, ContactMethod, Creator
from influencers.normalisers import InvalidYesNo, parse_yes_no
from influencers.normalisers.booleans import NO, YES
from influencers.services.imports import import_job_create
from influencers.switchover import selection
from tests.factories import ContactMethodFactory, CreatorFactory, MembershipFactory, UserFactory
from tests.switchover_world import eligible, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def run_import(workspace, rows, header, name="creators.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    upload = SimpleUploadedFile(name, out.getvalue().encode())
    job = import_job_create(workspace=workspace, actor=None, upload=upload)
    return pipeline.run(job.pk)


@given(st.sampled_from(sorted(YES)), st.sampled_from(["", " ", "\u3000"]))
def test_every_yes_word_reads_as_yes(word, pad):
    assert parse_yes_no(pad + word.upper() + pad) is True


@given(st.sampled_from(sorted(NO)))
def test_every_no_word_reads_as_no(word):
    assert parse_yes_no(word) is False


@given(st.text(max_size=12))
def test_anything_else_is_refused_not_guessed(text):
    try:
        value = parse_yes_no(text)
    except InvalidYesNo:
        return
    assert value in (True, False)
    assert text.strip().casefold() in YES | NO or text != text.strip() or not text.isascii()


# --- import -------------------------------------------------------------------------------------


def test_the_import_reads_a_chinese_consent_column_with_its_source(workspace):
    header = ["达人昵称", "TikTok账号", "邮箱", "同意联系", "同意来源"]
    rows = [
        ["Ella", "@ella.makes", "ella@example.com", "是", "TikTok 私信 2026-12-01"],
        ["Mia", "@mia.makes", "mia@example.com", "否", ""],
        ["Zoe", "@zoe.makes", "zoe@example.com", "也许", ""],
    ]
    job = run_import(workspace, rows, header, name="pool.csv")
    assert job.created_count == 3
    ella, mia, zoe = (Creator.objects.get(display_name=n) for n in ("Ella", "Mia", "Zoe"))
    assert ella.consent_to_contact and ella.consent_source == "TikTok 私信 2026-12-01"
    assert ella.consent_recorded_at is not None
    assert ContactMethod.objects.get(creator=ella).consent is True
    assert not mia.consent_to_contact and mia.consent_source == "Import pool.csv, row 3"
    assert ContactMethod.objects.get(creator=mia).consent is False
    # An unreadable cell is not guessed: left out with a warning on its row, kept in remarks.
    issue = job.issues.get()
    assert (issue.line, issue.value) == (4, "也许")
    assert not zoe.consent_to_contact and zoe.consent_recorded_at is None
    assert "也许" in zoe.remarks
    again = run_import(workspace, rows, header, name="pool.csv")
    assert (again.updated_count, again.unchanged_count) == (0, 3)


def test_a_later_no_withdraws_consent_from_the_creator_and_their_emails(workspace):
    header = ["Name", "TikTok", "Email", "Consent"]
    run_import(workspace, [["Ella", "@ella.makes", "ella@example.com", "yes"]], header)
    job = run_import(
        workspace, [["Ella", "@ella.makes", "ella@example.com", "no"]], header, name="b.csv"
    )
    assert job.updated_count == 1
    ella = Creator.objects.get(display_name="Ella")
    assert not ella.consent_to_contact and ella.consent_source == "Import b.csv, row 2"
    assert not ContactMethod.objects.get(creator=ella).consent


# --- API ----------------------------------------------------------------------------------------


def test_the_api_records_consent_for_selected_creators_with_its_source(workspace, api, api_as):
    shy = [CreatorFactory(workspace=workspace, consent_to_contact=False) for _ in range(2)]
    for creator in shy:
        ContactMethodFactory(creator=creator, consent=False)
    ids = [c.pk for c in shy]
    body = {"creators": ids, "consent": True, "source": "TikTok DM, 2026-12-01"}
    response = api.post("/api/v1/consent/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"changed": ids, "unchanged": []}
    for creator in shy:
        creator.refresh_from_db()
        assert creator.consent_to_contact and creator.consent_source == "TikTok DM, 2026-12-01"
        assert ContactMethod.objects.get(creator=creator).consent
    events = ActivityEvent.objects.filter(verb=ActivityEvent.Verb.CONSENT_RECORDED)
    assert sorted(events.values_list("creator_id", flat=True)) == ids
    assert api.post("/api/v1/consent/", body, format="json").json() == {
        "changed": [],
        "unchanged": ids,
    }
    detail = api.get(f"/api/v1/creators/{ids[0]}/").json()
    assert detail["consent_source"] == "TikTok DM, 2026-12-01" and detail["consent_recorded_at"]


def test_consent_is_never_recorded_silently_or_for_others(workspace, other_workspace, api, api_as):
    creator = CreatorFactory(workspace=workspace, consent_to_contact=False)
    foreign = CreatorFactory(workspace=other_workspace, consent_to_contact=False)
    no_source = api.post(
        "/api/v1/consent/",
        {"creators": [creator.pk], "consent": True, "source": " "},
        format="json",
    )
    assert no_source.status_code == 400
    mixed = api.post(
        "/api/v1/consent/",
        {"creators": [creator.pk, foreign.pk], "consent": True, "source": "DM"},
        format="json",
    )
    assert mixed.status_code == 400 and str(foreign.pk) in str(mixed.json())
    viewer = api_as("viewer").post(
        "/api/v1/consent/",
        {"creators": [creator.pk], "consent": True, "source": "DM"},
        format="json",
    )
    assert viewer.status_code == 403
    patched = api.patch(
        f"/api/v1/creators/{creator.pk}/", {"consent_to_contact": True}, format="json"
    )
    assert patched.status_code == 400 and "consent_source" in patched.json()["errors"]
    creator.refresh_from_db()
    foreign.refresh_from_db()
    assert not creator.consent_to_contact and not foreign.consent_to_contact
    assert not ActivityEvent.objects.filter(verb=ActivityEvent.Verb.CONSENT_RECORDED).exists()
    with_source = api.patch(
        f"/api/v1/creators/{creator.pk}/",
        {"consent_to_contact": True, "consent_source": "Email reply, 2026-12-02"},
        format="json",
    )
    assert with_source.status_code == 200, with_source.json()
    assert with_source.json()["consent_source"] == "Email reply, 2026-12-02"


# --- admin --------------------------------------------------------------------------------------


def test_the_admin_action_asks_for_the_source_and_records_it(client, workspace):
    user = UserFactory(is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="member")
    client.force_login(user)
    shy = [CreatorFactory(workspace=workspace, consent_to_contact=False) for _ in range(2)]
    url = reverse("admin:influencers_creator_changelist")
    picked = {"action": "record_consent_selected", "_selected_action": [c.pk for c in shy]}
    form = client.post(url, picked)
    assert form.status_code == 200
    assert 'name="source"' in form.content.decode()
    missing = client.post(url, {**picked, "apply": "1", "consent": "yes", "source": ""})
    assert "This field is required" in missing.content.decode()
    assert not Creator.objects.filter(consent_to_contact=True, pk__in=[c.pk for c in shy]).exists()
    done = client.post(
        url, {**picked, "apply": "1", "consent": "yes", "source": "TikTok DM"}, follow=True
    )
    assert "Consent recorded for 2 creators" in done.content.decode()
    assert set(
        Creator.objects.filter(pk__in=[c.pk for c in shy]).values_list("consent_source", flat=True)
    ) == {"TikTok DM"}
    change = client.get(reverse("admin:influencers_creator_change", args=[shy[0].pk]))
    html = change.content.decode()
    assert "TikTok DM" in html and 'name="consent_to_contact"' not in html


# --- preview and dry run -----------------------------------------------------------------------


def test_the_preview_and_the_dry_run_agree_on_who_is_held_back_by_consent(client, workspace):
    user = UserFactory(is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="manager")
    client.force_login(user)
    plan = make_plan(workspace)
    eligible(workspace, 3)
    eligible(workspace, 2, start=10, consent_to_contact=False)
    result = selection.dry_run(plan)
    assert result["held_back_by_consent"] == selection.held_back_by_consent(plan) == 2
    assert result["would_send"] == 3
    preview = client.get(reverse("admin:influencers_switchoverplan_preview_page", args=[plan.pk]))
    assert "2 matching creators are held back" in preview.content.decode()
    dry = client.get(reverse("admin:influencers_switchoverplan_dry_run_page", args=[plan.pk]))
    html = dry.content.decode()
    assert 'id="dry-held-back-consent">2<' in html and "no_consent" not in html
