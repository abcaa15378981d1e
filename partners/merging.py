"""Merging two records into one, and undoing it from the merge log.

`records_merge` and `merge_undo` hold the rules every merge follows, whatever the model: the
survivor keeps its own values except for the fields taken from the loser, every link of the
loser moves to the survivor (`lib/merging.py`), the loser is deleted, and the log keeps enough
to put it all back. `firm_merge` and `contact_merge` add what partners need: aliases united and
the loser's name kept as an alias, so the gazetteer still finds a statement that uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lib.merging import links_count, links_move, links_restore, row_from_snapshot, row_snapshot

from .merge_log import MergeLog
from .models import Contact, Firm
from .names import words

# The fields staff may take from the loser; the others stay the survivor's.
FIRM_FIELDS = ("name", "country", "kind", "website", "external_id")
CONTACT_FIELDS = ("name", "role", "firm", "country", "email", "phone")

Hook = Callable[[models.Model, models.Model], None]


def aliases_united(name: str, *lists: Iterable[str]) -> list[str]:
    """Every alias once (case, accents and punctuation aside), in order, without `name`."""
    seen = {" ".join(words(name))}
    united = []
    for alias in (alias for aliases in lists for alias in aliases):
        key = " ".join(words(alias)) if isinstance(alias, str) else ""
        if key and key not in seen:
            seen.add(key)
            united.append(alias.strip())
    return united


def _locked(survivor: models.Model, loser: models.Model) -> tuple[models.Model, models.Model]:
    model = type(survivor)
    if type(loser) is not model:
        raise ValidationError("Only two records of the same kind can be merged.")
    if survivor.pk == loser.pk:
        raise ValidationError("Choose two different records to merge.")
    rows = model._base_manager.select_for_update().in_bulk([survivor.pk, loser.pk])
    if len(rows) != 2:
        raise ValidationError("One of the two records no longer exists.")
    return rows[survivor.pk], rows[loser.pk]


def records_merge(
    *,
    survivor: models.Model,
    loser: models.Model,
    by,
    take: Iterable[str] = (),
    choosable: Iterable[str],
    before_save: Hook | None = None,
) -> MergeLog:
    """Merge `loser` into `survivor`: `take` names the fields whose value comes from the loser
    (each one of `choosable`); `before_save(survivor, loser)` adds a model's own rules once
    the links have moved. Returns the log entry."""
    take = list(dict.fromkeys(take))
    unknown = sorted(set(take) - set(choosable))
    if unknown:
        raise ValidationError(f"These fields cannot be taken from the merged record: {unknown}.")
    with transaction.atomic():
        survivor, loser = _locked(survivor, loser)
        survivor_before, loser_before = row_snapshot(survivor), row_snapshot(loser)
        log = MergeLog(
            model=survivor._meta.label_lower,
            survivor_id=survivor.pk,
            loser_id=loser.pk,
            survivor_label=str(survivor)[:250],
            loser_label=str(loser)[:250],
            fields_taken=take,
            merged_by=by,
            merged_at=timezone.now(),
        )
        links = links_move(source=loser, target=survivor)
        for name in take:
            field = survivor._meta.get_field(name)
            setattr(survivor, field.attname, getattr(loser, field.attname))
        if before_save is not None:
            before_save(survivor, loser)
        loser.delete()  # before the survivor is saved, which may now carry its unique values
        survivor.full_clean()
        survivor.save()
        log.links_moved = links_count(links)
        log.record = {"survivor": survivor_before, "loser": loser_before, "links": links}
        log.save()
    return log


def merge_undo(*, log: MergeLog, by, changed: Iterable[str] = (), after: Hook | None = None):
    """Put back what `log` merged: the survivor's fields as they were (`changed` names any
    the model's own hook changed besides the ones taken), the loser as it was, every link moved
    back and every dropped one recreated. Returns the restored loser."""
    with transaction.atomic():
        log = MergeLog.objects.select_for_update().get(pk=log.pk)
        if log.is_undone:
            raise ValidationError("This merge has already been undone.")
        model = row_from_snapshot(log.record["survivor"])._meta.model
        survivor = model._base_manager.select_for_update().filter(pk=log.survivor_id).first()
        if survivor is None:
            raise ValidationError("The surviving record has been deleted since; cannot undo.")
        before = row_from_snapshot(log.record["survivor"])
        for name in {*log.fields_taken, *changed}:
            field = model._meta.get_field(name)
            setattr(survivor, field.attname, getattr(before, field.attname))
        try:
            with transaction.atomic():
                survivor.save()
                loser = row_from_snapshot(log.record["loser"])
                # Raw, so its timestamps are the stored ones; then saved again for its history.
                loser.save_base(raw=True, force_insert=True)
                links_restore(log.record["links"], source_pk=loser.pk)
                loser.save()
        except IntegrityError as error:
            raise ValidationError(
                f"Cannot undo: a record made since clashes with the one restored ({error})."
            ) from error
        if after is not None:
            after(survivor, loser)
        log.undone_by, log.undone_at = by, timezone.now()
        log.save(update_fields=["undone_by", "undone_at"])
    return loser


def _keep_names(survivor: Firm | Contact, loser: Firm | Contact) -> None:
    """The loser's name and aliases, and the survivor's old name if it took the loser's, become
    aliases of the survivor: a statement naming either is still matched to it."""
    old_name = type(survivor)._base_manager.values_list("name", flat=True).get(pk=survivor.pk)
    survivor.aliases = aliases_united(
        survivor.name, survivor.aliases, [old_name, loser.name], loser.aliases
    )


def firm_merge(*, survivor: Firm, loser: Firm, by, take: Iterable[str] = ()) -> MergeLog:
    """Merge two firms: their aliases, areas, contacts, statements, mentions, name candidates,
    opportunities and suggestions all end on the survivor."""
    return records_merge(
        survivor=survivor,
        loser=loser,
        by=by,
        take=take,
        choosable=FIRM_FIELDS,
        before_save=_keep_names,
    )


def contact_merge(*, survivor: Contact, loser: Contact, by, take: Iterable[str] = ()) -> MergeLog:
    """Merge two contacts: aliases, statements, mentions and name candidates move."""
    return records_merge(
        survivor=survivor,
        loser=loser,
        by=by,
        take=take,
        choosable=CONTACT_FIELDS,
        before_save=_keep_names,
    )


def partner_merge_undo(*, log: MergeLog, by) -> Firm | Contact:
    """Undo a firm or contact merge; its aliases go back to what they were."""
    if log.model not in ("partners.firm", "partners.contact"):
        raise ValidationError("Only firm and contact merges are undone here.")
    return merge_undo(log=log, by=by, changed=["aliases"])
