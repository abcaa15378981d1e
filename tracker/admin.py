from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import ApiToken, SheetLog


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used_at", "revoked"]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    fields = ["user", "name", "read_only", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(boolean=True, description="revoked")
    def revoked(self, token: ApiToken) -> bool:
        return token.revoked_at is not None

    def get_queryset(self, request):
        # Others' tokens are no business of anyone but a superuser: not to see, nor to revoke.
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only a superuser issues a token for someone else: with another's token, a user with
        # add_apitoken could act as them (a superuser's, say). The choice is validated against
        # this queryset, so a posted id of another user is refused, whatever the widget shows.
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = get_user_model().objects.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A token's owner and scope are fixed once issued: revoke it and issue another.
        if obj is not None:
            return [*self.readonly_fields, "user", "read_only"]
        return self.readonly_fields

    def save_model(self, request, obj: ApiToken, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = ApiToken.issue(user=obj.user, name=obj.name, read_only=obj.read_only)
        obj.pk = token.pk
        obj.prefix, obj.digest, obj.created_at = token.prefix, token.digest, token.created_at
        messages.warning(
            request,
            f"The key for “{token.name}” is {key} — copy it now, it is not shown again.",
        )

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} tokens revoked.")


@admin.register(SheetLog)
class SheetLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by exports, pulls and uploads, and pruned by the beat job
    after AUDIT_RETENTION_DAYS; nobody edits or deletes an entry by hand."""

    list_display = [
        "started_at",
        "username",
        "kind",
        "channel",
        "list_name",
        "filters_display",
        "format",
        "rows",
        "complete",
    ]
    list_filter = ["kind", "channel", "list_name", "complete"]
    list_select_related = ["user", "token"]
    search_fields = ["username", "list_name"]
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in SheetLog._meta.fields]

    @admin.display(description="filters")
    def filters_display(self, entry: SheetLog) -> str:
        return "; ".join(f"{name}={value}" for name, value in entry.filters.items()) or "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
