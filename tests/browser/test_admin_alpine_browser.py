"""The admin theme's Alpine.js under a script-src without 'unsafe-eval' (issue 14, item 3).

django-unfold's templates drive the sidebar, menus, tabs, filters and actions with Alpine
expressions; the stock Alpine build evaluates them with `new Function`, which the policy now
forbids. We serve Alpine's CSP build instead (docs/security.md, "CSP"). If an expression it
cannot read slips in, or the standard build comes back, clicks stop doing anything: this test
clicks through what members use and fails on the first Alpine error or CSP violation."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from influencers.services.creators import AccountInput, creator_create, creator_update
from tests.browser.conftest import lead_owner_workspace, sign_in
from tests.switchover_world import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wider than unfold's 1280 px breakpoint (the sidebar starts open) and narrower than 1536 px
# (the filters open in a drawer rather than beside the list).
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def creator():
    workspace = lead_owner_workspace()
    creator = creator_create(
        workspace=workspace,
        display_name="Lily Home",
        country="US",
        status="active",
        accounts=[AccountInput(platform="tiktok", handle="@lily.home", followers=125000)],
    )
    # A second history record with a change, so the history page has a row to expand.
    creator_update(creator=creator, data={"remarks": f"Met at the fair {timezone.now():%Y}"})
    return creator


@pytest.fixture
def problems(page):
    """Every Alpine error (the CSP build reports them as console warnings), every uncaught
    script error and every policy violation the pages produce."""
    seen = []
    page.on(
        "console",
        lambda msg: (
            seen.append(f"{page.url} {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            and ("Alpine" in msg.text or "Content Security Policy" in msg.text)
            else None
        ),
    )
    page.on("pageerror", lambda exc: seen.append(f"{page.url} pageerror: {exc}"))
    return seen


def test_the_admin_theme_works_under_a_policy_without_eval(page, live_server, creator, problems):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server)
    response = page.goto(f"{live_server.url}/admin/")
    script_src = re.search(r"script-src ([^;]*)", response.headers["content-security-policy"])
    assert script_src.group(1).split() == ["'self'"]

    # Sidebar: open on a wide screen, the header button hides and shows it.
    sidebar = page.locator("#nav-sidebar")
    expect(sidebar).to_be_visible()
    toggle = page.locator("span.material-symbols-outlined", has_text="dock_to_right")
    toggle.click()
    expect(sidebar).to_be_hidden()
    toggle.click()
    expect(sidebar).to_be_visible()

    # Dragging the sidebar's edge widens it, and the width is remembered.
    edge = page.locator("#nav-sidebar .cursor-col-resize")
    box = edge.bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(330, box["y"] + 200, steps=5)
    page.mouse.up()
    expect(sidebar).to_have_attribute("style", re.compile(r"width: 330px"))
    assert page.evaluate("localStorage.getItem('sidebarWidth')") == "330"

    # The user menu opens on a click; "Dark" switches the theme, which survives a reload.
    menu = page.locator("nav[x-show=openUserLinks]")
    expect(menu).to_be_hidden()
    page.locator("span", has_text="unfold_more").click()
    expect(menu).to_be_visible()
    menu.get_by_text("Dark", exact=True).click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    expect(page.locator("#nav-sidebar")).to_have_attribute("style", re.compile(r"width: 330px"))

    # The command palette: Ctrl+K or the sidebar's search box opens it, Escape closes it.
    palette = page.locator("[x-data='searchCommand()']")
    page.locator("body").press("Control+k")
    expect(palette).to_be_visible()
    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()
    page.get_by_text("Search apps and models").click()
    expect(palette).to_be_visible()
    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()

    # Creator list: the filters drawer opens and closes; ticking a row shows the actions bar,
    # and choosing an action shows its Run button.
    page.goto(f"{live_server.url}/admin/influencers/creator/")
    drawer = page.locator("#changelist-filter")
    expect(drawer).to_be_hidden()
    page.locator("a.filter-open-button").click()
    expect(drawer).to_be_visible()
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    run = page.locator("#changelist-actions button[name=index]")
    page.locator("input.action-select").first.check()
    expect(page.locator("#changelist-actions select[name=action]")).to_be_visible()
    expect(run).to_be_hidden()
    page.locator("#changelist-actions select[name=action]").select_option(index=1)
    expect(run).to_be_visible()
    # The bar takes the list's width, measured by Alpine's resize plugin.
    expect(page.locator("#changelist-actions")).to_have_attribute(
        "style", re.compile(r"width: [1-9]\d*px")
    )

    # Creator page: a fieldset tab shows its fields; an inline's tab shows the inline, and
    # the form then posts back to that tab.
    page.goto(f"{live_server.url}/admin/influencers/creator/{creator.pk}/change/")
    remarks = page.locator("textarea[name=remarks]")
    expect(remarks).to_be_hidden()
    page.locator("nav a", has_text="Remarks").first.click()
    expect(remarks).to_be_visible()
    contacts = page.locator("#contacts-group")
    expect(contacts).to_be_hidden()
    page.locator("#tabs-items a[href='#contacts']").click()
    expect(contacts).to_be_visible()
    expect(remarks).to_be_hidden()
    expect(page.locator("#creator_form")).to_have_attribute(
        "action", f"/admin/influencers/creator/{creator.pk}/change/#contacts"
    )
    # A link to a tab opens the page on it.
    page.goto(f"{live_server.url}/admin/influencers/creator/{creator.pk}/change/#notes")
    page.reload()
    expect(page.locator("#notes-group")).to_be_visible()
    expect(contacts).to_be_hidden()

    # History: a row with changes opens to show what changed.
    page.goto(f"{live_server.url}/admin/influencers/creator/{creator.pk}/history/")
    change_row = page.locator("tbody[x-data] tr.data-row.cursor-pointer").first
    detail = page.locator("tbody[x-data] tr[x-show=rowOpen]").first
    expect(detail).to_be_hidden()
    change_row.locator("td").first.click()
    expect(detail).to_be_visible()

    # The other pages with Alpine markup load without an Alpine error: a past version of the
    # creator (its object-action buttons), the switch-over plan and its dashboard, "My day".
    plan = make_plan(creator.workspace)
    for path in (
        f"/admin/influencers/creator/{creator.pk}/history/{creator.history.earliest().pk}/",
        "/admin/influencers/creator/add/",
        f"/admin/influencers/switchoverplan/{plan.pk}/change/",
        f"/admin/influencers/switchoverplan/{plan.pk}/dashboard/",
        "/admin/my-day/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

    # The language switch submits its form on change.
    with page.expect_navigation():
        page.select_option("#language-switcher-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    assert problems == []
