"""Triage of name candidates: a person or organisation a statement named that the tracker did
not know. Accepting one records it (a Contact or a Firm, or another name of the known one it
resembles); dismissing it keeps it from being proposed again. One decision covers every open
candidate of that name, in whichever statement."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from partners.models import Contact, Firm

from .models import NameCandidate

# Words that end the names of public bodies rather than of companies.
PUBLIC_BODY_ENDINGS = ("ministry", "agency", "organisation", "organization", "institute")


def _open_twins(candidate: NameCandidate):
    """The open candidates of the same name and kind, this one included, locked."""
    return (
        NameCandidate.objects.select_for_update()
        .annotate(lowered=Lower("name"))
        .filter(
            kind=candidate.kind,
            lowered=candidate.name.lower(),
            status=NameCandidate.Status.OPEN,
        )
    )


def _decide(candidate: NameCandidate, by, **fields) -> list[int]:
    """Apply the decision to every open twin; returns their statement ids."""
    twins = list(_open_twins(candidate))
    now = timezone.now()
    for twin in twins:
        for name, value in fields.items():
            setattr(twin, name, value)
        twin.decided_by, twin.decided_at = by, now
    NameCandidate.objects.bulk_update(twins, [*fields, "decided_by", "decided_at"], batch_size=500)
    return sorted({twin.statement_id for twin in twins})


def _locked_open(candidate_id: int) -> NameCandidate:
    candidate = NameCandidate.objects.select_for_update().get(pk=candidate_id)
    if candidate.status != NameCandidate.Status.OPEN:
        raise ValidationError(f"“{candidate}” was already {candidate.status}.")
    return candidate


def name_candidate_accept(*, candidate_id: int, by, same: bool = False) -> list[int]:
    """Record the name: as another name of the known firm or contact it resembles when `same`,
    else as a new Contact (people) or Firm (organisations) of the guessed country. Returns the
    ids of the statements that named it, to be extracted again."""
    with transaction.atomic():
        candidate = _locked_open(candidate_id)
        record = _record_for(candidate, same)
        field = "contact" if isinstance(record, Contact) else "firm"
        statement_ids = _decide(
            candidate, by, status=NameCandidate.Status.ACCEPTED, **{field: record}
        )
    return statement_ids


def _record_for(candidate: NameCandidate, same: bool) -> Contact | Firm:
    if same:
        record = candidate.similar
        if record is None:
            raise ValidationError(f"“{candidate}” resembles no known firm or contact.")
        if candidate.name.casefold() not in {a.casefold() for a in [record.name, *record.aliases]}:
            record.aliases = [*record.aliases, candidate.name]
            record.save(update_fields=["aliases", "updated_at"])
        return record
    if candidate.country_id is None:
        raise ValidationError(f"“{candidate}”: set its country first, then accept it.")
    if candidate.kind == NameCandidate.Kind.PERSON:
        return Contact.objects.create(
            name=candidate.name, role=candidate.title, country_id=candidate.country_id
        )
    existing = Firm.objects.filter(
        name__iexact=candidate.name, country_id=candidate.country_id
    ).first()
    if existing is not None:
        return existing
    public = candidate.name.lower().endswith(PUBLIC_BODY_ENDINGS)
    return Firm.objects.create(
        name=candidate.name,
        country_id=candidate.country_id,
        kind=Firm.Kind.GOVERNMENT if public else Firm.Kind.PRIVATE,
    )


def name_candidate_dismiss(*, candidate_id: int, by) -> int:
    """Dismiss the name wherever it is open; extraction proposes it no more. Returns how many
    statements named it."""
    with transaction.atomic():
        candidate = _locked_open(candidate_id)
        statement_ids = _decide(candidate, by, status=NameCandidate.Status.DISMISSED)
    return len(statement_ids)
