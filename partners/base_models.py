"""What the tracker's models share: creation and change times, and a manager that loads the
country of rows named by its code."""

from __future__ import annotations

from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WithCountryManager(models.Manager):
    """Loads the country alongside, because the row's name shows the country's code."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("country")
