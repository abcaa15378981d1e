"""Guessing is cut short: 50 wrong passwords, API tokens, `?key=` values or calendar keys from
one address end in a lockout or a 429, while a right login still works for others."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from opportunities.reminders.calendar import calendar_feed_create
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db

TRIES = 50
ATTACKER = "203.0.113.7"
OTHER = "198.51.100.9"


def login(client: Client, username: str, password: str, address: str = ATTACKER):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_admin_login_locks_out_after_the_configured_failures(desk_staff, team_lead):
    client = Client()
    answers = [login(client, "desk", f"wrong-{n}").status_code for n in range(TRIES)]

    limit = settings.AXES_FAILURE_LIMIT
    assert limit < TRIES
    # Wrong passwords re-show the form until the limit; then the lockout page, 429.
    assert set(answers[: limit - 1]) == {200}
    assert set(answers[limit:]) == {429}
    locked = login(client, "desk", "pass-word-123")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Others still log in: another user from the same address, the same user from another.
    assert login(Client(), "lead", "pass-word-123").status_code == 302
    assert login(Client(), "desk", "pass-word-123", address=OTHER).status_code == 302


def test_lockout_limit_is_a_setting(desk_staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    answers = [login(client, "desk", "wrong").status_code for _ in range(4)]
    assert answers == [200, 200, 429, 429]


def test_a_right_login_clears_earlier_failures(desk_staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "desk", "wrong").status_code == 200
    assert login(client, "desk", "pass-word-123").status_code == 302
    assert login(Client(), "desk", "wrong").status_code == 200


def api(address: str, **credentials) -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(**credentials)
    return client


def test_wrong_api_tokens_end_in_a_json_429(desk_staff, team):
    _, right = ApiToken.issue(user=desk_staff, name="script")
    guesser = api(ATTACKER)
    answers = []
    for n in range(TRIES):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token guess-{n}")
        answers.append(guesser.get("/api/countries/"))

    limit = settings.KEY_FAILURE_LIMIT
    assert {answer.status_code for answer in answers[:limit]} == {401}
    assert {answer.status_code for answer in answers[limit:]} == {429}
    last = answers[-1]
    assert last["Content-Type"] == "application/json"
    assert "Too many failed attempts" in last.json()["detail"]
    assert 0 < int(last["Retry-After"]) <= settings.KEY_FAILURE_WINDOW
    # The guesser's address is refused even the right token; another address is served.
    assert (
        api(ATTACKER, HTTP_AUTHORIZATION=f"Token {right}").get("/api/countries/").status_code == 429
    )
    assert api(OTHER, HTTP_AUTHORIZATION=f"Token {right}").get("/api/countries/").status_code == 200


def test_wrong_query_keys_end_in_a_json_429(desk_staff, team):
    _, right = ApiToken.issue(user=desk_staff, name="sheet", read_only=True)
    guesser = api(ATTACKER)
    codes = [
        guesser.get("/api/countries/", {"key": f"guess-{n}"}).status_code for n in range(TRIES)
    ]

    assert codes[-1] == 429 and codes.count(401) == settings.KEY_FAILURE_LIMIT
    assert guesser.get("/api/countries/", {"key": right}).json()["detail"].startswith("Too many")
    assert api(OTHER).get("/api/countries/", {"key": right}).status_code == 200


def test_wrong_calendar_keys_end_in_a_json_429(desk_staff):
    feed = calendar_feed_create(user=desk_staff)
    guesser = Client(REMOTE_ADDR=ATTACKER)
    answers = [guesser.get(f"/calendar/{'x' * 30}{n:04d}.ics") for n in range(TRIES)]

    assert [a.status_code for a in answers].count(404) == settings.KEY_FAILURE_LIMIT
    assert answers[-1].status_code == 429
    assert answers[-1]["Content-Type"] == "application/json"
    assert guesser.get(f"/calendar/{feed.key}.ics").status_code == 429
    assert Client(REMOTE_ADDR=OTHER).get(f"/calendar/{feed.key}.ics").status_code == 200


def test_the_window_ends(desk_staff, settings, monkeypatch):
    settings.KEY_FAILURE_LIMIT = 2
    clock = [1_000_000.0]
    monkeypatch.setattr("lib.ratelimit.time.time", lambda: clock[0])
    guesser = api(ATTACKER, HTTP_AUTHORIZATION="Token wrong")
    assert [guesser.get("/api/countries/").status_code for _ in range(3)] == [401, 401, 429]
    clock[0] += settings.KEY_FAILURE_WINDOW
    assert guesser.get("/api/countries/").status_code == 401
