"""The whole switch-over day in the real admin and on a phone (headless Chromium), against a
real SMTP server on loopback: plan → preview → "send a test to me" → dry run → launch → the
creator opens the link from their email, answers in Chinese → a reminder goes to those who did
not answer → the plan's dashboard. Every message the SMTP server received is, byte for byte,
the message the preview showed. Screenshots of each page are kept in var/test-artifacts/."""

import email
import email.policy
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from influencers.models import Creator, Invitation, SwitchoverMessage
from influencers.services.switchover_reminders import switchover_remind_due
from tests.browser.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.switchover_world import Sink, eligible, make_plan, smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
PHONE = {"width": 390, "height": 844}
OWNER_EMAIL = "lead@acme-home.example"


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Sink()) as sink:
        yield sink


@pytest.fixture
def day(settings, smtp, live_server):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SWITCHOVER_PUBLIC_BASE_URL = live_server.url
    workspace = WorkspaceFactory(name="Acme Home", slug="acme-home")
    user = UserFactory(username="lead", is_staff=True, password="pw-lead-1", email=OWNER_EMAIL)
    MembershipFactory(workspace=workspace, user=user, role="owner")
    plan = make_plan(
        workspace,
        reminder_after_days=2,
        sample_offer="A free lamp ships within 3 days of your yes.",
        terms="One video within 14 days; disclose #ad.",
    )
    SwitchoverMessage.objects.create(
        plan=plan,
        language="zh-hans",
        subject="{{ brand }} 邀请 {{ name }} 推广亚马逊商品",
        body="{{ name }} 你好！推广 {{ product }}，佣金 {{ commission }}：{{ link }}\n"
        "回复：{{ answer_link }}\n{{ opt_out }} 🎉",
    )
    english = eligible(workspace, 2)
    (chinese,) = eligible(workspace, 1, start=2, language="zh-hans", display_name="李娜")
    (shy,) = eligible(workspace, 1, start=3)
    Creator.objects.filter(pk=shy.pk).update(consent_to_contact=False)
    return {"plan": plan, "english": english, "chinese": chinese, "shy": shy}


def _parsed(content: str):
    # As bytes: parsed from str, 8bit UTF-8 parts come back as \\u escapes.
    # SMTP carries lines ended by CRLF (RFC 5321): the only change between what was rendered
    # and what is on the wire, undone here.
    raw = content.replace("\r\n", "\n").encode("utf8")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message, message.get_body(preferencelist=("plain",)).get_content()


def _subject(message) -> str:
    # Django folds a long encoded subject onto the next line ("Subject:\n =?utf-8?b?...?=");
    # the folding whitespace is header syntax (RFC 5322), not part of the subject.
    return message["Subject"].lstrip()


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"day_{name}.png"), full_page=True)


