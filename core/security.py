"""Security habits in one place: the Content-Security-Policy, rate limits, masking personal
numbers in logs, and the sign-in audit.

- ``PortalCSPMiddleware``: django-csp with the site's strict policy (no inline scripts) and a
  looser one only where third-party pages need it: the admin (unfold's Alpine.js evaluates
  its ``x-data`` expressions, and its templates carry ``style`` attributes) and the API docs
  (Swagger UI's inline ``<style>``). No page is ever allowed inline ``<script>``.
- ``rate_limited`` / ``rate_limit_hit``: cache-based fixed-window counters per user (or per
  address for anonymous callers) with a Chinese 429 answer. A cache outage lets requests
  through: a rate limit must never take the site down with Redis.
- ``PiiMaskingFilter`` / ``mask_pii``: 18-digit resident ID numbers and 11-digit mobile numbers
  are masked in every record that reaches the configured handlers (message, arguments, extra
  fields of the JSON request log, and tracebacks).
- ``record_sign_in``: every successful sign-in (password, SMS code, admin, OIDC) lands in the
  audit log; connected in ``CoreConfig.ready``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import ResponseHeaders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# --- Response headers checked once ---------------------------------------------------------

#: A header as ``HttpResponse.headers`` keeps it: lower-cased name → (name, value).
HeaderPair = tuple[str, tuple[str, str]]


def checked_headers(headers: dict[str, str]) -> tuple[HeaderPair, ...]:
    """``headers`` as a response keeps them, checked and encoded once by Django's own
    ``ResponseHeaders`` (a bad value fails here, not on a request), for code that writes the
    same constant headers on every response (issue 19)."""
    return tuple(ResponseHeaders(headers)._store.items())


# --- Content-Security-Policy ---------------------------------------------------------------


class PortalCSPMiddleware(CSPMiddleware):
    """The strict policy everywhere; ``PORTAL_CSP_RELAXED`` (path prefix → directives) replaces
    single directives for the admin and the API docs.

    The header of a response without per-view changes (no ``@csp_update``, no nonce used) is
    built once per path prefix and kept (``csp_plain_header``): django-csp would rebuild it
    from the settings on every response. ``core.headers`` serves it with the other security
    headers; this class stays django-csp's for everything else.
    """

    def _relaxed_prefix(self, request) -> str:
        for prefix in getattr(settings, "PORTAL_CSP_RELAXED", {}):
            if request.path_info.startswith(prefix):
                return prefix
        return ""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        prefix = self._relaxed_prefix(request)
        if prefix and not report_only:
            directives = settings.PORTAL_CSP_RELAXED[prefix]
            parts.replace = {**directives, **(parts.replace or {})}
        return parts

    def process_response(self, request, response):
        policy = csp_plain_header(self, request, response)
        if policy is None:
            return super().process_response(request, response)
        if policy:
            response.headers._store[policy[0]] = policy[1]
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


#: What the plain responses of a path prefix get: the header as a response keeps it, or ().
_PLAIN: dict[str, tuple] = {}
#: Read from the settings once (a missing setting is an exception on every read).
_SETTINGS: dict[str, Any] = {}


def _csp_settings() -> dict[str, Any]:
    known = _SETTINGS.get("csp")
    if known is None:
        # Built whole, then published: a thread never sees it half-filled.
        known = {
            "report_only": bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
            "excluded": tuple(settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES") or ()),
            "relaxed": tuple(getattr(settings, "PORTAL_CSP_RELAXED", {})),
        }
        _SETTINGS["csp"] = known
    return known


_CHANGED_BY_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


def csp_plain_header(
    middleware: PortalCSPMiddleware, request: HttpRequest, response: HttpResponse
) -> tuple | None:
    """The Content-Security-Policy of a response no view changed (no header of its own, no
    ``@csp_update`` and friends, no nonce used, no report-only policy): ``(lower-cased name,
    (name, value))`` as the response's headers keep it, or ``()`` for none (an excluded
    prefix). None for any other response: django-csp's own ``process_response`` answers it.
    Built once per path prefix from django-csp's policy parts, so it is what django-csp
    would write."""
    known = _csp_settings()
    if (
        known["report_only"]
        or getattr(request, "_csp_nonce", None) is not None
        or HEADER in response
    ):
        return None
    for attr in _CHANGED_BY_VIEW:
        if getattr(response, attr, None):
            return None
    path = request.path_info
    if path.startswith(known["excluded"]):
        return ()
    prefix = next((p for p in known["relaxed"] if path.startswith(p)), "")
    header = _PLAIN.get(prefix)
    if header is None:
        policy = build_policy(**asdict(middleware.get_policy_parts(request, response)))
        header = checked_headers({HEADER: policy})[0] if policy else ()
        _PLAIN[prefix] = header
    return header


@receiver(setting_changed)
def _forget_built_policies(*, setting: str, **kwargs: Any) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY") or (
        setting == "PORTAL_CSP_RELAXED"
    ):
        _PLAIN.clear()
        _SETTINGS.clear()


# --- Rate limits ---------------------------------------------------------------------------


def _client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    # Imported here: logging's configuration imports this module before the apps are ready.
    from core.audit import client_ip

    return f"ip{client_ip(request) or ''}"


def rate_limit_hit(*, request: HttpRequest, scope: str) -> int | None:
    """Count one attempt of ``scope`` for this caller. Returns the seconds to wait when the
    caller is over ``settings.PORTAL_RATE_LIMITS[scope]`` (``(count, seconds)``), else None."""
    limit, window = settings.PORTAL_RATE_LIMITS[scope]
    key = f"ratelimit:{scope}:{_client_key(request)}"
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - a cache outage must not block members
        logger.warning("rate limit cache unavailable", extra={"scope": scope})
        return None
    return window if count > limit else None


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    message = _("操作太频繁，请 %(minutes)s 分钟后再试。") % {
        "minutes": max(1, (retry_after + 59) // 60)
    }
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        html = render_to_string("429.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str, *, when: Callable[[HttpRequest], bool] | None = None
) -> Callable[[Callable], Callable]:
    """Limit POSTs to a view (a function or an APIView method) to the scope's rate.

    ``when(request)`` decides whether a POST counts (a preview does not submit anything).
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = args[0] if isinstance(args[0], HttpRequest) else args[1]
            if request.method == "POST" and (when is None or when(request)):
                retry_after = rate_limit_hit(request=request, scope=scope)
                if retry_after is not None:
                    return too_many_requests(request, retry_after=retry_after)
            return view(*args, **kwargs)

        return wrapper

    return decorator


