import pytest

from influencers.models import Tag

pytestmark = pytest.mark.django_db


def test_replay_returns_the_first_response_and_creates_once(api, workspace):
    first = api.post("/api/v1/tags/", {"name": "pets"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/tags/", {"name": "pets"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Tag.objects.filter(workspace=workspace).count() == 1


def test_same_key_different_body_is_422(api):
    api.post("/api/v1/tags/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post("/api/v1/tags/", {"name": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["status"] == 422


def test_keys_are_per_caller(api, api_as, workspace):
    api.post("/api/v1/tags/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    other = api_as("member").post(
        "/api/v1/tags/", {"name": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert other.status_code == 201
    assert Tag.objects.filter(workspace=workspace).count() == 2


def test_no_key_creates_each_time(api, workspace):
    api.post("/api/v1/creators/", {"display_name": "A"}, format="json")
    api.post("/api/v1/creators/", {"display_name": "A"}, format="json")
    assert workspace and api.get("/api/v1/creators/").json()["results"].__len__() == 2


def test_bulk_replay_creates_once(api, workspace):
    from tests.factories import CreatorFactory

    creator = CreatorFactory(workspace=workspace)
    body = {"items": [{"creator": creator.pk, "views": i} for i in range(3)]}
    first = api.post(
        "/api/v1/metric-snapshots/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1"
    )
    again = api.post(
        "/api/v1/metric-snapshots/bulk/", body, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1"
    )
    assert first.json() == again.json()
    assert creator.metric_snapshots.count() == 3


def test_an_invalid_key_is_400(api):
    response = api.post(
        "/api/v1/tags/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert response.status_code == 400


def test_a_key_in_flight_is_409(api, workspace):
    from django.core.cache import cache

    from influencers.api import idempotency

    class Req:
        method = "POST"
        path = "/api/v1/tags/"
        META = {idempotency.HEADER: "k-4"}
        auth = None
        api_workspace = workspace

        class _request:
            body = b'{"name": "a"}'

    Req.user = api.user
    Req.auth = api.user.api_tokens.get()
    pending = idempotency.begin(Req)
    try:
        response = api.client.generic(
            "POST",
            "/api/v1/tags/",
            b'{"name": "a"}',
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-4",
        )
        assert response.status_code == 409
    finally:
        cache.delete(pending["cache_key"])


# --- every POST the schema documents with Idempotency-Key honours it (issue 11, item 9) ------

UPLOAD = b"Creator name,TikTok,Email\nLena Park,@lena.park,lena@example.com\n"
OTHER_UPLOAD = b"Creator name,TikTok,Email\nKai Studio,@kai.studio,kai@example.com\n"


def _upload(api, content, key, name="pool.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_upload_twice_with_one_key_is_one_job(api, workspace):
    from influencers.models import ImportJob

    first = _upload(api, UPLOAD, "upload-1")
    again = _upload(api, UPLOAD, "upload-1")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert ImportJob.objects.filter(workspace=workspace).count() == 1


def test_the_same_key_with_another_file_is_422(api, workspace):
    from influencers.models import ImportJob

    _upload(api, UPLOAD, "upload-2")
    other = _upload(api, OTHER_UPLOAD, "upload-2")
    assert other.status_code == 422
    assert other["Content-Type"].startswith("application/problem+json")
    assert "another request" in other.json()["detail"]
    # The same bytes under another file name are another request too.
    renamed = _upload(api, UPLOAD, "upload-2", name="renamed.csv")
    assert renamed.status_code == 422
    assert ImportJob.objects.filter(workspace=workspace).count() == 1


def test_uploads_without_a_key_make_a_job_each(api, workspace):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from influencers.models import ImportJob

    for _ in range(2):
        api.post(
            "/api/v1/imports/",
            {"file": SimpleUploadedFile("pool.csv", UPLOAD)},
            format="multipart",
        )
    assert ImportJob.objects.filter(workspace=workspace).count() == 2


def test_a_viewers_upload_with_a_key_is_refused_before_the_key_is_used(api_as, workspace):
    viewer = api_as("viewer")
    assert _upload(viewer, UPLOAD, "upload-3").status_code == 403
    # The owner's key space is their own: the same key works for them.
    assert _upload(api_as("owner"), UPLOAD, "upload-3").status_code == 202


def _counts(workspace) -> dict:
    from influencers import models as m

    scoped = (
        m.Creator,
        m.Tag,
        m.Product,
        m.Campaign,
        m.Collaboration,
        m.ContentPost,
        m.MetricSnapshot,
        m.SwitchoverPlan,
        m.Invitation,
        m.ImportJob,
        m.CreatorMerge,
        m.ActivityEvent,
    )
    counts = {model.__name__: model.objects.filter(workspace=workspace).count() for model in scoped}
    counts["Note"] = m.Note.objects.filter(creator__workspace=workspace).count()
    return counts


def _post_operations(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        operation = operations.get("post")
        if operation is None:
            continue
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        content = list(operation.get("requestBody", {}).get("content", {}))
        yield path, operation["operationId"], "Idempotency-Key" in headers, content


def test_every_post_the_schema_documents_with_idempotency_key_honours_it(api, workspace):
    from influencers.models import Invitation, SwitchoverPlan
    from tests import factories as f
    from tests.switchover_world import eligible, make_plan

    creators = eligible(workspace, 3)
    duplicate = f.CreatorFactory(workspace=workspace, display_name="Twin")
    collaboration = f.CollaborationFactory(creator=creators[0])
    plan = make_plan(workspace)
    launched = SwitchoverPlan.objects.create(
        workspace=workspace, name="Earlier", commission_rate=10
    )
    failed = Invitation.objects.create(
        workspace=workspace,
        plan=launched,
        creator=creators[1],
        email="maker1@example.com",
        tracking_link="https://www.amazon.com/dp/B0TESTASIN?tag=maker.1-20",
        tracking_id="maker.1-20",
        status=Invitation.Status.FAILED,
    )
    ids = {
        "collaborations": collaboration.pk,
        "creators": creators[2].pk,
        "invitations": failed.pk,
        "switchover-plans": plan.pk,
    }
    product = f.ProductFactory(workspace=workspace)
    bodies = {
        "campaigns_create": {"name": "Prime Day"},
        "collaborations_create": {"creator": creators[0].pk, "kind": "paid_post"},
        "collaborations_advance_create": {"status": "agreed"},
        "content_posts_create": {
            "creator": creators[0].pk,
            "platform": "tiktok",
            "url": "https://www.tiktok.com/@maker.0/video/1",
        },
        "creators_create": {"display_name": "Lena Park"},
        "creators_merge": {"others": [duplicate.pk]},
        "metric_snapshots_create": {"creator": creators[0].pk, "views": 10},
        "metric_snapshots_bulk_create": {"items": [{"creator": creators[0].pk, "views": 5}]},
        "notes_create": {"creator": creators[0].pk, "kind": "remark", "body": "Met at expo"},
        "products_create": {"asin": "B0IDEMPOTE", "marketplace": "US", "title": "Lamp"},
        "switchover_plans_create": {"name": "Second wave", "products": [product.pk]},
        "tags_create": {"name": "pets"},
        "agencies_create": {"name": "Bright MCN"},
        "switchover_plans_test_send_create": {"creator": creators[0].pk},
        "creators_record_consent": {"creators": [duplicate.pk], "consent": False, "source": "DM"},
    }
    operations = list(_post_operations(api))
    assert len(operations) >= 16
    for path, operation_id, documented, content in operations:
        assert documented, f"{operation_id} does not document Idempotency-Key"
        url = path
        if "{id}" in path:
            url = path.replace("{id}", str(ids[path.split("/")[3]]))
        key = f"walk-{operation_id}"
        if content == ["multipart/form-data"]:
            first = _upload(api, UPLOAD, key)
            before = _counts(workspace)
            again = _upload(api, UPLOAD, key)
            other = _upload(api, OTHER_UPLOAD, key)
        else:
            body = bodies.get(operation_id)
            first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            before = _counts(workspace)
            again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            other = api.post(url, {"other": 1}, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert first.status_code < 300, (operation_id, first.status_code, first.content[:300])
        assert again.status_code == first.status_code, operation_id
        assert again["Idempotent-Replayed"] == "true", operation_id
        assert again.content == first.content, operation_id
        assert _counts(workspace) == before, f"{operation_id}: the replay wrote something"
        assert other.status_code == 422, (operation_id, other.status_code)
