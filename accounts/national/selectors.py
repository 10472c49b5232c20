"""Reads for the national sign-in: what the platform's claims prove, whom they point to."""

from __future__ import annotations

import time
from typing import Any

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import crypto
from accounts.models import DigitalIdentity, User
from accounts.national.client import PROVIDER_ID
from accounts.selectors.users import user_get_by_phone
from accounts.services.identity import id_number_normalize
from accounts.validators import normalize_mobile, validate_mobile

PENDING_SESSION_KEY = "national_identity_pending"


def national_idp_configured() -> bool:
    """Whether an operator configured the national platform (issuer and client id)."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get(PROVIDER_ID, {}).get("APPS") or []
    return bool(apps and apps[0].get("client_id") and apps[0].get("settings", {}).get("server_url"))


def national_claims(*, sociallogin: SocialLogin) -> dict[str, Any]:
    """The ID token's claims, completed by userinfo (both checked to be about one subject)."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _claim_true(value: Any) -> bool:
    # OIDC booleans are JSON booleans; some platforms send the string "true".
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def claims_verified_phone(claims: dict[str, Any]) -> str | None:
    """The mainland mobile number the platform says it verified, as 11 digits; else None."""
    if not _claim_true(claims.get("phone_number_verified")):
        return None
    phone = normalize_mobile(str(claims.get("phone_number") or ""))
    try:
        validate_mobile(phone)
    except ValidationError:
        return None
    return phone


def claims_unverified_phone(claims: dict[str, Any]) -> bool:
    """Whether the claims carry a number the platform did not verify."""
    return bool(claims.get("phone_number")) and claims_verified_phone(claims) is None


def claims_verified_id_hash(claims: dict[str, Any]) -> str | None:
    """The keyed hash of the resident ID number when the platform verified it (real-name
    check); the number itself is neither kept nor logged."""
    number = id_number_normalize(str(claims.get(settings.NATIONAL_IDP_ID_NUMBER_CLAIM) or ""))
    if not number or not _claim_true(claims.get(settings.NATIONAL_IDP_ID_VERIFIED_CLAIM)):
        return None
    return crypto.id_number_hash(number)


def national_user_match(*, claims: dict[str, Any]) -> tuple[User | None, str]:
    """The existing account these claims prove to be the same person, and how.

    Only what the platform verified counts: a verified phone number, then a verified ID
    number (keyed hash). An unverified claim never links. ``(None, "")`` when none does.
    """
    phone = claims_verified_phone(claims)
    if phone:
        user = user_get_by_phone(phone=phone)
        if user is not None:
            return user, "verified_phone"
    id_hash = claims_verified_id_hash(claims)
    if id_hash:
        identity = DigitalIdentity.objects.select_related("user").filter(id_number_hash=id_hash)
        identity = identity.first()
        if identity is not None:
            return identity.user, "verified_id_number"
    return None, ""


def national_account_for_user(*, user: Any) -> SocialAccount | None:
    """The member's linked national account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).first()


def national_pending_load(*, request: HttpRequest) -> tuple[SocialLogin, str] | None:
    """The sign-in waiting for the member (``pending_stash``), with why it waits; None when
    there is none or it expired."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("expires", 0) < time.time():
        return None
    try:
        return SocialLogin.deserialize(pending["login"]), str(pending.get("reason", ""))
    except (KeyError, TypeError, ValueError, SocialApp.DoesNotExist):
        # Broken, or the national platform was unconfigured meanwhile: start again.
        return None
