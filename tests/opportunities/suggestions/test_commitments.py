"""Commitments in statements: found in the project's samples, proposed, accepted or dismissed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import statements
from opportunities.models import CommitmentCandidate, FollowUp
from opportunities.suggestions.commitments import commitment_accept, commitments_propose
from opportunities.suggestions.triage import suggestion_accept
from opportunities.tasks import propose_suggestions
from statements.extract import statement_extract
from tests.opportunities.factories import OpportunityFactory, SuggestionFactory
from tests.support.extraction import statement_from_file, statement_from_text

SAMPLES = Path(statements.__file__).parent / "samples"
# The reference data (the root `reference` fixture) for every test here.
pytestmark = [pytest.mark.usefixtures("tasks_in_process", "reference"), pytest.mark.django_db]


def extracted(statement):
    """The statement once extracted: commitments are found and kept at extraction."""
    statement_extract(statement_id=statement.pk)
    return statement


def find_commitments(text: str) -> list:
    statement = extracted(statement_from_text(text))
    return list(statement.commitments.order_by("start"))


def sample_text(name: str) -> str:
    return statement_from_file(SAMPLES / name).text


def sample_commitments(name: str) -> tuple[str, list]:
    statement = extracted(statement_from_file(SAMPLES / name))
    return statement.text, list(statement.commitments.order_by("start"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "japan-india-industry-forum.txt",
            [
                ("agreed to", "Both sides agreed to launch a joint challenge programme"),
                ("decided to", "The two sides decided to compile a shared directory"),
                ("early finalisation of", "Mr Morinaga said that Japan looked forward to"),
                ("will hold", "The two sides will hold the next session of the Forum"),
            ],
        ),
        (
            "india-us-fdi-liberalisation.txt",
            [("agreed to", "Officials from both governments agreed to set up an investment")],
        ),
        (
            "india-france-engines.txt",
            [
                ("agreed to", "They agreed to constitute a joint programme office"),
                ("decided to", "The two sides decided to conclude a framework"),
                ("agreed to", "They noted that indigenous content in the programme"),
                ("early finalisation of", "The two sides looked forward to the early finalisation"),
                ("decided to", "They decided to hold the next meeting of the Working Group"),
            ],
        ),
    ],
)
def test_commitment_sentences_in_the_samples(name: str, expected) -> None:
    text, found = sample_commitments(name)

    assert len(found) == len(expected)
    for commitment, (phrase, start) in zip(found, expected, strict=True):
        assert (commitment.phrase, commitment.sentence[: len(start)]) == (phrase, start)
    for commitment in found:
        # Offsets point at the sentence in the text, whole sentences ending with their stop.
        assert " ".join(text[commitment.start : commitment.end].split()) == commitment.sentence
        assert commitment.sentence.endswith(".")


def test_a_statement_without_commitments_yields_none() -> None:
    assert sample_commitments("routine-courtesy-call.txt")[1] == []
    assert find_commitments("The Minister said the talks were warm. Mr. Rao agreed.") == []


def test_abbreviations_do_not_cut_a_sentence() -> None:
    (found,) = find_commitments(
        "Smt. R. Iyengar and H.E. Mr. Han agreed to meet again on defence. The weather was fine."
    )
    assert found.sentence == "Smt. R. Iyengar and H.E. Mr. Han agreed to meet again on defence."


# --- candidates -------------------------------------------------------------------------------


@pytest.fixture
def forum(db):
    """The Japan-India forum sample as a stored statement with a suggestion of its own."""
    statement = extracted(statement_from_file(SAMPLES / "japan-india-industry-forum.txt"))
    return SuggestionFactory(statement=statement, key="IN-JP")


@pytest.mark.django_db
def test_candidates_on_the_suggestion_keep_sentence_and_source(forum) -> None:
    assert commitments_propose(statement_ids=[forum.statement_id]) == 4

    candidates = list(CommitmentCandidate.objects.all())
    assert {c.suggestion for c in candidates} == {forum}
    assert {c.statement for c in candidates} == {forum.statement}
    assert [c.phrase for c in candidates] == [
        "agreed to",
        "decided to",
        "early finalisation of",
        "will hold",
    ]
    # Running again (re-extraction) adds nothing.
    assert commitments_propose(statement_ids=[forum.statement_id]) == 0
    assert CommitmentCandidate.objects.count() == 4


@pytest.mark.django_db
def test_the_suggestion_job_proposes_them_and_none_for_a_courtesy_call(forum) -> None:
    result = propose_suggestions.delay([forum.statement_id]).get()
    assert result["commitments"] == 4

    courtesy = extracted(statement_from_file(SAMPLES / "routine-courtesy-call.txt"))
    SuggestionFactory(statement=courtesy)
    assert propose_suggestions.delay([courtesy.pk]).get()["commitments"] == 0
    assert not CommitmentCandidate.objects.filter(statement=courtesy).exists()


@pytest.mark.django_db
def test_a_statement_cited_by_an_opportunity_gets_them_on_it(team) -> None:
    statement = extracted(
        statement_from_text("India and Japan agreed to hold defence talks.", title="Short")
    )
    opportunity = OpportunityFactory(team=team)
    opportunity.statements.add(statement)

    commitments_propose(statement_ids=[statement.pk])

    (candidate,) = CommitmentCandidate.objects.all()
    assert candidate.opportunity == opportunity and candidate.suggestion is None


@pytest.mark.django_db
def test_nothing_to_attach_to_means_no_candidates() -> None:
    statement = extracted(
        statement_from_text("Both sides agreed to hold defence talks.", title="Loose")
    )
    assert commitments_propose(statement_ids=[statement.pk]) == 0


@pytest.mark.django_db
def test_accepting_creates_exactly_one_follow_up(forum, desk_staff, team, team_lead) -> None:
    commitments_propose(statement_ids=[forum.statement_id])
    candidate = CommitmentCandidate.objects.get(phrase="will hold")
    opportunity = suggestion_accept(suggestion_id=forum.pk, by=desk_staff)
    due = timezone.localdate() + datetime.timedelta(days=30)

    follow_up = commitment_accept(
        candidate_id=candidate.pk, by=desk_staff, owner=team_lead, due_date=due
    )

    assert FollowUp.objects.count() == 1
    assert follow_up.opportunity == opportunity
    assert follow_up.owner == team_lead and follow_up.due_date == due
    assert follow_up.title.startswith("Commitment: The two sides will hold the next session")
    assert "Briefing on the Japan-India Defence Industry Forum (27 Jan 2026)" in follow_up.notes
    candidate.refresh_from_db()
    assert candidate.status == "accepted" and candidate.follow_up == follow_up
    assert candidate.decided_by == desk_staff
    with pytest.raises(ValidationError, match="already accepted"):
        commitment_accept(candidate_id=candidate.pk, by=desk_staff)
    assert FollowUp.objects.count() == 1


@pytest.mark.django_db
def test_accepting_before_the_suggestion_is_refused(forum, desk_staff) -> None:
    commitments_propose(statement_ids=[forum.statement_id])
    candidate = CommitmentCandidate.objects.first()
    with pytest.raises(ValidationError, match="accept its suggestion first"):
        commitment_accept(candidate_id=candidate.pk, by=desk_staff)
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_another_teams_commitment_cannot_be_accepted(team, outsider) -> None:
    statement = extracted(
        statement_from_text("Both sides agreed to hold defence talks.", title="Japan only")
    )
    OpportunityFactory(team=team).statements.add(statement)
    commitments_propose(statement_ids=[statement.pk])
    with pytest.raises(ValidationError, match="not found") as refused:
        commitment_accept(candidate_id=CommitmentCandidate.objects.get().pk, by=outsider)
    # Said as for a missing record: nothing tells the outsider another team has one.
    assert "team" not in str(refused.value)


@pytest.mark.django_db
def test_admin_accepts_with_owner_and_due_date_and_dismisses(
    forum, desk_staff, team, session_for, django_assert_max_num_queries
) -> None:
    commitments_propose(statement_ids=[forum.statement_id])
    suggestion_accept(suggestion_id=forum.pk, by=desk_staff)
    admin = session_for(desk_staff)
    changelist = reverse("admin:opportunities_commitmentcandidate_changelist")
    with django_assert_max_num_queries(12):
        page = admin.get(changelist)
    assert "will hold the next session" in page.content.decode()
    first, second, *rest = CommitmentCandidate.objects.order_by("start")

    admin.post(
        changelist,
        {
            "action": "accept",
            "_selected_action": [first.pk],
            "owner": desk_staff.pk,
            "due_date": "2027-01-15",
        },
    )
    admin.post(changelist, {"action": "dismiss", "_selected_action": [second.pk]})
    bad = admin.post(
        changelist,
        {"action": "accept", "_selected_action": [rest[0].pk], "due_date": "next spring"},
        follow=True,
    )

    (follow_up,) = FollowUp.objects.all()
    assert follow_up.due_date == datetime.date(2027, 1, 15) and follow_up.owner == desk_staff
    assert CommitmentCandidate.objects.get(pk=second.pk).status == "dismissed"
    assert bad.status_code == 200  # the admin refuses the action form; nothing is accepted
    assert CommitmentCandidate.objects.get(pk=rest[0].pk).status == "open"
