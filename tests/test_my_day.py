"""'My day' (issue 13, item 4): the signed-in member's follow-ups due, samples overdue and new
answers, linked to their records, at a query count that does not grow with the data; the daily
digest email over a real SMTP server — once a day even when the scheduler runs twice, none to
a member who opted out or has nothing due, in the member's language, with an opt-out link."""

import datetime as dt
import email
from email import policy as email_policy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influencers.models import Invitation, Membership, SwitchoverPlan
from influencers.services.digest import digest_send_due
from tests.factories import (
    CollaborationFactory,
    CreatorFactory,
    MembershipFactory,
    NoteFactory,
    UserFactory,
)
from tests.switchover_world import Sink, make_plan, smtp_server

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink()) as sink:
        yield sink


def _world(workspace, me, n=1, prefix=""):
    """n of each thing that is mine and due, plus things that are not (someone else's, not
    due yet, too old)."""
    other = UserFactory()
    plan = SwitchoverPlan.objects.filter(workspace=workspace).first() or make_plan(
        workspace, status="launched"
    )
    for i in range(n):
        mine = CreatorFactory(workspace=workspace, owner=me, display_name=f"{prefix}Mine {i}")
        NoteFactory(
            creator=mine, author=other, body=f"Call about the launch {i}", follow_up_on=TODAY
        )
        NoteFactory(
            creator=mine, author=other, body="Not yet", follow_up_on=TODAY + dt.timedelta(days=2)
        )
        theirs = CreatorFactory(workspace=workspace, owner=other, display_name=f"Theirs {i}")
        NoteFactory(creator=theirs, author=me, body=f"I promised a reply {i}", follow_up_on=TODAY)
        NoteFactory(creator=theirs, author=other, body="Not mine", follow_up_on=TODAY)
        shipped = TODAY - dt.timedelta(days=20)
        CollaborationFactory(
            creator=mine,
            kind="gifted_sample",
            status="sample_shipped",
            sample_shipped_on=shipped,
            sample_post_by=shipped + dt.timedelta(days=14),
        )
        CollaborationFactory(
            creator=theirs,
            kind="gifted_sample",
            status="sample_shipped",
            sample_shipped_on=shipped,
            sample_post_by=shipped + dt.timedelta(days=14),
        )
        for creator, days in ((mine, 1), (theirs, 1)):
            Invitation.objects.create(
                workspace=workspace,
                plan=plan,
                creator=creator,
                status="accepted",
                email="x@example.com",
                tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=x-20",
                tracking_id="x-20",
                answered_at=timezone.now() - dt.timedelta(days=days),
                answer_message="Happy to!",
            )
        old = CreatorFactory(workspace=workspace, owner=me, display_name=f"{prefix}Old {i}")
        Invitation.objects.create(
            workspace=workspace,
            plan=plan,
            creator=old,
            status="declined",
            email="y@example.com",
            tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=y-20",
            tracking_id="y-20",
            answered_at=timezone.now() - dt.timedelta(days=5),
        )


def test_my_day_lists_what_is_mine_and_due_each_linked_to_its_record(
    member_client, member, workspace
):
    _world(workspace, member)

    response = member_client.get(reverse("my-day"))

    assert response.status_code == 200
    sections = {s["key"]: s["list"] for s in response.context["sections"]}
    follow_ups = [(i.title, i.detail) for i in sections["follow-ups"].items]
    assert follow_ups == [
        ("Mine 0", "Call about the launch 0"),
        ("Theirs 0", "I promised a reply 0"),
    ]
    assert [i.title for i in sections["samples"].items] == ["Mine 0"]
    assert [i.title for i in sections["answers"].items] == ["Mine 0"]
    html = response.content.decode()
    for section in sections.values():
        for item in section.items:
            assert f'href="{item.path}"' in html
    assert "Accepted" in sections["answers"].items[0].detail
    assert "Happy to!" in html
    # Reachable from the sidebar.
    assert (
        f'href="{reverse("my-day")}"' in member_client.get(reverse("admin:index")).content.decode()
    )


