import pytest

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Acme Home", slug="acme-home")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Rival Goods", slug="rival-goods")


@pytest.fixture
def member(workspace):
    """A staff user who is a manager of `workspace` only."""
    user = UserFactory(username="mia", is_staff=True)
    MembershipFactory(workspace=workspace, user=user, role="manager")
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- API (issue 3) -------------------------------------------------------------------------


class ApiCaller:
    """A test client that sends one role's token to /api/v1/."""

    def __init__(self, user, workspace, role, raw):
        from rest_framework.test import APIClient

        self.user, self.workspace, self.role, self.raw = user, workspace, role, raw
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def __getattr__(self, name):  # get/post/put/patch/delete/...
        return getattr(self.client, name)


@pytest.fixture
def api_as(workspace):
    """api_as("viewer") -> an ApiCaller for a fresh user with that role in `workspace`."""
    from tests.factories import api_token_for

    made = {}

    def make(role="owner", ws=None):
        ws = ws or workspace
        key = (role, ws.pk)
        if key not in made:
            user = UserFactory(username=f"api-{role}-{ws.slug}")
            MembershipFactory(workspace=ws, user=user, role=role)
            _token, raw = api_token_for(user, ws)
            made[key] = ApiCaller(user, ws, role, raw)
        return made[key]

    return make


@pytest.fixture
def api(api_as):
    """The owner of `workspace`, by token."""
    return api_as("owner")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese leaves Chinese active in this thread (LocaleMiddleware activates it
    and nothing deactivates it under the test client); reset so tests don't depend on order."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)
