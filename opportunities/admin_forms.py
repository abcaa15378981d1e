"""Admin change forms that refuse to save over an edit made since they were opened."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.models import is_historic

from .models import FollowUp, Opportunity
from .tallies.adjust import tallies_adjusted


class VersionedForm(forms.ModelForm):
    """Carries the version the form was opened with in a hidden field; cleaning refuses the
    form if the stored record has moved on. The check locks the row, and the admin saves in
    the same transaction (ATOMIC_REQUESTS), so no one can write in between."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A history restore shows an old record, but what it overwrites is the stored one.
            historic = is_historic(self.instance)
            loaded = self._stored_version() if historic else self.instance.version
            self.fields["loaded_version"].initial = loaded

    def writes(self) -> bool:
        """Whether saving this form writes the record (the admin always saves its main form)."""
        return True

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None and self.writes():
            current = self._stored_version(lock=True)
            name = self._meta.model._meta.verbose_name
            if current is None:
                raise ValidationError(f"Someone else deleted this {name}.", code="gone")
            if current != loaded:
                raise ValidationError(
                    f"Someone else saved this {name} after you opened it. It is now version "
                    f"{current}: open it again to see their changes, then redo yours.",
                    code="stale",
                )
        return cleaned

    def _stored_version(self, *, lock: bool = False) -> int | None:
        rows = self._meta.model._default_manager.filter(pk=self.instance.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()


class OpportunityForm(VersionedForm):
    class Meta:
        model = Opportunity
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets pick the fields

    def _save_m2m(self) -> None:
        # The admin saves the partner countries and areas after the opportunity (whose save
        # adjusted the tallies by it): adjust them by these too.
        with tallies_adjusted([self.instance]):
            super()._save_m2m()


class FollowUpForm(VersionedForm):
    class Meta:
        model = FollowUp
        fields = "__all__"  # noqa: DJ007 - the admin picks the fields


class FollowUpInlineForm(FollowUpForm):
    """A follow-up row on the opportunity page. The formset saves only the rows that changed,
    and here a change is measured against what the page showed (hidden initial values), not
    against the stored row: a row someone else edited meanwhile is left alone unless this user
    edited it too, and then it is refused as stale. Ticking Delete is a change as well, so a row
    about to be deleted is checked, and locked, the same way."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True

    def writes(self) -> bool:
        return self.has_changed()


class FollowUpInlineFormSet(BaseInlineFormSet):
    """The follow-up rows of the opportunity page. Django leaves a row ticked for deletion out
    of the formset's validity, its errors with it, so a stale row would be deleted over someone
    else's save; its own check (above) has run, and here its verdict refuses the page."""

    def clean(self) -> None:
        super().clean()
        if any(form.has_error(NON_FIELD_ERRORS, "stale") for form in self.deleted_forms):
            raise ValidationError(
                "Someone else saved a follow-up you ticked for deletion after you opened this "
                "page, so nothing was deleted or saved: see its row.",
                code="stale",
            )
