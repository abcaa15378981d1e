"""Admin for webhooks: a team's endpoints (the URL vetted on saving, the secret shown only to
those who may edit it) and their deliveries, read-only, failed ones retried on request."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from lib.http import FetchError, check_url
from lib.sheets.admin import TrackerModelAdmin
from statements.sensitivity import sees_restricted

from ..admin_scoping import TeamScopedAdminMixin
from ..models import WebhookDelivery, WebhookEndpoint
from .webhooks import webhooks_retry


class WebhookEndpointForm(forms.ModelForm):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "team",
            "url",
            "is_active",
            "on_suggestion_created",
            "on_stage_changed",
            "on_follow_up_overdue",
            "sends_restricted",
        ]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except FetchError as error:  # refused (private address...) or does not resolve
            raise ValidationError(str(error), code="url") from error
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(TeamScopedAdminMixin, TrackerModelAdmin):
    form = WebhookEndpointForm
    list_display = [
        "url",
        "team",
        "is_active",
        "on_suggestion_created",
        "on_stage_changed",
        "on_follow_up_overdue",
        "sends_restricted",
    ]
    list_filter = ["is_active", "team", "sends_restricted"]
    list_select_related = ["team"]
    search_fields = ["url"]
    readonly_fields = ["secret", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Only the cleared may say an endpoint's audience is cleared too.
        return fields if sees_restricted(request.user) else [*fields, "sends_restricted"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # Whoever holds the secret can forge events: only those who may edit the endpoint see it.
        if not self.has_change_permission(request, obj):
            fields.remove("secret")
        return fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TeamScopedAdminMixin, TrackerModelAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_status",
        "last_error",
    ]
    list_filter = ["status", "event", "sensitivity"]
    list_select_related = ["endpoint"]
    search_fields = ["endpoint__url", "key"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def team_id_of(self, delivery: WebhookDelivery) -> int:
        return delivery.endpoint.team_id

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("endpoint")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("opportunities.change_webhookendpoint")

    @admin.action(description="Try failed deliveries again", permissions=["retry"])
    def retry(self, request, queryset) -> None:
        count = webhooks_retry(deliveries=queryset)
        self.message_user(request, f"Queued {count} deliveries again.")
