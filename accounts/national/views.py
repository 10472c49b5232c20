"""The national sign-in's pages: start (POST), the IdP's return, the step that asks what
the claims could not prove, and unlinking. Thin: allauth runs the protocol, the adapter
decides, ``services`` write."""

from __future__ import annotations

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.national.adapter import national_link_with_message
from accounts.national.client import NationalIdpUnavailable, NationalOAuth2Adapter
from accounts.national.forms import NationalSignUpForm
from accounts.national.selectors import (
    claims_verified_phone,
    national_claims,
    national_idp_configured,
    national_pending_load,
)
from accounts.national.services import (
    national_account_sign_up,
    national_account_unlink,
    national_pending_clear,
)
from accounts.validators import mask_mobile
from core.audit import client_ip

logger = logging.getLogger(__name__)


def _unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("national IdP unavailable", extra={"reason": str(exc)})
    return render(request, "national/idp_unavailable.html", status=503)


class _CallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        # The nonce sent with this sign-in, for the ID-token check (tokens.id_token_verify).
        self.adapter.expected_nonce = (state or {}).get("nonce")
        return state, response


def _require_configured() -> None:
    if not national_idp_configured():
        raise Http404


@login_not_required
def national_login(request: HttpRequest) -> HttpResponse:
    """Start: a POST (allauth's rule, so no page can sign a visitor in by a link) sends the
    member to the national platform; when that platform does not answer, a clear page."""
    _require_configured()
    try:
        return OAuth2LoginView.adapter_view(NationalOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except (NationalIdpUnavailable, OAuth2Error) as exc:
        return _unavailable(request, exc)


@login_not_required
def national_callback(request: HttpRequest) -> HttpResponse:
    _require_configured()
    try:
        return _CallbackView.adapter_view(NationalOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except NationalIdpUnavailable as exc:
        return _unavailable(request, exc)


@login_not_required
def national_continue(request: HttpRequest) -> HttpResponse:
    """What the platform's claims could not prove, asked here and nothing more: consent for
    a new account on a verified number; otherwise a phone number confirmed by SMS code."""
    _require_configured()
    pending = national_pending_load(request=request)
    if pending is None:
        messages.info(request, _("全国账号登录已超时，请重新登录。"))
        return redirect("account_login")
    sociallogin, reason = pending
    claims = national_claims(sociallogin=sociallogin)
    form = NationalSignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and reason == "new_account" and form.is_valid():
        try:
            national_account_sign_up(
                sociallogin=sociallogin, privacy_consent=True, ip_address=client_ip(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            national_pending_clear(request=request)
            messages.success(request, _("注册成功，欢迎来到职工之家！"))
            # As at the start of a sign-in (no user yet): allauth finds the link just saved
            # and signs the member in its usual way (MFA, session, redirect).
            sociallogin.user = None
            return complete_social_login(request, sociallogin)
    elif request.method == "POST" and reason != "new_account" and request.user.is_authenticated:
        national_link_with_message(
            request=request, user=request.user, sociallogin=sociallogin, method="sms_code"
        )
        national_pending_clear(request=request)
        return redirect("accounts:me")
    code_login = reverse("accounts:login_code") + "?" + urlencode({"next": request.path})
    return render(
        request,
        "national/pending_continue.html",
        {
            "reason": reason,
            "form": form,
            "name": claims.get("name") or "",
            "masked_phone": mask_mobile(claims_verified_phone(claims) or ""),
            "code_login_url": code_login,
            "privacy_policy_url": reverse("accounts:privacy_policy"),
        },
    )


@require_POST
@login_required
def national_unlink(request: HttpRequest) -> HttpResponse:
    if national_account_unlink(user=request.user):
        messages.success(request, _("已解除与全国总工会职工之家账号的关联，手机号码登录不受影响。"))
    else:
        messages.info(request, _("您的账号没有关联全国总工会职工之家账号。"))
    return redirect("accounts:identity")