def test_my_day_costs_the_same_queries_with_ten_times_the_data(member_client, member, workspace):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = member_client.get(reverse("my-day"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    _world(workspace, member, n=1)
    member_client.get(reverse("my-day"))  # first visit records the member's language
    small, _r = queries()
    _world(workspace, member, n=10, prefix="More ")
    large, response = queries()
    assert small == large
    assert len(response.context["sections"][0]["list"].items) == 22


def test_the_digest_goes_once_a_day_even_when_the_scheduler_runs_twice(
    smtp, member, workspace, settings
):
    _world(workspace, member)
    membership = Membership.objects.get(user=member, workspace=workspace)
    morning = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))

    assert digest_send_due(now=morning - dt.timedelta(hours=2)) == 0  # 07:00: before 08:00
    assert smtp.messages == []
    assert digest_send_due(now=morning) == 1
    assert digest_send_due(now=morning + dt.timedelta(minutes=15)) == 0

    assert len(smtp.messages) == 1
    recipients, raw = smtp.messages[0]
    assert recipients == [member.email]
    message = email.message_from_bytes(raw.encode("utf8"), policy=email_policy.default)
    assert message["Subject"] == f"Your day in Acme Home: {TODAY.isoformat()}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Follow-ups due" in body and "Samples overdue" in body
        assert "Call about the launch 0" in body and "I promised a reply 0" in body
        assert "New answers to invitations" in body and "Happy to!" in body
        assert "Theirs 0: Not mine" not in body and "Not yet" not in body
    opt_out = settings.DIGEST_BASE_URL + reverse("my-day-digest", args=[membership.pk])
    assert opt_out in text and opt_out in html
    membership.refresh_from_db()
    assert membership.digest_last_sent_on == TODAY

    # The next morning it goes again.
    assert digest_send_due(now=morning + dt.timedelta(days=1)) == 1


def test_no_digest_for_who_opted_out_or_has_nothing_due_and_chinese_for_who_reads_chinese(
    smtp, member, workspace
):
    _world(workspace, member)
    Membership.objects.filter(user=member).update(digest_enabled=False)
    idle = UserFactory(username="idle")
    MembershipFactory(workspace=workspace, user=idle)
    reader = UserFactory(username="li")
    MembershipFactory(workspace=workspace, user=reader, language="zh-hans", digest_hour=6)
    NoteFactory(
        creator=CreatorFactory(workspace=workspace, owner=reader, display_name="小林"),
        body="回电话",
        follow_up_on=TODAY,
    )
    morning = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))

    assert digest_send_due(now=morning) == 1

    ((recipients, raw),) = smtp.messages
    assert recipients == [reader.email]
    message = email.message_from_bytes(raw.encode("utf8"), policy=email_policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "小林" in text and "回电话" in text
    assert "待跟进" in text  # "Follow-ups due" in Chinese
    assert "Follow-ups due" not in text


def test_the_opt_out_link_turns_the_digest_off(member_client, member, workspace, smtp):
    _world(workspace, member)
    membership = Membership.objects.get(user=member, workspace=workspace)
    url = reverse("my-day-digest", args=[membership.pk])

    page = member_client.get(url)
    assert page.status_code == 200
    membership.refresh_from_db()
    assert membership.digest_enabled  # opening the link changes nothing by itself
    assert 'id="digest-turn-off"' in page.content.decode()

    response = member_client.post(url, {"enabled": "0", "hour": "8"}, follow=True)
    assert "Your daily digest is off." in response.content.decode()
    membership.refresh_from_db()
    assert not membership.digest_enabled
    assert digest_send_due(now=timezone.now().replace(hour=23)) == 0
    assert smtp.messages == []

    # Someone else's setting is not theirs to change.
    stranger = MembershipFactory(workspace=workspace)
    assert (
        member_client.post(
            reverse("my-day-digest", args=[stranger.pk]), {"enabled": "0"}
        ).status_code
        == 404
    )


def test_a_run_that_picked_a_member_before_another_run_sent_loses_the_claim(
    smtp, member, workspace
):
    """Two beats at once: both list the member as due, one sends; the other's conditional
    UPDATE (digest_last_sent_on IS DISTINCT FROM today) then moves no row, so it sends nothing."""
    from influencers.services import digest

    _world(workspace, member)
    morning = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))
    seen_by_the_slow_run = list(digest._due(morning))
    assert [m.user_id for m in seen_by_the_slow_run] == [member.pk]

    assert digest_send_due(now=morning) == 1
    assert [digest._claim(m, TODAY) for m in seen_by_the_slow_run] == [False]
    assert len(smtp.messages) == 1
