"""Invitations a launch could not settle: an interrupted one ("uncertain") is never resent by
the launch itself, only when a manager sends it again (admin action or API); a creator marked
do-not-contact after drafting is never written to, however the sending is started."""

import pytest
from django.urls import reverse
from django.utils import timezone

from influencers.models import ActivityEvent, Creator, Invitation
from influencers.services.switchover import invitations_send_again, switchover_launch
from tests.factories import WorkspaceFactory
from tests.switchover_world import Sink, eligible, make_plan, smtp_server

pytestmark = pytest.mark.django_db

INVITATIONS = "/api/v1/invitations/"


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink()) as sink:
        yield sink


def _interrupted(workspace, n, capture, start=0):
    """A launch whose worker died mid-send: its invitations end "uncertain" (the launch runs
    with the locmem backend: nothing reaches the SMTP sink)."""
    plan = make_plan(workspace)
    eligible(workspace, n, start=start)
    with capture(execute=True):
        switchover_launch(plan=plan)
    # As if the worker died after handing them to the mail server, before marking them sent.
    Invitation.objects.filter(plan=plan).update(
        status="sending",
        claimed_at=timezone.now() - timezone.timedelta(hours=1),
        handed_over_at=timezone.now() - timezone.timedelta(hours=1),
        sent_at=None,
        message_id="",
    )
    ActivityEvent.objects.filter(verb="invitation.sent").delete()
    with capture(execute=True):
        switchover_launch(plan=plan)  # a later launch finds them stuck: uncertain, not resent
    return plan


def _recipients(sink):
    return sorted(r for rcpts, _content in sink.messages for r in rcpts)


def test_interrupted_invitations_are_sent_again_only_when_asked(
    workspace, smtp, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = _interrupted(workspace, 2, django_capture_on_commit_callbacks)
    assert set(Invitation.objects.values_list("status", flat=True)) == {"uncertain"}
    assert "may or may not have reached" in Invitation.objects.first().last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    ids = list(Invitation.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        queued = invitations_send_again(workspace_id=workspace.pk, invitation_ids=ids)
    assert sorted(queued) == sorted(ids)
    assert _recipients(smtp) == ["maker0@example.com", "maker1@example.com"]
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}
    assert ActivityEvent.objects.filter(verb="invitation.sent").count() == 2

    # Asking again, or launching again, sends nothing more: they are sent now.
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_send_again(workspace_id=workspace.pk, invitation_ids=ids) == []
        switchover_launch(plan=plan)
    assert len(smtp.messages) == 2


def test_another_workspace_cannot_send_our_invitations_again(
    workspace, smtp, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _interrupted(workspace, 1, django_capture_on_commit_callbacks)
    rival = WorkspaceFactory(slug="rival")
    ids = list(Invitation.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_send_again(workspace_id=rival.pk, invitation_ids=ids) == []
    assert Invitation.objects.get().status == "uncertain"


def test_a_creator_marked_do_not_contact_after_drafting_is_never_written_to(
    workspace, smtp, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _interrupted(workspace, 2, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    dnc, withdrawn = Invitation.objects.order_by("pk")
    Creator.objects.filter(pk=dnc.creator_id).update(status="do_not_contact")
    Creator.objects.filter(pk=withdrawn.creator_id).update(consent_to_contact=False)

    with django_capture_on_commit_callbacks(execute=True):
        queued = invitations_send_again(
            workspace_id=workspace.pk, invitation_ids=[dnc.pk, withdrawn.pk]
        )
    assert len(queued) == 2
    assert smtp.messages == []
    for invitation in (dnc, withdrawn):
        invitation.refresh_from_db()
        assert invitation.status == "failed"
        assert "do-not-contact or withdrew consent" in invitation.last_error
        assert invitation.sent_at is None


def test_api_send_again_is_for_managers_and_only_for_unsettled_invitations(
    workspace, api_as, smtp, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _interrupted(workspace, 2, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    first, second = Invitation.objects.order_by("pk")
    url = f"{INVITATIONS}{first.pk}/send-again/"

    assert api_as("member").post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("manager").post(url)
    assert response.status_code == 202
    assert response.json()["status"] == "drafted"  # as it was answered; sent after commit
    first.refresh_from_db()
    assert first.status == "sent"
    assert _recipients(smtp) == [first.email]

    again = api_as("manager").post(url)
    assert again.status_code == 400
    assert again["Content-Type"].startswith("application/problem+json")
    assert "interrupted" in again.json()["errors"]["status"][0]

    rival = WorkspaceFactory(slug="rival")
    assert api_as("owner", rival).post(f"{INVITATIONS}{second.pk}/send-again/").status_code == 404
    second.refresh_from_db()
    assert second.status == "uncertain" and len(smtp.messages) == 1


def test_admin_action_sends_again_and_says_what_it_left(
    client, member, workspace, smtp, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _interrupted(workspace, 2, django_capture_on_commit_callbacks)
    Invitation.objects.filter(email="maker1@example.com").update(status="sent")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client.force_login(member)  # a manager
    url = reverse("admin:influencers_invitation_changelist")
    ids = [str(pk) for pk in Invitation.objects.values_list("pk", flat=True)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "send_again_selected", "_selected_action": ids}, follow=True
        )
    texts = [str(m) for m in response.context["messages"]]
    assert "1 invitation queued to be sent again." in texts
    assert any("1 selected invitations were left as they are" in t for t in texts)
    assert _recipients(smtp) == ["maker0@example.com"]
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}


def test_dashboard_points_at_interrupted_invitations_and_draws_acceptances(
    client, member, workspace, smtp, settings, django_capture_on_commit_callbacks
):
    from influencers.services.switchover import invitation_answer

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = _interrupted(workspace, 3, django_capture_on_commit_callbacks)
    answered = Invitation.objects.order_by("pk").first()
    Invitation.objects.filter(pk=answered.pk).update(status="sent", sent_at=timezone.now())
    invitation_answer(invitation=Invitation.objects.get(pk=answered.pk), accept=True)
    client.force_login(member)

    page = client.get(reverse("admin:influencers_switchoverplan_dashboard_page", args=[plan.pk]))
    assert page.context["unsettled"] == 2
    html = page.content.decode()
    assert "2 invitations were interrupted while sending or failed." in html
    assert 'style="width: 100%"' in html  # one day of acceptances: the whole bar
    listed = client.get(page.context["unsettled_url"])
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2
