"""Edits leave an audit trail: one history record per change, the change visible in a diff, and
the person who made it when the caller says who that was."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from opportunities.models import FollowUp, Note, Opportunity
from tests.opportunities.factories import FollowUpFactory, NoteFactory, OpportunityFactory
from tests.partners.factories import CountryFactory, FirmFactory, InvestmentAreaFactory
from tests.tracker.factories import UserFactory

pytestmark = pytest.mark.django_db


def latest_diff(obj):
    newest, previous = obj.history.all()[:2]
    return newest.diff_against(previous)


def test_creating_a_firm_leaves_one_history_record() -> None:
    firm = FirmFactory(name="Mitsubishi Heavy Industries")

    assert firm.history.count() == 1
    record = firm.history.first()
    assert record.history_type == "+"
    assert record.name == "Mitsubishi Heavy Industries"


def test_editing_a_firm_records_the_changed_field() -> None:
    firm = FirmFactory(name="Mitsubishi Heavy Industries", website="")

    firm.website = "https://www.mhi.com"
    firm.save()

    assert firm.history.count() == 2
    assert firm.history.first().history_type == "~"
    delta = latest_diff(firm)
    assert delta.changed_fields == ["website"]
    (change,) = delta.changes
    assert (change.old, change.new) == ("", "https://www.mhi.com")


def test_adding_an_area_to_a_firm_is_recorded() -> None:
    firm = FirmFactory()
    area = InvestmentAreaFactory(name="Unmanned systems")

    firm.areas.add(area)

    assert firm.history.count() == 2
    assert "areas" in latest_diff(firm).changed_fields


def test_firm_history_records_who_edited_it() -> None:
    editor = UserFactory(username="editor")
    firm = FirmFactory()

    firm.name = "Larsen & Toubro"
    firm._history_user = editor
    firm.save()

    assert firm.history.first().history_user == editor


def test_creating_an_opportunity_leaves_one_history_record() -> None:
    opportunity = OpportunityFactory(title="Unmanned ground vehicles")

    assert opportunity.history.count() == 1
    assert opportunity.history.first().history_type == "+"


def test_editing_an_opportunity_records_the_changed_fields() -> None:
    opportunity = OpportunityFactory(stage=Opportunity.Stage.IDENTIFIED, probability=10)

    opportunity.stage = Opportunity.Stage.ENGAGED
    opportunity.probability = 40
    opportunity.save()

    assert opportunity.history.count() == 2
    delta = latest_diff(opportunity)
    assert delta.changed_fields == ["probability", "stage"]
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes["stage"] == ("identified", "engaged")
    assert changes["probability"] == (10, 40)


def test_adding_a_partner_country_to_an_opportunity_is_recorded() -> None:
    opportunity = OpportunityFactory()
    japan = CountryFactory(code="JP")

    opportunity.countries.add(japan)

    assert opportunity.history.count() == 2
    delta = latest_diff(opportunity)
    assert delta.changed_fields == ["countries"]
    (change,) = delta.changes
    assert change.old == []
    assert [row["country"] for row in change.new] == [japan.pk]


def test_opportunity_history_records_who_edited_it() -> None:
    lead = UserFactory(username="lead")
    opportunity = OpportunityFactory()

    opportunity.probability = 60
    opportunity._history_user = lead
    opportunity.save()

    assert opportunity.history.first().history_user == lead


def test_partner_country_change_records_who_made_it() -> None:
    lead = UserFactory(username="lead")
    opportunity = OpportunityFactory()

    opportunity._history_user = lead
    opportunity.countries.add(CountryFactory(code="FR"))

    assert opportunity.history.first().history_user == lead


def test_history_without_a_user_records_none() -> None:
    opportunity = OpportunityFactory()

    opportunity.title = "Renamed by a script"
    opportunity.save()

    assert opportunity.history.first().history_user is None


def test_creating_and_completing_a_follow_up_is_recorded() -> None:
    owner = UserFactory(username="desk")
    follow_up = FollowUpFactory(due_date=datetime.date(2026, 3, 1))

    follow_up.status = FollowUp.Status.DONE
    follow_up.completed_at = timezone.now()
    follow_up._history_user = owner
    follow_up.save()

    assert follow_up.history.count() == 2
    assert follow_up.history.last().history_type == "+"
    delta = latest_diff(follow_up)
    assert delta.changed_fields == ["completed_at", "status"]
    assert follow_up.history.first().history_user == owner


def test_creating_and_editing_a_note_is_recorded() -> None:
    author = UserFactory(username="analyst")
    note = NoteFactory(body="Met MHI at the forum.")

    note.body = "Met MHI at the forum; they want a second meeting."
    note._history_user = author
    note.save()

    assert note.history.count() == 2
    delta = latest_diff(note)
    assert delta.changed_fields == ["body"]
    (change,) = delta.changes
    assert change.new == "Met MHI at the forum; they want a second meeting."
    assert note.history.first().history_user == author


def test_deleting_a_note_leaves_a_deletion_record() -> None:
    note = NoteFactory()
    note_id = note.pk

    note.delete()

    record = Note.history.filter(id=note_id).first()
    assert record.history_type == "-"
