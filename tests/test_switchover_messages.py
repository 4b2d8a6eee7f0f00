"""What a creator receives (issue 12, item 1): every invitation carries its answer link and an
opt-out (a standard footer, in the message's language, when the template does not place them);
the email has a plain-text part byte-for-byte as previewed and an HTML part with the same words;
it comes from the brand's name and replies go to the workspace's reply-to; "send a test to me"
sends that exact message to the signed-in user and records nothing."""

import email
import html
import re
from email import policy as email_policy

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import strategies as st

from influencers.models import Invitation, SwitchoverMessage
from influencers.services.switchover import switchover_plan_run
from influencers.switchover import messages, selection
from tests.factories import MembershipFactory, UserFactory
from tests.switchover_world import Sink, eligible, make_plan, smtp_server

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/switchover-plans/"


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink()) as sink:
        yield sink


def parts(raw: str):
    message = email.message_from_string(raw, policy=email_policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html_part = message.get_body(preferencelist=("html",)).get_content()
    return message, text, html_part


def visible_words(html_text: str) -> str:
    return "".join(html.unescape(strip_tags(html_text)).split())


# --- footer ---------------------------------------------------------------------------------------


def test_a_template_without_answer_link_or_opt_out_gets_the_standard_footer(workspace):
    plan = make_plan(
        workspace
    )  # English places both; Spanish ("Enlace: {{ link }}") places neither
    SwitchoverMessage.objects.create(
        plan=plan, language="zh-hans", subject="{{ name }}", body="链接：{{ link }}"
    )
    english, spanish, chinese = (
        eligible(workspace, 1, start=i, language=lang)[0]
        for i, lang in enumerate(["en", "es", "zh-hans"])
    )
    rows = {p.creator_id: p for p in selection.preview(plan)}
    answer = selection.answer_url(plan.pk, spanish.pk)
    assert rows[english.pk].body.count("/answer/") == 1
    assert "\n-- \n" not in rows[english.pk].body
    assert rows[spanish.pk].body.startswith("Enlace: https://www.amazon.com/dp/B0TESTASIN?tag=")
    assert "\n-- \n" in rows[spanish.pk].body and answer in rows[spanish.pk].body
    zh = rows[chinese.pk].body
    assert zh.startswith("链接：") and "/answer/" in zh
    # The footer is in the message's language.
    assert "点" in zh.split("\n-- \n")[1] and "Not interested" not in zh


# --- the email ------------------------------------------------------------------------------------


def test_the_sent_email_is_the_preview_as_text_and_html_from_the_brand(workspace, smtp):
    workspace.sender_name = "Acme 家居"
    workspace.reply_to = "creators@acme.example"
    workspace.save()
    plan = make_plan(workspace)
    (creator,) = eligible(workspace, 1)
    (previewed,) = selection.preview(plan)
    plan.status = plan.Status.SCHEDULED
    plan.save()
    switchover_plan_run(plan_id=plan.pk)
    assert Invitation.objects.get().status == Invitation.Status.SENT
    ((to, raw),) = smtp.messages
    message, text, html_part = parts(raw)
    assert to == ["maker0@example.com"]
    assert text.replace("\r\n", "\n").rstrip("\n") == previewed.body.rstrip("\n")
    assert message["Subject"] == previewed.subject
    assert message["From"].addresses[0].display_name == "Acme 家居"
    assert str(message["Reply-To"]) == "creators@acme.example"
    assert visible_words(html_part) == "".join(previewed.body.split())
    assert f'<a href="{html.escape(previewed.link)}">' in html_part
    assert '<html lang="en">' in html_part


@given(st.text(max_size=300))
def test_the_html_part_says_exactly_the_plain_text(text):
    out = messages.html_version(text, language="en")
    assert visible_words(out) == "".join(text.split())
    assert "<script" not in out.replace("&lt;script", "")


def test_links_in_the_html_part_are_clickable_and_escaped():
    out = messages.html_version('Go: https://a.example/x?y=1&z="2"\nbye', language="zh-hans")
    assert re.search(
        r'<a href="https://a.example/x\?y=1&amp;z=">https://a.example/x\?y=1&amp;z=</a>', out
    )
    assert "<br>" in out and '<html lang="zh-hans">' in out


# --- send a test to me ---------------------------------------------------------------------------


def test_send_a_test_to_me_over_the_api_sends_the_preview_and_records_nothing(
    workspace, api_as, smtp
):
    member = api_as("member")
    member.user.email = "me@acme.example"
    member.user.save()
    plan = make_plan(workspace)
    (creator,) = eligible(workspace, 1, language="es")
    (previewed,) = selection.preview(plan)
    response = member.post(f"{PLANS}{plan.pk}/test-send/", {"creator": creator.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["sent_to"] == "me@acme.example"
    assert response.json()["language"] == "es"
    ((to, raw),) = smtp.messages
    _message, text, _html = parts(raw)
    assert to == ["me@acme.example"]
    assert text.replace("\r\n", "\n").rstrip("\n") == previewed.body.rstrip("\n")
    assert not Invitation.objects.exists()


def test_a_test_send_is_refused_clearly(workspace, api_as, smtp):
    plan = make_plan(workspace)
    (creator,) = eligible(workspace, 1)
    viewer = api_as("viewer")
    url = f"{PLANS}{plan.pk}/test-send/"
    assert viewer.post(url, {"creator": creator.pk}, format="json").status_code == 403
    member = api_as("member")
    outsider = eligible(workspace, 1, start=5, status="do_not_contact")[0]
    refused = member.post(url, {"creator": outsider.pk}, format="json")
    assert refused.status_code == 400
    assert "criteria" in str(refused.json())
    member.user.email = ""
    member.user.save()
    no_address = member.post(url, {"creator": creator.pk}, format="json")
    assert no_address.status_code == 400 and "email address" in str(no_address.json())
    assert smtp.messages == []


def test_send_a_test_to_me_from_the_admin_preview(client, workspace, smtp):
    user = UserFactory(is_staff=True, email="boss@acme.example")
    MembershipFactory(workspace=workspace, user=user, role="manager")
    client.force_login(user)
    plan = make_plan(workspace)
    (creator,) = eligible(workspace, 1)
    url = reverse("admin:influencers_switchoverplan_preview_page", args=[plan.pk])
    page = client.get(url)
    assert f'name="test_send" value="{creator.pk}"' in page.content.decode()
    done = client.post(url, {"test_send": creator.pk}, follow=True)
    assert "Test sent to boss@acme.example" in done.content.decode()
    ((to, _raw),) = smtp.messages
    assert to == ["boss@acme.example"] and not Invitation.objects.exists()
