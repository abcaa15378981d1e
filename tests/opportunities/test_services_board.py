"""The board's move and the note box: through the same save as the admin and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from opportunities.models import Note, Opportunity, WebhookDelivery, WebhookEndpoint
from opportunities.services import StaleVersion, note_add, opportunity_stage_set

pytestmark = pytest.mark.django_db


def stored(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.get(pk=opportunity.pk)


def test_a_move_bumps_the_version_stamps_and_keeps_history(opportunity):
    opportunity_stage_set(opportunity=opportunity, stage="engaged", expected_version=1)

    moved = stored(opportunity)
    assert (moved.stage, moved.version) == ("engaged", 2)
    assert moved.closed_at is None
    assert moved.history.latest("history_id").stage == "engaged"


def test_a_stale_move_changes_nothing(opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(version=3)
    records = opportunity.history.count()

    with pytest.raises(StaleVersion, match="version 3"):
        opportunity_stage_set(opportunity=opportunity, stage="engaged", expected_version=1)

    assert stored(opportunity).stage == "identified"
    assert stored(opportunity).history.count() == records


@pytest.mark.parametrize("stage", ["won", "lost"])
def test_won_and_lost_need_a_reason(opportunity, stage):
    with pytest.raises(ValidationError, match="won or lost"):
        opportunity_stage_set(opportunity=opportunity, stage=stage, expected_version=1)
    assert stored(opportunity).stage == "identified"

    opportunity_stage_set(
        opportunity=stored(opportunity), stage=stage, reason=" Signed ", expected_version=1
    )
    closed = stored(opportunity)
    assert (closed.stage, closed.close_reason) == (stage, "Signed")
    assert closed.closed_at is not None


def test_an_unknown_stage_is_refused(opportunity):
    with pytest.raises(ValidationError, match="Unknown stage"):
        opportunity_stage_set(opportunity=opportunity, stage="nowhere", expected_version=1)


def test_a_move_fires_the_stage_change_webhook_as_a_patch_does(opportunity, team):
    WebhookEndpoint.objects.create(team=team, url="http://127.0.0.1:9/hook")

    opportunity_stage_set(opportunity=opportunity, stage="proposal", expected_version=1)

    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "opportunity.stage_changed"
    assert delivery.payload["opportunity"]["previous_stage"] == "identified"
    assert delivery.payload["opportunity"]["stage"] == "proposal"


def test_a_note_needs_text(opportunity, desk_staff):
    with pytest.raises(ValidationError):
        note_add(opportunity=opportunity, author=desk_staff, body="   ")
    note = note_add(opportunity=opportunity, author=desk_staff, body=" Called them. ")
    assert Note.objects.get() == note
    assert note.body == "Called them."
