"""Importing the labelled statements through the production path and reading back what the
pipeline concluded. Needs Django set up (see extraction_eval.py); tolerant of features that
issue 13 adds later: country roles on mentions, name candidates, commitments stored elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.apps import apps

from opportunities.models import Suggestion
from partners.models import Country
from statements.imports import source_import
from statements.models import Mention, RawItem, Source, Statement
from statements.tasks import queue_extraction

from .scoring import Observed

NAME_TEXT_FIELDS = ("text", "name", "surface", "term")


def statements_import(folder: Path, labels: dict, work: Path) -> dict[str, int]:
    """Import every labelled file as a folder source would, one source per publishing country
    (the label's "source", None for a firm or an association), then extract and propose with
    tasks in-process. Returns file name -> statement id."""
    by_source: dict[str | None, list[str]] = {}
    for name, label in labels.items():
        by_source.setdefault(label["source"], []).append(name)
    for code, names in sorted(by_source.items(), key=lambda item: item[0] or ""):
        target = work / (code or "none")
        target.mkdir(parents=True)
        for name in names:
            shutil.copy(folder / name, target / name)
        source = Source.objects.create(
            name=f"Labelled statements ({code or 'no country'})",
            kind=Source.Kind.FOLDER,
            path=str(target),
            country=Country.objects.get(code=code) if code else None,
        )
        run = source_import(source_id=source.pk)
        queue_extraction(run.new_statement_ids)  # no broker: the tasks run here and now
    return dict(RawItem.objects.filter(statement__isnull=False).values_list("name", "statement_id"))


def parties_of(statement: Statement) -> set[str]:
    """The statement's parties as the product reads them (statements.parties: party mentions
    and the publisher's country); every country mention in code that has no roles yet."""
    try:
        from statements.parties import parties_of as product_parties
    except ImportError:
        mentions = statement.mentions.filter(kind=Mention.Kind.COUNTRY)
        return set(mentions.values_list("country__code", flat=True))
    ids = product_parties([statement.pk]).get(statement.pk, set())
    return set(Country.objects.filter(pk__in=ids).values_list("code", flat=True))


def models_named(*names: str, needs: tuple[str, ...]) -> list:
    """Installed models of one of these class names that have all the fields in `needs`."""
    found = []
    for model in apps.get_models():
        fields = {field.name for field in model._meta.get_fields()}
        if model.__name__ in names and set(needs) <= fields:
            found.append(model)
    return found


def commitments_of(statement: Statement) -> list[str]:
    """The statement's own commitments where the project stores them (statements.Commitment);
    the follow-up candidates copy those, so they are read only when nothing else is stored."""
    for names in (("Commitment",), ("CommitmentCandidate",)):
        models = models_named(*names, needs=("statement", "sentence"))
        sentences = [
            sentence
            for model in models
            for sentence in model.objects.filter(statement=statement).values_list(
                "sentence", flat=True
            )
        ]
        if models:
            return sentences
    return []


def names_of(statement: Statement) -> list[str] | None:
    models = models_named("NameCandidate", needs=("statement",))
    if not models:
        return None
    names = []
    for model in models:
        fields = {field.name for field in model._meta.get_fields()}
        text_field = next(name for name in NAME_TEXT_FIELDS if name in fields)
        names += model.objects.filter(statement=statement).values_list(text_field, flat=True)
    return names


def known_names_of(statement: Statement) -> frozenset[str]:
    """The words of every known firm and contact the statement links, and their names."""
    rows = statement.mentions.filter(kind__in=[Mention.Kind.FIRM, Mention.Kind.CONTACT])
    words = set()
    for term, firm, contact in rows.values_list("term", "firm__name", "contact__name"):
        words.update(word for word in (term, firm, contact) if word)
    return frozenset(words)


def observed(statement_id: int) -> Observed:
    statement = Statement.objects.get(pk=statement_id)
    suggestions = Suggestion.objects.filter(statement=statement).prefetch_related("countries")
    return Observed(
        parties=parties_of(statement),
        pairings=[frozenset(c.code for c in s.countries.all()) for s in suggestions],
        openings=list(statement.policy_openings.values_list("country__code", "kind", "cap")),
        areas=set(statement.areas.values_list("name", flat=True)),
        commitments=commitments_of(statement),
        names=names_of(statement),
        known=known_names_of(statement),
    )
