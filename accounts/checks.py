"""axes' check of its middleware, for ``accounts.middleware.AxesLockoutMiddleware``.

axes warns (axes.W002) unless ``axes.middleware.AxesMiddleware`` is in ``MIDDLEWARE`` by that
name. The portal installs its subclass instead, so W002 is silenced in the settings and
answered here: a warning when neither is installed, or when the one installed is not last
(axes must see the response every other layer made, to replace it with the lockout).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCKOUT_MIDDLEWARE = ("accounts.middleware.AxesLockoutMiddleware", "axes.middleware.AxesMiddleware")


@register(Tags.security, Tags.compatibility)
def check_lockout_middleware(app_configs: Any = None, **kwargs: Any) -> list:
    middleware = list(settings.MIDDLEWARE)
    installed = [name for name in middleware if name in LOCKOUT_MIDDLEWARE]
    if not installed:
        return [
            Warning(
                "Neither accounts.middleware.AxesLockoutMiddleware nor axes' AxesMiddleware is "
                "in MIDDLEWARE: a locked-out sign-in gets no lockout page.",
                id="accounts.W001",
            )
        ]
    if middleware[-1] not in LOCKOUT_MIDDLEWARE:
        return [
            Warning(
                f"{installed[0]} is not last in MIDDLEWARE: a layer after it can answer a "
                "locked-out sign-in with something other than the lockout page.",
                id="accounts.W002",
            )
        ]
    return []
