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
