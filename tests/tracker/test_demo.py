from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from opportunities.models import FollowUp, Opportunity, Team
from partners.models import Contact, Firm, PolicyOpening
from statements.models import Statement


def login_request():
    """Logins are checked with the request they came in (django-axes counts per address)."""
    return RequestFactory().post("/admin/login/")


@pytest.fixture
def demo_output(db) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _password(output: str) -> str:
    return re.search(r"Password for all of them: (\S+)", output).group(1)


def test_demo_fills_a_believable_data_set(demo_output):
    assert Firm.objects.count() >= 30
    assert Contact.objects.filter(name="Vinay Kwatra").exists()
    assert PolicyOpening.objects.filter(country__code="IN", kind="fdi").exists()
    assert Opportunity.objects.count() >= 50
    stages = set(Opportunity.objects.values_list("stage", flat=True))
    assert {"identified", "engaged", "won", "lost"} <= stages
    assert FollowUp.objects.filter(status="open").exists()
    assert Statement.objects.count() >= 5
    assert Team.objects.count() == 3
    for opportunity in Opportunity.objects.filter(stage__in=["won", "lost"]):
        assert opportunity.close_reason


def test_demo_superuser_logs_in_with_the_printed_password(demo_output):
    password = _password(demo_output)
    user = authenticate(login_request(), username="admin", password=password)
    assert user is not None and user.is_superuser


def test_running_the_demo_again_duplicates_nothing_and_renews_the_password(demo_output):
    counts = (Opportunity.objects.count(), FollowUp.objects.count(), Firm.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Opportunity.objects.count(), FollowUp.objects.count(), Firm.objects.count()) == counts
    assert "already loaded" in out.getvalue()
    new_password = _password(out.getvalue())
    assert new_password != _password(demo_output)
    assert authenticate(login_request(), username="admin", password=new_password) is not None
