"""The columns of the opportunity and follow-up sheets: one definition for the API's export,
the admin's export and the bulk upsert that reads them back, so any export round-trips."""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Concat

from lib.sheets.columns import Labels, Soonest, columns

from ..models import FollowUp, Opportunity
from ..money.sheets import ReportingValues

# A firm's label, "Name (JP)", as an expression of the firm: what the upsert reads back.
FIRM_LABEL = Concat(F("name"), Value(" ("), F("country__code"), Value(")"))

COUNTRY_LABELS = Labels(Opportunity, "countries", "code", "name")
# Read-only columns: the upsert ignores them, like next_follow_up.
REPORTING = ReportingValues(Opportunity)
OPPORTUNITY_COLUMNS = columns(
    "id",
    "external_id",
    "version",
    "title",
    "stage",
    ("team", "team__name"),
    ("owner", "owner__username"),
    ("countries", COUNTRY_LABELS, 0),
    ("country_names", COUNTRY_LABELS, 1),
    ("areas", Labels(Opportunity, "areas", "slug")),
    ("firms", Labels(Opportunity, "firms", FIRM_LABEL)),
    "value",
    "currency",
    ("reporting_value", REPORTING, 0),
    ("reporting_currency", REPORTING, 1),
    "probability",
    "expected_close",
    "close_reason",
    ("next_follow_up", Soonest(FollowUp.objects.open(), "opportunity_id", "due_date")),
    "description",
    "sensitivity",
    "updated_at",
)

FOLLOW_UP_COLUMNS = columns(
    "id",
    "version",
    ("opportunity", "opportunity__external_id"),
    ("opportunity_title", "opportunity__title"),
    "title",
    ("owner", "owner__username"),
    "due_date",
    "kind",
    "status",
    "notes",
    "sensitivity",
    "completed_at",
    "updated_at",
)
