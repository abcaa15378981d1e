from __future__ import annotations

from django.contrib import admin

from lib.sheets.admin import HistoryModelAdmin

from .admin_merge import MergeAdminMixin
from .duplicates import contact_duplicates, firm_duplicates
from .merging import CONTACT_FIELDS, FIRM_FIELDS, contact_merge, firm_merge, partner_merge_undo
from .models import Contact, Country, Firm, InvestmentArea, PolicyOpening, Term
from .resources import ContactResource, FirmResource


@admin.register(Country)
class CountryAdmin(HistoryModelAdmin):
    list_display = ["name", "code", "alpha_3", "demonym_list"]
    search_fields = ["name", "code", "alpha_3", "official_name"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="demonyms")
    def demonym_list(self, country: Country) -> str:
        return ", ".join(country.demonyms)


@admin.register(InvestmentArea)
class InvestmentAreaAdmin(HistoryModelAdmin):
    list_display = ["name", "parent", "slug", "keyword_count"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="keywords")
    def keyword_count(self, area: InvestmentArea) -> int:
        return len(area.keywords)


@admin.register(Firm)
class FirmAdmin(MergeAdminMixin, HistoryModelAdmin):
    merge_fields = FIRM_FIELDS
    merge_service = staticmethod(firm_merge)
    undo_service = staticmethod(partner_merge_undo)
    duplicates_find = staticmethod(firm_duplicates)
    resource_classes = [FirmResource]
    list_display = ["name", "country", "kind", "website", "updated_at"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "aliases", "country__name", "external_id"]
    autocomplete_fields = ["country", "areas"]
    date_hierarchy = "created_at"


@admin.register(Contact)
class ContactAdmin(MergeAdminMixin, HistoryModelAdmin):
    merge_fields = CONTACT_FIELDS
    merge_service = staticmethod(contact_merge)
    undo_service = staticmethod(partner_merge_undo)
    duplicates_find = staticmethod(contact_duplicates)
    resource_classes = [ContactResource]
    list_display = ["name", "role", "firm", "country", "email"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["firm__country", "country"]
    search_fields = ["name", "role", "aliases", "email", "firm__name"]
    autocomplete_fields = ["firm", "country"]


@admin.register(PolicyOpening)
class PolicyOpeningAdmin(HistoryModelAdmin):
    list_display = ["title", "country", "kind", "status", "cap", "route", "effective_date"]
    list_filter = ["kind", "status", "route", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["title", "instrument", "cap", "summary", "country__name"]
    # The step before: one of the same country and kind (PolicyOpening.clean checks it).
    autocomplete_fields = ["country", "areas", "previous"]
    date_hierarchy = "effective_date"


@admin.register(Term)
class TermAdmin(HistoryModelAdmin):
    """The vocabulary extraction reads: policy, commitment, place, defence-context and
    off-topic phrases. Switch a term off rather than delete it: load_reference brings back a
    deleted one, never an edited or switched-off one."""

    list_display = ["phrase", "kind", "opening_kind", "is_active", "updated_at"]
    list_filter = ["kind", "is_active", "opening_kind"]
    list_editable = ["is_active"]
    search_fields = ["phrase", "note"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["switch_off"]

    @admin.action(description="Switch off (extraction stops using them)", permissions=["change"])
    def switch_off(self, request, queryset) -> None:
        # One save each, so updated_at moves and every worker rebuilds its gazetteer.
        for term in queryset.filter(is_active=True):
            term.is_active = False
            term.save(update_fields=["is_active", "updated_at"])
        self.message_user(request, "Switched off; the next extraction no longer uses them.")
