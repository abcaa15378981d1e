"""Follow-ups and notes: the work logged on an opportunity."""

from __future__ import annotations

from rest_framework import serializers

from lib.api.errors import PreconditionFailed
from lib.api.fields import KeyRelatedField
from lib.api.serializers import (
    ModelSerializer,
    VersionPreconditionMixin,
    version_field,
)

from ...models import FollowUp, Note, Opportunity
from ...services import StaleVersion, follow_up_save
from .keys import external_id_key, owner_field
from .sensitivity import SensitivityLabelMixin


class VisibleOpportunityMixin(SensitivityLabelMixin):
    """The opportunity a follow-up or note is written to must be one of the user's teams'."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "opportunity" in self.fields:
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)


class FollowUpSerializer(VersionPreconditionMixin, VisibleOpportunityMixin, ModelSerializer):
    opportunity = KeyRelatedField(
        queryset=Opportunity.objects.all(),
        natural=external_id_key,
        help_text="Opportunity id or external id",
    )
    opportunity_title = serializers.CharField(source="opportunity.title", read_only=True)
    owner = owner_field()
    owner_username = serializers.CharField(
        source="owner.username", read_only=True, default=None, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)
    version = version_field()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "version",
            "opportunity",
            "opportunity_title",
            "title",
            "owner",
            "owner_username",
            "due_date",
            "kind",
            "status",
            "notes",
            "completed_at",
            "is_overdue",
            "sensitivity",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["completed_at", "created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        # completed_at follows the status, as in the admin.
        probe = FollowUp(
            status=attrs.get("status", getattr(self.instance, "status", FollowUp.Status.OPEN)),
            completed_at=getattr(self.instance, "completed_at", None),
        )
        probe.stamp_completion()
        attrs["completed_at"] = probe.completed_at
        return super().validate(attrs)

    def update(self, instance: FollowUp, validated_data: dict) -> FollowUp:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            return follow_up_save(follow_up=instance, expected_version=instance.version)
        except StaleVersion as error:
            raise PreconditionFailed(str(error)) from error


class NoteSerializer(VisibleOpportunityMixin, ModelSerializer):
    opportunity = KeyRelatedField(
        queryset=Opportunity.objects.all(),
        natural=external_id_key,
        help_text="Opportunity id or external id",
    )
    opportunity_title = serializers.CharField(source="opportunity.title", read_only=True)
    author_username = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Note
        fields = [
            "id",
            "opportunity",
            "opportunity_title",
            "author",
            "author_username",
            "body",
            "sensitivity",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["author", "created_at", "updated_at"]
