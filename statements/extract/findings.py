"""Storing a batch's commitments and name candidates, a fixed number of queries per batch."""

from __future__ import annotations

from django.db import connection
from django.db.models.functions import Lower

from lib.rows import rows_insert

from ..models import Commitment, NameCandidate
from .folding import fold
from .names import NameFound
from .reading import Reading

COMMITMENT_COLUMNS = ["statement", "phrase", "sentence", "start", "end", "countries"]
# Fields of an open candidate that a new reading may change (a firm added to the gazetteer makes
# a closer "same as", an edited text another sentence).
CANDIDATE_FIELDS = ["title", "sentence", "start", "country", "similar_firm", "similar_contact"]
SENTENCE_LIMIT = 2000


def commitments_replace(*, readings: dict[int, Reading]) -> None:
    """Each statement's commitments, as its text says them now (none kept from before: the
    follow-up candidates proposed from them live in the opportunities app)."""
    Commitment.objects.filter(statement_id__in=list(readings)).delete()
    countries = Commitment._meta.get_field("countries")
    rows_insert(
        Commitment,
        COMMITMENT_COLUMNS,
        (
            (
                pk,
                found.phrase[:60],
                found.sentence,
                found.start,
                found.end,
                countries.get_db_prep_value(list(found.countries), connection),
            )
            for pk, reading in readings.items()
            for found in reading.commitments
        ),
    )


def name_candidates_replace(*, readings: dict[int, Reading]) -> None:
    """Open candidates follow the text: new names are added, names no longer found (or now
    known) go. Accepted and dismissed ones stay as staff left them."""
    wanted: dict[tuple, NameFound] = {
        (pk, name.kind, fold(name.name)): name
        for pk, reading in readings.items()
        for name in reading.names
    }
    existing = {
        (candidate.statement_id, candidate.kind, fold(candidate.name)): candidate
        for candidate in NameCandidate.objects.filter(statement_id__in=list(readings))
    }
    # A name staff dismissed in one statement is not proposed from another.
    dismissed = set(
        NameCandidate.objects.filter(status=NameCandidate.Status.DISMISSED)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in={name.name.lower() for name in wanted.values()})
        .values_list("kind", "lowered")
    )
    NameCandidate.objects.filter(
        pk__in=[
            candidate.pk
            for key, candidate in existing.items()
            if candidate.status == NameCandidate.Status.OPEN and key not in wanted
        ]
    ).delete()
    new, changed = [], []
    for key, name in wanted.items():
        values = {
            "title": name.title[:100],
            "sentence": name.sentence_text[:SENTENCE_LIMIT],
            "start": name.start,
            "country_id": name.country_id,
            "similar_firm_id": name.similar_firm,
            "similar_contact_id": name.similar_contact,
        }
        current = existing.get(key)
        if current is None and (name.kind, name.name.lower()) in dismissed:
            continue
        if current is None:
            new.append(NameCandidate(statement_id=key[0], kind=name.kind, name=name.name, **values))
        elif current.status == NameCandidate.Status.OPEN and any(
            getattr(current, attname) != value for attname, value in values.items()
        ):
            for attname, value in values.items():
                setattr(current, attname, value)
            changed.append(current)
    NameCandidate.objects.bulk_update(changed, CANDIDATE_FIELDS)
    # A concurrent batch may have added the same name meanwhile: the unique constraint keeps one.
    NameCandidate.objects.bulk_create(new, ignore_conflicts=True)
