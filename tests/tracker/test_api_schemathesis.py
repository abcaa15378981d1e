"""Schemathesis over the whole schema: every operation with generated valid and invalid input,
every check; no 5xx and no response that breaks the schema. Then statefully: sequences that
follow the schema's links (create, then read, change, act on or delete the same record).
Examples are bounded (and derandomised) so the runs stay short and repeatable."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings

from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    SuggestionFactory,
)
from tests.partners.factories import (
    ContactFactory,
    FirmFactory,
    InvestmentAreaFactory,
    PolicyOpeningFactory,
)
from tests.statements.factories import ImportRunFactory, MentionFactory, StatementFactory
from tracker.models import ApiToken

MAX_EXAMPLES = 12
SCENARIOS = 50
STEPS = 8
# positive_data_acceptance expects a schema-valid request to pass, but an id is schema-valid
# whether or not its row exists, and a missing row is rightly a 400 ("No country with id 0").
# OpenAPI cannot say "an id that exists".
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


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
def token(same_connection, superuser, team, japan, settings) -> str:
    # Schemathesis's auth checks send wrong tokens on purpose; counted, they would soon get
    # every request of the run a 429 (tests/tracker/test_brute_force.py tests the limit).
    settings.KEY_FAILURE_LIMIT = 1_000_000
    opportunity = OpportunityFactory(team=team, external_id="OPP-1", countries=[japan])
    # A row of each kind, so a list's first row links somewhere.
    ContactFactory(firm=FirmFactory(country=japan))
    InvestmentAreaFactory()
    PolicyOpeningFactory(country=japan)
    FollowUpFactory(opportunity=opportunity)
    NoteFactory(opportunity=opportunity)
    statement = StatementFactory()
    MentionFactory(statement=statement, country=japan)
    ImportRunFactory(source=statement.source)
    SuggestionFactory(statement=statement)
    return ApiToken.issue(user=superuser, name="schemathesis", read_only=False)[1]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=EXCLUDED_CHECKS
    )


def test_served_schema_links_each_record_to_its_operations(desk_api):
    served = desk_api.get("/api/schema/", {"format": "json"}).json()
    responses = {
        (path, method): operation["responses"]
        for path, operations in served["paths"].items()
        for method, operation in operations.items()
    }
    created = responses[("/api/opportunities/", "post")]["201"]["links"]
    assert set(created) == {
        "opportunities_retrieve",
        "opportunities_update",
        "opportunities_partial_update",
        "opportunities_destroy",
    }
    assert created["opportunities_destroy"] == {
        "operationId": "opportunities_destroy",
        "parameters": {"id": "$response.body#/id", "header.If-Match": "$response.header.ETag"},
    }
    assert created["opportunities_retrieve"]["parameters"] == {"id": "$response.body#/id"}
    follow_up = responses[("/api/follow-ups/{id}/", "get")]["200"]
    assert set(follow_up["headers"]) == {"ETag"}
    assert follow_up["links"]["follow_ups_partial_update"]["parameters"]["header.If-Match"] == (
        "$response.header.ETag"
    )
    read = responses[("/api/suggestions/{id}/", "get")]["200"]["links"]
    assert set(read) == {"suggestions_accept_create", "suggestions_dismiss_create"}
    accepted = responses[("/api/suggestions/{id}/accept/", "post")]["200"]["links"]
    assert set(accepted) == {"suggestions_retrieve", "suggestions_dismiss_create"}
    listed = responses[("/api/suggestions/", "get")]["200"]["links"]
    assert listed["suggestions_retrieve"]["parameters"] == {"id": "$response.body#/results/0/id"}
    # A list row carries no ETag: its links pass the id alone.
    first_row = responses[("/api/opportunities/", "get")]["200"]["links"]
    assert first_row["opportunities_destroy"]["parameters"] == {
        "id": "$response.body#/results/0/id"
    }
    # Nothing to follow from an answer without a record.
    assert "links" not in responses[("/api/opportunities/{id}/", "delete")]["204"]
    assert "links" not in responses[("/api/opportunities/", "post")]["400"]
    assert "links" not in responses[("/api/teams/{id}/", "get")]["200"]


def test_api_holds_up_statefully(token):
    """The same checks on sequences of calls that follow the schema's links (and the links
    Schemathesis infers): a created record can be read, changed and deleted, a deleted one is
    gone, a suggestion decided once stays decided."""
    # A schema of its own: building the state machine adds the inferred links to it.
    workflow = load_schema().as_state_machine()
    followed: list[int] = []

    class Workflow(workflow):
        def setup(self):
            # Every scenario starts from the same rows, so the same choices meet the same
            # answers (Hypothesis refuses a run whose answers drift).
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def step(self, input):
            output = super().step(input)
            if input.transition is not None and input.is_applied:
                followed.append(output.response.status_code)
            return output

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=EXCLUDED_CHECKS,
                headers=kwargs.get("headers"),  # so the auth checks know the token is ours
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    assert any(status < 300 for status in followed), followed
