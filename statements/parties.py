"""Which countries are parties to a statement: the ones its text names as acting (a mention of
role party, see extract/roles.py) and the country of its source, whose government published it.
A ministry's press note speaks for its government even when it never names its own country
("The Chief of the Naval Staff visited Oman"), so its publisher is a party all the same.

One rule for the suggestions, the statement page and the evaluation."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Mention, Statement


def parties_among(mentions: Iterable[Mention], publisher_id: int | None) -> set[int]:
    """The party countries of one statement from its mentions already read, and its source's
    country: the same rule as `parties_of`, without a query."""
    named = {
        m.country_id
        for m in mentions
        if m.kind == Mention.Kind.COUNTRY and m.role == Mention.Role.PARTY and m.country_id
    }
    return named | ({publisher_id} if publisher_id else set())


def parties_of(statement_ids: Iterable[int]) -> dict[int, set[int]]:
    """Statement id -> the ids of its party countries (statements with none are left out), in
    two queries whatever the number of statements."""
    ids = list(statement_ids)
    parties: dict[int, set[int]] = {}
    named = (
        Mention.objects.filter(statement_id__in=ids)
        .parties()
        .order_by()
        .values_list("statement_id", "country_id")
        .distinct()
    )
    for statement_id, country_id in named:
        parties.setdefault(statement_id, set()).add(country_id)
    publishers = Statement.objects.filter(pk__in=ids, source__country__isnull=False).values_list(
        "pk", "source__country_id"
    )
    for statement_id, country_id in publishers:
        parties.setdefault(statement_id, set()).add(country_id)
    return parties
