"""schemathesis against the live schema, in-process (WSGI): every operation, bounded examples,
with a seeded owner's token, and every check schemathesis has (the default set of
`call_and_validate()`: no 5xx; status codes, content types, headers and bodies as documented;
schema-invalid requests refused and schema-valid ones accepted; missing auth refused;
unsupported methods answered 405 with Allow; ...). The schema must say what the server
enforces, and the server must accept what the schema allows."""

import re
import uuid

import phonenumbers
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
)
from schemathesis.specs.openapi.checks import positive_data_acceptance

from influencers.models import ScoringWeights
from influencers.normalisers.handles import MAX_HANDLE_LENGTH
from tests.api_world import build_world
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, api_token_for

MAX_EXAMPLES = 12

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                # A well-formed If-Match naming a version other than the record's current one
                # answers 412 by design (RFC 9110 §13.1.1): the schema can say what an entity
                # tag looks like, not which one is current. Nothing else answers 412.
                "expected-statuses": [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "412"],
            },
            "negative_data_rejection": {
                # A malformed If-Match can match no version: 412, like a stale one.
                "expected-statuses": [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "412"],
            },
        }
    }
)


def _load_schema():
    # Django's WSGI handler, not config.wsgi: that module also freezes the process's objects
    # for serving (config.server_process), which the test process must not do.
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


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
def fuzz_owner(workspace, other_workspace):
    """(token, {body field: an id that names a record of the workspace})."""
    user = UserFactory(username="fuzz-owner")
    MembershipFactory(user=user, workspace=workspace, role="owner")
    world = build_world(workspace, "mine")
    build_world(other_workspace, "theirs")
    references = {
        "creator": world.creator.pk,
        "collaboration": world.collaboration.pk,
        "post": world.post.pk,
        "campaign": world.campaign.pk,
        "products": world.product.pk,
        "tags": world.tag.pk,
        "agency": AgencyFactory(workspace=workspace).pk,
        "owner": user.pk,
        "creators": world.creator.pk,
    }
    return api_token_for(user, workspace)[1], references


def _as_a_client_would_send(case, references) -> None:
    """What a schema cannot say about a valid request, filled in for schema-valid cases only
    (schema-invalid ones go as generated, to be refused):
    - an id in the body (or in a bulk body's items) must name a record of the caller's
      workspace (a random id is "does not exist", 400); the ones a record belongs by (creator,
      collaboration, post) name one consistent set from the seeded world;
    - an Idempotency-Key names one request: the generator draws the same few keys for
      different bodies, which the server rightly answers 422;
    - a cursor is one the server handed out in a `next` link (any other is 400);
    - a campaign ends on or after the day it starts (dates drawn the other way round are
      swapped);
    - the readiness weights are not all zero: a body setting every weight it names to 0 sets
      the first to 1 (a body naming one weight above zero, or none, leaves some above zero);
    - a {store_id} in the Amazon tracking ID pattern stands for the store ID's letters and
      digits, and the tracking ID built must stay within 64 characters: the store ID sent is
      empty;
    - a plan has one message per language: a message repeating an earlier one's language is
      left out;
    - a handle field takes a handle or a profile URL (200 characters) and reads it for its
      platform (which sites are profiles, which letters a handle has): an account's handle
      is sent as a handle of the letters, digits, dots, underscores and hyphens drawn, at
      most 100 (MAX_HANDLE_LENGTH), or "fuzz" when none was drawn;
    - no text holds a NUL character (PostgreSQL text cannot store one; every text field
      refuses it, "Null characters are not allowed."): NULs are taken out of the body's
      strings."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    if case.query:
        case.query.pop("cursor", None)
    if not isinstance(case.body, dict):
        return
    if case.media_type == "application/json":
        case.body = _without_nul(case.body)
    body = case.body
    for record in [body, *(i for i in body.get("items", ()) if isinstance(i, dict))]:
        _name_seeded_records(record, references)
    if body.get("starts_on") and body.get("ends_on") and body["ends_on"] < body["starts_on"]:
        body["starts_on"], body["ends_on"] = body["ends_on"], body["starts_on"]
    if case.operation.path == "/api/v1/scoring-weights/":
        weights = [name for name in ScoringWeights.COMPONENTS if name in body]
        if weights and not any(body[name] for name in weights):
            body[weights[0]] = 1
    if case.operation.path == "/api/v1/amazon-link-settings/" and "store_id" in body:
        body["store_id"] = ""
    for account in body.get("accounts") or ():
        handle = account.get("handle") if isinstance(account, dict) else None
        if isinstance(handle, str):
            bare = re.sub(r"[^a-z0-9._-]", "", handle.lower())[:MAX_HANDLE_LENGTH]
            account["handle"] = bare if re.search(r"[a-z0-9]", bare) else "fuzz"
    if isinstance(body.get("messages"), list):
        languages = [str(m.get("language", "")).strip().lower() for m in body["messages"]]
        body["messages"] = [
            m for i, m in enumerate(body["messages"]) if languages[i] not in languages[:i]
        ]


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    return value


def _name_seeded_records(record: dict, references) -> None:
    for name, real in references.items():
        value = record.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            record[name] = real
        elif isinstance(value, list) and value and all(isinstance(v, int) for v in value):
            record[name] = [real]


def _phone_numbers() -> list[str]:
    """A valid number of every region phonenumbers knows, international (E.164)."""
    numbers = (phonenumbers.example_number(region) for region in phonenumbers.SUPPORTED_REGIONS)
    return sorted(phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers if n)


# `format: phone` (a contact of kind phone or WhatsApp, influencers/api/schema.py).
schemathesis.openapi.format("phone", st.sampled_from(_phone_numbers()))

# Schema-valid requests the server may still refuse for a reason no JSON Schema states
# (positive_data_acceptance left out for them only): none left; each rule is either in the
# schema or filled in by _as_a_client_would_send.
RULES_NO_SCHEMA_STATES: dict[str, str] = {}

schema = _load_schema()


def test_every_check_runs():
    """The default set of call_and_validate() is every registered check (none switched off)."""
    load_all_checks()
    checks = CONFIG.projects.default.checks_config_for()
    names = set(CHECKS.get_all_names())
    assert {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "ignored_auth",
        "use_after_free",
        "ensure_resource_availability",
    } <= names
    assert all(checks.get_by_name(name=name).enabled for name in names)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(db, case, fuzz_owner):
    token, references = fuzz_owner
    _as_a_client_would_send(case, references)
    # No `checks=`: every check schemathesis registers (test_every_check_runs).
    excluded = []
    if case.operation.label in RULES_NO_SCHEMA_STATES:
        excluded = [positive_data_acceptance]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)
