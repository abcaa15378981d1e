from __future__ import annotations

from import_export import fields, widgets

from lib.sheets.safety import SafeModelResource

from ..models import FollowUp, Opportunity


class OpportunityResource(SafeModelResource):
    team = fields.Field(attribute="team__name", column_name="team", readonly=True)
    owner = fields.Field(attribute="owner__username", column_name="owner", readonly=True)
    countries = fields.Field(
        attribute="countries",
        column_name="partner countries",
        widget=widgets.ManyToManyWidget("partners.Country", field="name", separator="; "),
    )
    areas = fields.Field(
        attribute="areas",
        column_name="investment areas",
        widget=widgets.ManyToManyWidget("partners.InvestmentArea", field="name", separator="; "),
    )
    firms = fields.Field(
        attribute="firms",
        column_name="firms",
        widget=widgets.ManyToManyWidget("partners.Firm", field="name", separator="; "),
    )

    class Meta:
        model = Opportunity
        fields = (
            "id",
            "external_id",
            "title",
            "stage",
            "team",
            "owner",
            "countries",
            "areas",
            "firms",
            "value",
            "currency",
            "probability",
            "expected_close",
            "close_reason",
            "version",
            "updated_at",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("team", "owner").prefetch_related(
            "countries", "areas", "firms"
        )


class FollowUpResource(SafeModelResource):
    opportunity = fields.Field(
        attribute="opportunity__title", column_name="opportunity", readonly=True
    )
    owner = fields.Field(attribute="owner__username", column_name="owner", readonly=True)

    class Meta:
        model = FollowUp
        fields = (
            "id",
            "version",
            "opportunity",
            "title",
            "owner",
            "due_date",
            "kind",
            "status",
            "notes",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("opportunity", "owner")
