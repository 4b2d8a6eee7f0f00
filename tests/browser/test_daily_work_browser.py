"""Issue 13 in the real admin (headless Chromium), in English and in Chinese: find a creator by
a phone pasted as displayed and by a name typed without accents, filter by two tags at once,
save the list as a shared view and open it again from its badge, choose columns, export the
list; then "My day". Screenshots are kept in var/test-artifacts/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from influencers.models import SavedView, Tag
from influencers.services.creators import AccountInput, ContactInput, creator_create
from tests.browser.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture
def pool():
    workspace = WorkspaceFactory(name="Acme Home", slug="acme-home")
    user = UserFactory(username="lead", is_staff=True, password="pw-lead-1")
    MembershipFactory(workspace=workspace, user=user, role="owner")
    pets, beauty = (Tag.objects.create(workspace=workspace, name=n) for n in ("pets", "beauty"))
    maria = creator_create(
        workspace=workspace,
        display_name="María Díaz",
        country="US",
        status="active",
        accounts=[AccountInput(platform="tiktok", handle="@maria.home", followers=80000)],
        contacts=[ContactInput(kind="phone", value="+1 646-555-0164")],
    )
    maria.tags.add(pets, beauty)
    for i, tags in enumerate(((pets,), (beauty,), ())):
        other = creator_create(workspace=workspace, display_name=f"Other {i}", country="GB")
        other.tags.add(*tags)
    return {"maria": maria, "pets": pets, "beauty": beauty}


def _names(page) -> list[str]:
    return page.locator(
        "#result_list tbody th a, #result_list tbody td.field-display_name a"
    ).all_inner_texts()


def _search(page, term):
    box = page.locator("#searchbar")
    box.fill(term)
    with page.expect_navigation():
        box.press("Enter")


def test_find_filter_save_and_reopen_a_view_in_both_languages(page, live_server, pool):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server)
    url = f"{live_server.url}/admin/influencers/creator/"

    page.goto(url)
    _search(page, "(646) 555-0164")
    expect(page.locator("#result_list")).to_contain_text("María Díaz")
    assert len(_names(page)) == 1
    _search(page, "diaz")
    expect(page.locator("#result_list")).to_contain_text("María Díaz")
    page.screenshot(path=str(ARTIFACTS / "daily_search_en.png"), full_page=True)

    both = f"tags_all={pool['pets'].pk}&tags_all={pool['beauty'].pk}"
    page.goto(f"{url}?{both}")
    expect(page.locator("#result_list")).to_contain_text("María Díaz")
    assert len(_names(page)) == 1

    # Save it, shared, and find it again from its badge.
    page.locator("#saved-views summary", has_text="Save this view").click()
    page.fill("#save-view-form input[name=name]", "Pets and beauty")
    page.check("#save-view-form input[name=shared]")
    with page.expect_navigation():
        page.click("#save-view-form button[type=submit]")
    expect(page.get_by_text("View “Pets and beauty” saved.")).to_be_visible()
    view = SavedView.objects.get()
    badge = page.locator(f'[data-view="{view.pk}"]')
    expect(badge.locator(".view-count")).to_have_text("1")
    page.goto(url)
    with page.expect_navigation():
        badge.get_by_role("link", name="Pets and beauty").click()
    assert len(_names(page)) == 1

    # Columns: keep only country.
    page.locator("#saved-views summary", has_text="Columns").click()
    for box in page.locator("#columns-form input.column-choice:not([disabled])").all():
        if box.get_attribute("value") != "country":
            box.uncheck()
    with page.expect_navigation():
        page.click("#columns-form button[type=submit]")
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert any("Country" in h for h in headers) and not any("Readiness" in h for h in headers)

    # Export this list: the file has María only.
    with page.expect_download() as download:
        page.click("#export-list-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "María Díaz" in text and "Other 0" not in text
    page.screenshot(path=str(ARTIFACTS / "daily_view_en.png"), full_page=True)

    # The same in Chinese.
    with page.expect_navigation():
        page.select_option("#language-switcher-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#saved-views")).to_contain_text("已保存的视图")
    expect(page.locator("#export-list")).to_contain_text("导出此列表")
    _search(page, "Diaz")
    expect(page.locator("#result_list")).to_contain_text("María Díaz")
    page.screenshot(path=str(ARTIFACTS / "daily_view_zh.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/my-day/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.screenshot(path=str(ARTIFACTS / "daily_my_day_zh.png"), full_page=True)
