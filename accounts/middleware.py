"""Who is signed in (resolved once per request), session lifetime, the staff two-factor gate
of the admin, the members' consent gate (PIPL), and allauth's rate limits answered in Chinese.

axes' lockout response last of all. All but the first sit after AuthenticationMiddleware and
MessageMiddleware (see MIDDLEWARE).
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode

from allauth.account import app_settings as allauth_account_settings
from allauth.core.exceptions import RateLimited
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from asgiref.sync import iscoroutinefunction
from axes.helpers import get_lockout_response
from axes.middleware import AxesMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.middleware import auser, get_user
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.backends import auth_user_cache_key, auth_user_given, auth_user_read_with
from accounts.models import User
from accounts.views.auth import sign_in_throttled
from core.memberpage import member_page_prefetch_keys, member_page_prefetched

logger = logging.getLogger(__name__)

#: Unix times of the sign-in and of the last request, kept in the session.
SESSION_STARTED = "accounts_session_started"
SESSION_SEEN = "accounts_session_seen"
#: The last-seen stamp is rewritten at most this often, so not every request saves the session.
SEEN_GRANULARITY = 30


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with ``request.user`` the user itself rather than a lazy proxy of it.

    Every request here reads the user anyway (the daily-active note, the session timeout,
    the staff and consent gates, the request log, the templates), and each attribute read
    through Django's ``SimpleLazyObject`` is a failed look-up followed by a second one
    (issue 19). Resolving it up front costs what the first read cost before, done the same
    way (``request._cached_user``; the session is marked accessed, so ``Vary: Cookie`` is
    unchanged); ``request.auser`` and ``login``/``logout`` replacing ``request.user`` work
    as in Django.

    Also for a page kept by ``core.memberpage``: the member's user row and the kept page
    come in one cache round trip, not two.
    """

    def process_request(self, request: HttpRequest) -> None:
        if hasattr(request, "session") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session cookie: nobody can be signed in, which is what get_user() would find
            # after looking the user's id up in the (empty) session. The session is marked
            # read as that look-up marks it, so the response still varies on Cookie.
            request.session.get(SESSION_KEY)
            request.user = request._cached_user = AnonymousUser()
            request.auser = partial(auser, request)
            return
        super().process_request(request)
        session_key = (
            request.session.session_key if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        )
        if session_key is not None and self._one_round_trip(request, session_key):
            return
        user_id = _session_user_id(request)
        if user_id is None:
            request.user = get_user(request)
            return
        keys = member_page_prefetch_keys(request, user_id=user_id)
        with auth_user_read_with(user_id=user_id, keys=keys) as found:
            request.user = get_user(request)
        if session_key is not None:
            _remember(_SESSION_USERS, session_key, user_id)
            if keys:
                _remember(_PAGE_KEYS, (session_key, request.get_full_path()), keys)
        if keys:
            member_page_prefetched(request, found=found)

    def _one_round_trip(self, request: HttpRequest, session_key: str) -> bool:
        """For a session this process has served before: the session, its user's row and
        the kept page read together, then checked. What is read besides the session is a
        guess from that earlier request: the user id (a session key never changes hands:
        signing in and out give new keys) counts only if the session read now names the
        same user, and the page's keys only if they are what this request works out from
        the session just read (its region, the language, the public pages' version)."""
        guess = _SESSION_USERS.get(session_key)
        # core.sessions reads other keys with the session, from the cache the user rows
        # and kept pages live in.
        if (
            guess is None
            or not hasattr(request.session, "load_with")
            or settings.SESSION_CACHE_ALIAS != "default"
        ):
            return False
        row_key = auth_user_cache_key(guess)
        page_slot = (session_key, request.get_full_path())
        guessed = _PAGE_KEYS.get(page_slot, [])
        found = request.session.load_with([row_key, *guessed])
        if _session_user_id(request) != guess:
            return False  # the session is read now; the usual path goes on from there
        with auth_user_given(user_id=guess, row=found.get(row_key)):
            request.user = get_user(request)
        keys = member_page_prefetch_keys(request, user_id=guess)  # the session is read
        if keys:
            if keys != guessed:
                found = cache.get_many(keys)
                _remember(_PAGE_KEYS, page_slot, keys)
            member_page_prefetched(request, found=found)
        return True


