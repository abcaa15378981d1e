"""A known country or firm whose name ends in "s" and opens its sentence ("Airbus will",
"Maldives will") acts like any other named subject: the plural-common-noun rule ("Transfers
will") must not drop its promise. The word before the modal is looked up the same way for
that rule and for the passive one."""

from __future__ import annotations

import pytest

from partners.models import Country
from tests.partners.factories import FirmFactory
from tests.support.extraction import statement_extracted

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def commitments(text: str) -> list[str]:
    FirmFactory(name="Airbus", country=Country.objects.get(code="FR"))
    statement = statement_extracted(text, country="IN")
    return list(statement.commitments.values_list("sentence", flat=True))


@pytest.mark.parametrize(
    "promise",
    [
        "Airbus will set up a final assembly line for C295 transport aircraft in Vadodara.",
        "Maldives will host the next round of the defence cooperation dialogue in Male.",
    ],
)
def test_a_named_subject_ending_in_s_at_the_start_of_its_sentence_still_commits(
    promise: str,
) -> None:
    found = commitments(
        "India and France agreed to deepen defence industrial cooperation and co-production. "
        + promise
    )

    assert promise in found


def test_a_plural_common_noun_opening_its_sentence_still_commits_nobody() -> None:
    found = commitments(
        "India and France agreed to deepen defence industrial cooperation and co-production. "
        "Transfers will continue under the defence export licence of each side."
    )

    assert not any(sentence.startswith("Transfers") for sentence in found)
