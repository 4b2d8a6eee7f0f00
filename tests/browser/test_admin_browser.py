"""Drive the real admin in headless Chromium: log in, switch to Chinese, open a creator."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from influencers.services.creators import AccountInput, ContactInput, creator_create
from influencers.services.notes import note_add
from tests.browser.conftest import lead_owner_workspace, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture
def pool():
    workspace = lead_owner_workspace()
    creator = creator_create(
        workspace=workspace,
        display_name="李小美 Lily",
        country="CN",
        status="active",
        accounts=[AccountInput(platform="tiktok", handle="@lily.home", followers=125000)],
        contacts=[ContactInput(kind="email", value="lily@example.com", is_primary=True)],
    )
    note_add(creator=creator, kind="performance", body="视频质量很高，回复及时。", rating_content=5)
    return creator


def test_log_in_switch_to_chinese_and_open_a_creator(page, live_server, pool):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server)
    assert page.locator("html").get_attribute("lang") == "en"

    # The language switch is the select in the admin header; choosing submits it.
    with page.expect_navigation():
        page.select_option("#language-switcher-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.goto(f"{live_server.url}/admin/influencers/creator/")
    assert "李小美 Lily" in page.content()
    page.get_by_role("link", name="李小美 Lily").first.click()
    page.wait_for_url(f"**/admin/influencers/creator/{pool.pk}/change/")
    body = page.content()
    assert "lily.home" in body
    assert "视频质量很高" in body
    # Django's own admin strings are translated, and so are ours.
    assert "保存" in body
    page.screenshot(path=str(ARTIFACTS / "creator_zh.png"), full_page=True)
    # The page opens on the profile: summary, KPI tiles, trend and timeline, form in tabs below.
    assert page.locator("#creator-profile").is_visible()
    assert page.locator("#profile-kpis").inner_text().count("\n") >= 4
    assert "新增记录" in page.locator("#profile-timeline").inner_text()
    assert page.get_by_text("基本资料", exact=True).first.is_visible()  # the first tab


def test_the_creator_profile_in_english_with_its_tabs(page, live_server, pool):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/influencers/creator/{pool.pk}/change/")

    assert page.locator("#creator-profile").is_visible()
    assert "125,000" in page.locator("#profile-kpis").inner_text()
    assert "Note added: Performance" in page.locator("#profile-timeline").inner_text()
    # The edit form is in tabs: the remarks field is hidden until its tab is opened.
    remarks = page.locator("textarea[name=remarks]")
    assert not remarks.is_visible()
    page.locator("nav a", has_text="Remarks").first.click()
    expect(remarks).to_be_visible()  # the tab switch is animated: wait for it
    page.screenshot(path=str(ARTIFACTS / "creator_profile_en.png"), full_page=True)


def test_the_content_security_policy_blocks_nothing_the_pages_need(page, live_server, pool):
    """Every page runs under the CSP (see config/settings/base.py), which allows no inline
    script and no eval: the admin theme's scripts, the dashboard charts, Swagger UI and ReDoc
    must load without a single violation."""
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: violations.append(str(exc)))
    sign_in(page, live_server)
    for path in (
        "/admin/",
        f"/admin/influencers/creator/{pool.pk}/change/",
        "/admin/influencers/creator/",
        "/admin/influencers/switchoverplan/",
        "/api/redoc/",
        "/api/docs/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        if path == "/api/redoc/":
            expect(page.locator("redoc h1").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    # ReDoc's footer logo comes from Redocly's CDN: blocked on purpose (no third-party
    # requests from our pages), and the page needs it for nothing.
    assert [v for v in violations if "cdn.redoc.ly/redoc/logo-mini.svg" not in v] == []
