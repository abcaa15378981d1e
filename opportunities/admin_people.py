"""Teams and the users in them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count

from lib.sheets.admin import HistoryModelAdmin

from .models import Team
from .people import users_delete


@admin.register(Team)
class TeamAdmin(HistoryModelAdmin):
    list_display = ["name", "member_count", "opportunity_count"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_total=Count("members", distinct=True),
                opportunity_total=Count("opportunities", distinct=True),
            )
        )

    @admin.display(description="members", ordering="member_total")
    def member_count(self, team: Team) -> int:
        return team.member_total

    @admin.display(description="opportunities", ordering="opportunity_total")
    def opportunity_count(self, team: Team) -> int:
        return team.opportunity_total


class TeamMembershipInline(admin.TabularInline):
    model = Team.members.through
    extra = 0
    verbose_name = "team membership"
    verbose_name_plural = "teams"
    autocomplete_fields = ["team"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class TrackerUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, TeamMembershipInline]

    # A user's delete goes through the service, which keeps the follow-ups' tallies by owner.
    def delete_model(self, request, obj) -> None:
        users_delete(users=[obj])

    def delete_queryset(self, request, queryset) -> None:
        users_delete(users=queryset)
