"""The admin and the API are two faces of one write path (issue 11 item 7).

The same edits are made to two equal creators — one through the admin's real forms (Django
client posting what the pages render, inlines included), one through the REST API — and the end
states are compared: rows, roll-ups, readiness and activity events. Before, a fee changed in the
admin left the roll-ups as they were while the API recomputed them.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from influencers import models as m
from influencers.services.readiness import readiness_recompute
from tests.factories import CreatorFactory, MembershipFactory, UserFactory
from tests.test_admin import _errors, _form_data, _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(workspace, other_workspace):
    """The same creator in two workspaces: the admin edits one, the API the other."""
    made = {}
    for ws in (workspace, other_workspace):
        made[ws.pk] = CreatorFactory(
            workspace=ws, display_name="Mara Voss", status="prospect", country="US"
        )
    return made[workspace.pk], made[other_workspace.pk]


@pytest.fixture
def admin_client(client, workspace):
    user = UserFactory(username="admin-manager", is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="manager")
    client.force_login(user)
    return client


@pytest.fixture
def api(api_as, other_workspace):
    return api_as("manager", other_workspace)


def _run(capture, call):
    """One request, with the work it queues after commit run (Celery is eager in tests)."""
    with capture(execute=True):
        response = call()
    return response


def _admin_edits(client, creator, capture):
    url = _url(m.Creator, "change", creator.pk)
    data = _form_data(client.get(url))
    data.update(
        {
            "status": "contacted",
            "country": "DE",
            "accounts-TOTAL_FORMS": "1",
            "accounts-0-platform": "tiktok",
            "accounts-0-handle": "@Mara.Voss",
            "accounts-0-followers": "12.5k",
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-kind": "email",
            "contacts-0-value": "Mara.Voss@Example.com",
            "contacts-0-is_primary": "on",
            "notes-TOTAL_FORMS": "1",
            "notes-0-kind": "email",
            "notes-0-body": "Sent the brief",
            "notes-0-occurred_at_0": "2026-11-30",
            "notes-0-occurred_at_1": "10:00:00",
        }
    )
    response = _run(capture, lambda: client.post(url, data))
    assert response.status_code == 302, _errors(response)

    add = _form_data(client.get(_url(m.Collaboration, "add")))
    add.update(
        {"creator": str(creator.pk), "kind": "paid_post", "fee": "100.00", "currency": "USD"}
    )
    add.pop("workspace", None)
    response = _run(capture, lambda: client.post(_url(m.Collaboration, "add"), add))
    assert response.status_code == 302, _errors(response)
    collaboration = m.Collaboration.objects.get(creator=creator)

    change_url = _url(m.Collaboration, "change", collaboration.pk)
    change = _form_data(client.get(change_url))
    change["fee"] = "250.00"  # the edit the admin used to save without recomputing roll-ups
    response = _run(capture, lambda: client.post(change_url, change))
    assert response.status_code == 302, _errors(response)

    snap = _form_data(client.get(_url(m.MetricSnapshot, "add")))
    snap.pop("workspace", None)
    snap.update(
        {
            "creator": str(creator.pk),
            "captured_at_0": "2026-12-01",
            "captured_at_1": "09:00:00",
            "source": "manual",
            "kind": "total",
            "currency": "USD",
            "sales": "1000.00",
            "orders": "7",
        }
    )
    response = _run(capture, lambda: client.post(_url(m.MetricSnapshot, "add"), snap))
    assert response.status_code == 302, _errors(response)


def _api_edits(api, creator, capture):
    response = _run(
        capture,
        lambda: api.patch(
            f"/api/v1/creators/{creator.pk}/",
            {
                "status": "contacted",
                "country": "DE",
                "accounts": [{"platform": "tiktok", "handle": "@Mara.Voss", "followers": 12500}],
                "contacts": [
                    {"kind": "email", "value": "Mara.Voss@Example.com", "is_primary": True}
                ],
            },
            format="json",
        ),
    )
    assert response.status_code == 200, response.content
    response = _run(
        capture,
        lambda: api.post(
            "/api/v1/notes/",
            {
                "creator": creator.pk,
                "kind": "email",
                "body": "Sent the brief",
                "occurred_at": "2026-11-30T10:00:00Z",
            },
            format="json",
        ),
    )
    assert response.status_code == 201, response.content
    response = _run(
        capture,
        lambda: api.post(
            "/api/v1/collaborations/",
            {"creator": creator.pk, "kind": "paid_post", "fee": "100.00", "currency": "USD"},
            format="json",
        ),
    )
    assert response.status_code == 201, response.content
    collaboration_id = response.json()["id"]
    response = _run(
        capture,
        lambda: api.patch(
            f"/api/v1/collaborations/{collaboration_id}/", {"fee": "250.00"}, format="json"
        ),
    )
    assert response.status_code == 200, response.content
    response = _run(
        capture,
        lambda: api.post(
            "/api/v1/metric-snapshots/",
            {
                "creator": creator.pk,
                "captured_at": "2026-12-01T09:00:00Z",
                "sales": "1000.00",
                "orders": 7,
                "currency": "USD",
            },
            format="json",
        ),
    )
    assert response.status_code == 201, response.content


def end_state(creator) -> dict:
    creator = m.Creator.objects.get(pk=creator.pk)
    readiness_recompute(workspace_id=creator.workspace_id, creator_ids=[creator.pk])
    return {
        "creator": {
            name: getattr(creator, name)
            for name in (
                "status",
                "country",
                "followers",
                "rollup_collaborations",
                "rollup_orders",
                "rollup_gmv",
                "rollup_cost",
                "rollup_roi",
                "last_contacted_at",
            )
        },
        "rollups_computed": creator.rollups_updated_at is not None,
        "readiness": m.CreatorReadiness.objects.get(creator=creator).score,
        "accounts": sorted(
            creator.accounts.values_list("platform", "handle_normalised", "url", "followers")
        ),
        "contacts": sorted(creator.contacts.values_list("kind", "value_normalised", "is_primary")),
        "collaborations": sorted(creator.collaborations.values_list("kind", "fee", "status")),
        "notes": sorted(creator.notes.values_list("kind", "body")),
        "snapshots": sorted(creator.metric_snapshots.values_list("sales", "orders", "kind")),
        "events": Counter(creator.events.values_list("verb", flat=True)),
    }


def test_the_same_edits_through_the_admin_and_the_api_end_the_same(
    admin_client, api, twins, django_capture_on_commit_callbacks
):
    through_admin, through_api = twins

    _admin_edits(admin_client, through_admin, django_capture_on_commit_callbacks)
    _api_edits(api, through_api, django_capture_on_commit_callbacks)

    admin_state, api_state = end_state(through_admin), end_state(through_api)
    assert admin_state == api_state
    # And the state is the right one, not merely the same.
    assert admin_state["creator"]["rollup_cost"] == Decimal("250.00")
    assert admin_state["creator"]["rollup_gmv"] == Decimal("1000.00")
    assert admin_state["creator"]["followers"] == 12_500
    assert admin_state["accounts"] == [
        ("tiktok", "mara.voss", "https://www.tiktok.com/@mara.voss", 12_500)
    ]
    assert admin_state["contacts"] == [("email", "mara.voss@example.com", True)]
    assert admin_state["rollups_computed"]


def test_a_fee_changed_in_the_admin_recomputes_the_rollups(
    admin_client, workspace, django_capture_on_commit_callbacks
):
    creator = CreatorFactory(workspace=workspace)
    collaboration = m.Collaboration.objects.create(
        workspace=workspace, creator=creator, kind="paid_post", fee=Decimal("100")
    )
    url = _url(m.Collaboration, "change", collaboration.pk)
    data = _form_data(admin_client.get(url))
    data["fee"] = "400.00"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    creator.refresh_from_db()
    assert creator.rollup_cost == Decimal("400.00")
    assert creator.rollups_updated_at is not None
    assert creator.rollups_updated_at <= timezone.now()


def test_the_services_refuse_what_the_role_may_not_do(workspace):
    from django.core.exceptions import PermissionDenied

    from influencers.services.notes import note_add
    from influencers.services.records import record_delete

    viewer = UserFactory(username="only-looks")
    MembershipFactory(workspace=workspace, user=viewer, role="viewer")
    member = UserFactory(username="adds-things")
    MembershipFactory(workspace=workspace, user=member, role="member")
    creator = CreatorFactory(workspace=workspace)

    with pytest.raises(PermissionDenied):
        note_add(creator=creator, actor=viewer, body="not allowed")
    with pytest.raises(PermissionDenied):
        record_delete(instance=creator, actor=member)  # deleting is for managers
    outsider = UserFactory(username="elsewhere")
    with pytest.raises(PermissionDenied):
        note_add(creator=creator, actor=outsider, body="not a member here")
    assert note_add(creator=creator, actor=member, body="fine").pk
    assert m.Creator.objects.filter(pk=creator.pk).exists()
