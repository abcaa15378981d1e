"""People named after whose office they hold ("the Prime Minister of the Hellenic Republic,
Kyriakos Mitsotakis"), before their office ("Dana Whitfield, Chief Executive Officer of
Aerovance"), with initials, Malaysian honorifics or a king's number; the office's owner gives
the person's country; a body before an office ("the 11th Airborne Division, Major General")
is no person."""

from __future__ import annotations

import pytest

from partners.models import Country
from statements.extract import statement_extract
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def people(text: str) -> dict[str, str | None]:
    source = SourceFactory(country=Country.objects.get(code="IN"))
    statement = statement_from_text(text, source=source)
    statement_extract(statement_id=statement.pk)
    candidates = statement.name_candidates.filter(kind="person").select_related("country")
    return {c.name: c.country.code if c.country else None for c in candidates}


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        (
            "The Prime Minister of the Hellenic Republic, Kyriakos Mitsotakis, visited India "
            "for defence talks.",
            "Kyriakos Mitsotakis",
            "GR",
        ),
        (
            "The Cabinet Secretary for Defence of the Republic of Kenya, Soipan Tuya, met the "
            "Indian defence delegation.",
            "Soipan Tuya",
            "KE",
        ),
        (
            "The Minister of Defence of the Federative Republic of Brazil, José Múcio Monteiro, "
            "signed the defence agreement with India.",
            "José Múcio Monteiro",
            "BR",
        ),
        (
            "The visit of the President of the French Republic, Prime Minister Shri Arvind "
            "Kumar Rao welcomed the defence roadmap.",
            "Arvind Kumar Rao",
            "IN",
        ),
        (
            "Deputy Minister of National Defence of Viet Nam, Senior Lieutenant General Hoang "
            "Xuan Chien, discussed defence cooperation with India.",
            "Hoang Xuan Chien",
            "VN",
        ),
    ],
)
def test_an_office_and_its_owner_before_a_comma(text: str, name: str, country: str) -> None:
    assert people(text).get(name) == country


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            '"We will build drones together," said Dana Whitfield, Chief Executive Officer of '
            "the firm, at the defence expo.",
            "Dana Whitfield",
        ),
        (
            "The closing of the defence exercise was attended by Major General R. S. Thakur.",
            "R. S. Thakur",
        ),
        (
            "The Chief of Army, General Tan Sri Muhammad Hafiz Jantan, reviewed the defence "
            "exercise.",
            "Muhammad Hafiz Jantan",
        ),
        ("India sent its condolences to His Majesty King Mohammed VI after the floods.", None),
    ],
)
def test_names_before_an_office_and_with_initials(text: str, name: str | None) -> None:
    found = people(text)
    if name is None:
        assert "Mohammed VI" in found
    else:
        assert name in found


def test_a_body_before_an_office_is_no_person() -> None:
    found = people(
        "The Commanding General of the 11th Airborne Division, Major General John Fenwick, "
        "opened the joint defence exercise."
    )

    assert "Airborne Division" not in found
    assert "John Fenwick" in found
