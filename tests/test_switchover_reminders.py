"""Reminders (issue 12, item 4): one reminder per invitation to creators who have not answered
after the plan's N days, over a real SMTP server; never twice, never early, never to someone
who answered, is do-not-contact or withdrew consent; a claimed reminder is never sent again;
the plan's dashboard counts them; the admin form and the API take the setting."""

import datetime as dt
import email
from email import policy as email_policy

import pytest
from django.urls import reverse
from django.utils import timezone

from influencers.models import ActivityEvent, Creator, Invitation, SwitchoverPlan
from influencers.services.switchover_reminders import switchover_remind_due
from tests.factories import MembershipFactory, UserFactory
from tests.switchover_world import Sink, eligible, make_plan, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink()) as sink:
        yield sink


def invite(plan, creator, *, days_ago, status="sent", **extra):
    return Invitation.objects.create(
        workspace=plan.workspace,
        plan=plan,
        creator=creator,
        status=status,
        email=f"{creator.pk}@example.com",
        language="en",
        subject="Acme x you",
        body="Hi, your link: https://www.amazon.com/dp/B0TESTASIN?tag=x-20",
        tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=x-20",
        tracking_id="x-20",
        sent_at=timezone.now() - dt.timedelta(days=days_ago),
        message_id=f"<switchover-invitation-{creator.pk}@localhost>",
        **extra,
    )


@pytest.fixture
def plan(workspace):
    return make_plan(workspace, status=SwitchoverPlan.Status.LAUNCHED, reminder_after_days=3)


def test_one_reminder_after_n_days_to_those_who_did_not_answer(plan, workspace, smtp):
    waiting, opened, early, accepted, declined, banned, withdrawn = eligible(workspace, 7)
    due = [invite(plan, waiting, days_ago=4), invite(plan, opened, days_ago=3, status="opened")]
    invite(plan, early, days_ago=2)
    invite(plan, accepted, days_ago=9, status="accepted")
    invite(plan, declined, days_ago=9, status="declined")
    invite(plan, banned, days_ago=9)
    invite(plan, withdrawn, days_ago=9)
    Creator.objects.filter(pk=banned.pk).update(status="do_not_contact")
    Creator.objects.filter(pk=withdrawn.pk).update(consent_to_contact=False)

    assert switchover_remind_due() == 2
    assert sorted(to[0] for to, _raw in smtp.messages) == sorted(i.email for i in due)
    message = email.message_from_string(smtp.messages[0][1], policy=email_policy.default)
    assert message["Subject"] == "Reminder: Acme x you"
    assert message["In-Reply-To"].startswith("<switchover-invitation-")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "https://www.amazon.com/dp/B0TESTASIN?tag=x-20" in body
    for invitation in due:
        invitation.refresh_from_db()
        assert invitation.reminded_at is not None
    assert ActivityEvent.objects.filter(verb="invitation.reminded").count() == 2

    assert switchover_remind_due() == 0  # run again: nothing more
    assert len(smtp.messages) == 2


def test_a_plan_without_reminders_or_not_launched_sends_none(workspace, smtp):
    none = make_plan(workspace, status=SwitchoverPlan.Status.LAUNCHED)
    creator, other = eligible(workspace, 2)
    invite(none, creator, days_ago=30)
    draft = SwitchoverPlan.objects.create(
        workspace=workspace, name="Draft", commission_rate=10, reminder_after_days=1
    )
    invite(draft, other, days_ago=30)
    assert switchover_remind_due() == 0 and smtp.messages == []


def test_a_claimed_reminder_is_never_sent_again(plan, workspace, smtp):
    (creator,) = eligible(workspace, 1)
    # A worker claimed it and was killed before sending: it may or may not have gone out.
    invite(plan, creator, days_ago=5, reminder_claimed_at=timezone.now())
    assert switchover_remind_due() == 0 and smtp.messages == []


def test_the_dashboard_counts_reminders_and_forms_take_the_setting(
    plan, workspace, smtp, client, api
):
    (creator,) = eligible(workspace, 1)
    invite(plan, creator, days_ago=5)
    switchover_remind_due()
    user = UserFactory(is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="manager")
    client.force_login(user)
    page = client.get(reverse("admin:influencers_switchoverplan_dashboard_page", args=[plan.pk]))
    assert 'id="reminders-sent">1<' in page.content.decode()
    body = api.get(f"/api/v1/switchover-plans/{plan.pk}/").json()
    assert body["reminder_after_days"] == 3
    form = client.get(reverse("admin:influencers_switchoverplan_add"))
    assert 'name="reminder_after_days"' in form.content.decode()
    bad = api.post(
        "/api/v1/switchover-plans/",
        {"name": "x", "commission_rate": "10", "reminder_after_days": 0},
        format="json",
    )
    assert bad.status_code == 400 and "reminder_after_days" in bad.json()["errors"]
