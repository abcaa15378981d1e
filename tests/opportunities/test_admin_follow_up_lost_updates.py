"""A follow-up form opened before someone else's save (over the API, from a sheet or in another
admin tab) is refused, on its own change page and as a row of the opportunity page, rather than
writing over that save."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.models import FollowUp, Opportunity
from tests.opportunities.factories import FollowUpFactory
from tests.support.html_forms import form_data

STALE = "Someone else saved this follow-up after you opened it. It is now version 2"


def _api_edit(client, follow_up: FollowUp, **changes) -> None:
    response = client.patch(
        f"/api/follow-ups/{follow_up.pk}/", json.dumps(changes), content_type="application/json"
    )
    assert response.status_code == 200, response.content


def _change_url(follow_up: FollowUp) -> str:
    return reverse("admin:opportunities_followup_change", args=[follow_up.pk])


def _opportunity_url(opportunity: Opportunity) -> str:
    return reverse("admin:opportunities_opportunity_change", args=[opportunity.pk])


def _row(data: dict, title: str) -> str:
    """The prefix of the inline row showing the follow-up titled `title`, e.g. `follow_ups-0`."""
    key = next(key for key, value in data.items() if value == title and key.endswith("-title"))
    return key.removesuffix("-title")


def _inline_errors(response, follow_up: FollowUp) -> list[str]:
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is FollowUp
    ]
    (form,) = [form for form in formset.forms if form.instance.pk == follow_up.pk]
    return form.non_field_errors()


def test_change_form_opened_before_an_api_edit_is_refused_and_changes_nothing(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    follow_up = team_opportunity.follow_ups.get()
    client = session_for(desk_staff)
    data = form_data(client.get(_change_url(follow_up)), id="followup_form")
    assert data["loaded_version"] == "1"
    _api_edit(session_for(team_lead), follow_up, title="Call the MoD on Monday")

    data["notes"] = "Written on the stale form"
    response = client.post(_change_url(follow_up), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert [error for error in errors if error.startswith(STALE)]
    assert STALE in response.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.notes) == ("Call the MoD on Monday", "")
    assert (follow_up.version, follow_up.sequence) == (2, 1)
    assert follow_up.history.count() == 2


def test_change_form_opened_after_the_other_save_saves_and_bumps_the_version(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    follow_up = team_opportunity.follow_ups.get()
    _api_edit(session_for(team_lead), follow_up, title="Call the MoD on Monday")
    client = session_for(desk_staff)
    data = form_data(client.get(_change_url(follow_up)), id="followup_form")
    assert data["loaded_version"] == "2"
    data["notes"] = "Ask about the trials"

    assert client.post(_change_url(follow_up), data).status_code == 302

    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.notes) == ("Call the MoD on Monday", "Ask about the trials")
    assert follow_up.version == 3


def test_restore_from_a_history_page_opened_before_another_save_is_refused(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    follow_up = team_opportunity.follow_ups.get()
    client = session_for(desk_staff)
    _api_edit(client, follow_up, title="Renamed")
    first = follow_up.history.earliest()
    revert = reverse(
        "admin:opportunities_followup_simple_history", args=[follow_up.pk, first.history_id]
    )
    restore = form_data(client.get(revert), id="historicalfollowup_form")
    assert restore["loaded_version"] == "2"
    _api_edit(session_for(team_lead), follow_up, notes="Bring the drawings")

    response = client.post(revert, restore)

    assert response.status_code == 200
    assert "It is now version 3" in response.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.notes, follow_up.version) == (
        "Renamed",
        "Bring the drawings",
        3,
    )


def test_edited_inline_row_opened_before_an_api_edit_is_refused_and_nothing_is_saved(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    stale = team_opportunity.follow_ups.get()
    other = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    _api_edit(session_for(team_lead), stale, title="Call the MoD on Monday")

    data[_row(data, "Call the MoD") + "-status"] = FollowUp.Status.DONE
    data[_row(data, "Send the proposal") + "-notes"] = "Draft attached"
    data["title"] = "Radar co-development, phase 2"
    response = client.post(_opportunity_url(team_opportunity), data)

    assert response.status_code == 200
    assert [error for error in _inline_errors(response, stale) if error.startswith(STALE)]
    assert _inline_errors(response, other) == []
    stale.refresh_from_db()
    assert (stale.title, stale.status, stale.version) == ("Call the MoD on Monday", "open", 2)
    other.refresh_from_db()
    assert (other.notes, other.version, other.history.count()) == ("", 1, 1)
    team_opportunity.refresh_from_db()
    assert (team_opportunity.title, team_opportunity.version) == ("Japan radar co-development", 1)


def test_untouched_inline_row_edited_elsewhere_is_left_alone_while_the_others_save(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    edited_elsewhere = team_opportunity.follow_ups.get()
    edited_here = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    _api_edit(session_for(team_lead), edited_elsewhere, title="Call the MoD on Monday")

    data[_row(data, "Send the proposal") + "-notes"] = "Draft attached"
    response = client.post(_opportunity_url(team_opportunity), data)

    assert response.status_code == 302
    edited_elsewhere.refresh_from_db()
    assert (edited_elsewhere.title, edited_elsewhere.version) == ("Call the MoD on Monday", 2)
    assert edited_elsewhere.history.count() == 2
    edited_here.refresh_from_db()
    assert (edited_here.notes, edited_here.version) == ("Draft attached", 2)


def test_fresh_inline_rows_save_and_each_bumps_its_version(
    team_opportunity, desk_staff, session_for
) -> None:
    first = team_opportunity.follow_ups.get()
    second = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    untouched = FollowUpFactory(opportunity=team_opportunity, title="Book the visit")
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    data[_row(data, "Call the MoD") + "-status"] = FollowUp.Status.DONE
    data[_row(data, "Send the proposal") + "-title"] = "Send the revised proposal"

    assert client.post(_opportunity_url(team_opportunity), data).status_code == 302

    versions = {row.pk: row.version for row in FollowUp.objects.all()}
    assert versions == {first.pk: 2, second.pk: 2, untouched.pk: 1}
    second.refresh_from_db()
    assert second.title == "Send the revised proposal"


def test_inline_row_ticked_for_deletion_after_an_api_edit_is_refused_and_nothing_is_deleted(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    stale = team_opportunity.follow_ups.get()
    other = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    _api_edit(session_for(team_lead), stale, title="Call the MoD on Monday")

    data[_row(data, "Call the MoD") + "-DELETE"] = "on"
    data[_row(data, "Send the proposal") + "-DELETE"] = "on"
    data["title"] = "Radar co-development, phase 2"
    response = client.post(_opportunity_url(team_opportunity), data)

    assert response.status_code == 200
    assert [error for error in _inline_errors(response, stale) if error.startswith(STALE)]
    assert _inline_errors(response, other) == []
    page = response.content.decode()
    assert STALE in page
    assert "so nothing was deleted or saved" in page
    stale.refresh_from_db()
    assert (stale.title, stale.version, stale.history.count()) == ("Call the MoD on Monday", 2, 2)
    assert FollowUp.objects.filter(pk=other.pk).exists()
    team_opportunity.refresh_from_db()
    assert (team_opportunity.title, team_opportunity.version) == ("Japan radar co-development", 1)


def test_fresh_inline_row_ticked_for_deletion_is_deleted(
    team_opportunity, desk_staff, session_for
) -> None:
    kept = team_opportunity.follow_ups.get()
    doomed = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    data[_row(data, "Send the proposal") + "-DELETE"] = "on"

    assert client.post(_opportunity_url(team_opportunity), data).status_code == 302

    assert list(FollowUp.objects.values_list("pk", flat=True)) == [kept.pk]
    assert doomed.history.latest().history_type == "-"


def test_inline_row_ticked_for_deletion_that_someone_else_deleted_meanwhile_saves_the_rest(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    gone = team_opportunity.follow_ups.get()
    kept = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    response = session_for(team_lead).delete(f"/api/follow-ups/{gone.pk}/")
    assert response.status_code == 204

    data[_row(data, "Call the MoD") + "-DELETE"] = "on"
    data[_row(data, "Send the proposal") + "-notes"] = "Draft attached"
    response = client.post(_opportunity_url(team_opportunity), data)

    assert response.status_code == 302
    assert list(FollowUp.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert (kept.notes, kept.version) == ("Draft attached", 2)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL locks the row itself")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_the_page_holds_the_write_lock_from_before_it_checks_a_row_until_it_saves(
    team_opportunity, desk_staff, session_for
) -> None:
    # select_for_update is a no-op on SQLite. What keeps another save out of the gap between a
    # row's version check and its write is that the request's transaction (ATOMIC_REQUESTS)
    # begins IMMEDIATE: SQLite's one write lock is held from before the check to the commit,
    # and any other writer waits, then meets the new version.
    client = session_for(desk_staff)
    data = form_data(client.get(_opportunity_url(team_opportunity)), id="opportunity_form")
    data[_row(data, "Call the MoD") + "-status"] = FollowUp.Status.DONE

    with CaptureQueriesContext(connection) as queries:
        assert client.post(_opportunity_url(team_opportunity), data).status_code == 302

    statements = [query["sql"] for query in queries]
    begin = statements.index("BEGIN IMMEDIATE")
    touching = [i for i, sql in enumerate(statements) if '"opportunities_followup"' in sql]
    assert touching and min(touching) > begin
    assert "BEGIN IMMEDIATE" not in statements[begin + 1 : max(touching)]
