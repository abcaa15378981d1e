"""Merging firms and contacts: every link moves, nothing is lost, the loser's name stays findable,
the merge is logged and an undo puts everything back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lib.merging import link_fields
from partners.merge_log import MergeLog
from partners.merging import contact_merge, firm_merge, partner_merge_undo
from partners.models import Contact, Firm
from statements.extract import statement_extract
from statements.models import Mention, NameCandidate
from tests.opportunities.factories import OpportunityFactory, SuggestionFactory
from tests.partners.factories import (
    ContactFactory,
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
)
from tests.statements.factories import MentionFactory, StatementFactory
from tests.support.extraction import statement_from_text

pytestmark = pytest.mark.django_db


def firm_mention(statement, firm, start: int) -> Mention:
    return MentionFactory(
        statement=statement, kind="firm", term=firm.name, firm=firm, country=None, start=start
    )


@pytest.fixture
def twins(superuser):
    """Two records of one firm, each with links; some links are shared by both."""
    japan = CountryFactory(code="JP")
    survivor = FirmFactory(name="Mitsubishi Heavy Industries", country=japan, aliases=["MHI"])
    loser = FirmFactory(
        name="MITSUBISHI HEAVY INDUSTRIES LTD",
        country=japan,
        aliases=["mhi", "Mitsubishi Heavy"],
        website="https://mhi.example",
    )
    shared_area, own_area = InvestmentAreaFactory(), InvestmentAreaFactory()
    survivor.areas.add(shared_area)
    loser.areas.add(shared_area, own_area)
    both, only_loser = StatementFactory(), StatementFactory()
    both.firms.add(survivor, loser)
    only_loser.firms.add(loser)
    links = {
        "areas": (shared_area, own_area),
        "statements": (both, only_loser),
        "contact": ContactFactory(firm=loser),
        "clashing_mention": firm_mention(both, loser, start=0),
        "mention": firm_mention(only_loser, loser, start=0),
        "candidate": NameCandidate.objects.create(
            statement=only_loser,
            kind="organisation",
            name="Mitsubishi Heavy",
            sentence="Mitsubishi Heavy will build it.",
            start=0,
            similar_firm=loser,
        ),
        "opportunity": OpportunityFactory(),
        "suggestion": SuggestionFactory(),
    }
    firm_mention(both, survivor, start=0)  # the same span named both: the loser's one clashes
    links["opportunity"].firms.add(loser)
    links["suggestion"].firms.add(loser, survivor)
    return survivor, loser, links


def test_every_link_moves_to_the_survivor(twins, superuser) -> None:
    survivor, loser, links = twins
    loser_pk = loser.pk

    log = firm_merge(survivor=survivor, loser=loser, by=superuser)

    assert not Firm.objects.filter(pk=loser_pk).exists()
    assert set(survivor.areas.all()) == set(links["areas"])
    assert set(survivor.statements.all()) == set(links["statements"])
    assert list(survivor.contacts.all()) == [links["contact"]]
    assert Mention.objects.filter(firm=survivor).count() == 2  # the clashing one dropped
    links["candidate"].refresh_from_db()
    assert links["candidate"].similar_firm == survivor
    assert list(links["opportunity"].firms.all()) == [survivor]
    assert list(links["suggestion"].firms.all()) == [survivor]
    # Nothing points at the deleted row any more, from any app: no link was lost.
    for field in link_fields(Firm):
        assert not field.model._base_manager.filter(**{field.attname: loser_pk}).exists(), field
    assert log.links_moved == 10  # 2 areas, 2 statements, contact, 2 mentions, candidate...


def test_the_log_says_who_and_when_and_what(twins, superuser) -> None:
    survivor, loser, _ = twins
    log = firm_merge(survivor=survivor, loser=loser, by=superuser, take=["website"])
    log = MergeLog.objects.get(pk=log.pk)
    assert (log.model, log.survivor_id, log.merged_by) == ("partners.firm", survivor.pk, superuser)
    assert log.merged_at is not None and log.undone_at is None
    assert log.loser_label == "MITSUBISHI HEAVY INDUSTRIES LTD (JP)"
    assert log.fields_taken == ["website"]


def test_aliases_are_united_with_the_losers_name(twins, superuser) -> None:
    survivor, loser, _ = twins
    firm_merge(survivor=survivor, loser=loser, by=superuser)
    survivor.refresh_from_db()
    assert survivor.aliases == ["MHI", "MITSUBISHI HEAVY INDUSTRIES LTD", "Mitsubishi Heavy"]


def test_fields_taken_from_the_loser(twins, superuser) -> None:
    survivor, loser, _ = twins
    firm_merge(survivor=survivor, loser=loser, by=superuser, take=["name", "website"])
    survivor.refresh_from_db()
    assert survivor.name == "MITSUBISHI HEAVY INDUSTRIES LTD"
    assert survivor.website == "https://mhi.example"
    assert "Mitsubishi Heavy Industries" in survivor.aliases  # its old name stays findable


def test_a_field_that_cannot_be_chosen_is_refused(twins, superuser) -> None:
    survivor, loser, _ = twins
    with pytest.raises(ValidationError):
        firm_merge(survivor=survivor, loser=loser, by=superuser, take=["created_at"])
    with pytest.raises(ValidationError):
        firm_merge(survivor=survivor, loser=survivor, by=superuser)
    assert Firm.objects.filter(pk=loser.pk).exists()


def test_the_gazetteer_finds_the_losers_name_after_a_merge(reference, superuser) -> None:
    from partners.models import Country

    india = Country.objects.get(code="IN")
    survivor = Firm.objects.create(name="Bharat Electronics", country=india)
    loser = Firm.objects.create(name="Bharat Electronics Limited", country=india)
    statement = statement_from_text("India: Bharat Electronics Limited will build radars.")
    statement_extract(statement_id=statement.pk)
    assert list(statement.firms.all()) == [loser]

    firm_merge(survivor=survivor, loser=loser, by=superuser)
    fresh = statement_from_text("India: Bharat Electronics Limited signed a second contract.")
    statement_extract(statement_id=fresh.pk)

    assert list(fresh.firms.all()) == [survivor]
    assert list(statement.firms.all()) == [survivor]


def test_undo_restores_the_loser_and_every_link(twins, superuser) -> None:
    survivor, loser, links = twins
    before = {
        "loser": (loser.pk, loser.name, loser.aliases, loser.website, loser.created_at),
        "survivor": (survivor.name, survivor.aliases, survivor.website),
        "areas": set(loser.areas.values_list("pk", flat=True)),
        "survivor_areas": set(survivor.areas.values_list("pk", flat=True)),
        "statements": set(loser.statements.values_list("pk", flat=True)),
        "mentions": set(Mention.objects.filter(firm=loser).values_list("pk", flat=True)),
    }
    log = firm_merge(survivor=survivor, loser=loser, by=superuser, take=["name", "website"])

    restored = partner_merge_undo(log=log, by=superuser)

    restored = Firm.objects.get(pk=before["loser"][0])
    assert (
        restored.pk,
        restored.name,
        restored.aliases,
        restored.website,
        restored.created_at,
    ) == before["loser"]
    survivor.refresh_from_db()
    assert (survivor.name, survivor.aliases, survivor.website) == before["survivor"]
    assert set(restored.areas.values_list("pk", flat=True)) == before["areas"]
    assert set(survivor.areas.values_list("pk", flat=True)) == before["survivor_areas"]
    assert set(restored.statements.values_list("pk", flat=True)) == before["statements"]
    assert (
        set(Mention.objects.filter(firm=restored).values_list("pk", flat=True))
        == (before["mentions"])
    )
    assert list(restored.contacts.all()) == [links["contact"]]
    links["candidate"].refresh_from_db()
    assert links["candidate"].similar_firm == restored
    assert list(links["opportunity"].firms.all()) == [restored]
    assert set(links["suggestion"].firms.all()) == {restored, survivor}
    log.refresh_from_db()
    assert log.undone_by == superuser and log.undone_at is not None


def test_a_merge_is_undone_once(twins, superuser) -> None:
    survivor, loser, _ = twins
    log = firm_merge(survivor=survivor, loser=loser, by=superuser)
    partner_merge_undo(log=log, by=superuser)
    with pytest.raises(ValidationError, match="already been undone"):
        partner_merge_undo(log=log, by=superuser)


def test_undo_refused_when_a_new_record_took_the_losers_name(twins, superuser) -> None:
    survivor, loser, _ = twins
    log = firm_merge(survivor=survivor, loser=loser, by=superuser)
    Firm.objects.create(name=loser.name, country=loser.country)
    with pytest.raises(ValidationError, match="Cannot undo"):
        partner_merge_undo(log=log, by=superuser)
    log.refresh_from_db()
    assert log.undone_at is None


def test_contacts_merge_with_their_statements_mentions_and_aliases(superuser) -> None:
    india = CountryFactory(code="IN")
    survivor = ContactFactory(name="S. Jaishankar", firm=None, country=india)
    loser = ContactFactory(name="Dr. S Jaishankar", firm=None, country=india, aliases=["EAM"])
    statement = StatementFactory()
    statement.contacts.add(loser)
    mention = MentionFactory(
        statement=statement, kind="contact", term="EAM", contact=loser, country=None
    )

    log = contact_merge(survivor=survivor, loser=loser, by=superuser, take=["role"])

    survivor.refresh_from_db()
    assert survivor.aliases == ["Dr. S Jaishankar", "EAM"]
    assert list(survivor.statements.all()) == [statement]
    mention.refresh_from_db()
    assert mention.contact == survivor
    partner_merge_undo(log=log, by=superuser)
    mention.refresh_from_db()
    assert mention.contact_id == loser.pk and Contact.objects.filter(pk=loser.pk).exists()