#: What this process last read for a session (its user id) and for a session's page (the
#: kept page's keys): the guesses that let the session's next request read everything in
#: one round trip. Bounded (emptied when full); a stale guess only costs a round trip.
_SESSION_USERS: dict[str, int] = {}
_PAGE_KEYS: dict[tuple[str, str], list[str]] = {}
_GUESSES_MAX = 20_000


#: Longer paths (a made-up query string) are not remembered: at most 20,000 short entries.
_GUESS_PATH_LENGTH = 256


def _remember(guesses: dict, key: object, value: object) -> None:
    if isinstance(key, tuple) and len(key[1]) > _GUESS_PATH_LENGTH:
        return
    if len(guesses) >= _GUESSES_MAX:
        guesses.clear()
    guesses[key] = value


def _session_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id as the session holds it (unverified: ``get_user`` checks)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    try:
        return User._meta.pk.to_python(request.session[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def _login_url(next_path: str | None = None) -> str:
    url = reverse(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


class SessionTimeoutMiddleware:
    """Ends a signed-in session after ``SESSION_IDLE_TIMEOUT`` seconds without a request
    and ``SESSION_COOKIE_AGE`` seconds after sign-in, whatever the activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        response = self.get_response(request)
        # A sign-in during this request starts the clock.
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and SESSION_STARTED not in request.session
        ):
            now = int(time.time())
            request.session[SESSION_STARTED] = now
            request.session[SESSION_SEEN] = now
        return response

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = int(time.time())
        started = session.get(SESSION_STARTED)
        seen = session.get(SESSION_SEEN)
        if started is None or seen is None:
            session[SESSION_STARTED] = started or now
            session[SESSION_SEEN] = now
            return None
        if now - seen > settings.SESSION_IDLE_TIMEOUT:
            text = _("您已超过30分钟未操作，为保护账号安全已自动退出，请重新登录。")
        elif now - started > settings.SESSION_COOKIE_AGE:
            text = _("本次登录已超过12小时，为保护账号安全已自动退出，请重新登录。")
        else:
            if now - seen >= SEEN_GRANULARITY and _first_to_refresh(session):
                session[SESSION_SEEN] = now
            return None
        logout(request)
        if request.path.startswith("/api/"):
            # The API answers as for anyone signed out; a redirect would confuse clients.
            return None
        messages.warning(request, text)
        safe_next = request.get_full_path() if request.method in ("GET", "HEAD") else None
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(_login_url(safe_next))
        return redirect(_login_url(safe_next))


def _first_to_refresh(session) -> bool:
    """Whether this request is the one to rewrite the session's last-seen stamp: requests of
    one session that arrive together (a page and its htmx parts, an app's parallel calls)
    all see the old stamp, and each would save the whole session to PostgreSQL. One cache
    ``add`` per granularity lets the first through. A cache that is down answers ``add``
    False and ``get`` None: then every request saves, as before, and nobody is signed out
    for an idleness that was not."""
    key = f"accounts:seen:{session.session_key}"
    return bool(cache.add(key, 1, SEEN_GRANULARITY)) or cache.get(key) is None


def _has_mfa_in_session(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


#: urlconf → the admin's root and login paths within the site (``path_info``, without the
#: script prefix): two ``reverse`` calls were a tenth of the full-middleware ceiling's time
#: (issue 19), and the script prefix a thread-local read, for paths that never change.
_ADMIN_PATHS: dict[str, tuple[str, str]] = {}


def _admin_paths(request: HttpRequest) -> tuple[str, str]:
    key = str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    paths = _ADMIN_PATHS.get(key)
    if paths is None:
        cut = len(get_script_prefix()) - 1
        paths = (reverse("admin:index")[cut:], reverse("admin:login")[cut:])
        _ADMIN_PATHS[key] = paths
    return paths


class StaffMfaMiddleware:
    """The admin only lets in staff who passed TOTP in this session, when
    ``PORTAL_STAFF_MFA_REQUIRED`` is on. Staff without TOTP are sent to set it up, staff
    with TOTP to confirm a code. The admin's own login page hands over to the site's
    login (allauth), so axes lockout and MFA stages apply there too. Signed-in non-staff
    get a 404 for the admin: it does not exist for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._gate(request)
        if response is not None:
            return response
        return self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        admin_root, admin_login = _admin_paths(request)
        if not request.path_info.startswith(admin_root):
            return None
        user = request.user
        if request.path_info == admin_login:
            if user.is_authenticated and not user.is_staff:
                raise Http404
            if not user.is_authenticated:
                return redirect(_login_url(request.GET.get("next") or reverse("admin:index")))
            # Signed-in staff fall through to the gate below, then the admin sends them on.
        if not user.is_authenticated:
            return None  # the admin itself redirects to its login, handed over above
        if not user.is_staff:
            raise Http404
        if not settings.PORTAL_STAFF_MFA_REQUIRED:
            return None
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import is_mfa_enabled

        next_query = urlencode({"next": request.get_full_path()})
        if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            messages.warning(
                request, _("工作人员进入管理后台前须开启两步验证：请用身份验证器应用扫码绑定。")
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{next_query}")
        if not _has_mfa_in_session(request):
            messages.info(request, _("请输入身份验证器中的6位动态码，完成两步验证后进入管理后台。"))
            return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return None


#: Pages a member who has not agreed to the current privacy policy may still open: the gate's
#: own page and the policy, signing out, and the PIPL rights (see, download and delete one's
#: data, close the account), which must never depend on agreeing.
CONSENT_EXEMPT_URLS = (
    "accounts:consent",
    "accounts:privacy_policy",
    "accounts:me_privacy",
    "accounts:me_data_export",
    "me-export",
    "account_logout",
    "healthz",
    "large_text_toggle",
    # the installable app's files, and turning push off (never behind a consent)
    "pwa_manifest",
    "pwa_service_worker",
    "pwa_offline",
    "accounts:push_unsubscribe",
)
#: Path prefixes outside the gate: files, and Django's language switch should it be added.
CONSENT_EXEMPT_PREFIXES = ("/i18n/",)


def _consent_exempt(request: HttpRequest) -> bool:
    path = request.path
    prefixes = [*CONSENT_EXEMPT_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL]
    if any(prefix and path.startswith(prefix) for prefix in prefixes):
        return True
    for name in CONSENT_EXEMPT_URLS:
        try:
            if path == reverse(name):
                return True
        except NoReverseMatch:
            continue
    return False


class ConsentGateMiddleware:
    """Signed-in members (not staff) who have not agreed to the current privacy policy —
    imported from a union roster, or agreed to an older version, or withdrew — are sent to
    ``accounts:consent`` (with the page they asked for as ``next``); the API answers 403 with
    a Chinese ``detail``. The check reads ``User.privacy_consent_version`` from the user the
    session already loaded: no query on an ordinary request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_staff
            and user.privacy_consent_version != settings.PORTAL_CONSENT_VERSIONS["privacy_policy"]
            and not _consent_exempt(request)
        ):
            return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        consent_url = reverse("accounts:consent")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _("请先阅读并同意最新版《隐私政策》，再使用本服务。"),
                    "code": "consent_required",
                    "consent_url": consent_url,
                },
                status=403,
            )
        if request.method in ("GET", "HEAD"):
            consent_url = f"{consent_url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(consent_url)
        return redirect(consent_url)


#: allauth views that answer a rate limit with its bare 429 page → the limit (action) they
#: apply, so the wait can be read back from allauth's counters.
_ALLAUTH_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_complete_password_reset": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_change_phone": "change_phone",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
    "account_request_reauthentication_code": "reauthenticate",
    "account_confirm_reauthentication_code": "reauthenticate",
    "mfa_reauthenticate": "reauthenticate",
}
#: Views through which sending a phone verification code can raise ``RateLimited``.
_SENDS_PHONE_CODE = frozenset({"account_login", "account_verify_phone", "account_change_phone"})
_IN_ATOMIC = "_accounts_rate_limit_atomic"
_PHONE_CODE_LIMITED = "_accounts_phone_code_limited"


def allauth_retry_after(request: HttpRequest, *, action: str) -> int:
    """Seconds until allauth's ``action`` limit lets this caller in again.

    Exact for the per-address and per-user counters; a per-key counter (a phone number, a
    code recipient) cannot be told from the request, so its whole window is assumed.
    """
    rates = parse_rates(allauth_account_settings.RATE_LIMITS.get(action))
    now = time.time()
    waits: list[float] = []
    for rate in rates:
        if rate.per == "key" or (rate.per == "user" and not request.user.is_authenticated):
            continue
        try:
            key = get_cache_key(request, app="allauth.account", action=action, rate=rate)
            history = cache.get(key) or []
        except Exception:  # noqa: BLE001 - a guess beats a 500 on the way to a 429
            logger.warning("allauth rate limit unreadable", extra={"action": action})
            continue
        live = [stamp for stamp in history if stamp > now - rate.duration]
        if len(live) >= rate.amount:
            # Newest first: the caller is let in once the amount-th newest attempt expires.
            waits.append(live[rate.amount - 1] + rate.duration - now)
    if not waits:
        waits = [rate.duration for rate in rates if rate.per == "key"] or [
            max((rate.duration for rate in rates), default=60)
        ]
    return max(1, math.ceil(max(waits)))


class SignInRateLimitMiddleware:
    """allauth's rate limits answered like the site's own: a Chinese 429 with the wait in
    minutes and Retry-After (``accounts.views.auth.sign_in_throttled``), never a 500.

    allauth answers a limit in two ways. Most views return its bare 429 page (no wait, no
    header): replaced here. Sending a phone verification code raises ``RateLimited`` instead,
    which allauth does not catch when the code goes out as part of a sign-in (a number not yet
    confirmed: every password sign-in sends one) or of changing the number: turned into the
    429 here, with the request's writes (the changed number) rolled back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in _phone_code_paths():
            with transaction.atomic():
                setattr(request, _IN_ATOMIC, True)
                try:
                    response = self.get_response(request)
                finally:
                    setattr(request, _IN_ATOMIC, False)
                if getattr(request, _PHONE_CODE_LIMITED, False):
                    transaction.set_rollback(True)
            if getattr(request, _PHONE_CODE_LIMITED, False):
                # Rendered after the rollback: the page's own queries need a usable connection.
                retry_after = allauth_retry_after(request, action="verify_phone")
                return sign_in_throttled(request, retry_after=retry_after)
        else:
            response = self.get_response(request)
        if (
            response.status_code == 429
            and not response.has_header("Retry-After")
            and not getattr(request, "axes_locked_out", False)
        ):
            match = getattr(request, "resolver_match", None)
            action = _ALLAUTH_ACTIONS.get(match.url_name) if match else None
            if action:
                retry_after = allauth_retry_after(request, action=action)
                response = sign_in_throttled(request, retry_after=retry_after)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        if getattr(request, _IN_ATOMIC, False):
            # A stand-in until __call__ has rolled the request's writes back.
            setattr(request, _PHONE_CODE_LIMITED, True)
            return HttpResponse(status=429)
        retry_after = allauth_retry_after(request, action="verify_phone")
        return sign_in_throttled(request, retry_after=retry_after)


@functools.cache
def _phone_code_paths() -> frozenset[str]:
    """The paths of ``_SENDS_PHONE_CODE`` (none takes arguments): comparing the path is
    cheaper than resolving every POST a second time before the handler resolves it."""
    return frozenset(reverse(name) for name in _SENDS_PHONE_CODE)


class AxesLockoutMiddleware(AxesMiddleware):
    """axes' own middleware (a sign-in axes locked out becomes its lockout response), with
    whether the chain is async decided once, when it is built, as axes itself marks it: axes
    asks ``iscoroutinefunction(self)`` on every request, seven Python calls (issue 19).
    Last in ``MIDDLEWARE``; axes' check of its middleware's name is answered by
    ``accounts.checks``."""

    def __init__(self, get_response: Callable) -> None:
        super().__init__(get_response)
        self._is_async = iscoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._is_async:
            return self.__acall__(request)
        response = self.get_response(request)
        if getattr(request, "axes_locked_out", None) and settings.AXES_ENABLED:
            credentials = getattr(request, "axes_credentials", None)
            response = get_lockout_response(request, response, credentials)
        return response
