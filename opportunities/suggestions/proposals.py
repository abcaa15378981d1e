"""Proposing suggestions from extracted statements, a batch at a time, each linked to the open
opportunity that already covers its partners and areas rather than proposing a twin of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lib.rows import links_read, links_replace
from partners.models import Country, Firm, InvestmentArea, PolicyOpening
from statements.models import Mention, Statement
from statements.parties import parties_of

from ..models import Opportunity, Suggestion
from ..reminders.webhook_events import suggestions_created_emit
from .triage import suggestion_key, suggestion_summary, suggestion_title


@dataclass
class Proposal:
    statement: Statement
    key: str
    title: str
    summary: str
    countries: list[Country]
    partners: list[Country]
    firms: list[Firm]
    areas: list[InvestmentArea]
    openings: list[PolicyOpening]


def suggestion_propose(*, statement_id: int) -> Suggestion | None:
    """The statement's suggestion (see `suggestions_propose`), or None when it proposes none.
    Raises Statement.DoesNotExist when the statement is gone."""
    if not Statement.objects.filter(pk=statement_id).exists():
        raise Statement.DoesNotExist(f"Statement {statement_id} does not exist.")
    return suggestions_propose(statement_ids=[statement_id]).get(statement_id)


def suggestions_propose(*, statement_ids: Iterable[int]) -> dict[int, Suggestion]:
    """Propose one opportunity per statement for its home-partner pairing.

    A statement qualifies when the home country is one of its parties (or its source is the
    home government), at least one other country is a party and it names at least one
    investment area. Countries named only as places or topics are neither (see
    statements.extract.roles). Re-running
    updates an open suggestion in place; one staff have accepted or dismissed is left alone.
    Returns statement id -> suggestion, for the statements that propose one. The queries are
    the same in number for one statement or a thousand.
    """
    home = Country.objects.filter(code=settings.TRACKER_HOME_COUNTRY).first()
    if home is None:
        return {}
    with transaction.atomic():
        proposals = _proposals(home, list(statement_ids))
        if not proposals:
            return {}
        started = timezone.now()
        suggestions = _suggestions_save(proposals)
        open_ones = [
            (proposal, suggestions[proposal.statement.pk])
            for proposal in proposals
            if suggestions[proposal.statement.pk].status == Suggestion.Status.OPEN
        ]
        _links_replace(open_ones)
        _opportunities_match(home, open_ones)
        suggestions_created_emit(
            suggestions=[s for s in suggestions.values() if s.created_at >= started]
        )
    return suggestions


def _proposals(home: Country, statement_ids: list[int]) -> list[Proposal]:
    statements = (
        Statement.objects.filter(pk__in=statement_ids)
        .select_related("source")
        .only("pk", "title", "published_on", "source__country")
        .order_by("pk")
    )
    countries = _parties(statement_ids)
    areas_of = _linked(Statement.areas, statement_ids)
    firms_of = _linked(Statement.firms, statement_ids)
    openings_of = _linked(Statement.policy_openings, statement_ids, "country")
    # Most-mentioned areas first: they lead the title.
    weights = {
        (statement_id, area_id): count
        for statement_id, area_id, count in Mention.objects.filter(
            statement_id__in=statement_ids, kind=Mention.Kind.AREA
        )
        .values_list("statement_id", "area_id")
        .annotate(count=Count("pk"))
        .order_by()
    }
    proposals = []
    for statement in statements:
        named = countries.get(statement.pk, [])
        partners = sorted((c for c in named if c.pk != home.pk), key=lambda c: c.name)
        from_home = statement.source.country_id == home.pk
        if not partners or not (from_home or len(partners) < len(named)):
            continue
        areas = sorted(
            areas_of.get(statement.pk, []),
            key=lambda a: (-weights.get((statement.pk, a.pk), 0), a.name),
        )
        if not areas:
            continue
        firms = sorted(firms_of.get(statement.pk, []), key=lambda firm: firm.name)
        openings = sorted(openings_of.get(statement.pk, []), key=str)
        proposals.append(
            Proposal(
                statement=statement,
                key=suggestion_key(home=home, partners=partners),
                title=suggestion_title(home=home, partners=partners, areas=areas),
                summary=suggestion_summary(statement, partners, areas, firms, openings),
                countries=[home, *partners],
                partners=partners,
                firms=firms,
                areas=areas,
                openings=openings,
            )
        )
    return proposals


def _parties(statement_ids: list[int]) -> dict[int, list[Country]]:
    """Statement id -> the countries that act in it (statements.parties): places, topics and
    third parties named on the way are never paired."""
    ids_of = parties_of(statement_ids)
    objects = Country.objects.in_bulk(set().union(*ids_of.values()))
    return {pk: [objects[country] for country in sorted(ids)] for pk, ids in ids_of.items()}


def _linked(relation, statement_ids: list[int], *related: str) -> dict[int, list]:
    """Statement id -> the objects it links to through `relation`, in two queries, each
    object loaded once however many statements share it."""
    ids_of = links_read(relation, statement_ids)
    model = relation.field.related_model
    objects = model.objects.select_related(*related).in_bulk(set().union(*ids_of.values()))
    return {pk: [objects[target] for target in targets] for pk, targets in ids_of.items()}


def _suggestions_save(proposals: list[Proposal]) -> dict[int, Suggestion]:
    """Create the new suggestions and refresh the wording of open ones, in bulk."""
    existing = {
        (suggestion.statement_id, suggestion.key): suggestion
        for suggestion in Suggestion.objects.filter(
            statement_id__in=[proposal.statement.pk for proposal in proposals]
        )
    }
    now = timezone.now()
    result, new, changed = {}, [], []
    for proposal in proposals:
        suggestion = existing.get((proposal.statement.pk, proposal.key))
        if suggestion is None:
            suggestion = Suggestion(
                statement=proposal.statement,
                key=proposal.key,
                title=proposal.title,
                summary=proposal.summary,
            )
            new.append(suggestion)
        elif suggestion.status == Suggestion.Status.OPEN and (
            (suggestion.title, suggestion.summary) != (proposal.title, proposal.summary)
        ):
            suggestion.title, suggestion.summary, suggestion.updated_at = (
                proposal.title,
                proposal.summary,
                now,
            )
            changed.append(suggestion)
        result[proposal.statement.pk] = suggestion
    # Two workers proposing from one statement at once: the unique (statement, key) refuses
    # the second insert, and that batch is retried by its task.
    Suggestion.objects.bulk_create(new)
    Suggestion.objects.bulk_update(changed, ["title", "summary", "updated_at"])
    return result


def _links_replace(open_ones: list[tuple[Proposal, Suggestion]]) -> None:
    for relation, chosen in (
        (Suggestion.countries, lambda proposal: proposal.countries),
        (Suggestion.firms, lambda proposal: proposal.firms),
        (Suggestion.areas, lambda proposal: proposal.areas),
        (Suggestion.policy_openings, lambda proposal: proposal.openings),
    ):
        links_replace(
            relation,
            {suggestion.pk: [item.pk for item in chosen(p)] for p, suggestion in open_ones},
        )


def _opportunities_match(home: Country, open_ones: list[tuple[Proposal, Suggestion]]) -> None:
    """Link each unlinked open suggestion to the most recently updated open opportunity with
    the same partner countries and at least one of its areas. A link staff made stands."""
    unlinked = [(p, s) for p, s in open_ones if s.opportunity_id is None]
    if not unlinked:
        return
    candidates = list(
        Opportunity.objects.open()
        .filter(
            areas__in={area.pk for p, _ in unlinked for area in p.areas},
            countries__in={country.pk for p, _ in unlinked for country in p.partners},
        )
        .distinct()
        .order_by("-updated_at", "pk")
        .prefetch_related("countries", "areas")
        .only("pk", "updated_at")
    )
    # Opportunities may or may not list the home country; only the partners must agree.
    covers = [
        (
            opportunity,
            frozenset(c.pk for c in opportunity.countries.all()) - {home.pk},
            {a.pk for a in opportunity.areas.all()},
        )
        for opportunity in candidates
    ]
    now, matched = timezone.now(), []
    for proposal, suggestion in unlinked:
        partners = frozenset(country.pk for country in proposal.partners)
        areas = {area.pk for area in proposal.areas}
        for opportunity, countries, opportunity_areas in covers:
            if countries == partners and areas & opportunity_areas:
                suggestion.opportunity, suggestion.updated_at = opportunity, now
                matched.append(suggestion)
                break
    Suggestion.objects.bulk_update(matched, ["opportunity", "updated_at"])