# --- Personal numbers in logs --------------------------------------------------------------

# A resident ID: 6-digit region, birth date (18xx-20xx), 3-digit sequence, check character.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?!\d)")
# Both need a run of at least 11 digits: one quick search spares most strings the rest.
_LONG_DIGITS = re.compile(r"\d{11}")
# A mainland mobile number, alone or after +86 / 86.
_MOBILE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_pii(text: str) -> str:
    """``130102198603143710`` → ``1301**************`` ; ``13800000001`` → ``138****0001``."""
    if not text or _LONG_DIGITS.search(text) is None:
        return text
    text = _ID_NUMBER.sub(lambda m: m.group(1)[:4] + "*" * 14, text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 10**9:
        masked = mask_pii(str(value))
        return masked if masked != str(value) else value
    if isinstance(value, dict):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask_value(item) for item in value)
    return value


class PiiMaskingFilter(logging.Filter):
    """Masks ID and mobile numbers in the record before any formatter sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string still gets logged, masked
            message = str(record.msg)
        record.msg = mask_pii(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
            # Formatters re-render exc_info if present; keep only the masked text.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        fields = record.__dict__
        for key in [key for key in fields if key not in _STANDARD_ATTRS]:  # the extra fields
            value = fields[key]
            kind = type(value)
            if kind is str:
                fields[key] = mask_pii(value)
            elif kind is int:
                if value > 10**9:  # fewer digits are no ID or mobile number
                    fields[key] = _mask_value(value)
            elif kind not in _UNMASKED:
                fields[key] = _mask_value(value)
        return True


#: Values that hold no digits to mask: what ``_mask_value`` gives back as it is.
_UNMASKED = frozenset({float, bool, type(None)})


# --- Sign-in audit -------------------------------------------------------------------------


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: one audit entry per sign-in (who, from where)."""
    from core.audit import audit_record

    if user is None or user.pk is None:
        return
    path = request.path if request is not None else ""
    audit_record(
        actor=user, action="auth.sign_in", target=user, request=request, details={"path": path}
    )
