"""Form widgets shared by every app.

``FastSelect`` renders a ``<select>`` in Python. Django's ``Select`` renders one template per
option, which for the province's 180 regions cost several milliseconds on every form a
member opens (the hotline's question form and the job search are on the load test's hottest
pages, docs/benchmarks.md). The markup is the same as Django's: the ``name``, ``id``,
``required`` and ``aria-*`` attributes the bound field passes, option groups, the selected
option(s), everything escaped.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict[str, Any]) -> SafeString:
    # In the given order, as Django's attrs.html writes them (flatatt would sort them).
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", key))
        elif value is not False and value is not None:
            parts.append(format_html(' {}="{}"', key, value))
    return mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html


class FastSelect(forms.Select):
    def _options(self, choices: Any, selected: set[str], state: dict[str, bool]) -> SafeString:
        parts: list[str] = []
        for option_value, option_label in choices:
            if isinstance(option_label, list | tuple):
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>',
                        option_value,
                        self._options(option_label, selected, state),
                    )
                )
                continue
            text = "" if option_value is None else str(option_value)
            # Like Django: a single select marks only the first matching option.
            is_selected = text in selected and (self.allow_multiple_selected or not state["done"])
            if is_selected:
                state["done"] = True
            parts.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    text,
                    mark_safe(" selected") if is_selected else "",
                    option_label,
                )
            )
        return mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = {str(v) for v in self.format_value(value)}
        options = self._options(self.choices, selected, {"done": False})
        return format_html("<select{}>{}</select>", _attributes(final_attrs), options)


__all__ = ["FastSelect"]