def test_the_whole_switch_over_day(page, live_server, day, smtp):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    plan, chinese = day["plan"], day["chinese"]
    sign_in(page, live_server)

    # The plan.
    page.goto(f"{live_server.url}/admin/influencers/switchoverplan/")
    page.get_by_role("link", name="Day one").first.click()
    page.wait_for_url(f"**/admin/influencers/switchoverplan/{plan.pk}/change/")
    _shot(page, "1_plan")

    # The preview: the exact message each creator would get, in their language.
    page.get_by_role("link", name="Preview").first.click()  # the plan's action buttons
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/preview/")
    rows = page.locator("#shortlist .shortlist-row")
    expect(rows).to_have_count(4)  # the one without consent too, with the reason
    shy_row = page.locator(f'.shortlist-row[data-creator="{day["shy"].pk}"]')
    expect(shy_row.locator(".shortlist-problems")).to_contain_text("consented")
    assert (
        "1 matching creator is held back" in page.locator("#preview-held-back-consent").inner_text()
    )
    previewed = {}
    for i in range(4):
        row = rows.nth(i)
        creator_id = int(row.get_attribute("data-creator"))
        if creator_id == day["shy"].pk:
            continue
        previewed[creator_id] = (
            row.locator("strong").first.text_content(),
            row.locator("pre").text_content(),
        )
    subject_zh, body_zh = previewed[chinese.pk]
    assert subject_zh == "Acme Home 邀请 李娜 推广亚马逊商品"
    assert body_zh.startswith(
        "李娜 你好！推广 Lamp，佣金 12.5%：https://www.amazon.com/dp/B0TESTASIN"
    )
    assert "%%" not in body_zh and body_zh.rstrip().endswith("🎉")
    _shot(page, "2_preview")

    # "Send a test to me": the Chinese creator's message to the signed-in owner, nothing recorded.
    page.locator(f'.shortlist-row[data-creator="{chinese.pk}"] button[name=test_send]').click()
    expect(page.get_by_text(f"Test sent to {OWNER_EMAIL}")).to_be_visible()
    ((rcpts, content),) = smtp.messages
    assert rcpts == [OWNER_EMAIL]
    test_message, test_body = _parsed(content)
    assert test_body == body_zh and _subject(test_message) == subject_zh
    assert not Invitation.objects.exists()
    _shot(page, "3_test_sent")

    # Dry run: three would go, one held back by consent, nothing sent.
    page.locator("#plan-nav").get_by_role("link", name="Dry run").click()
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/dry-run/")
    expect(page.locator("#dry-would-send")).to_have_text("3")
    expect(page.locator("#dry-held-back-consent")).to_have_text("1")
    assert len(smtp.messages) == 1 and not Invitation.objects.exists()
    _shot(page, "4_dry_run")

    # Launch, confirmed: one email each, each the previewed message byte for byte.
    page.locator("#plan-nav").get_by_role("link", name="Launch").click()
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/launch/")
    _shot(page, "5_launch")
    page.click("#confirm-launch")
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/dashboard/")
    sent = smtp.messages[1:]
    assert len(sent) == 3
    by_creator = {i.email: i.creator_id for i in Invitation.objects.filter(plan=plan)}
    for (recipient,), content in sent:
        message, body = _parsed(content)
        subject, previewed_body = previewed[by_creator[recipient]]
        assert body == previewed_body
        assert _subject(message) == subject
    _shot(page, "6_dashboard_after_launch")

    # The creator opens the link from their email on a phone, answers in Chinese.
    chinese_mail = next(c for (r,), c in sent if by_creator[r] == chinese.pk)
    link = re.search(r"https?://\S+/answer/\S+/", _parsed(chinese_mail)[1]).group(0)
    phone = page.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone.locator("#sample-offer")).to_contain_text("free lamp")
    expect(phone.locator("#terms")).to_contain_text("#ad")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(ARTIFACTS / "day_7_creator_opens_zh.png"), full_page=True)
    phone.fill("#answer-message", "很乐意！请寄样品。")
    phone.get_by_role("button", name="接受").click()
    expect(phone.locator("#answer-result")).to_contain_text("很乐意")
    phone.screenshot(path=str(ARTIFACTS / "day_8_creator_accepted_zh.png"), full_page=True)
    phone.close()
    answered = Invitation.objects.get(plan=plan, creator=chinese)
    assert answered.status == "accepted" and answered.answer_message == "很乐意！请寄样品。"

    # Two days on, one reminder each to the two who did not answer; never a second.
    later = timezone.now() + timezone.timedelta(days=3)
    assert switchover_remind_due(now=later) == 2
    assert switchover_remind_due(now=later) == 0
    reminded = sorted(r[0] for r, _c in smtp.messages[4:])
    assert reminded == ["maker0@example.com", "maker1@example.com"]

    # The dashboard, in English and in Chinese.
    page.reload()
    funnel = {
        stage: page.locator(f'[data-stage="{stage}"] .funnel-count').inner_text()
        for stage in ("invited", "opened", "accepted")
    }
    assert funnel == {"invited": "3", "opened": "1", "accepted": "1"}
    expect(page.locator("#reminders-sent")).to_have_text("2")
    expect(page.locator("#list-accepted")).to_contain_text("李娜")
    expect(page.locator("#list-accepted")).to_contain_text("很乐意")
    expect(page.locator("#list-no_answer .list-count")).to_have_text("2")
    expect(page.locator("#skipped-reasons")).to_contain_text("consented")
    expect(page.locator("#days")).to_contain_text("1 / 3 (33%)")
    _shot(page, "9_dashboard_en")
    with page.expect_navigation():  # the language switch in the admin header
        page.select_option("#language-switcher-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("body")).to_contain_text("逐日数据")
    expect(page.locator("body")).to_contain_text("未被邀请的人及原因")
    _shot(page, "10_dashboard_zh")
