"""Who owns a policy opening and which sentence describes it: a later sentence that says what
the policy now is, a sentence that refers back ("this easing"), beneficiaries that are not
owners, and the phrases of transfers and grants."""

from __future__ import annotations

import pytest

from partners.models import Country, PolicyOpening
from statements.extract import statement_extract
from statements.models import Statement
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]
Kind = PolicyOpening.Kind


def extracted(text: str, *, country: str | None = None, title: str = "Statement") -> Statement:
    source = SourceFactory(country=Country.objects.get(code=country)) if country else None
    statement = statement_from_text(text, title=title, source=source)
    statement_extract(statement_id=statement.pk)
    return statement


def openings(statement: Statement) -> dict[tuple[str, str], str]:
    return {
        (code, kind): cap
        for code, kind, cap in statement.policy_openings.values_list("country__code", "kind", "cap")
    }


def test_a_later_sentence_that_gives_the_cap_describes_the_opening() -> None:
    statement = extracted(
        "The Government has reviewed the FDI policy for the defence sector and amended it. "
        "Foreign investment up to seventy-four per cent shall be permitted under the automatic "
        "route.",
        country="IN",
    )

    assert openings(statement) == {("IN", Kind.FDI): "74% automatic route"}


def test_a_sentence_that_refers_back_takes_the_earlier_owner() -> None:
    statement = extracted(
        "The German side announced that the Federal Government would expedite export licences "
        "for defence equipment to India. Both sides welcomed this easing of export controls.",
        country="IN",
        title="India-Germany defence dialogue",
    )

    assert set(openings(statement)) == {("DE", Kind.EXPORT)}


def test_a_country_that_offers_is_no_beneficiary() -> None:
    statement = extracted(
        "The Ambassador said that the defence sector in India offers Swedish firms foreign "
        "direct investment of up to 74 percent through the automatic route.",
        country="IN",
    )

    assert openings(statement) == {("IN", Kind.FDI): "74% automatic route"}


def test_the_publisher_owns_a_rule_that_helps_its_own_exporters() -> None:
    statement = extracted(
        "The rule removes licence requirements for exports to Australia, India and Japan. "
        "It eases export controls and cuts red tape for U.S. exporters.",
        country="US",
        title="Commerce revises export controls to facilitate defense trade with India",
    )

    assert set(openings(statement)) == {("US", Kind.EXPORT)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Japan decided to revise the guidelines on the transfer of defence equipment.",
            Kind.EXPORT,
        ),
        (
            "The Government will provide grant-in-aid of up to 75 per cent of the cost.",
            Kind.INCENTIVE,
        ),
    ],
)
def test_transfers_and_grants_have_phrases(text: str, kind: str) -> None:
    statement = extracted(text, country="JP" if "Japan" in text else "IN")

    assert {found_kind for _, found_kind in openings(statement)} == {kind}
