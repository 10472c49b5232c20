"""Signing up and in by SMS code; allauth serves password login, MFA and password pages.

The flow is two pages that work without JavaScript: enter the number (a code is sent), then
enter the code. The number waits in the session between the two, never in a URL.
"""

from __future__ import annotations

import math

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.adapters import to_e164
from accounts.auth_forms import SmsCodeConfirmForm, SmsCodeRequestForm
from accounts.services.auth import sms_code_send, user_sign_in_or_up_by_code
from accounts.validators import mask_mobile
from core.audit import client_ip
from core.security import too_many_requests

SESSION_PHONE = "accounts_code_phone"
SESSION_NEXT = "accounts_code_next"


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 1: the number. A valid POST sends a code and moves on to step 2."""
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if next_url:
        request.session[SESSION_NEXT] = next_url
    if request.method == "POST":
        form = SmsCodeRequestForm(request.POST)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            try:
                sms_code_send(phone=phone, ip_address=client_ip(request))
            except ValidationError as exc:
                form.add_error("phone", exc)
            else:
                request.session[SESSION_PHONE] = phone
                messages.success(
                    request, _("验证码已发送至 %(phone)s。") % {"phone": mask_mobile(phone)}
                )
                return redirect("accounts:login_code_confirm")
    else:
        form = SmsCodeRequestForm(initial={"phone": request.session.get(SESSION_PHONE, "")})
    return render(
        request,
        "accounts/auth_code_request.html",
        {"form": form, "next": request.session.get(SESSION_NEXT, "")},
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def login_code_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the code (and, for a new number, consent). Success signs in through allauth,
    so its stages (TOTP for those who have it) still apply."""
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        messages.info(request, _("请先输入手机号码获取验证码。"))
        return redirect("accounts:login_code")
    if request.method == "POST":
        form = SmsCodeConfirmForm(request.POST)
        if form.is_valid():
            try:
                user, created = user_sign_in_or_up_by_code(
                    phone=phone,
                    code=form.cleaned_data["code"],
                    privacy_consent=form.cleaned_data["privacy_consent"],
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                field = "privacy_consent" if exc.code == "consent_required" else "code"
                form.add_error(field, exc)
            else:
                next_url = _safe_next(request, request.session.pop(SESSION_NEXT, None))
                request.session.pop(SESSION_PHONE, None)
                if created:
                    messages.success(request, _("注册成功，欢迎来到职工之家！"))
                record_authentication(request, user, method="code", phone=to_e164(phone))
                return perform_login(
                    request,
                    user,
                    redirect_url=next_url,
                    signup=created,
                )
    else:
        form = SmsCodeConfirmForm()
    return render(
        request,
        "accounts/auth_code_confirm.html",
        {
            "form": form,
            "masked_phone": mask_mobile(phone),
            "phone": phone,
            "privacy_policy_url": reverse("accounts:privacy_policy"),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or request.headers.get("x-requested-with") == "XMLHttpRequest"
        or (request.accepts("application/json") and not request.accepts("text/html"))
    )


def _refresh_for_htmx(request: HttpRequest, response: HttpResponse, message: str) -> None:
    """htmx swaps no error answer (4xx), so the member would see nothing happen: have it reload
    the page instead (GETs are never limited), which shows the message at its top."""
    if getattr(request, "htmx", False) and not _wants_json(request):
        messages.error(request, message)
        response["HX-Refresh"] = "true"


def sign_in_throttled(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The answer to a sign-in step refused by one of allauth's rate limits: the site's own 429
    (``core.security.too_many_requests``: Chinese page, JSON under /api/, Retry-After)."""
    retry_after = max(1, int(retry_after))
    # The wording of too_many_requests, which answers JSON only under /api/.
    message = _("操作太频繁，请 %(minutes)s 分钟后再试。") % {
        "minutes": max(1, math.ceil(retry_after / 60))
    }
    if _wants_json(request) and not request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    response = too_many_requests(request, retry_after=retry_after)
    _refresh_for_htmx(request, response, message)
    return response


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """axes' answer to a locked-out password sign-in (``AXES_LOCKOUT_CALLABLE``): the Chinese
    lockout page with the real cool-off in minutes, a Chinese ``detail`` for JSON callers
    (axes' own JSON carries none), and Retry-After."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, math.ceil(seconds / 60)) if seconds else None
    if minutes:
        message = _(
            "密码连续输错次数过多，密码登录已锁定%(minutes)s分钟，请稍后再试或改用短信验证码登录。"
        ) % {"minutes": minutes}
    else:
        message = _("密码连续输错次数过多，密码登录已锁定，请改用短信验证码登录或拨打 12351。")
    status = settings.AXES_HTTP_RESPONSE_CODE
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        response = render(
            request, settings.AXES_LOCKOUT_TEMPLATE, {"minutes": minutes}, status=status
        )
        _refresh_for_htmx(request, response, message)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def privacy_policy(request: HttpRequest) -> HttpResponse:
    """The privacy policy members agree to at sign-up, with its current version."""
    return render(
        request,
        "accounts/privacy_policy.html",
        {"version": settings.PORTAL_CONSENT_VERSIONS["privacy_policy"]},
    )
