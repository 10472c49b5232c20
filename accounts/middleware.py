"""Session lifetime and the staff two-factor gate of the admin.

Both sit after AuthenticationMiddleware and MessageMiddleware (see MIDDLEWARE).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

#: Unix times of the sign-in and of the last request, kept in the session.
SESSION_STARTED = "accounts_session_started"
SESSION_SEEN = "accounts_session_seen"
#: The last-seen stamp is rewritten at most this often, so not every request saves the session.
SEEN_GRANULARITY = 30


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
            if now - seen >= SEEN_GRANULARITY:
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


def _has_mfa_in_session(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


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
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return None
        user = request.user
        if request.path == reverse("admin:login"):
            if user.is_authenticated and not user.is_staff:
                raise Http404
            if not user.is_authenticated:
                return redirect(_login_url(request.GET.get("next") or admin_root))
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
