import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from influencers.models import ApiToken, hash_token_secret
from influencers.services.tokens import api_token_revoke
from tests.factories import MembershipFactory, UserFactory, api_token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_bearer_token_acts_in_its_workspace_with_the_members_role(api_as, workspace):
    caller = api_as("manager")
    response = caller.get(ME)
    assert response.status_code == 200
    assert response.json()["workspace"]["slug"] == workspace.slug
    assert response.json()["role"] == "manager"
    assert response.json()["user"]["username"] == caller.user.username


def test_token_keyword_is_accepted_too(api):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api.raw}")
    assert client.get(ME).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer nope", "Bearer", "Bearer a b", "Bearer " + "x" * 5000, "Bearer ipm_\u00e9"],
)
def test_bad_tokens_answer_401_problem_with_www_authenticate(db, header):
    client = APIClient()
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] and "type" in body


def test_no_credentials_answers_401(db):
    response = APIClient().get("/api/v1/creators/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_revoked_token_is_refused(api):
    api_token_revoke(token=ApiToken.objects.get(user=api.user))
    assert api.get(ME).status_code == 401


def test_token_of_a_removed_member_is_refused(api, workspace):
    api.user.memberships.all().delete()
    assert api.get(ME).status_code == 403


def test_the_token_lookup_loads_what_the_orm_loads_in_one_query(
    api, workspace, django_assert_num_queries
):
    """api_token_for_secret() writes its SQL by hand (built once) and makes models with
    Model.from_db(): every column of the token, its user and its workspace must come out as
    the ORM reads them, converters applied (a field added later included)."""
    from django.contrib.auth import get_user_model

    from influencers.selectors.api_auth import api_token_for_secret

    workspace.name = "Ünïcode & co"
    workspace.save()
    with django_assert_num_queries(1):
        token = api_token_for_secret(raw=api.raw)
        user, space, role = token.user, token.workspace, token.role
    assert role == "owner"
    for loaded, model in ((token, ApiToken), (user, get_user_model()), (space, type(workspace))):
        fresh = model.objects.get(pk=loaded.pk)
        for field in model._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
        assert loaded._state.adding is False and loaded._state.db == fresh._state.db
    assert api_token_for_secret(raw=api.raw + "x") is None
    assert api_token_for_secret(raw="") is None


def test_token_is_stored_hashed_and_only_its_prefix_is_kept(api):
    token = ApiToken.objects.get(user=api.user)
    assert token.key_hash == hash_token_secret(api.raw)
    assert api.raw not in (token.key_hash, token.prefix, token.name)
    assert api.raw.startswith(token.prefix)


def test_last_used_is_written_at_most_once_a_minute(api, django_assert_num_queries):
    token = ApiToken.objects.get(user=api.user)
    assert token.last_used_at is None
    api.get(ME)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2)
    )
    api.get(ME)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_session_uses_the_x_workspace_header_only_for_a_members_workspace(
    workspace, other_workspace
):
    user = UserFactory(username="sess")
    MembershipFactory(user=user, workspace=workspace, role="member")
    client = APIClient()
    client.force_login(user)
    ok = client.get(ME, HTTP_X_WORKSPACE=workspace.slug)
    assert ok.status_code == 200 and ok.json()["role"] == "member"
    assert ok.json()["token"] is None
    refused = client.get(ME, HTTP_X_WORKSPACE=other_workspace.slug)
    assert refused.status_code == 403
    # Without the header: the session's current workspace (the user's only one).
    assert client.get(ME).json()["workspace"]["slug"] == workspace.slug


def test_session_writes_need_csrf(workspace):
    user = UserFactory(username="sess2")
    MembershipFactory(user=user, workspace=workspace, role="member")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/tags/", {"name": "x"}, format="json")
    assert response.status_code == 403


def test_create_api_token_command_prints_a_working_token_stored_hashed(workspace):
    user = UserFactory(username="cli")
    MembershipFactory(user=user, workspace=workspace, role="viewer")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token",
        "cli",
        "--workspace",
        workspace.slug,
        "--name",
        "BI",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert token.name == "BI" and token.key_hash == hash_token_secret(raw)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(ME).json()["role"] == "viewer"


def test_create_api_token_refuses_a_non_member(workspace):
    from django.core.management.base import CommandError

    UserFactory(username="stranger")
    with pytest.raises(CommandError):
        call_command(
            "create_api_token",
            "stranger",
            "--workspace",
            workspace.slug,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_token_service_refuses_non_members(workspace):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_for(UserFactory(username="nobody"), workspace)
