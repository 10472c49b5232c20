"""Two measured fixes to django-unfold's change lists, until a release carries them upstream.

unfold 0.91.0's ``items_for_result`` rebuilds every column header for every row it renders
(``headers = list(result_headers(cl))`` inside the row loop): label lookups, sort state and
three ``cl.get_query_string`` calls per sortable column, 50 times on a 50-row page. On the
hotline list that was most of the page's server time (docs/benchmarks.md, "Province scale").
Upstream reported it in unfoldadmin/django-unfold#2171 / #2172.

The row checkbox (``unfold.admin.checkbox``) is rendered through the form-widget templates
for every row, the same markup each time but for the row's primary key; it is rendered once
per language and field name, and the escaped key put in its place.

The headers depend only on the change list (its request, ordering and columns), never on the
row, so they are computed once per ``ChangeList`` and kept on it. ``apply()`` runs from
``CoreConfig.ready``; it refuses to patch anything but the function it was written against,
so an unfold upgrade that changes it is noticed by ``tests/core/test_unfold_patches.py``
instead of silently serving stale headers.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

#: Where the headers of one change list are kept once built.
_CACHE_ATTR = "_portal_result_headers"


def _memoised(original: Any) -> Any:
    def result_headers(cl: Any) -> list[dict[str, Any]]:
        headers = getattr(cl, _CACHE_ATTR, None)
        if headers is None:
            headers = list(original(cl))
            setattr(cl, _CACHE_ATTR, headers)
        return headers

    result_headers.__wrapped__ = original  # type: ignore[attr-defined]
    result_headers.portal_memoised = True  # type: ignore[attr-defined]
    return result_headers


#: Stands for the value while the checkbox is rendered once; no primary key looks like it.
_SLOT = "\x00portal-value\x00"


class PrerenderedCheckbox:
    """Renders like ``widget`` (whose checked state must not depend on the value, as for
    unfold's row checkbox: ``lambda value: False``), from a copy rendered once."""

    portal_prerendered = True

    def __init__(self, widget: Any) -> None:
        self.widget = widget
        self._parts: dict[tuple[str, str | None], tuple[str, str] | None] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.widget, name)

    def _prerender(self, name: str, value: Any) -> tuple[str, str] | None:
        check_test = getattr(self.widget, "check_test", None)
        if check_test is not None and len({bool(check_test(v)) for v in ("1", "", None)}) > 1:
            return None  # checked or not depends on the value
        html = str(self.widget.render(name, _SLOT))
        if html.count(_SLOT) != 1:
            return None
        before, after = html.split(_SLOT)
        if before + str(conditional_escape(value)) + after != str(self.widget.render(name, value)):
            return None
        return before, after

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        if attrs or renderer:
            return self.widget.render(name, value, attrs, renderer)
        key = (name, get_language())
        if key not in self._parts:
            self._parts[key] = self._prerender(name, value)
        parts = self._parts[key]
        if parts is None:  # the widget does something with the value: render it each time
            return self.widget.render(name, value)
        # The parts are the widget's own rendered (safe) HTML; only the value is new: escaped.
        return mark_safe(parts[0] + str(conditional_escape(value)) + parts[1])  # noqa: S308


def apply() -> bool:
    """Patch unfold's ``result_headers`` and row checkbox; True if both are patched now.

    Idempotent. Does nothing when unfold is not installed.
    """
    try:
        from unfold import admin as unfold_admin
        from unfold.templatetags import unfold_list
    except ImportError:  # pragma: no cover - unfold is in requirements
        return False
    current = unfold_list.result_headers
    if not getattr(current, "portal_memoised", False):
        unfold_list.result_headers = _memoised(current)
    if not getattr(unfold_admin.checkbox, "portal_prerendered", False):
        unfold_admin.checkbox = PrerenderedCheckbox(unfold_admin.checkbox)
    return True
