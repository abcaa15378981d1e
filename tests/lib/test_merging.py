"""lib/merging: links found in the models' metadata, history left alone, clashing links kept
whole for an undo."""

from __future__ import annotations

import pytest

from lib.merging import link_fields, links_count, links_move, links_restore
from partners.models import Contact, Firm
from statements.models import Mention
from tests.partners.factories import FirmFactory
from tests.statements.factories import MentionFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_every_app_links_are_found_and_history_is_not() -> None:
    found = {f"{field.model._meta.label_lower}.{field.name}" for field in link_fields(Firm)}
    assert {
        "partners.contact.firm",
        "partners.firm_areas.firm",
        "statements.mention.firm",
        "statements.statement_firms.firm",
        "statements.namecandidate.firm",
        "statements.namecandidate.similar_firm",
        "opportunities.opportunity_firms.firm",
        "opportunities.suggestion_firms.firm",
    } <= found
    assert not any("historical" in name for name in found)
    assert "partners.historicalcontact.firm" not in found
    assert Contact._meta.get_field("firm") in link_fields(Firm)


def test_a_clashing_link_is_dropped_whole_and_recreated_by_restore() -> None:
    source, target = FirmFactory(), FirmFactory()
    statement = StatementFactory()
    statement.firms.add(source, target)
    kept = MentionFactory(statement=statement, kind="firm", firm=source, country=None, start=3)
    MentionFactory(statement=statement, kind="firm", firm=target, country=None, start=3)
    moved = MentionFactory(statement=statement, kind="firm", firm=source, country=None, start=40)

    record = links_move(source=source, target=target)

    assert not Mention.objects.filter(pk=kept.pk).exists()  # the target already had it
    assert Mention.objects.get(pk=moved.pk).firm == target
    assert links_count(record) == 3  # two mentions, one statement link (kept once)
    assert list(statement.firms.all()) == [target]

    links_restore(record, source_pk=source.pk)

    assert Mention.objects.get(pk=kept.pk).firm == source
    assert Mention.objects.get(pk=moved.pk).firm == source
    assert set(statement.firms.all()) == {source, target}
