"""The gazetteer reads country names and demonyms in Japanese, French, German, Korean, Hindi and
Spanish (CLDR through babel, plus partners/data/country_names.csv), with the boundary rule of
each script, and per-language area and policy terms. The statements are written here."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from partners.models import Country, InvestmentArea
from partners.reference import reference_load
from statements.extract import (
    find_mentions,
    gazetteer_build,
    sentence_spans,
    statement_extract,
)
from statements.models import Mention
from tests.statements.factories import StatementFactory

pytestmark = pytest.mark.django_db

JAPANESE = (
    "日本とインドの防衛相は東京で会談し、防衛装備・技術協力と共同開発を進めることで一致した。"
    "両国は自由で開かれたインド太平洋の実現に向けて協力する。"
)
KOREAN = (
    "한국과 인도는 서울에서 국방장관 회담을 열고 방산 협력과 공동 개발을 확대하기로 합의했다. "
    "양국은 인도적 지원 분야에서도 협력하기로 했다."
)
FRENCH = (
    "La France et l'Inde ont décidé d'approfondir leur coopération de défense. "
    "Les industriels japonais et indiens participeront à la coproduction."
)


@pytest.fixture
def gazetteer():
    reference_load()
    return gazetteer_build()


def codes(text: str, gazetteer, language: str = "") -> list[str]:
    ids = {pk: code for pk, code in Country.objects.values_list("pk", "code")}
    return [
        ids[item.entity_id]
        for item in find_mentions(text, gazetteer, language)
        if item.kind == Mention.Kind.COUNTRY
    ]


def test_load_reference_brings_names_in_six_languages(gazetteer):
    japan = Country.objects.get(code="JP")

    assert set(japan.translated_names) == {"ja", "fr", "de", "ko", "hi", "es"}
    assert "日本" in japan.translated_names["ja"] and "일본" in japan.translated_names["ko"]
    assert {"Japon", "japonais"} <= set(japan.translated_names["fr"])
    assert "जापान" in japan.translated_names["hi"]


def test_a_japanese_statement_naming_japan_and_india_links_both(gazetteer):
    found = codes(JAPANESE, gazetteer, "ja")

    # 日本, インド, 東京 (Japan's capital); インド太平洋 is the Indo-Pacific, a place, not India.
    assert found == ["JP", "IN", "JP"]


def test_japanese_names_need_no_word_boundaries_but_katakana_words_stay_whole(gazetteer):
    # A pair or group abbreviation is one span standing for each of its countries.
    assert sorted(codes("日印防衛相会談を開催した。", gazetteer, "ja")) == ["IN", "JP"]
    assert sorted(codes("日米豪印の首脳は", gazetteer, "ja")) == ["AU", "IN", "JP", "US"]
    assert codes("インドネシアとの協議", gazetteer, "ja") == ["ID"]
    assert codes("インドア訓練施設", gazetteer, "ja") == []  # "indoor", not India


def test_korean_names_take_particles_but_not_other_words(gazetteer):
    assert codes(KOREAN, gazetteer, "ko") == ["KR", "IN", "KR"]  # 인도적 ("humanitarian") no
    assert codes("인도의 국방부와 일본 측은", gazetteer, "ko") == ["IN", "JP"]
    assert codes("인도인 기술자", gazetteer, "ko") == ["IN"]
    assert codes("인도네시아와 인도주의", gazetteer, "ko") == ["ID"]


def test_hindi_names_keep_word_boundaries_with_vowel_signs(gazetteer):
    assert codes("भारत और जापान ने रक्षा सहयोग पर चर्चा की।", gazetteer, "hi") == ["IN", "JP"]
    assert codes("भारतीय नौसेना", gazetteer, "hi") == ["IN"]


def test_names_in_latin_letters_count_only_in_their_language(gazetteer):
    assert codes(FRENCH, gazetteer, "fr") == ["FR", "IN", "JP", "IN"]
    # In English the French and German names are English words or names: no Iceland, no
    # Mauritius, no India from "Inde".
    english = "Island patrols resumed; Maurice Inde spoke for the Indian side."
    assert codes(english, gazetteer, "en") == ["IN"]
    assert codes(english, gazetteer, "") == ["IN"]
    assert codes("Die indische Marine und Island", gazetteer, "de") == ["IN", "IS"]
    assert codes("Japón y la India firmaron", gazetteer, "es") == ["JP", "IN"]


def test_areas_and_policy_phrases_carry_japanese_and_french_terms(gazetteer):
    areas = {
        item.entity_id: item.term
        for text, language in ((JAPANESE, "ja"), (FRENCH, "fr"))
        for item in find_mentions(text, gazetteer, language)
        if item.kind == Mention.Kind.AREA
    }
    slugs = dict(InvestmentArea.objects.filter(pk__in=areas).values_list("slug", "pk"))

    assert {"co-development", "industrial-cooperation", "military-cooperation"} <= set(slugs)
    assert "coopération de défense" in areas.values()
    policy = find_mentions("防衛装備移転三原則を改正した。", gazetteer, "ja")
    assert [item.kind for item in policy] == [Mention.Kind.POLICY]


def test_a_staff_edit_to_translated_names_survives_a_reload(gazetteer):
    india = Country.objects.get(code="IN")
    india.translated_names["ko"] = [n for n in india.translated_names["ko"] if n != "인도"]
    india.save()

    reference_load()

    india.refresh_from_db()
    assert "인도" not in india.translated_names["ko"]
    assert "뉴델리" in india.translated_names["ko"]


def test_extraction_uses_the_statements_language(gazetteer):
    french = StatementFactory(title="Communiqué", text=FRENCH, language="fr")
    english = StatementFactory(title="Note", text=FRENCH, language="en")

    assert {
        c.code
        for c in Country.objects.filter(pk__in=statement_extract(statement_id=french.pk).countries)
    } == {"FR", "IN", "JP"}
    assert {
        c.code
        for c in Country.objects.filter(pk__in=statement_extract(statement_id=english.pk).countries)
    } == {"FR"}


def test_japanese_sentences_end_at_the_full_stop_mark() -> None:
    text = "日本とインドは会談した。両国は合意した！ India agreed. Next."  # noqa: RUF001

    assert [text[low:high] for low, high in sentence_spans(text)] == [
        "日本とインドは会談した。",
        "両国は合意した！",  # noqa: RUF001
        "India agreed.",
        "Next.",
    ]


@pytest.mark.parametrize("value", [["日本"], {"ja": "日本"}, {"JA": ["日本"]}, {"ja": [1]}])
def test_translated_names_of_the_wrong_shape_are_refused(gazetteer, value) -> None:
    japan = Country.objects.get(code="JP")
    japan.translated_names = value

    with pytest.raises(ValidationError, match="by language code"):
        japan.full_clean()
