from __future__ import annotations

from import_export import fields, widgets

from lib.sheets.safety import SafeModelResource

from .models import Contact, Firm


class FirmResource(SafeModelResource):
    country = fields.Field(
        attribute="country",
        column_name="country",
        widget=widgets.ForeignKeyWidget("partners.Country", "code"),
    )
    areas = fields.Field(
        attribute="areas",
        column_name="areas",
        widget=widgets.ManyToManyWidget("partners.InvestmentArea", field="name", separator="; "),
    )

    class Meta:
        model = Firm
        fields = ("id", "name", "country", "kind", "aliases", "areas", "website", "external_id")


class ContactResource(SafeModelResource):
    firm = fields.Field(attribute="firm__name", column_name="firm", readonly=True)
    country = fields.Field(attribute="country__code", column_name="country", readonly=True)

    class Meta:
        model = Contact
        fields = ("id", "name", "role", "firm", "country", "email", "phone")
