"""The two refusals every invariant gets (tests/<app>/test_constraints.py): by the database, and
by `full_clean()` with a message a person can act on."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction


def full_clean_error(instance) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value


def refused_by_full_clean(instance) -> None:
    # A constraint's own error is not tied to one field; any field error would be a false pass.
    assert list(full_clean_error(instance).message_dict) == [NON_FIELD_ERRORS]


def assert_clear(error: ValidationError, *phrases: str) -> None:
    text = " ".join(error.messages)
    assert "Constraint “" not in text, text
    for phrase in phrases:
        assert phrase.lower() in text.lower(), text


def refused_by_database(create) -> None:
    # A savepoint per expected failure, so PostgreSQL lets the test go on afterwards.
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
