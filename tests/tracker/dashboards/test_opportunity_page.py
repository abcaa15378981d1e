"""The opportunity page: its fields, one activity stream in time order, follow-ups done from
the page, the note box, team scoping, escaping and a query count that does not grow."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Note, Opportunity
from opportunities.suggestions.triage import suggestion_accept
from tests.opportunities.factories import FollowUpFactory, NoteFactory, SuggestionFactory
from tests.statements.factories import StatementFactory

pytestmark = pytest.mark.django_db


def page_url(opportunity) -> str:
    return reverse("dashboards:opportunity", args=[opportunity.pk])


def test_the_page_and_its_forms_need_a_login(client, known):
    a = known.opportunities["a"]
    follow_up = a.follow_ups.first()
    for response in [
        client.get(page_url(a)),
        client.post(reverse("dashboards:opportunity_note", args=[a.pk]), {"body": "x"}),
        client.post(reverse("dashboards:follow_up_done", args=[follow_up.pk])),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    assert not Note.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN


def test_the_page_shows_the_fields(known, team_lead, session_for):
    a = known.opportunities["a"]
    response = session_for(team_lead).get(page_url(a))
    assert response.status_code == 200
    fields = response.content.decode()
    fields = fields[fields.index('id="opportunity-fields"') :]
    for text in ["Identified", "desk", "Japan", "Co-development", "USD 1,000,000", "10%"]:
        assert text in fields
    assert [f.title for f in response.context["open_follow_ups"]] == [
        f.title for f in a.follow_ups.order_by("due_date")
    ]


def test_another_teams_opportunity_is_a_404(known, team_lead, outsider, session_for):
    assert session_for(team_lead).get(page_url(known.opportunities["other"])).status_code == 404
    assert session_for(outsider).get(page_url(known.opportunities["a"])).status_code == 404


def test_the_activity_stream_tells_what_happened_in_time_order(
    known, team_lead, desk_staff, session_for, desk_api
):
    a = known.opportunities["a"]
    lead = session_for(team_lead)
    lead.post(reverse("dashboards:board_move", args=[a.pk]), {"stage": "qualifying", "version": 1})
    lead.post(reverse("dashboards:opportunity_note", args=[a.pk]), {"body": "Met the <b>CEO</b>"})
    follow_up = FollowUpFactory(opportunity=a, title="Send the proposal")
    lead.post(reverse("dashboards:follow_up_done", args=[follow_up.pk]))
    suggestion = SuggestionFactory(
        statement=StatementFactory(title="Joint statement on radars"),
        title="Radar co-production",
        opportunity=a,
    )
    suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff)
    Opportunity.objects.filter(pk=a.pk).update(external_id="A-1")
    upload = desk_api.post(
        "/api/opportunities/bulk/",
        [{"external_id": "A-1", "title": "Opportunity a", "stage": "engaged", "value": 5}],
        format="json",
    )
    assert upload.json()["updated"] == 1, upload.json()

    response = lead.get(page_url(a))

    events = response.context["activity"]
    assert [e.when for e in events] == sorted(e.when for e in events)
    texts = [(e.kind, e.text, e.who) for e in events]
    assert ("created", "Created in Identified", "") in texts
    assert ("stage", "Stage Identified → Qualifying", "lead") in texts
    assert ("note", "Note", "lead") in texts
    assert ("follow_up_done", "Follow-up done: Send the proposal", "lead") in texts
    assert ("suggestion", "Suggestion accepted: Radar co-production", "desk") in texts
    assert ("statement", "Statement linked: India-Japan briefing", "") in texts
    # The statement the suggestion brought stands once, as the suggestion.
    assert not any(e.text == "Statement linked: Joint statement on radars" for e in events)
    sheet = next(e for e in events if e.kind == "sheet")
    assert sheet.who == "desk"
    assert "stage Qualifying → Engaged" in sheet.detail and "value" in sheet.detail
    # The upload's stage change is told once, as the upload's.
    assert not any(e.text == "Stage Qualifying → Engaged" for e in events)
    html = response.content.decode()
    assert "Met the &lt;b&gt;CEO&lt;/b&gt;" in html
    assert "<b>CEO</b>" not in html


def test_follow_up_created_by_whom(known, team_lead, session_for):
    a = known.opportunities["a"]
    follow_up = FollowUp(opportunity=a, title="Call the attaché", due_date=timezone.localdate())
    follow_up._history_user = team_lead
    follow_up.save()

    events = session_for(team_lead).get(page_url(a)).context["activity"]

    created = next(e for e in events if e.text == "Follow-up created: Call the attaché")
    assert created.who == "lead"


def test_a_follow_up_is_done_from_the_page(known, desk_staff, session_for):
    follow_up = known.opportunities["a"].follow_ups.first()
    client = session_for(desk_staff)

    response = client.post(reverse("dashboards:follow_up_done", args=[follow_up.pk]))

    assert response.status_code == 302
    assert response["Location"] == page_url(known.opportunities["a"])
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.completed_at is not None
    assert follow_up.history.latest("history_id").history_user == desk_staff
    page = client.get(response["Location"])
    assert follow_up not in page.context["open_follow_ups"]


def test_follow_ups_and_notes_of_another_team_are_refused(known, desk_staff, session_for):
    other = known.opportunities["other"]
    client = session_for(desk_staff)
    follow_up = other.follow_ups.first()
    assert client.post(reverse("dashboards:follow_up_done", args=[follow_up.pk])).status_code == 404
    note = client.post(reverse("dashboards:opportunity_note", args=[other.pk]), {"body": "x"})
    assert note.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN
    assert not Note.objects.exists()


def test_an_analyst_may_read_but_not_write(known, analyst, session_for):
    a = known.opportunities["a"]
    client = session_for(analyst)
    page = client.get(page_url(a)).content.decode()
    assert "Add note" not in page and ">Done<" not in page
    assert (
        client.post(reverse("dashboards:opportunity_note", args=[a.pk]), {"body": "x"}).status_code
        == 403
    )
    follow_up = a.follow_ups.first()
    assert client.post(reverse("dashboards:follow_up_done", args=[follow_up.pk])).status_code == 403


def test_an_empty_note_is_refused_with_a_message(known, desk_staff, session_for):
    a = known.opportunities["a"]
    client = session_for(desk_staff)
    response = client.post(
        reverse("dashboards:opportunity_note", args=[a.pk]), {"body": "  "}, follow=True
    )
    assert "A note needs some text" in response.content.decode()
    assert not Note.objects.exists()


def test_the_page_costs_the_same_with_a_long_history(
    known, team_lead, desk_staff, session_for, django_assert_max_num_queries
):
    a = known.opportunities["a"]
    client = session_for(team_lead)
    client.get(page_url(a))  # the session and the user, loaded once
    stages = ["qualifying", "engaged", "proposal", "agreement"] * 5
    for version, stage in enumerate(stages, start=a.version):
        Opportunity.objects.get(pk=a.pk)  # nothing cached
        client.post(
            reverse("dashboards:board_move", args=[a.pk]), {"stage": stage, "version": version}
        )
    for n in range(30):
        NoteFactory(opportunity=a, author=desk_staff, body=f"Note {n}")
        FollowUpFactory(opportunity=a, due_date=timezone.localdate() + datetime.timedelta(days=n))
    for _ in range(10):
        a.statements.add(StatementFactory())

    # A savepoint and its release (the request's transaction), the session, the user, their
    # permissions; the opportunity, its five kinds of links, its follow-ups, its history, their
    # history, its notes, its accepted suggestions; the user's teams and the saved views in
    # the navigation.
    with django_assert_max_num_queries(18):
        response = client.get(page_url(a))
    assert len(response.context["activity"]) > 80


def test_a_sheet_upload_that_only_changes_links_is_in_the_stream(
    known, team_lead, session_for, desk_api
):
    a = known.opportunities["a"]
    a.external_id = "A-1"
    a.save()  # with its history record, so only the upload's links differ from it
    upload = desk_api.post(
        "/api/opportunities/bulk/", [{"external_id": "A-1", "countries": ["FR"]}], format="json"
    )
    assert upload.json()["updated"] == 1, upload.json()

    events = session_for(team_lead).get(page_url(a)).context["activity"]

    sheet = next(e for e in events if e.kind == "sheet")
    assert (sheet.who, sheet.detail) == ("desk", "partner countries, firms or areas")
