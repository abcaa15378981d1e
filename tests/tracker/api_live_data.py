"""Set up the database of a live server for tests/tracker/test_api_schemathesis_live.py: migrate,
then a row of each kind (as the in-process run's `token` fixture makes), and print a token.

    DATABASE_URL=sqlite:///... python -m tests.tracker.api_live_data
"""

from __future__ import annotations

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    from opportunities.roles import roles_setup
    from tests.opportunities.factories import (
        FollowUpFactory,
        NoteFactory,
        OpportunityFactory,
        SuggestionFactory,
        TeamFactory,
    )
    from tests.partners.factories import (
        ContactFactory,
        CountryFactory,
        FirmFactory,
        InvestmentAreaFactory,
        PolicyOpeningFactory,
    )
    from tests.statements.factories import ImportRunFactory, MentionFactory, StatementFactory
    from tests.tracker.factories import UserFactory
    from tracker.models import ApiToken

    call_command("migrate", verbosity=0)
    roles_setup()
    superuser = UserFactory(username="boss", is_superuser=True)
    team = TeamFactory(name="Japan desk", members=[superuser])
    japan = CountryFactory(code="JP")
    opportunity = OpportunityFactory(team=team, external_id="OPP-1", countries=[japan])
    ContactFactory(firm=FirmFactory(country=japan))
    InvestmentAreaFactory()
    PolicyOpeningFactory(country=japan)
    FollowUpFactory(opportunity=opportunity)
    NoteFactory(opportunity=opportunity)
    statement = StatementFactory()
    MentionFactory(statement=statement, country=japan)
    ImportRunFactory(source=statement.source)
    SuggestionFactory(statement=statement)
    print(ApiToken.issue(user=superuser, name="schemathesis-live", read_only=False)[1])


if __name__ == "__main__":
    main()
