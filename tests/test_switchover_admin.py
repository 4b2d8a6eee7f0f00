"""Switch-over in the admin: readiness on the creator list and page, plan preview, dry run,
launch (managers only, confirmation page, one email each), dashboard, invitation status,
owner-only settings."""

import datetime as dt

import pytest
from django.urls import reverse

from influencers.models import (
    ActivityEvent,
    Invitation,
    MetricSnapshot,
    ScoringWeights,
    SwitchoverPlan,
)
from influencers.services.switchover import invitation_answer
from tests.factories import CreatorFactory, MembershipFactory, UserFactory
from tests.switchover_world import eligible, make_plan

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"admin:influencers_{name}", args=args)


@pytest.fixture
def manager_client(client, member):
    client.force_login(member)  # `member` is a manager of `workspace`
    return client


@pytest.fixture
def staff_member_client(client, workspace):
    user = UserFactory(username="sam", is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="member")
    client.force_login(user)
    return client


def test_creator_list_sorts_and_filters_by_readiness_and_shows_reasons(manager_client, workspace):
    high = CreatorFactory(
        workspace=workspace,
        display_name="Topper",
        readiness__score=90,
        readiness__reasons=[{"key": "engagement", "points": 12, "rate": 8.1}],
    )
    CreatorFactory(workspace=workspace, display_name="Lowly", readiness__score=10)
    changelist = _url("creator_changelist")
    column = manager_client.get(changelist).context["cl"].list_display.index("readiness_score")
    response = manager_client.get(changelist, {"o": f"-{column}"})
    names = [c.display_name for c in response.context["cl"].result_list]
    assert names == ["Topper", "Lowly"]
    response = manager_client.get(changelist, {"o": f"{column}"})
    assert [c.display_name for c in response.context["cl"].result_list] == ["Lowly", "Topper"]
    response = manager_client.get(changelist, {"readiness__score_from": 50})
    assert [c.display_name for c in response.context["cl"].result_list] == ["Topper"]
    page = manager_client.get(_url("creator_change", high.pk))
    assert b"Engagement rate 8.1% (+12)" in page.content


