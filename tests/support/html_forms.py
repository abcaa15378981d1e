"""Submit admin forms the way a browser would: read the rendered <form>, change a few fields."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormCollector(HTMLParser):
    """Collect what a browser would submit from one <form>: successful controls only."""

    def __init__(self, wanted: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.in_form = False
        self.found = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_multiple = False
        self._select_chosen: list[str] = []
        self._first_option: str | None = None
        self._in_option = False
        self._option_value: str | None = None
        self._option_text = ""
        self._option_selected = False
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.found:
            if all(attributes.get(key) == value for key, value in self.wanted.items()):
                self.in_form = self.found = True
            return
        if not self.in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.data.append((name, attributes.get("value", "on")))
                return
            self.data.append((name, attributes.get("value", "")))
        elif tag == "select" and name and "disabled" not in attributes:
            self._select = name
            self._select_multiple = "multiple" in attributes
            self._select_chosen = []
            self._first_option = None
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._in_option = True
            self._option_value = attributes.get("value")
            self._option_text = ""
            self._option_selected = "selected" in attributes
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea = name
            self._textarea_text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text += data
        elif self._in_option:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "option" and self._select is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            chosen = self._select_chosen
            if not chosen and not self._select_multiple and self._first_option is not None:
                chosen = [self._first_option]  # a browser submits the first option
            self.data.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            text = self._textarea_text
            self.data.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def _close_option(self) -> None:
        if not self._in_option:
            return
        self._in_option = False
        value = self._option_value if self._option_value is not None else self._option_text.strip()
        if self._first_option is None:
            self._first_option = value
        if self._option_selected:
            self._select_chosen.append(value)
        self._option_value = None
        self._option_text = ""
        self._option_selected = False


def form_data(response, **wanted: str) -> dict[str, str | list[str]]:
    """What submitting a form of `response` unchanged would send, as a dict for Client.post.

    The form is the first whose attributes match `wanted`, e.g. `id="opportunity_form"` or
    `action="/admin/…/export/"`. Inline empty-form templates (`__prefix__`) are left out, as the
    admin's JavaScript does.
    """
    collector = _FormCollector(wanted)
    collector.feed(response.content.decode())
    assert collector.found, f"no <form> with {wanted} in the page"
    data: dict[str, str | list[str]] = {}
    for name, value in collector.data:
        if "__prefix__" in name:
            continue
        if name in data:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    return data
