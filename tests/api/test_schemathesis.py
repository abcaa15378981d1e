"""Schemathesis over the whole schema: every operation with generated valid and invalid input,
every check; no 5xx and no response that breaks the schema. Examples are bounded (and
derandomised) so the run stays short and repeatable."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

from tracker.models import ApiToken

from ..factories import (
    FirmFactory,
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    StatementFactory,
    SuggestionFactory,
)

MAX_EXAMPLES = 12


def load_schema() -> schemathesis.BaseSchema:
    """The schema exactly as /api/schema/ serves it, generated here, called in-process."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = WSGIHandler()
    return loaded


schema = load_schema()


@pytest.fixture
def same_connection(db):
    # As Django's test client does: keep the test's connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(same_connection, superuser, team, japan) -> str:
    opportunity = OpportunityFactory(team=team, external_id="OPP-1", countries=[japan])
    FirmFactory(country=japan)
    FollowUpFactory(opportunity=opportunity)
    NoteFactory(opportunity=opportunity)
    SuggestionFactory(statement=StatementFactory())
    return ApiToken.issue(user=superuser, name="schemathesis", read_only=False)[1]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token):
    # Every check but one: positive_data_acceptance expects a schema-valid request to pass,
    # but an id is schema-valid whether or not its row exists, and a missing row is rightly
    # a 400 ("No country with id 0"). OpenAPI cannot say "an id that exists".
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
