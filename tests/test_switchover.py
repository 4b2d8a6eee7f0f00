"""Switch-over: links, selection, preview, dry run, launch exactly once against a real SMTP
server on loopback, SMTP failure retried, public answer page."""

import time

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from influencers.models import (
    ActivityEvent,
    Collaboration,
    CollaborationStatus,
    Creator,
    CreatorReadiness,
    Invitation,
    SwitchoverPlan,
)
from influencers.services.switchover import switchover_launch, switchover_launch_due
from influencers.switchover import links, messages, selection
from tests.factories import ContactMethodFactory, CreatorFactory
from tests.switchover_world import Sink, eligible, make_plan, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink(refuse={"maker1@example.com"})) as sink:
        yield sink


# --- links -------------------------------------------------------------------------------


def test_amazon_link_uses_the_marketplace_domain_and_tracking_id():
    tag = links.tracking_id(pattern="{handle}-20", handle="Lena.Park", creator_id=7)
    assert tag == "lenapark-20"
    assert links.amazon_link(asin="B0TESTASIN", marketplace="UK", tag=tag) == (
        "https://www.amazon.co.uk/dp/B0TESTASIN?tag=lenapark-20"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"asin": "bad", "marketplace": "US", "tag": "ok-20"},
        {"asin": "B0TESTASIN", "marketplace": "US", "tag": "no spaces-20"},
        {"asin": "B0TESTASIN", "marketplace": "DE", "tag": "ok-20", "marketplaces": ["US"]},
    ],
)
def test_invalid_links_are_refused(kwargs):
    with pytest.raises(ValidationError):
        links.amazon_link(**kwargs)


def test_no_handle_means_no_tracking_id():
    with pytest.raises(ValidationError):
        links.tracking_id(pattern="{handle}-20", handle="", creator_id=1)
    assert links.tracking_id(pattern="x-20", handle="", creator_id=1, own_tracking_id="Own-21")


# --- messages ------------------------------------------------------------------------------


def test_templates_are_sandboxed_and_errors_reported():
    out = messages.render(subject="Hi {{ name }}", body="{{ brand }}.", fields={"name": "A"})
    assert (out.subject, out.body, out.error) == ("Hi A", ".", "")
    # An unknown placeholder is refused, not sent empty (issue 12).
    assert (
        "Unknown placeholder {{ missing }}"
        in messages.render(subject="Hi", body="{{ missing }}.", fields={}).error
    )
    assert messages.render(subject="{{ name.__class__ }}", body="", fields={}).error
    assert messages.render(subject="{% load static %}", body="", fields={}).error
    assert messages.render(subject='{% include "admin/base.html" %}', body="", fields={}).error
    assert messages.template_errors(subject="{% if %}", body="")


# --- selection, preview, dry run -------------------------------------------------------------


def test_preview_is_ranked_with_exact_message_and_link(workspace):
    plan = make_plan(workspace)
    low, high = eligible(workspace, 2)
    CreatorReadiness.objects.filter(creator=low).update(score=10)
    CreatorReadiness.objects.filter(creator=high).update(score=90)
    Creator.objects.filter(pk=high.pk).update(language="es")
    CreatorFactory(workspace=workspace, status="do_not_contact", readiness__score=100)
    rows = selection.preview(plan)
    assert [r.creator_id for r in rows] == [high.pk, low.pk]
    first = rows[0]
    assert first.link == "https://www.amazon.com/dp/B0TESTASIN?tag=maker1-20"
    assert first.subject == f"Hola {high.display_name}" and first.language == "es"
    assert "Lamp for 12.5%" in rows[1].body and "/answer/" in rows[1].body


def test_criteria_filter_the_shortlist(workspace):
    plan = make_plan(workspace, min_readiness=60, countries=["de"])
    a, b = eligible(workspace, 2)
    CreatorReadiness.objects.filter(creator__in=[a, b]).update(score=70)
    Creator.objects.filter(pk=a.pk).update(country="DE")
    Creator.objects.filter(pk=b.pk).update(country="US")
    assert [r.creator_id for r in selection.preview(plan)] == [a.pk]


def test_dry_run_reports_problems_and_sends_nothing(workspace, mailoutbox):
    plan = make_plan(workspace)
    eligible(workspace, 2)
    CreatorFactory(workspace=workspace, readiness__score=80)  # no email, no handle
    shy = CreatorFactory(workspace=workspace, consent_to_contact=False, readiness__score=80)
    ContactMethodFactory(creator=shy)
    report = selection.dry_run(plan)
    assert report["matched"] == 4 and report["would_send"] == 2
    assert report["problems"] == {"no_email": 1, "no_consent": 1, "no_tracking_id": 2}
    assert mailoutbox == [] and not Invitation.objects.exists()


