"""An opportunity's follow-ups and notes, edited on its change page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models

from statements.admin_sensitivity import SensitivityAdminMixin

from .admin_forms import FollowUpInlineForm, FollowUpInlineFormSet
from .models import FollowUp, Note


class FollowUpInline(SensitivityAdminMixin, admin.TabularInline):
    model = FollowUp
    form = FollowUpInlineForm
    formset = FollowUpInlineFormSet
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    fields = [
        "title",
        "owner",
        "due_date",
        "kind",
        "status",
        "notes",
        "sensitivity",
        "loaded_version",
    ]
    autocomplete_fields = ["owner"]


class NoteInline(SensitivityAdminMixin, admin.StackedInline):
    model = Note
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    fields = ["body", "sensitivity", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
