"""The demo data shows the possible duplicates at work: a new user opening that admin page
finds firms and contacts to compare, and loading the demo again, or after a merge, brings no
twin back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from partners.duplicates import contact_duplicates, firm_duplicates
from partners.models import Contact, Firm
from tracker.demo.partners import partners_load


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", stdout=io.StringIO())


def names(model, pairs) -> set[frozenset[str]]:
    by_pk = model.objects.in_bulk([pk for pair in pairs for pk in (pair.first_id, pair.second_id)])
    return {frozenset((by_pk[p.first_id].name, by_pk[p.second_id].name)) for p in pairs}


def test_the_demo_has_possible_duplicate_firms_and_contacts(demo) -> None:
    firms = names(Firm, firm_duplicates())
    contacts = names(Contact, contact_duplicates())
    assert len(firms) >= 1 and len(contacts) >= 1
    assert frozenset({"Bharat Forge", "BHARAT FORGE LTD"}) in firms
    assert frozenset({"Hiroshi Tanabe", "Tanabe Hiroshi"}) in contacts


def test_loading_the_partners_again_adds_no_twin(demo) -> None:
    before = (Firm.objects.count(), Contact.objects.count())
    partners_load()
    assert (Firm.objects.count(), Contact.objects.count()) == before


def test_a_merged_away_twin_is_not_brought_back(demo) -> None:
    twin = Firm.objects.get(name="BHARAT FORGE LTD")
    survivor = Firm.objects.get(name="Bharat Forge", country=twin.country)
    # What a merge leaves: the survivor holds the loser's name as an alias.
    survivor.aliases = [*survivor.aliases, twin.name]
    survivor.save(update_fields=["aliases"])
    twin.delete()
    partners_load()
    assert not Firm.objects.filter(name__iexact="bharat forge ltd").exists()
