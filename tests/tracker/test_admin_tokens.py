"""Issuing API tokens in the admin: a user with add_apitoken issues tokens for themselves only,
and sees and revokes only their own; a superuser issues for anyone. Passwords need 12
characters."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tracker.models import ApiToken

pytestmark = pytest.mark.django_db

ADD = "/admin/tracker/apitoken/add/"


@pytest.fixture
def issuer(desk_staff):
    desk_staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_apitoken", "view_apitoken", "change_apitoken"]
        )
    )
    return desk_staff


def test_a_token_for_someone_else_is_refused_to_a_non_superuser(session_for, issuer, superuser):
    response = session_for(issuer).post(ADD, {"user": superuser.pk, "name": "Escalate"})

    assert response.status_code == 200  # the form again, with its error
    assert "user" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_a_non_superuser_issues_their_own_and_sees_only_theirs(session_for, issuer, superuser):
    ApiToken.issue(user=superuser, name="Boss's", read_only=False)
    client = session_for(issuer)

    response = client.post(ADD, {"user": issuer.pk, "name": "Mine", "read_only": "on"})

    assert response.status_code == 302
    assert ApiToken.objects.filter(user=issuer, name="Mine").exists()
    listed = client.get("/admin/tracker/apitoken/").content.decode()
    assert "Mine" in listed and "Boss" not in listed


def test_a_superuser_issues_a_token_for_anyone(session_for, superuser, desk_staff):
    response = session_for(superuser).post(ADD, {"user": desk_staff.pk, "name": "For desk"})
    assert response.status_code == 302
    assert ApiToken.objects.filter(user=desk_staff).exists()


@pytest.mark.parametrize("password", ["Tr0ub4dor&3", "short"])
def test_passwords_under_twelve_characters_are_refused(password):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password(password)


def test_a_twelve_character_passphrase_is_accepted():
    validate_password("amber-otter-relay")