def test_preview_dry_run_launch_and_dashboard(manager_client, workspace, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = make_plan(workspace)
    eligible(workspace, 3)
    CreatorFactory(workspace=workspace, display_name="No Email")

    change = manager_client.get(_url("switchoverplan_change", plan.pk))
    assert change.status_code == 200
    assert _url("switchoverplan_preview_page", plan.pk).encode() in change.content

    preview = manager_client.get(_url("switchoverplan_preview_page", plan.pk))
    assert preview.status_code == 200
    assert preview.content.count(b"shortlist-row") == 4
    assert b"https://www.amazon.com/dp/B0TESTASIN?tag=maker" in preview.content
    assert b"no valid, consented email" in preview.content

    csv = manager_client.get(_url("switchoverplan_preview_csv", plan.pk))
    assert b"".join(csv.streaming_content).startswith("\ufeff".encode())

    dry = manager_client.get(_url("switchoverplan_dry_run_page", plan.pk))
    assert dry.context["result"]["would_send"] == 3 and mailoutbox == []

    confirm = manager_client.get(_url("switchoverplan_launch_page", plan.pk))
    assert confirm.status_code == 200 and b"confirm-launch" in confirm.content
    assert not Invitation.objects.exists()
    response = manager_client.post(_url("switchoverplan_launch_page", plan.pk), {"confirm": "1"})
    assert response.status_code == 302
    assert SwitchoverPlan.objects.get().status != "draft"


def test_launch_sends_once_each(
    manager_client, workspace, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = make_plan(workspace)
    eligible(workspace, 3)
    launch_url = _url("switchoverplan_launch_page", plan.pk)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager_client.post(launch_url, {"confirm": "1"})
        assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == [f"maker{i}@example.com" for i in range(3)]
    assert Invitation.objects.filter(plan=plan, status="sent").count() == 3

    invitation = Invitation.objects.filter(plan=plan).order_by("pk").first()
    # Through the flow (an event), as the creator's page does: the dashboard counts events.
    invitation_answer(invitation=invitation, accept=True)
    MetricSnapshot.objects.create(
        workspace=workspace,
        creator=invitation.creator,
        captured_at=invitation.sent_at + dt.timedelta(days=1),
        source=MetricSnapshot.Source.IMPORT,
        orders=2,
    )
    dashboard = manager_client.get(_url("switchoverplan_dashboard_page", plan.pk))
    assert dashboard.status_code == 200
    assert dashboard.context["counts"] == {"sent": 2, "accepted": 1}
    assert [a["n"] for a in dashboard.context["acceptances"]] == [1]
    assert dashboard.context["first_sales_count"] == 1


def test_a_member_cannot_launch(staff_member_client, workspace, mailoutbox):
    plan = make_plan(workspace)
    eligible(workspace, 1)
    url = _url("switchoverplan_launch_page", plan.pk)
    assert staff_member_client.get(url).status_code == 403
    assert staff_member_client.post(url, {"confirm": "1"}).status_code == 403
    assert staff_member_client.get(_url("switchoverplan_preview_page", plan.pk)).status_code == 200
    assert SwitchoverPlan.objects.get().status == "draft" and mailoutbox == []


def test_another_workspace_plan_pages_are_404(manager_client, other_workspace):
    plan = make_plan(other_workspace)
    for name in ("preview_page", "dry_run_page", "launch_page", "dashboard_page", "preview_csv"):
        assert manager_client.get(_url(f"switchoverplan_{name}", plan.pk)).status_code in (
            302,
            404,
        )
    assert manager_client.post(_url("switchoverplan_launch_page", plan.pk)).status_code in (
        302,
        404,
    )
    assert not Invitation.objects.exists()


def test_the_plan_form_offers_no_do_not_contact_target(manager_client):
    page = manager_client.get(reverse("admin:influencers_switchoverplan_add"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="statuses" value="active"' in html
    assert 'value="do_not_contact"' not in html


def test_plan_form_saves_criteria_and_messages(manager_client, workspace):
    from tests.factories import ProductFactory

    product = ProductFactory(workspace=workspace)
    data = {
        "name": "From the admin",
        "products": [product.pk],
        "commission_rate": "10",
        "default_language": "en",
        "min_readiness": "40",
        "platforms": ["tiktok"],
        "countries": "us, gb",
        "statuses": ["prospect"],
        "min_followers": "0",
        "not_invited_days": "0",
        "max_invitations": "100",
        "scheduled_at_0": "",
        "scheduled_at_1": "",
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "0",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "1000",
        "messages-0-language": "EN",
        "messages-0-subject": "Hi {{ name }}",
        "messages-0-body": "{{ link }}",
    }
    response = manager_client.post(_url("switchoverplan_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = SwitchoverPlan.objects.get()
    assert plan.countries == ["US", "GB"] and plan.platforms == ["tiktok"]
    assert plan.messages.get().language == "en"

    data["messages-0-subject"] = "{% if %}"
    data["name"] = "Broken"
    response = manager_client.post(_url("switchoverplan_add"), data)
    assert response.status_code == 200 and SwitchoverPlan.objects.count() == 1


def _sent_invitation(workspace):
    plan = make_plan(workspace, status="launched")
    (creator,) = eligible(workspace, 1)
    from influencers.models import Collaboration

    collaboration = Collaboration.objects.create(
        workspace=workspace, creator=creator, kind="amazon_affiliate_tiktok", status="proposed"
    )
    invitation = Invitation.objects.create(
        workspace=workspace,
        plan=plan,
        creator=creator,
        collaboration=collaboration,
        status="sent",
        email="maker0@example.com",
        tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=maker0-20",
        tracking_id="maker0-20",
    )
    return invitation, collaboration


def test_an_invitation_status_cannot_be_set_from_its_form_or_the_list(manager_client, workspace):
    """Issue 12 item 3: a click could mark an invitation Accepted and falsify the plan."""
    invitation, _collaboration = _sent_invitation(workspace)

    page = manager_client.get(_url("invitation_change", invitation.pk)).content.decode()
    assert 'name="status"' not in page  # read-only
    manager_client.post(_url("invitation_change", invitation.pk), {"status": "accepted"})
    listing = manager_client.get(_url("invitation_changelist")).content.decode()
    assert "form-0-status" not in listing  # not list-editable
    manager_client.post(
        _url("invitation_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(invitation.pk),
            "form-0-status": "first_sale",
            "_save": "Save",
        },
    )

    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert not ActivityEvent.objects.filter(verb__startswith="invitation.").exists()


def test_a_status_set_by_hand_asks_for_a_reason_and_is_logged(manager_client, workspace):
    invitation, collaboration = _sent_invitation(workspace)
    url = _url("invitation_changelist")
    chosen = {"action": "set_status_selected", "_selected_action": [invitation.pk]}

    asked = manager_client.post(url, chosen)
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    no_reason = manager_client.post(url, {**chosen, "apply": "1", "status": "accepted"})
    assert no_reason.status_code == 200  # the form again, with the reason required
    invitation.refresh_from_db()
    assert invitation.status == "sent"

    done = manager_client.post(
        url,
        {**chosen, "apply": "1", "status": "accepted", "reason": "Said yes on a call"},
    )

    assert done.status_code == 302
    invitation.refresh_from_db()
    collaboration.refresh_from_db()
    assert invitation.status == "accepted" and collaboration.status == "agreed"
    event = ActivityEvent.objects.get(verb=ActivityEvent.Verb.INVITATION_ANSWERED)
    assert event.data["reason"] == "Said yes on a call" and event.actor is not None

    manager_client.post(url, {**chosen, "apply": "1", "status": "live", "reason": "Video up"})
    event = ActivityEvent.objects.get(verb=ActivityEvent.Verb.INVITATION_STATUS_SET)
    assert event.data == {
        "plan": invitation.plan_id,
        "from": "accepted",
        "to": "live",
        "reason": "Video up",
    }


def test_a_member_cannot_set_a_status_by_hand(staff_member_client, workspace):
    invitation, _collaboration = _sent_invitation(workspace)
    staff_member_client.post(
        _url("invitation_changelist"),
        {
            "action": "set_status_selected",
            "_selected_action": [invitation.pk],
            "apply": "1",
            "status": "accepted",
            "reason": "I say so",
        },
    )
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_settings_are_changed_by_owners_only(manager_client, client, workspace):
    weights = ScoringWeights.objects.create(workspace=workspace)
    url = _url("scoringweights_change", weights.pk)
    assert manager_client.post(url, {"reach": 90}).status_code == 403
    owner = UserFactory(username="olga", is_staff=True)
    MembershipFactory(workspace=workspace, user=owner, role="owner")
    client.force_login(owner)
    data = {"reach": 90, "engagement": 0, "results": 0, "relationship": 0, "amazon": 0}
    assert client.post(url, {**data, "contactability": 10}).status_code == 302
    assert ScoringWeights.objects.get().reach == 90
