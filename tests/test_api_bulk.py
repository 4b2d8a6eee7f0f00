import pytest

from influencers.models import MetricSnapshot
from tests.factories import CollaborationFactory, CreatorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/metric-snapshots/bulk/"


def test_bulk_creates_all_and_refreshes_rollups(api, workspace, django_capture_on_commit_callbacks):
    creators = [CreatorFactory(workspace=workspace) for _ in range(3)]
    items = [
        {
            "creator": c.pk,
            "views": 100 * i,
            "orders": i,
            "sales": "10.00",
            "captured_at": "2026-06-01T10:00:00Z",
        }
        for i, c in enumerate(creators, 1)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"items": items}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    assert MetricSnapshot.objects.filter(workspace=workspace).count() == 3
    creators[2].refresh_from_db()
    assert creators[2].rollup_orders == 3  # the roll-up task ran on commit (eager in tests)


def test_one_bad_item_saves_nothing_and_names_the_item(api, workspace):
    creator = CreatorFactory(workspace=workspace)
    other = CollaborationFactory(creator=CreatorFactory(workspace=workspace))
    items = [{"creator": creator.pk, "views": 1}] * 3
    items += [
        {"creator": creator.pk, "views": -5},
        {"creator": creator.pk, "collaboration": other.pk},
    ]
    response = api.post(URL, {"items": items}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"3"}
    assert "views" in errors["3"]
    assert not MetricSnapshot.objects.exists()
    # Once the shape errors are fixed, the reference errors are reported per item too.
    items[3] = {"creator": creator.pk, "views": 5}
    response = api.post(URL, {"items": items}, format="json")
    assert set(response.json()["errors"]) == {"4"}
    assert "collaboration" in response.json()["errors"]["4"]
    assert not MetricSnapshot.objects.exists()


def test_more_than_5000_items_is_413(api, workspace):
    items = [{"creator": 1}] * 5001
    response = api.post(URL, {"items": items}, format="json")
    assert response.status_code == 413


def test_5000_items_go_in_one_request(api, workspace, django_assert_max_num_queries):
    creators = [CreatorFactory(workspace=workspace) for _ in range(5)]
    items = [{"creator": creators[i % 5].pk, "views": i} for i in range(5000)]
    api.get("/api/v1/me/")
    with django_assert_max_num_queries(40):
        response = api.post(URL, {"items": items}, format="json")
    assert response.status_code == 201
    assert MetricSnapshot.objects.count() == 5000


@pytest.mark.parametrize(
    "body", [{}, {"items": []}, {"items": "x"}, {"items": [1, 2]}, {"items": [{}]}, []]
)
def test_bulk_shape_errors_are_400(api, body):
    assert api.post(URL, body, format="json").status_code == 400
