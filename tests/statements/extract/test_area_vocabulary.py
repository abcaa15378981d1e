"""The investment areas in the words ministries use beyond the first vocabulary: Spanish,
French, German and Portuguese ministries' own terms, and English forms a desk meets in joint
statements (an interest in acquiring a platform, export to third countries, capacity building).
A sector word that names no capability ("aerospace and defence sector") links no area."""

from __future__ import annotations

import pytest

from tests.support.extraction import areas_extracted

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


@pytest.mark.parametrize(
    ("text", "country", "area"),
    [
        (
            "El ministro de Defensa recibió a una delegación de la India. La Fuerza Aérea "
            "evalúa los helicópteros de la empresa india para misiones de rescate.",
            "AR",
            "Aerospace and aero-engines",
        ),
        (
            "El ministro de Defensa y la delegación de la India acordaron estudiar la "
            "reparación y mantenimiento de buques de la Armada en el astillero.",
            "AR",
            "Maintenance, repair and overhaul",
        ),
        (
            "Die Verteidigungsminister Deutschlands und Norwegens vereinbarten, weitere "
            "U-Boote gemeinsam zu beschaffen; die Werften in Kiel bauen sie.",
            "DE",
            "Shipbuilding and submarines",
        ),
        (
            "Le ministre des Armées et son homologue indien ont salué l'exercice conjoint "
            "des deux marines et les exercices aériens prévus en 2027.",
            "FR",
            "Training and exercises",
        ),
        (
            "Os ministros da Defesa de Portugal e de Angola acordaram reforçar a "
            "cibersegurança das forças armadas.",
            "PT",
            "Cyber",
        ),
    ],
)
def test_areas_in_the_ministries_own_languages(text: str, country: str, area: str) -> None:
    assert area in areas_extracted(text, country=country)


@pytest.mark.parametrize(
    ("sentence", "area"),
    [
        (
            "The Philippine side expressed interest in acquiring the missile system for its "
            "coastal defence.",
            "Defence exports",
        ),
        (
            "The two defence firms will build the vehicles for their armies and for export "
            "to third countries.",
            "Defence exports",
        ),
        (
            "The two navies agreed on capacity building for the coast guard of each side.",
            "Training and exercises",
        ),
        (
            "The companies will develop jointly a new counter-drone radar for the armed forces.",
            "Co-development and co-production",
        ),
    ],
)
def test_areas_in_the_words_of_joint_statements(sentence: str, area: str) -> None:
    assert area in areas_extracted(
        "India and the Philippines held their defence dialogue. " + sentence
    )


def test_a_sector_word_names_no_capability() -> None:
    found = areas_extracted(
        "India and France held their defence dialogue. The two sides reviewed the "
        "aerospace and defence sector of each country and its investment climate."
    )

    assert "Aerospace and aero-engines" not in found
