"""Watchlists: a person follows a term, a country, a pair of parties, a firm or an area; new
statements that match land once on their Watching page, in their digest and, if they ask, on
their own teams' webhooks as `watch.matched`, in a fixed number of queries per batch."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from opportunities.models import Watch, WatchMatch, WebhookDelivery, WebhookEndpoint
from opportunities.reminders.digest_mail import digests_send
from opportunities.reminders.watching import watches_match
from partners.models import Country, InvestmentArea
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.models import Mention
from tests.partners.factories import CountryFactory, FirmFactory, InvestmentAreaFactory
from tests.statements.factories import MentionFactory, SourceFactory, StatementFactory
from tests.tracker.factories import UserFactory

pytestmark = pytest.mark.django_db


def party(statement, country) -> None:
    statement.countries.add(country)
    MentionFactory(
        statement=statement,
        kind=Mention.Kind.COUNTRY,
        term=country.name,
        start=0,
        end=len(country.name),
        country=country,
        role=Mention.Role.PARTY,
    )


@pytest.fixture
def world(desk_staff):
    japan, india = CountryFactory(code="JP", name="Japan"), CountryFactory(code="IN", name="India")
    france = CountryFactory(code="FR", name="France")
    firm = FirmFactory(name="Mitsubishi Heavy Industries", country=japan)
    area = InvestmentAreaFactory(name="Space", slug="space")
    pair = StatementFactory(title="India-Japan talks", text="Talks on submarine rescue.")
    party(pair, japan)
    party(pair, india)
    named = StatementFactory(title="Industry forum", text="A forum on Space Situational Awareness.")
    named.countries.add(france)  # named, but no party
    named.firms.add(firm)
    named.areas.add(area)
    published = StatementFactory(source=SourceFactory(country=france), text="A French note.")
    return {
        "japan": japan,
        "india": india,
        "france": france,
        "firm": firm,
        "area": area,
        "pair": pair,
        "named": named,
        "published": published,
        "user": desk_staff,
    }


def watch(user, kind, **target) -> Watch:
    made = Watch(user=user, kind=kind, **target)
    made.full_clean()
    made.save()
    return made


def matched(watch_: Watch) -> set[int]:
    return set(watch_.matches.values_list("statement_id", flat=True))


def test_each_kind_matches_what_it_says(world) -> None:
    user, ids = world["user"], [world[k].pk for k in ("pair", "named", "published")]
    by_term = watch(user, Watch.Kind.TERM, term="space situational  awareness")
    by_country = watch(user, Watch.Kind.COUNTRY, country=world["france"])
    by_pair = watch(user, Watch.Kind.PAIR, country=world["india"], partner=world["japan"])
    by_other_pair = watch(user, Watch.Kind.PAIR, country=world["india"], partner=world["france"])
    by_firm = watch(user, Watch.Kind.FIRM, firm=world["firm"])
    by_area = watch(user, Watch.Kind.AREA, area=world["area"])
    short = watch(user, Watch.Kind.TERM, term="sub")  # no word "sub" in "submarine"

    watches_match(statement_ids=ids)

    assert matched(by_term) == {world["named"].pk}  # whole words, any case, any spacing
    # Named in the text, or the publisher of the note: both count for a country.
    assert matched(by_country) == {world["named"].pk, world["published"].pk}
    assert matched(by_pair) == {world["pair"].pk}
    assert matched(by_other_pair) == set()  # France is named, never a party with India
    assert matched(by_firm) == matched(by_area) == {world["named"].pk}
    assert matched(short) == set()


def test_matching_again_records_nothing_twice(world) -> None:
    watch(world["user"], Watch.Kind.COUNTRY, country=world["japan"])

    first = watches_match(statement_ids=[world["pair"].pk])
    again = watches_match(statement_ids=[world["pair"].pk])

    assert len(first) == 1 and again == []
    assert WatchMatch.objects.count() == 1


def test_queries_do_not_grow_with_watches_or_statements(
    world, django_assert_num_queries, team
) -> None:
    user = world["user"]
    for kind, target in [
        (Watch.Kind.TERM, {"term": "forum"}),
        (Watch.Kind.COUNTRY, {"country": world["japan"]}),
        (Watch.Kind.PAIR, {"country": world["india"], "partner": world["japan"]}),
        (Watch.Kind.FIRM, {"firm": world["firm"]}),
        (Watch.Kind.AREA, {"area": world["area"]}),
    ]:
        watch(user, kind, notify_webhook=True, **target)
    WebhookEndpoint.objects.create(
        team=team, url="https://hooks.example.org/", on_watch_matched=True
    )
    ids = [world[k].pk for k in ("pair", "named", "published")]

    # Watches, countries, parties (2), firms, areas, texts, which are restricted; then, in one
    # savepoint: the
    # matches there are, the insert, the watchers' teams, their endpoints, and the deliveries
    # (a savepoint of their own: insert, read back).
    with django_assert_num_queries(18):
        watches_match(statement_ids=ids)

    for n in range(30):
        watch(UserFactory(username=f"watcher{n}"), Watch.Kind.TERM, term=f"forum {n}")
    more = [StatementFactory(text=f"Forum {n}").pk for n in range(30)]
    with django_assert_num_queries(18):
        watches_match(statement_ids=[*ids, *more])


def test_a_match_goes_to_the_watchers_teams_webhooks_only_if_asked(world, team, other_team) -> None:
    mine = WebhookEndpoint.objects.create(
        team=team, url="https://hooks.example.org/a", on_watch_matched=True
    )
    WebhookEndpoint.objects.create(
        team=other_team, url="https://hooks.example.org/b", on_watch_matched=True
    )
    asked = watch(world["user"], Watch.Kind.COUNTRY, country=world["japan"], notify_webhook=True)
    watch(world["user"], Watch.Kind.FIRM, firm=world["firm"])  # not asked: no webhook

    watches_match(statement_ids=[world["pair"].pk, world["named"].pk])

    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint == mine
    assert delivery.event == "watch.matched"
    assert delivery.payload["watch"]["id"] == asked.pk
    assert delivery.payload["statement_id"] == world["pair"].pk


def test_the_digest_has_a_section_of_new_statements_watched(world, settings) -> None:
    settings.TRACKER_SITE_URL = "https://tracker.example.org"
    watch(world["user"], Watch.Kind.PAIR, country=world["india"], partner=world["japan"])
    watches_match(statement_ids=[world["pair"].pk])

    digests_send()

    [message] = [m for m in mail.outbox if m.to == [world["user"].email]]
    assert "== New statements you watch (1) ==" in message.body
    assert "India-Japan talks" in message.body
    assert f"/dashboards/statements/{world['pair'].pk}/" in message.body
    assert "watching India\u2013Japan" in message.body


def test_extraction_matches_the_new_statements(
    desk_staff, tasks_in_process, django_capture_on_commit_callbacks
) -> None:
    reference_load()
    followed = watch(desk_staff, Watch.Kind.COUNTRY, country=Country.objects.get(code="JP"))
    area = watch(
        desk_staff, Watch.Kind.AREA, area=InvestmentArea.objects.get(slug="co-development")
    )
    statement = StatementFactory(
        text="India and Japan agreed to co-develop unmanned ground vehicles for their armies."
    )

    with django_capture_on_commit_callbacks(execute=True):
        statement_extract(statement_id=statement.pk)

    assert matched(followed) == matched(area) == {statement.pk}


def test_a_watch_names_what_its_kind_needs(desk_staff, world) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Required"):
        watch(desk_staff, Watch.Kind.PAIR, country=world["india"])
    with pytest.raises(ValidationError, match="Leave empty"):
        watch(desk_staff, Watch.Kind.TERM, term="rafale", country=world["india"])
    with pytest.raises(ValidationError, match="other than the first"):
        watch(desk_staff, Watch.Kind.PAIR, country=world["india"], partner=world["india"])


def test_the_watching_page_adds_lists_and_removes_ones_own_watches(
    world, session_for, team_lead
) -> None:
    client = session_for(world["user"])
    page = reverse("dashboards:watching")

    response = client.post(page, {"kind": "pair", "country": world["india"].pk})
    assert response.status_code == 400
    assert "Required for this kind of watch." in response.content.decode()

    response = client.post(
        page, {"kind": "pair", "country": world["india"].pk, "partner": world["japan"].pk}
    )
    assert response.status_code == 302
    [made] = Watch.objects.filter(user=world["user"])
    watches_match(statement_ids=[world["pair"].pk])
    shown = client.get(page).content.decode()
    assert "India-Japan talks" in shown and "India\u2013Japan" in shown

    theirs = watch(team_lead, Watch.Kind.TERM, term="rafale")
    assert client.post(reverse("dashboards:watch_delete", args=[theirs.pk])).status_code == 404
    assert "rafale" not in client.get(page).content.decode()
    assert client.post(reverse("dashboards:watch_delete", args=[made.pk])).status_code == 302
    assert not Watch.objects.filter(pk=made.pk).exists()


def test_a_restricted_statement_matches_only_the_watches_of_the_cleared(
    restricted, desk_staff, team_lead, team
) -> None:
    cleared = WebhookEndpoint.objects.create(
        team=team, url="https://hooks.example.org/c", on_watch_matched=True, sends_restricted=True
    )
    WebhookEndpoint.objects.create(
        team=team, url="https://hooks.example.org/o", on_watch_matched=True
    )
    desk = watch(desk_staff, Watch.Kind.TERM, term="briefing", notify_webhook=True)
    lead = watch(team_lead, Watch.Kind.TERM, term="briefing", notify_webhook=True)

    watches_match(statement_ids=[restricted.statement.pk, restricted.open_statement.pk])

    assert matched(desk) == {restricted.open_statement.pk}
    assert matched(lead) == {restricted.statement.pk, restricted.open_statement.pk}
    secret = WebhookDelivery.objects.filter(payload__statement_id=restricted.statement.pk)
    assert [delivery.endpoint for delivery in secret] == [cleared]
