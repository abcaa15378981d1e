"""A <select> written in Python: Django renders each <option> through a template include,
which for the dashboards' team and owner filters (a dozen options each) cost more than
the queries behind the page's figures (bench/README.md, load_bench)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class QuickSelect(forms.Select):
    """`forms.Select` writing the same markup as Django's templates, escaped by format_html."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            inner = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, inner)
                if group_name
                else inner
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            SafeString("".join(groups)),
        )


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read in one plain query: Django's iterator() is a server-side cursor on
    PostgreSQL (DECLARE, FETCH, CLOSE), three round trips for a dozen teams."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class QuickModelChoiceField(forms.ModelChoiceField):
    """A short model choice list (teams, owners): one query, written by QuickSelect."""

    iterator = ListedChoiceIterator
    widget = QuickSelect
