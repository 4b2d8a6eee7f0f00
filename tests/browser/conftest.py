import os
import shutil
import tempfile

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told it is safe (it is: the loop only drives the browser, not our queries).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="ipm-chromium-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            locale="en-US",
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(15_000)
    yield page
    page.close()


def lead_owner_workspace():
    """Acme Home and its owner "lead" (a superuser, staff), who sign_in() signs in as."""
    from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

    workspace = WorkspaceFactory(name="Acme Home", slug="acme-home")
    user = UserFactory(username="lead", is_staff=True, is_superuser=True, password="pw-lead-1")
    MembershipFactory(workspace=workspace, user=user, role="owner")
    return workspace


def sign_in(page, live_server, username="lead", password="pw-lead-1"):
    """Through the real login form, as a member would."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
