"""schemathesis against the live schema, in-process (WSGI): every operation, bounded examples,
with a seeded owner's token. Checks: no 5xx, and every documented response matches its
schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api_world import build_world
from tests.factories import MembershipFactory, UserFactory, api_token_for

MAX_EXAMPLES = 12


def _load_schema():
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _in_process_requests(settings):
    """As Django's test client does: the raw WSGI handler would otherwise close the test's
    connection (and its transaction) at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100000/min"},
    }
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owner_token(workspace, other_workspace):
    user = UserFactory(username="fuzz-owner")
    MembershipFactory(user=user, workspace=workspace, role="owner")
    build_world(workspace, "mine")
    build_world(other_workspace, "theirs")
    return api_token_for(user, workspace)[1]


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(db, case, owner_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {owner_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
