"""`POST /api/firms/merge/` and `/api/contacts/merge/`: a JSON body names the two records; bad
bodies are 400s, and only holders of change and delete permissions may merge."""

from __future__ import annotations

import pytest

from partners.merge_log import MergeLog
from partners.models import Contact, Firm
from tests.partners.factories import ContactFactory, CountryFactory, FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms():
    japan = CountryFactory(code="JP")
    return (
        FirmFactory(name="Kawasaki Heavy Industries", country=japan),
        FirmFactory(
            name="Kawasaki Heavy Industries Ltd", country=japan, website="https://k.example"
        ),
    )


def test_merge_two_firms_by_id_and_key(lead_api, firms) -> None:
    survivor, _ = firms
    answer = lead_api.post(
        "/api/firms/merge/",
        {
            "survivor": survivor.pk,
            "loser": "Kawasaki Heavy Industries Ltd (JP)",
            "take": ["website"],
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    log = MergeLog.objects.get()
    assert body == {
        "merge": log.pk,
        "survivor": survivor.pk,
        "loser_label": "Kawasaki Heavy Industries Ltd (JP)",
        "links_moved": 0,
        "fields_taken": ["website"],
    }
    survivor.refresh_from_db()
    assert survivor.website == "https://k.example"
    assert survivor.aliases == ["Kawasaki Heavy Industries Ltd"]
    assert log.merged_by.username == "lead"


@pytest.mark.parametrize(
    "body",
    [
        lambda s, o: {},
        lambda s, o: {"survivor": "nobody", "loser": o},
        lambda s, o: {"survivor": s, "loser": s},
        lambda s, o: {"survivor": s, "loser": o, "take": ["created_at"]},
        lambda s, o: {"survivor": s, "loser": o, "take": "website"},
        lambda s, o: {"survivor": [s], "loser": o},
        lambda s, o: [s, o],
    ],
)
def test_a_bad_body_is_a_400_and_merges_nothing(lead_api, firms, body) -> None:
    survivor, loser = firms
    answer = lead_api.post("/api/firms/merge/", body(survivor.pk, loser.pk), format="json")
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/json")
    assert Firm.objects.count() == 2 and not MergeLog.objects.exists()


def test_desk_staff_and_read_only_tokens_may_not_merge(
    desk_api, token_for, team_lead, firms
) -> None:
    survivor, loser = firms
    body = {"survivor": survivor.pk, "loser": loser.pk}
    assert desk_api.post("/api/firms/merge/", body, format="json").status_code == 403
    read_only = token_for(team_lead, read_only=True)
    assert read_only.post("/api/firms/merge/", body, format="json").status_code == 403
    assert Firm.objects.count() == 2


def test_merge_two_contacts(lead_api) -> None:
    india = CountryFactory(code="IN")
    survivor = ContactFactory(name="S. Jaishankar", firm=None, country=india)
    loser = ContactFactory(name="Dr S Jaishankar", firm=None, country=india, role="EAM")
    answer = lead_api.post(
        "/api/contacts/merge/",
        {"survivor": survivor.pk, "loser": loser.pk, "take": ["role"]},
        format="json",
    )
    assert answer.status_code == 200
    survivor.refresh_from_db()
    assert survivor.role == "EAM" and not Contact.objects.filter(pk=loser.pk).exists()


def test_the_merge_endpoints_are_in_the_schema(lead_api) -> None:
    schema = lead_api.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/firms/merge/", "/api/contacts/merge/"):
        operation = schema["paths"][path]["post"]
        assert "400" in operation["responses"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(component["properties"]) == {"survivor", "loser", "take"}


def test_undo_a_merge_over_the_api(lead_api, desk_api, firms) -> None:
    survivor, loser = firms
    merged = lead_api.post(
        "/api/firms/merge/", {"survivor": survivor.pk, "loser": loser.pk}, format="json"
    ).json()
    refused = desk_api.post("/api/firms/merge/undo/", {"merge": merged["merge"]}, format="json")
    assert refused.status_code == 403  # only those who may merge may undo
    answer = lead_api.post("/api/firms/merge/undo/", {"merge": merged["merge"]}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {"merge": merged["merge"], "restored": loser.pk}
    assert Firm.objects.filter(pk=loser.pk).exists()
    again = lead_api.post("/api/firms/merge/undo/", {"merge": merged["merge"]}, format="json")
    assert again.status_code == 400 and "already been undone" in str(again.json())
    # A firm merge is not a contact merge; a bad body is a 400 too.
    other = lead_api.post("/api/contacts/merge/undo/", {"merge": merged["merge"]}, format="json")
    assert other.status_code == 400
    assert lead_api.post("/api/firms/merge/undo/", {"merge": "x"}, format="json").status_code == 400
