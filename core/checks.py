"""Django's deploy checks of the security headers, for ``core.headers``.

Django gates its checks of ``SECURE_HSTS_SECONDS``, ``SECURE_SSL_REDIRECT``,
``X_FRAME_OPTIONS`` and the rest on its own middleware being in ``MIDDLEWARE`` (by name), and
warns (security.W001, W002) when it is not. ``core.headers.SecurityHeadersMiddleware`` does
that middleware's work from those settings, so the same checks run here as if it were there;
W001 and W002 are silenced in the settings and answered by ``portal.W001`` instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.checks.security import base as django_security

HEADERS_MIDDLEWARE = "core.headers.SecurityHeadersMiddleware"
_DJANGO_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
#: Django's checks that only run when its middleware is installed.
_GATED = (
    "check_sts",
    "check_sts_include_subdomains",
    "check_sts_preload",
    "check_content_type_nosniff",
    "check_ssl_redirect",
    "check_xframe_deny",
    "check_referrer_policy",
    "check_cross_origin_opener_policy",
)


@register(Tags.security, deploy=True)
def check_security_headers(app_configs: Any = None, **kwargs: Any) -> list:
    middleware = list(settings.MIDDLEWARE)
    if HEADERS_MIDDLEWARE not in middleware:
        if all(name in middleware for name in _DJANGO_MIDDLEWARE):
            return []  # Django's own middleware and checks
        return [
            Warning(
                "Neither core.headers.SecurityHeadersMiddleware nor Django's SecurityMiddleware "
                "and XFrameOptionsMiddleware are in MIDDLEWARE: responses get no HSTS, "
                "X-Frame-Options or Content-Security-Policy.",
                id="portal.W001",
            )
        ]
    saved = django_security._security_middleware, django_security._xframe_middleware
    django_security._security_middleware = django_security._xframe_middleware = lambda: True
    try:
        return [
            message for name in _GATED for message in getattr(django_security, name)(app_configs)
        ]
    finally:
        django_security._security_middleware, django_security._xframe_middleware = saved
