"""The creator's page (issue 12, item 2): opening it records "opened" once; it shows the brand,
products, commission and the personal link in the creator's language (switchable); it answers
once; tampered, unknown and expired links and floods get friendly pages, never details."""

import pytest
from django.core import signing
from django.test import override_settings

from influencers.models import ActivityEvent, Invitation, SwitchoverPlan
from influencers.switchover.selection import ANSWER_SALT
from tests.switchover_world import answer_path, eligible, make_plan, sent_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def invitation(workspace):
    plan = make_plan(workspace, status=SwitchoverPlan.Status.LAUNCHED)
    (creator,) = eligible(workspace, 1, language="zh-hans")
    return sent_invitation(plan, creator, tag="maker0-20", language="zh-hans")


def path(invitation):
    return answer_path(invitation.plan_id, invitation.creator_id).lstrip("/")


def test_opening_records_opened_once_and_shows_the_offer_in_the_creators_language(
    client, invitation
):
    url = "/" + path(invitation)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in html and "接受" in html
    assert "12.5%" in html and "B0TESTASIN" in html and "Lamp" in html
    assert "https://www.amazon.com/dp/B0TESTASIN?tag=maker0-20" in html
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED
    client.get(url)
    opened = ActivityEvent.objects.filter(verb=ActivityEvent.Verb.INVITATION_OPENED)
    assert opened.count() == 1
    english = client.get(url + "?lang=en").content.decode()
    assert '<html lang="en">' in english and "Accept" in english


def test_it_answers_once_and_then_shows_the_answer(client, invitation):
    url = "/" + path(invitation)
    client.get(url)
    accepted = client.post(url, {"answer": "accept"})
    assert 'id="answer-result"' in accepted.content.decode()
    assert "答复于" in accepted.content.decode()  # "answered on", in the creator's language
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    again = client.post(url, {"answer": "decline"})
    assert 'name="answer"' not in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED  # the first answer stands
    client.get(url)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED  # opening never moves it back


def test_a_tampered_link_gets_a_friendly_404(client, invitation):
    response = client.get("/" + path(invitation)[:-3] + "xyz/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-kind="invalid"' in html and "Traceback" not in html
    unknown = signing.TimestampSigner(salt=ANSWER_SALT).sign("999999:999999")
    assert client.get(f"/answer/{unknown}/").status_code == 404


@override_settings(SWITCHOVER_ANSWER_MAX_AGE_DAYS=0)
def test_an_expired_link_says_so_with_410(client, invitation):
    import time

    time.sleep(1.1)
    response = client.get("/" + path(invitation), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 410
    assert 'data-kind="expired"' in response.content.decode()
    assert "已过期" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


@override_settings(SWITCHOVER_ANSWER_RATE_PER_MINUTE=5)
def test_the_page_is_rate_limited_per_address(client, invitation):
    url = "/" + path(invitation)
    statuses = [client.get(url, REMOTE_ADDR="10.5.5.5").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429, 429]
    assert client.get(url, REMOTE_ADDR="10.5.5.6").status_code == 200


def test_the_creator_can_add_a_message_that_reaches_the_team(client, invitation):
    url = "/" + path(invitation)
    client.get(url)
    too_long = client.post(url, {"answer": "accept", "message": "x" * 2001})
    assert too_long.status_code == 200 and 'role="alert"' in too_long.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED  # nothing saved
    done = client.post(url, {"answer": "decline", "message": "  下个月再联系我  "})
    assert "下个月再联系我" in done.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.answer_message == "下个月再联系我"
    event = ActivityEvent.objects.get(verb=ActivityEvent.Verb.INVITATION_ANSWERED)
    assert event.data["message"] == "下个月再联系我"
