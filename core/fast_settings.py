"""``settings.NAME`` read as a plain attribute, as Django meant it to be (issue 19).

``LazySettings`` keeps every setting it has read in its own ``__dict__`` so that the next
read is a plain attribute look-up (Django ticket #27625). Since Django 4.1 every
``LazyObject`` has a Python ``__getattribute__`` (ticket #28358), for the sake of the
``_mask_wrapped`` proxy methods of ``SimpleLazyObject``: each read of a setting now runs
that Python function, which asks the value for ``_mask_wrapped`` and so builds and throws
away an ``AttributeError`` with its message formatted ("'str' object has no attribute
…"). A request here reads settings about 20 times (8 of them in Django's own handler and
middleware): measured with callgrind on ``/bench/ceiling``, about 54,000 of the 646,000
instructions of a request, 0.46 µs a read against 0.03 µs.

``LazySettings`` proxies no method that needs the mask: the names read from it are
settings, which its ``__getattr__`` fetches and keeps, and its own ``configure``,
``configured`` and ``_setup``. So ``apply()`` gives ``LazySettings`` (only it: every other
lazy object keeps Django's behaviour) the C attribute look-up of ``object``. A cached
setting is then read from ``__dict__``; a setting not read yet, or dropped by
``override_settings`` (``LazySettings.__setattr__`` empties the dict), falls to
``LazySettings.__getattr__`` as before.

``apply()`` runs from ``CoreConfig.ready`` and refuses to patch a Django whose
``LazySettings`` or ``LazyObject.__getattribute__`` is not what it was written against
(Django 5.2), so an upgrade is looked at again (``tests/core/test_fast_settings.py``).
"""

from __future__ import annotations

from django.conf import LazySettings
from django.utils.functional import LazyObject

# the digest core.csrf_tokens guards its own replacement with
from core.csrf_tokens import source_digest

#: sha256 of the source of what ``apply()`` relies on, as written against (Django 5.2).
EXPECTED = {
    "LazySettings": "118fc900a79c57b80d9fcac749a098ba",
    "LazyObject.__getattribute__": "598a9e559fcc32304cac4ba7962123f8",
}


def _written_against() -> dict[str, str]:
    return {
        "LazySettings": source_digest(LazySettings),
        "LazyObject.__getattribute__": source_digest(LazyObject.__getattribute__),
    }


def apply() -> None:
    """Make ``LazySettings`` attribute reads C look-ups. Idempotent.

    Raises ``RuntimeError`` when Django's ``LazySettings`` or ``LazyObject.__getattribute__``
    changed since this was written: then nothing is patched."""
    if LazySettings.__dict__.get("__getattribute__") is object.__getattribute__:
        return
    changed = [name for name, digest in _written_against().items() if EXPECTED[name] != digest]
    if changed:
        raise RuntimeError(
            f"{', '.join(changed)} changed in this Django: check that core.fast_settings "
            "still holds (no method proxied through the mask), then update EXPECTED"
        )
    LazySettings.__getattribute__ = object.__getattribute__
