"""Serializer fields are built once per class; each serializer still gets its own, bound to
itself, and a nested serializer's fields (and context) are never shared."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from lib.api.serializers import ReadModelSerializer
from opportunities.api.serializers import OpportunitySerializer
from opportunities.models import Team


class TeamNames(ReadModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class WithNested(ReadModelSerializer):
    copies = TeamNames(many=True, source="team_set", read_only=True)
    label = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "name", "copies", "label"]

    def get_label(self, team: Team) -> str:
        return f"{self.context['who']}: {team.name}"


def test_each_serializer_binds_its_own_fields():
    first, second = OpportunitySerializer(), OpportunitySerializer()
    assert list(first.fields) == list(second.fields)
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert first.fields[name].field_name == name


def test_nested_serializers_and_context_are_not_shared():
    one = WithNested(context={"who": "one"})
    two = WithNested(context={"who": "two"})
    nested_one, nested_two = one.fields["copies"], two.fields["copies"]
    assert nested_one is not nested_two
    assert nested_one.child is not nested_two.child
    assert nested_one.child.root is one and nested_two.child.root is two
    assert nested_two.child.context == {"who": "two"}


@pytest.mark.django_db
def test_reads_the_same_as_before_for_two_readers():
    team = Team.objects.create(name="Desk")
    assert WithNested(team, context={"who": "a"}).data["label"] == "a: Desk"
    assert WithNested(team, context={"who": "b"}).data["label"] == "b: Desk"
    # The queryset of a writable relation is narrowed per serializer, never on the template.
    narrowed = OpportunitySerializer()
    narrowed.fields["team"].queryset = Team.objects.none()
    assert OpportunitySerializer().fields["team"].queryset.model is Team
    assert OpportunitySerializer().fields["team"].queryset.query.is_empty() is False
