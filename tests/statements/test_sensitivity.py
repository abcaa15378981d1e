"""The sensitivity rule (statements.sensitivity) and the statements' own read paths."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from opportunities.models import FollowUp, Note, Opportunity
from statements.models import Commitment, Mention, Statement
from statements.sensitivity import (
    RESTRICTED_PERMISSION,
    key_pull_limit,
    sees_restricted,
    users_seeing_restricted,
)
from tests.statements.factories import MentionFactory
from tests.tracker.factories import UserFactory
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db


def test_team_leads_and_superusers_are_cleared_desk_staff_and_analysts_are_not(
    team_lead, desk_staff, analyst, superuser
) -> None:
    assert sees_restricted(team_lead) and sees_restricted(superuser)
    assert not sees_restricted(desk_staff) and not sees_restricted(analyst)
    assert team_lead.has_perm(RESTRICTED_PERMISSION)
    # The role setup's sweep of "view_" permissions does not hand the clearance to everyone.
    assert not desk_staff.has_perm(RESTRICTED_PERMISSION)
    assert set(users_seeing_restricted()) == {team_lead, superuser}


def test_an_inactive_user_or_a_key_pull_is_never_cleared(team_lead) -> None:
    team_lead.is_active = False
    assert not sees_restricted(team_lead)
    team_lead.is_active = True
    key_pull_limit(team_lead)
    assert not sees_restricted(team_lead)


def test_a_permission_granted_by_hand_clears_a_desk_user(desk_staff) -> None:
    desk_staff.user_permissions.add(
        Permission.objects.get(codename="view_restricted", content_type__app_label="statements")
    )
    fresh = type(desk_staff).objects.get(pk=desk_staff.pk)
    assert sees_restricted(fresh)
    assert fresh in users_seeing_restricted()


def test_labels_default_to_internal(restricted) -> None:
    assert restricted.open_opportunity.sensitivity == "internal"
    assert restricted.open_statement.sensitivity == "internal"


def test_one_rule_for_every_labelled_model(restricted, desk_staff, team_lead) -> None:
    r = restricted
    assert set(Opportunity.objects.visible_to(desk_staff)) == {r.open_opportunity}
    # A follow-up or note of a restricted opportunity is restricted with it.
    assert set(FollowUp.objects.visible_to(desk_staff)) == {r.open_follow_up}
    assert set(Note.objects.visible_to(desk_staff)) == {r.open_note}
    assert set(Statement.objects.visible_to(desk_staff)) == {r.open_statement}
    assert Opportunity.objects.visible_to(team_lead).count() == 2
    assert FollowUp.objects.visible_to(team_lead).count() == 3
    assert Note.objects.visible_to(team_lead).count() == 2
    assert Statement.objects.visible_to(team_lead).count() == 2


def test_statement_api_hides_a_restricted_statement_from_desk_staff(
    restricted, desk_api, lead_api
) -> None:
    path = f"/api/statements/{restricted.statement.pk}/"
    refused = desk_api.get(path)
    assert refused.status_code == 404 and "Restricted" not in refused.content.decode()
    titles = [row["title"] for row in desk_api.get("/api/statements/").json()["results"]]
    assert titles == ["Open briefing"]
    detail = lead_api.get(path)
    assert detail.status_code == 200 and detail.json()["sensitivity"] == "restricted"
    assert len(lead_api.get("/api/statements/").json()["results"]) == 2


def test_statement_export_and_mentions_leave_out_restricted_ones(
    restricted, desk_api, lead_api
) -> None:
    MentionFactory(statement=restricted.statement, term="Japan")
    MentionFactory(statement=restricted.open_statement, term="Japan", country__code="IN")
    response = desk_api.get("/api/statements/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[rows[0].index("title")] for row in rows[1:]] == ["Open briefing"]
    assert "sensitivity" in rows[0]
    mentions = desk_api.get("/api/mentions/").json()["results"]
    assert [m["statement"] for m in mentions] == [restricted.open_statement.pk]
    hidden = Mention.objects.get(statement=restricted.statement)
    assert desk_api.get(f"/api/mentions/{hidden.pk}/").status_code == 404
    assert len(lead_api.get("/api/mentions/").json()["results"]) == 2


def test_a_key_pull_never_carries_a_restricted_statement_even_a_leads(
    restricted, team_lead
) -> None:
    _, key = ApiToken.issue(user=team_lead, name="sheet", read_only=True)
    client = APIClient()
    titles = [row["title"] for row in client.get(f"/api/statements/?key={key}").json()["results"]]
    assert titles == ["Open briefing"]
    assert client.get(f"/api/statements/{restricted.statement.pk}/?key={key}").status_code == 404


def test_statement_admin_lists_and_opens_a_restricted_one_only_for_the_cleared(
    restricted, session_for, desk_staff, team_lead
) -> None:
    desk, lead = session_for(desk_staff), session_for(team_lead)
    listing = desk.get("/admin/statements/statement/")
    assert listing.status_code == 200
    assert b"Open briefing" in listing.content and b"Restricted briefing" not in listing.content
    change = f"/admin/statements/statement/{restricted.statement.pk}/change/"
    assert desk.get(change).status_code == 404
    assert b"Restricted briefing" in lead.get("/admin/statements/statement/").content
    page = lead.get(change)
    assert page.status_code == 200 and b'value="restricted"' in page.content


def test_the_restricted_label_is_offered_only_to_the_cleared(
    restricted, session_for, desk_staff
) -> None:
    page = session_for(desk_staff).get(
        f"/admin/statements/statement/{restricted.open_statement.pk}/change/"
    )
    assert page.status_code == 200
    assert b'value="internal"' in page.content and b'value="restricted"' not in page.content


def test_an_uncleared_users_mentions_admin_hides_restricted_statements(
    restricted, session_for, roles
) -> None:
    user = UserFactory(username="desk2", groups=[roles["Desk staff"]])
    MentionFactory(statement=restricted.statement, term="Secretterm")
    listing = session_for(user).get("/admin/statements/mention/")
    assert listing.status_code == 200 and b"Secretterm" not in listing.content


def test_commitments_of_a_restricted_statement_are_hidden_in_the_admin(
    restricted, session_for, desk_staff, team_lead
) -> None:
    hidden = Commitment.objects.create(
        statement=restricted.statement, phrase="agreed to", sentence="Secret pledge", start=0, end=9
    )
    listing = "/admin/statements/commitment/"
    assert b"Secret pledge" not in session_for(desk_staff).get(listing).content
    assert session_for(desk_staff).get(f"{listing}{hidden.pk}/change/").status_code == 404
    assert b"Secret pledge" in session_for(team_lead).get(listing).content