# --- launch --------------------------------------------------------------------------------


def _launch(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        switchover_launch(plan=plan)


def test_launch_twice_sends_one_email_each_over_real_smtp(
    workspace, smtp, django_capture_on_commit_callbacks
):
    plan = make_plan(workspace)
    creators = eligible(workspace, 4)
    dnc = eligible(workspace, 1, start=10)[0]
    Creator.objects.filter(pk=dnc.pk).update(status="do_not_contact")
    unconsented = eligible(workspace, 1, start=11)[0]
    Creator.objects.filter(pk=unconsented.pk).update(consent_to_contact=False)

    _launch(plan, django_capture_on_commit_callbacks)
    _launch(plan, django_capture_on_commit_callbacks)

    recipients = sorted(r for rcpts, _content in smtp.messages for r in rcpts)
    assert recipients == sorted(f"maker{i}@example.com" for i in range(4))
    assert Invitation.objects.filter(plan=plan).count() == 4
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}
    assert Collaboration.objects.filter(kind="amazon_affiliate_tiktok").count() == 4
    assert ActivityEvent.objects.filter(verb="invitation.sent").count() == 4
    plan.refresh_from_db()
    assert plan.status == SwitchoverPlan.Status.LAUNCHED
    content = {r[0]: c for r, c in smtp.messages}["maker0@example.com"]
    assert "tag=maker0-20" in content and "Message-ID: <switchover-invitation-" in content
    assert {c.pk for c in creators} == set(Invitation.objects.values_list("creator", flat=True))


def test_smtp_refusal_is_retried_and_recorded(workspace, smtp, django_capture_on_commit_callbacks):
    plan = make_plan(workspace)
    eligible(workspace, 2)
    _launch(plan, django_capture_on_commit_callbacks)
    refused = Invitation.objects.get(email="maker1@example.com")
    assert refused.status == "sent"
    assert refused.send_attempts == 2
    assert "451" in refused.last_error or "Try again" in refused.last_error
    assert len(smtp.messages) == 2


