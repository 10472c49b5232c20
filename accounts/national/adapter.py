"""allauth's hooks for the national sign-in: who the claims link to, and what is asked.

A returning national account signs in. A new one links to the existing member its
*verified* phone number or *verified* ID number points to. Otherwise nothing is created or
linked from the claims alone: the member confirms a phone number by SMS code, or, for a
verified number new to the portal, agrees to the privacy policy first (``views.continue``).
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.national.selectors import (
    claims_unverified_phone,
    claims_verified_phone,
    national_claims,
    national_user_match,
)
from accounts.national.services import (
    LINKED_ELSEWHERE_MESSAGE,
    LINKED_MESSAGE,
    national_account_link,
    national_pending_stash,
)


def national_link_with_message(
    *, request: HttpRequest, user: Any, sociallogin: SocialLogin, method: str
) -> bool:
    """Link through ``national_account_link`` and tell the member how it went."""
    try:
        national_account_link(user=user, sociallogin=sociallogin, method=method)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return False
    messages.success(request, LINKED_MESSAGE)
    return True


logger = logging.getLogger(__name__)


class NationalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # allauth's own social sign-up form is never used: pre_social_login links or asks.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            raise ImmediateHttpResponse(self._connect(request, sociallogin))
        if sociallogin.is_existing:
            return  # linked before; closed accounts are refused by the account adapter
        claims = national_claims(sociallogin=sociallogin)
        user, method = national_user_match(claims=claims)
        if user is not None:
            try:
                national_account_link(user=user, sociallogin=sociallogin, method=method)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                raise ImmediateHttpResponse(redirect("account_login")) from None
            return
        if claims_verified_phone(claims):
            reason = "new_account"
        elif claims_unverified_phone(claims):
            reason = "unverified_phone"
        else:
            reason = "no_phone"
        national_pending_stash(request=request, sociallogin=sociallogin, reason=reason)
        raise ImmediateHttpResponse(redirect("acftu_continue"))

    def _connect(self, request: HttpRequest, sociallogin: SocialLogin):
        """Linking from 我的 (signed in): the national account joins this member's account."""
        next_url = sociallogin.get_redirect_url(request) or "accounts:me"
        if not request.user.is_authenticated:
            return redirect("account_login")
        if sociallogin.is_existing and sociallogin.user == request.user:
            messages.info(request, _("您已关联该全国总工会职工之家账号。"))
            return redirect(next_url)
        if sociallogin.is_existing:
            messages.error(request, LINKED_ELSEWHERE_MESSAGE)
            return redirect(next_url)
        national_link_with_message(
            request=request, user=request.user, sociallogin=sociallogin, method="connect"
        )
        return redirect(next_url)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Exception | None = None,
        extra_context: dict | None = None,
    ) -> None:
        # Why a sign-in was refused is for operators (the member sees a plain message).
        logger.warning(
            "national sign-in refused",
            extra={"auth_error": str(error), "reason": str(exception) if exception else ""},
        )
