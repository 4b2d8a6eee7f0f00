"""The creator's answer page at a phone's width, in Chinese and English: the offer, the link and
the buttons fit the screen (no sideways scrolling); accepting in Chinese shows the answer.
Screenshots are kept in var/test-artifacts/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from influencers.models import SwitchoverPlan
from tests.factories import WorkspaceFactory
from tests.switchover_world import answer_path, eligible, make_plan, sent_invitation

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def link(live_server):
    workspace = WorkspaceFactory(name="Acme 家居", slug="acme-home")
    plan = make_plan(workspace, status=SwitchoverPlan.Status.LAUNCHED)
    (creator,) = eligible(workspace, 1, language="zh-hans")
    sent_invitation(plan, creator, tag="averyveryverylongcreatorhandle-20", language="zh-hans")
    return f"{live_server.url}{answer_path(plan.pk, creator.pk)}"


def test_the_answer_page_fits_a_phone_in_both_languages(page, link):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    for language, accept in (("en", "Accept"), ("zh-hans", "接受")):
        page.goto(f"{link}?lang={language}")
        expect(page.locator("#commission")).to_have_text("12.5%")
        expect(page.get_by_role("button", name=accept)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / f"answer_{language}.png"), full_page=True)
    page.get_by_role("button", name="接受").click()
    expect(page.locator("#answer-result")).to_be_visible()
    assert "答复于" in page.locator("#answer-result").inner_text()
    page.screenshot(path=str(ARTIFACTS / "answer_accepted_zh-hans.png"), full_page=True)
