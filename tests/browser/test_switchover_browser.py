"""Drive the switch-over in the real admin (headless Chromium): log in, open a plan, preview,
dry run, launch with confirmation; the invitations appear and each creator got one email."""

from pathlib import Path

import pytest
from django.core import mail

from influencers.models import Invitation
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.switchover_world import eligible, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
N = 3


@pytest.fixture
def plan(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    workspace = WorkspaceFactory(name="Acme Home", slug="acme-home")
    user = UserFactory(username="lead", is_staff=True, password="pw-lead-1")
    MembershipFactory(workspace=workspace, user=user, role="owner")
    plan = make_plan(workspace)
    eligible(workspace, N)
    return plan


def _login(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", "pw-lead-1")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_plan_preview_dry_run_launch(page, live_server, plan, mailoutbox):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _login(page, live_server)

    page.goto(f"{live_server.url}/admin/influencers/switchoverplan/")
    page.get_by_role("link", name="Day one").first.click()
    page.wait_for_url(f"**/admin/influencers/switchoverplan/{plan.pk}/change/")

    page.get_by_role("link", name="Preview").first.click()
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/preview/")
    rows = page.locator("#shortlist tr.shortlist-row")
    assert rows.count() == N
    assert "https://www.amazon.com/dp/B0TESTASIN?tag=maker" in rows.first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "switchover_preview.png"), full_page=True)

    page.locator("#plan-nav").get_by_role("link", name="Dry run").click()
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/dry-run/")
    assert page.locator("#dry-would-send").inner_text().strip() == str(N)
    assert len(mail.outbox) == 0 and not Invitation.objects.exists()

    page.locator("#plan-nav").get_by_role("link", name="Launch").click()
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/launch/")
    page.click("#confirm-launch")
    page.wait_for_url(f"**/switchoverplan/{plan.pk}/dashboard/")
    assert page.locator("#status-counts").inner_text().count(str(N)) >= 1

    page.goto(f"{live_server.url}/admin/influencers/invitation/?plan__id__exact={plan.pk}")
    body = page.content()
    for i in range(N):
        assert f"maker{i}@example.com" in body
    page.screenshot(path=str(ARTIFACTS / "switchover_invitations.png"), full_page=True)

    assert Invitation.objects.filter(plan=plan, status="sent").count() == N
    assert sorted(m.to[0] for m in mail.outbox) == [f"maker{i}@example.com" for i in range(N)]