def test_max_invitations_caps_the_launch(workspace, smtp, django_capture_on_commit_callbacks):
    plan = make_plan(workspace, max_invitations=2)
    eligible(workspace, 5)
    _launch(plan, django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == 2 and len(smtp.messages) == 2


def test_scheduled_plan_is_launched_by_beat(workspace, smtp, django_capture_on_commit_callbacks):
    from django.utils import timezone

    plan = make_plan(workspace, status="scheduled", scheduled_at=timezone.now())
    eligible(workspace, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert switchover_launch_due() == [plan.pk]
    assert Invitation.objects.get().status == "sent"


def test_stuck_sending_is_marked_uncertain_never_resent(
    workspace, smtp, settings, django_capture_on_commit_callbacks
):
    """A claim whose message was handed to the mail server may have gone: uncertain."""
    from django.utils import timezone

    plan = make_plan(workspace)
    eligible(workspace, 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _launch(plan, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        status="sending",
        claimed_at=timezone.now() - timezone.timedelta(hours=1),
        handed_over_at=timezone.now() - timezone.timedelta(hours=1),
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    _launch(plan, django_capture_on_commit_callbacks)
    invitation.refresh_from_db()
    assert invitation.status == "uncertain"
    assert smtp.messages == []


def test_stuck_claim_never_handed_over_is_sent_by_the_resumed_launch(
    workspace, smtp, django_capture_on_commit_callbacks
):
    """A worker that died before handing a message over sent nothing (the server discards a
    transaction without its end of data): the resumed launch sends it, once."""
    from django.utils import timezone

    plan = make_plan(workspace)
    eligible(workspace, 2, start=2)
    _launch(plan, django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 2
    lost = Invitation.objects.order_by("pk").first()
    smtp.messages.clear()
    Invitation.objects.filter(pk=lost.pk).update(
        status="sending",
        claimed_at=timezone.now() - timezone.timedelta(hours=1),
        handed_over_at=None,
        sent_at=None,
    )
    _launch(plan, django_capture_on_commit_callbacks)
    _launch(plan, django_capture_on_commit_callbacks)
    assert [rcpts for rcpts, _content in smtp.messages] == [[lost.email]]
    lost.refresh_from_db()
    assert lost.status == "sent" and lost.handed_over_at is not None


# --- answers ------------------------------------------------------------------------------


def _sent_invitation(workspace, django_capture_on_commit_callbacks):
    plan = make_plan(workspace)
    creator = eligible(workspace, 1)[0]
    Creator.objects.filter(pk=creator.pk).update(language="es")
    _launch(plan, django_capture_on_commit_callbacks)
    return Invitation.objects.get(), selection.answer_token(plan.pk, creator.pk)


def test_accepting_on_the_public_page_moves_the_collaboration_to_agreed(
    client, workspace, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, token = _sent_invitation(workspace, django_capture_on_commit_callbacks)
    url = reverse("switchover-answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and invitation.tracking_link in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"answer": "accept"})
    assert done.status_code == 200 and 'id="answer-result"' in done.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_at
    assert invitation.collaboration.status == CollaborationStatus.AGREED


def test_declining_declines_the_collaboration(
    client, workspace, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, token = _sent_invitation(workspace, django_capture_on_commit_callbacks)
    client.post(reverse("switchover-answer", args=[token]), {"answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert invitation.collaboration.status == CollaborationStatus.DECLINED


def test_expired_or_forged_links_are_refused(
    client, workspace, settings, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, token = _sent_invitation(workspace, django_capture_on_commit_callbacks)
    assert client.get(reverse("switchover-answer", args=[token + "x"])).status_code == 404
    forged = signing.TimestampSigner(salt="other").sign(f"{invitation.plan_id}:1")
    assert client.get(reverse("switchover-answer", args=[forged])).status_code == 404
    settings.SWITCHOVER_ANSWER_MAX_AGE_DAYS = 0
    time.sleep(1.1)
    # Expired: "gone", with a page that says so (tests/test_answer_page.py).
    assert client.get(reverse("switchover-answer", args=[token])).status_code == 410


def test_a_chunk_is_claimed_per_batch_and_sent_over_one_smtp_connection(
    workspace, smtp, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from influencers.switchover import launch

    settings.SWITCHOVER_CLAIM_BATCH = 10
    plan = make_plan(workspace)
    eligible(workspace, 25, start=2)  # not maker1: no refusal here
    ids = []
    for row in selection.launch_queryset(plan).values(*selection.COLUMNS):
        ids += launch.draft_invitations(
            plan_id=plan.pk, prepared=[selection.Preparer(plan).prepare(row)]
        )
    opened = []
    real = launch.get_connection

    def counting():
        backend = real()
        opened.append(backend)
        return backend

    launch.get_connection, restore = counting, launch.get_connection
    try:
        with CaptureQueriesContext(connection) as ctx:
            sent, retry = launch.send_invitations(invitation_ids=ids + ids)  # twice: no effect
    finally:
        launch.get_connection = restore
    assert (sent, retry) == (25, [])
    assert len(smtp.messages) == 25
    assert len(opened) == 1  # one SMTP connection for the whole chunk
    # 5 claims (3 match); per email a fixed few: the hand-over mark (its own transaction,
    # committed before the end of data) and one transaction marking the invitation, the
    # creator and the event (inside this test's transaction each is a savepoint + release);
    # plus one read of the workspace's sender name and reply-to for the whole chunk.
    assert len(ctx.captured_queries) <= 5 + 1 + 25 * 9
    assert set(Invitation.objects.filter(plan=plan).values_list("status", flat=True)) == {"sent"}
    assert ActivityEvent.objects.filter(verb="invitation.sent").count() == 25
    assert all(
        i.message_id == f"<switchover-invitation-{i.pk}@" + launch.message_id(0).rpartition("@")[2]
        for i in Invitation.objects.filter(plan=plan)
    )
    contacted = Creator.objects.filter(workspace=workspace, last_contacted_at__isnull=False)
    assert contacted.count() == 25


def test_a_worker_whose_claim_was_released_meanwhile_sends_nothing(
    workspace, smtp, monkeypatch, django_capture_on_commit_callbacks
):
    """A slow worker's claim can outlive its lease and be claimed again by another worker:
    the slow one must not hand the message over (its connection is dropped before the end of
    data, so the server discards what it had written)."""
    from django.utils import timezone

    from influencers.switchover import launch

    plan = make_plan(workspace)
    eligible(workspace, 3, start=2)
    ids = []
    for row in selection.launch_queryset(plan).values(*selection.COLUMNS):
        ids += launch.draft_invitations(
            plan_id=plan.pk, prepared=[selection.Preparer(plan).prepare(row)]
        )
    real_claim = launch._claim

    def claim_then_lose_it(batch):
        claimed = real_claim(batch)
        Invitation.objects.filter(pk__in=batch).update(
            claimed_at=timezone.now() + timezone.timedelta(seconds=1)  # another worker's claim
        )
        return claimed

    monkeypatch.setattr(launch, "_claim", claim_then_lose_it)
    assert launch.send_invitations(invitation_ids=ids) == (0, [])
    time.sleep(0.3)  # give the server time to (not) deliver what the dropped connections wrote
    assert smtp.messages == []
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sending"}
    assert not Invitation.objects.filter(handed_over_at__isnull=False).exists()
