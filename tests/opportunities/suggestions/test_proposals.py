"""An extracted statement that pairs the home country with a partner over an investment area
proposes one suggestion, linked to a matching open opportunity rather than a twin of it."""

from __future__ import annotations

import pytest

from opportunities.models import Opportunity, Suggestion
from opportunities.suggestions.proposals import suggestion_propose
from opportunities.suggestions.triage import (
    TITLE_LIMIT,
    suggestion_key,
    suggestion_title,
)
from opportunities.tasks import propose_suggestions
from partners.models import Country, InvestmentArea, PolicyOpening
from statements.extract import statement_extract
from statements.models import Statement
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import InvestmentAreaFactory
from tests.statements.factories import SourceFactory
from tests.support.extraction import SAMPLES, statement_from_file, statement_from_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_process(tasks_in_process) -> None:
    """These tests are about the wiring and the service; tests/tracker runs a real worker."""


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def area(slug: str) -> InvestmentArea:
    return InvestmentArea.objects.get(slug=slug)


def test_seed_proposes_exactly_one_india_japan_suggestion(seed: Statement, extract) -> None:
    [suggestion] = extract(seed)

    assert suggestion.key == "IN-JP"
    assert suggestion.title.startswith("India-Japan: ")
    assert "co-innovation, co-design and co-creation" in suggestion.title
    assert "FDI and investment" in suggestion.title
    assert len(suggestion.title) <= TITLE_LIMIT
    assert suggestion.status == Suggestion.Status.OPEN
    assert suggestion.opportunity is None
    assert set(suggestion.countries.values_list("code", flat=True)) == {"IN", "JP"}
    assert set(suggestion.areas.all()) == set(seed.areas.all())
    fdi = PolicyOpening.objects.get(country__code="IN", status=PolicyOpening.Status.CANDIDATE)
    assert list(suggestion.policy_openings.all()) == [fdi]
    assert "Partners: Japan." in suggestion.summary


def test_re_extracting_the_seed_keeps_one_suggestion_and_one_candidate(
    seed: Statement, extract
) -> None:
    [first] = extract(seed)

    [again] = extract(seed)

    assert again.pk == first.pk
    assert Suggestion.objects.count() == 1
    assert PolicyOpening.objects.count() == 1


def test_the_seed_links_an_open_opportunity_on_japan_and_co_innovation(
    seed: Statement, extract
) -> None:
    closed = OpportunityFactory(
        countries=[country("JP")], stage=Opportunity.Stage.LOST, close_reason="Budget cut"
    )
    closed.areas.add(area("co-innovation"))
    wider = OpportunityFactory(countries=[country("JP"), country("FR")])
    wider.areas.add(area("co-innovation"))
    other_area = OpportunityFactory(countries=[country("JP")])
    other_area.areas.add(area("naval-systems"))
    match = OpportunityFactory(countries=[country("JP"), country("IN")])
    match.areas.add(area("co-innovation"))

    [suggestion] = extract(seed)

    assert suggestion.opportunity == match
    assert suggestion.status == Suggestion.Status.OPEN  # still for staff to triage
    assert Opportunity.objects.count() == 4  # no twin proposed


def test_france_sample_proposes_india_france(reference, extract) -> None:
    [suggestion] = extract(statement_from_file(SAMPLES / "india-france-engines.txt"))

    assert suggestion.key == "IN-FR"
    assert suggestion.title.startswith("India-France: ")


def test_a_courtesy_call_naming_no_area_proposes_nothing(reference, extract) -> None:
    statement = statement_from_file(SAMPLES / "routine-courtesy-call.txt")

    assert extract(statement) == []
    assert statement.countries.count() == 2


def test_no_partner_no_suggestion(reference, extract) -> None:
    assert extract(statement_from_text("India pursues co-innovation and training.")) == []


def test_no_home_country_no_suggestion(reference, extract) -> None:
    assert extract(statement_from_text("Japan and France agreed on co-innovation.")) == []


def test_a_statement_from_the_home_government_need_not_name_it(reference, extract) -> None:
    source = SourceFactory(country=country("IN"))
    statement = statement_from_text(
        "Japan will join the defence co-innovation programme.", source=source
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-JP"


def test_a_partner_ministry_that_never_names_its_own_country_pairs_it(reference, extract) -> None:
    """A Japanese ministry's press note about talks with India names India only: its publisher,
    Japan, is the other party (statements.parties)."""
    source = SourceFactory(country=country("JP"))
    statement = statement_from_text(
        "The Minister of Defense held talks with the Defence Minister of India. The two "
        "Ministers agreed to accelerate the co-development of defence equipment.",
        source=source,
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-JP"


def test_partners_are_sorted_in_the_key_and_named_in_the_title(reference, extract) -> None:
    statement = statement_from_text(
        "India, Japan and Australia agreed on joint military exercises."
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-AU-JP"
    assert suggestion.title == "India-Australia-Japan: training and exercises"


def test_a_decided_suggestion_is_left_alone(seed: Statement, extract) -> None:
    [suggestion] = extract(seed)
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status=Suggestion.Status.DISMISSED, title="Not for us"
    )

    [again] = extract(seed)

    assert (again.pk, again.status, again.title) == (
        suggestion.pk,
        Suggestion.Status.DISMISSED,
        "Not for us",
    )


def test_another_home_country_sees_india_as_the_partner(seed: Statement, extract, settings) -> None:
    settings.TRACKER_HOME_COUNTRY = "JP"

    [suggestion] = extract(seed)

    assert suggestion.key == "JP-IN"
    assert suggestion.title.startswith("Japan-India: ")
    # India's policy all the same: "Japanese companies" are invited, they do not own it.
    assert PolicyOpening.objects.get().country.code == "IN"


def test_title_stays_within_the_limit_with_many_areas(reference) -> None:
    areas = [
        InvestmentAreaFactory(name=f"Area with a long descriptive name {n:02}") for n in range(20)
    ]

    title = suggestion_title(home=country("IN"), partners=[country("JP")], areas=areas)

    assert len(title) <= TITLE_LIMIT
    assert title.endswith(" …")


def test_key_stays_within_the_column(reference) -> None:
    partners = list(Country.objects.exclude(code="IN")[:60])

    key = suggestion_key(home=country("IN"), partners=partners)

    assert len(key) <= 100
    assert key == suggestion_key(home=country("IN"), partners=list(reversed(partners)))


def test_proposing_twice_directly_never_duplicates(seed: Statement) -> None:
    statement_extract(statement_id=seed.pk)

    first = suggestion_propose(statement_id=seed.pk)
    second = suggestion_propose(statement_id=seed.pk)

    assert first is not None and first.pk == second.pk
    assert Suggestion.objects.count() == 1


def test_the_task_shrugs_at_a_deleted_statement(db) -> None:
    result = propose_suggestions.apply(args=[[987654]]).get()

    assert result == {"statements": 1, "suggestions": [], "commitments": 0}
