"""QuickSelect writes the markup Django's Select templates write, escaped the same way."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.select import QuickModelChoiceField, QuickSelect
from opportunities.models import Team

CHOICES = [("", "All <&>"), ("a", 'A & "quoted"'), ("Group <g>", [("b", "B"), ("c", "<script>")])]


class Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, sorted(attrs, key=lambda a: a[0])))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


def parsed(html: str) -> list[tuple]:
    parser = Parsed()
    parser.feed(html)
    return parser.items


def rendered(widget: type[forms.Select], data: dict) -> str:
    class Form(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, required=False, widget=widget)

    form = Form(data)
    form.is_valid()
    return str(form["pick"])


def test_same_elements_attributes_and_text_as_django():
    for data in ({}, {"pick": "c"}, {"pick": "nope"}):
        assert parsed(rendered(QuickSelect, data)) == parsed(rendered(forms.Select, data))


def test_labels_are_escaped():
    html = rendered(QuickSelect, {"pick": "a"})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert re.search(r'<option value="a" selected>A &amp; &quot;quoted&quot;</option>', html)


@pytest.mark.django_db
def test_model_choices_in_one_plain_query_and_still_validated():
    first, second = Team.objects.create(name="Alpha <a>"), Team.objects.create(name="Beta")

    class Form(forms.Form):
        team = QuickModelChoiceField(
            queryset=Team.objects.order_by("name"), required=False, empty_label="All"
        )

    form = Form({"team": str(second.pk)})
    assert form.is_valid() and form.cleaned_data["team"] == second
    with CaptureQueriesContext(connection) as queries:
        html = str(form["team"])
    assert len(queries) == 1 and "DECLARE" not in queries[0]["sql"]
    assert parsed(html) == [
        ("start", "select", [("id", "id_team"), ("name", "team")]),
        ("start", "option", [("value", "")]),
        ("text", "All"),
        ("end", "option"),
        ("start", "option", [("value", str(first.pk))]),
        ("text", "Alpha <a>"),
        ("end", "option"),
        ("start", "option", [("selected", None), ("value", str(second.pk))]),
        ("text", "Beta"),
        ("end", "option"),
        ("end", "select"),
    ]
    assert "Alpha &lt;a&gt;" in html
    assert not Form({"team": "999999"}).is_valid()
