"""A statement opens one door per owner: the kind most of its sentences open. A notice that
invites bids, issues an authorisation or offers incentives opens it by those words too, and a
scheme spelled with an inner capital ("iDEX") is not an exhibition in capitals ("IDEX")."""

from __future__ import annotations

import pytest

from partners.models import PolicyOpening
from tests.support.extraction import statement_extracted

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]
Kind = PolicyOpening.Kind


def openings(text: str, *, country: str = "IN") -> set[tuple[str, str]]:
    statement = statement_extracted(text, country=country, title="Notice")
    return set(statement.policy_openings.values_list("country__code", "kind"))


def test_an_fdi_notice_that_names_incentives_opens_fdi_only() -> None:
    found = openings(
        "The Government has liberalised the FDI policy for the defence sector. Foreign "
        "investment up to 74 per cent is now permitted under the automatic route. Foreign "
        "investors may also avail of the capital subsidy scheme introduced last year."
    )

    assert found == {("IN", Kind.FDI)}


def test_a_request_for_proposal_that_invites_bids_opens_procurement() -> None:
    found = openings(
        "The Ministry of Defence invites bids from shipyards under a Request "
        "for Proposal for twelve fast patrol vessels for the Coast Guard."
    )

    assert found == {("IN", Kind.PROCUREMENT)}


def test_an_export_authorisation_issued_opens_export() -> None:
    found = openings(
        "The Directorate General of Foreign Trade has issued a general authorisation for the "
        "export of drone components to partner countries, replacing individual licences."
    )

    assert found == {("IN", Kind.EXPORT)}


def test_an_exhibition_in_capitals_is_not_the_idex_scheme() -> None:
    found = openings(
        "India and the United Arab Emirates held their defence dialogue. The Crown Prince "
        "invited Indian companies to take part in the IDEX exhibition in Abu Dhabi.",
        country="IN",
    )

    assert found == set()
