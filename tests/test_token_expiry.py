"""Token lifetime (issue 14, item 4): a token expires after the days chosen when it was made
(90 by default; "never" for owners, who are the only ones who make tokens), shown in the admin;
an expired token is a 401 that says so, and its last use stays recorded."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from influencers.models import ApiToken
from influencers.services.tokens import NEVER, api_token_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def caller(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_token_expires_after_90_days_by_default(workspace, settings):
    user = UserFactory()
    MembershipFactory(workspace=workspace, user=user, role="owner")
    token, raw = api_token_create(user=user, workspace=workspace)
    expected = timezone.now() + dt.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert caller(raw).get("/api/v1/me/").status_code == 200
    token.refresh_from_db()
    used = token.last_used_at
    assert used is not None

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    response = caller(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert "expired on" in response.json()["detail"]
    token.refresh_from_db()
    assert token.last_used_at == used  # the last real use stays visible


def test_a_token_made_to_never_expire_works_without_an_end(workspace):
    user = UserFactory()
    MembershipFactory(workspace=workspace, user=user, role="owner")
    token, raw = api_token_create(user=user, workspace=workspace, expires_in_days=NEVER)
    assert token.expires_at is None and token.is_active
    assert caller(raw).get("/api/v1/me/").status_code == 200


def test_owners_choose_the_lifetime_in_the_admin(client, workspace):
    owner = UserFactory(is_staff=True)
    MembershipFactory(workspace=workspace, user=owner, role="owner")
    client.force_login(owner)
    add = reverse("admin:influencers_apitoken_add")
    assert 'name="expires"' in client.get(add).content.decode()
    done = client.post(
        add,
        {"name": "nightly sync", "user": owner.pk, "workspace": workspace.pk, "expires": "never"},
        follow=True,
    )
    assert "shown only this once" in done.content.decode()
    assert ApiToken.objects.get(name="nightly sync").expires_at is None
    client.post(
        add,
        {"name": "one-off", "user": owner.pk, "workspace": workspace.pk, "expires": "30"},
    )
    one_off = ApiToken.objects.get(name="one-off")
    assert 29 <= (one_off.expires_at - timezone.now()).days <= 30
    listing = client.get(reverse("admin:influencers_apitoken_changelist")).content.decode()
    assert "column-expires_at" in listing
