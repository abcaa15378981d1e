"""Name candidates on the statement page and in the admin: desk staff accept or dismiss them;
the page shows parties and other countries apart. An analyst (view only) is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import Firm
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.models import NameCandidate, Statement
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

TEXT = (
    "India and France agreed to co-develop jet engines with Safran Aircraft Systems. "
    "They also discussed the situation in Ukraine."
)


@pytest.fixture
def statement() -> Statement:
    reference_load(firms=False)  # the tests make the firms they need
    statement = statement_from_text(TEXT, title="India-France engines")
    statement_extract(statement_id=statement.pk)
    return statement


def page(client, statement: Statement) -> str:
    response = client.get(reverse("dashboards:statement", args=[statement.pk]))
    assert response.status_code == 200
    return response.content.decode()


def decide(client, candidate: NameCandidate, action: str):
    return client.post(
        reverse("dashboards:name_candidate_decide", args=[candidate.pk]), {"action": action}
    )


def test_the_statement_page_shows_parties_apart_and_the_names_to_triage(
    statement, desk_staff, session_for
) -> None:
    html = page(session_for(desk_staff), statement)

    parties = html.split('id="parties"')[1].split("</p>")[0]
    others = html.split('id="other-countries"')[1].split("</p>")[0]
    assert "India" in parties and "France" in parties and "Ukraine" not in parties
    assert "Ukraine" in others
    assert "Safran Aircraft Systems" in html
    assert 'value="accept"' in html and 'value="dismiss"' in html
    assert "co-develop jet engines" in html.split('id="commitments"')[1]


def test_desk_staff_accept_a_firm_from_the_page_and_it_is_linked(
    statement, desk_staff, session_for, django_capture_on_commit_callbacks
) -> None:
    candidate = statement.name_candidates.get()
    assert candidate.country.code == "FR"

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(session_for(desk_staff), candidate, "accept")

    assert response.status_code == 302
    firm = Firm.objects.get(name="Safran Aircraft Systems")
    assert firm.country.code == "FR"
    candidate.refresh_from_db()
    assert (candidate.status, candidate.firm, candidate.decided_by) == (
        "accepted",
        firm,
        desk_staff,
    )
    assert list(statement.firms.all()) == [firm]  # extracted again on commit


def test_dismissing_from_the_page_and_a_second_decision_is_refused(
    statement, desk_staff, session_for
) -> None:
    candidate = statement.name_candidates.get()
    client = session_for(desk_staff)

    decide(client, candidate, "dismiss")
    again = client.post(
        reverse("dashboards:name_candidate_decide", args=[candidate.pk]),
        {"action": "accept"},
        follow=True,
    )

    candidate.refresh_from_db()
    assert candidate.status == "dismissed"
    assert "already dismissed" in again.content.decode()
    assert "Safran Aircraft Systems" not in page(client, statement).split("Names not yet")[1]


def test_an_analyst_may_look_but_not_decide(statement, analyst, session_for) -> None:
    candidate = statement.name_candidates.get()
    client = session_for(analyst)

    assert 'value="accept"' not in page(client, statement)
    assert decide(client, candidate, "accept").status_code == 403
    assert client.get(
        reverse("dashboards:name_candidate_decide", args=[candidate.pk])
    ).status_code in (403, 405)
    assert NameCandidate.objects.get(pk=candidate.pk).status == "open"


def test_the_admin_accepts_and_dismisses_in_bulk(statement, desk_staff, session_for) -> None:
    other = statement_from_text("Mr. Arjun Mehta spoke on co-innovation with Japan.")
    statement_extract(statement_id=other.pk)
    firm_candidate = statement.name_candidates.get()
    person = other.name_candidates.get()
    client = session_for(desk_staff)
    changelist = reverse("admin:statements_namecandidate_changelist")

    assert "Safran Aircraft Systems" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "accept", "_selected_action": [firm_candidate.pk]})
    client.post(changelist, {"action": "dismiss", "_selected_action": [person.pk]})

    assert NameCandidate.objects.get(pk=firm_candidate.pk).status == "accepted"
    assert NameCandidate.objects.get(pk=person.pk).status == "dismissed"
