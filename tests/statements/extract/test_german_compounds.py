"""German writes its defence words as compounds ("Rüstungskooperation",
"Verteidigungsstaatssekretär"): a German ministry's note made only of such compounds is about
defence, so its areas are kept, and the plural forms of area words link their area."""

from __future__ import annotations

import pytest

from tests.support.extraction import areas_extracted

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]

NOTE = (
    "Der Verteidigungsstaatssekretär traf in Neu-Delhi den indischen Staatssekretär. "
    "Beide Seiten sprachen über Rüstungsexporte und den Technologietransfer für den Bau "
    "von U-Booten. Es wurde vereinbart, eine Arbeitsgruppe zu den Lieferketten der "
    "Bundeswehr einzurichten."
)


def test_a_note_of_compounds_keeps_its_areas():
    found = areas_extracted(
        NOTE, country="DE", title="Deutschland und Indien vertiefen Rüstungskooperation"
    )
    assert {
        "Defence exports",
        "Technology transfer",
        "Shipbuilding and submarines",
        "Supply chains",
    } <= found


def test_the_same_words_outside_defence_link_nothing():
    found = areas_extracted(
        "Die Handelsminister sprachen über Lieferketten für Arzneimittel und den "
        "Technologietransfer in der Landwirtschaft.",
        country="DE",
        title="Handelsgespräche in Berlin",
    )
    assert found == set()
