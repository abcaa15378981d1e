"""Suggested opportunities: what an extracted statement proposes, for staff to triage."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partners.models import Country, InvestmentArea
from statements.models import Statement

from ..models import Opportunity, Suggestion, Team, visible_team_ids
from ..tallies.adjust import tallies_adjusted

TITLE_LIMIT = 250
KEY_LIMIT = 100


def suggestion_key(*, home: Country, partners: list[Country]) -> str:
    """ "IN-JP": the home code, then the partner codes sorted; hashed when too long to store."""
    key = "-".join([home.code, *sorted(partner.code for partner in partners)])
    if len(key) <= KEY_LIMIT:
        return key
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:12]
    return f"{key[: KEY_LIMIT - 13]}-{digest}"


def _area_label(area: InvestmentArea) -> str:
    first = area.name.split(" ", 1)[0]
    # "Co-innovation, …" reads as a list item in lower case; "FDI and investment" keeps its caps.
    return area.name if first.isupper() else area.name[:1].lower() + area.name[1:]


def suggestion_title(*, home: Country, partners: list[Country], areas: list[InvestmentArea]) -> str:
    pairing = "-".join([home.name, *(partner.name for partner in partners)])
    title = f"{pairing}: "
    for index, area in enumerate(areas):
        label = _area_label(area) + ("; " if index < len(areas) - 1 else "")
        # Leave room for the ellipsis that says more areas were named.
        if len(title) + len(label) > TITLE_LIMIT - 2:
            return title.rstrip("; ") + " …"
        title += label
    return title[:TITLE_LIMIT]


def suggestion_summary(statement: Statement, partners, areas, firms, openings) -> str:
    parts = [
        f"Proposed from “{statement.title}”"
        + (f" ({statement.published_on:%d %b %Y})" if statement.published_on else "")
        + ".",
        "Partners: " + ", ".join(partner.name for partner in partners) + ".",
        "Areas: " + "; ".join(area.name for area in areas) + ".",
    ]
    if firms:
        parts.append("Firms: " + ", ".join(firm.name for firm in firms) + ".")
    if openings:
        parts.append("Policy openings: " + "; ".join(str(opening) for opening in openings) + ".")
    return "\n".join(parts)


def suggestion_accept(*, suggestion_id: int, by, team: Team | None = None) -> Opportunity:
    """Turn an open suggestion into work: add it to the opportunity it matched, or create one
    owned by `by` in `team` (or in `by`'s only team)."""
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.status != Suggestion.Status.OPEN:
            raise ValidationError(f"“{suggestion}” was already {suggestion.status}.")
        opportunity = suggestion.opportunity
        if opportunity is not None and not opportunity_visible(opportunity, by):
            opportunity = None
        with tallies_adjusted([opportunity] if opportunity else []) as written:
            if opportunity is None:
                opportunity = _created(suggestion, team or _only_team(by), by)
                written.append(opportunity)
            opportunity.areas.add(*suggestion.areas.all())
            opportunity.policy_openings.add(*suggestion.policy_openings.all())
            opportunity.statements.add(suggestion.statement)
        suggestion.status = Suggestion.Status.ACCEPTED
        suggestion.opportunity = opportunity
        suggestion.decided_by, suggestion.decided_at = by, timezone.now()
        suggestion.save()
    return opportunity


def _created(suggestion: Suggestion, team: Team, by) -> Opportunity:
    if not _may_use(team, by):
        raise ValidationError(f"You are not a member of {team}.")
    opportunity = Opportunity.objects.create(
        title=suggestion.title, description=suggestion.summary, team=team, owner=by
    )
    opportunity.countries.set(suggestion.countries.exclude(code=settings.TRACKER_HOME_COUNTRY))
    opportunity.firms.set(suggestion.firms.all())
    return opportunity


def suggestion_dismiss(*, suggestion_id: int, by) -> Suggestion:
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.status != Suggestion.Status.OPEN:
            raise ValidationError(f"“{suggestion}” was already {suggestion.status}.")
        suggestion.status = Suggestion.Status.DISMISSED
        suggestion.decided_by, suggestion.decided_at = by, timezone.now()
        suggestion.save()
    return suggestion


def opportunity_visible(opportunity: Opportunity, user) -> bool:
    team_ids = visible_team_ids(user)
    return team_ids is None or opportunity.team_id in team_ids


def _may_use(team: Team, user) -> bool:
    team_ids = visible_team_ids(user)
    return team_ids is None or team.pk in team_ids


def _only_team(user) -> Team:
    teams = list(Team.objects.filter(members=user)[:2])
    if len(teams) != 1:
        raise ValidationError("Choose the team that takes this opportunity on.")
    return teams[0]
