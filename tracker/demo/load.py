"""Loading the demo set: reference data, roles, demo users with a fresh password, the demo
partners, the project's sample statements and the generated pipeline.

Running it again changes no data; it only gives the demo users a fresh password."""

from __future__ import annotations

import random
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from opportunities import roles
from opportunities.models import Opportunity, Team
from opportunities.tallies.keep import tallies_kept
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.imports import source_import
from statements.models import RawItem, Source, Statement

from .partners import partners_load
from .pipeline import DEMO_PREFIX, TEAMS, USERS, opportunities_create

SAMPLES = Path(__file__).resolve().parents[2] / "statements" / "samples"

# sample statement file stem -> the partner country it concerns
SAMPLE_PARTNERS = {
    "india-france-engines": "FR",
    "india-australia-maritime": "AU",
    "india-us-fdi-liberalisation": "US",
    "japan-india-industry-forum": "JP",
    "routine-courtesy-call": "KR",
}


def demo_load(*, opportunities: int = 60, seed: int = 2026) -> dict:
    """Load the demo set (once) and give every demo user a new printed password."""
    rng = random.Random(seed)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        reference_load()
        roles.roles_setup()
        users = _users(password)
        created = not Opportunity.objects.filter(external_id__startswith=DEMO_PREFIX).exists()
        if created:
            partners_load()
            statements = _statements()
            teams = _teams(users)
            opportunities_create(rng, teams, statements, opportunities)
            # Made with the ORM, not the services: the dashboards' counts are recounted here.
            tallies_kept(team_ids=[team.pk for team in teams.values()])
            # After the opportunities, so suggestions can point at the ones they match.
            for statement in statements.values():
                statement_extract(statement_id=statement.pk)
    return {"password": password, "users": sorted(users), "created": created}


def _users(password: str) -> dict:
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@example.org", "first_name": "Demo", "last_name": "Admin"},
    )
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    users = {"admin": admin}
    for username, full_name, _team, role in USERS:
        first, last = full_name.split(" ", 1)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def _statements() -> dict[str, Statement]:
    """The project's sample statements, imported like any folder source, by partner country."""
    source, _ = Source.objects.get_or_create(
        name="Project sample statements",
        defaults={"kind": Source.Kind.FOLDER, "path": str(SAMPLES), "is_active": False},
    )
    source_import(source_id=source.pk)
    stored = {}
    for raw_item in RawItem.objects.filter(source=source).select_related("statement"):
        stored[SAMPLE_PARTNERS.get(Path(raw_item.name).stem, "")] = raw_item.statement
    return stored


def _teams(users: dict) -> dict[str, Team]:
    teams = {}
    for name in TEAMS:
        teams[name], _ = Team.objects.get_or_create(name=name)
    for username, _full_name, team_name, _role in USERS:
        if team_name:
            teams[team_name].members.add(users[username])
    return teams
