"""Writes for the national sign-in: link, sign up, unlink, and the sign-in that waits."""

from __future__ import annotations

import time

from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.national.client import PROVIDER_ID
from accounts.national.selectors import (
    PENDING_SESSION_KEY,
    claims_verified_phone,
    national_claims,
)
from accounts.services.auth import user_for_verified_phone, user_phone_mark_verified
from accounts.services.users import user_update_profile
from core.audit import audit_record

#: Shown whenever a national account is linked (sign-in, 我的, after an SMS code).
LINKED_MESSAGE = gettext_lazy("已关联全国总工会职工之家账号，下次可直接用它登录。")
LINKED_ELSEWHERE_MESSAGE = gettext_lazy(
    "该全国总工会职工之家账号已关联到本站另一个账号。如有疑问请拨打12351。"
)


def _linked_elsewhere() -> ValidationError:
    return ValidationError(LINKED_ELSEWHERE_MESSAGE, code="linked_elsewhere")


@transaction.atomic
def national_account_link(*, user: User, sociallogin: SocialLogin, method: str) -> SocialAccount:
    """Link the national account of ``sociallogin`` to ``user``; idempotent for the same
    pair. ``method`` says what proved it is the same person (for the audit log).

    Raises ``ValidationError`` (Chinese) when the national account belongs to another
    member, ``user`` already has a different national account, or ``user`` is closed or
    disabled; nothing is saved then. Side effects: the link saved (``sociallogin.account``
    and ``sociallogin.user`` point to it), the member's number marked verified when the
    platform verified that same number, an audit entry ``national.link``.
    """
    if user.is_closed or not user.is_active:
        raise ValidationError(_("该账号已注销或停用，不能关联。"), code="inactive")
    account = sociallogin.account
    existing = (
        SocialAccount.objects.select_for_update()
        .filter(provider=PROVIDER_ID, uid=account.uid)
        .first()
    )
    if existing is not None:
        if existing.user_id != user.pk:
            raise _linked_elsewhere()
        sociallogin.account, sociallogin.user = existing, user
        return existing
    if SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).exists():
        raise ValidationError(
            _("您的账号已关联另一个全国总工会职工之家账号，请先在“我的”中解除关联。"),
            code="already_linked",
        )
    account.pk = None
    account.user = user
    account.provider = PROVIDER_ID
    try:
        with transaction.atomic():
            account.save(force_insert=True)
    except IntegrityError:
        raise _linked_elsewhere() from None
    sociallogin.account, sociallogin.user = account, user
    if claims_verified_phone(national_claims(sociallogin=sociallogin)) == user.phone:
        # The platform verified this very number: as good as our SMS code.
        user_phone_mark_verified(user=user)
    audit_record(actor=user, action="national.link", target=user, details={"method": method})
    return account


@transaction.atomic
def national_account_sign_up(
    *, sociallogin: SocialLogin, privacy_consent: bool, ip_address: str | None = None
) -> User:
    """Create the member's account from the platform's verified phone number (or find the
    account that number has meanwhile) and link the national account to it.

    Precondition: the claims carry a phone number the platform verified. Raises
    ``ValidationError`` (Chinese) without a verified number or without consent to the
    privacy policy; nothing is saved then. Side effects: account and consent record, the
    platform's name as the member's 称呼 when the account has none, the link.
    """
    claims = national_claims(sociallogin=sociallogin)
    phone = claims_verified_phone(claims)
    if not phone:
        raise ValidationError(_("全国账号未提供已验证的手机号码。"), code="no_verified_phone")
    user, _created = user_for_verified_phone(
        phone=phone, privacy_consent=privacy_consent, ip_address=ip_address
    )
    name = str(claims.get("name") or "").strip()
    if name and not user.display_name and len(name) <= 50:
        user_update_profile(user=user, display_name=name)
    national_account_link(user=user, sociallogin=sociallogin, method="verified_phone_new")
    return user


@transaction.atomic
def national_account_unlink(*, user: User) -> bool:
    """Remove the member's link to the national platform; returns whether there was one.
    Phone sign-in is unaffected. Side effect: an audit entry ``national.unlink``."""
    deleted, _details = SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).delete()
    if deleted:
        audit_record(actor=user, action="national.unlink", target=user)
    return bool(deleted)


def national_pending_stash(*, request: HttpRequest, sociallogin: SocialLogin, reason: str) -> None:
    """Keep a checked sign-in in the session while the member confirms a phone number or
    agrees to the privacy policy; it expires after ``NATIONAL_IDP_PENDING_SECONDS``."""
    request.session[PENDING_SESSION_KEY] = {
        "login": sociallogin.serialize(),
        "reason": reason,
        "expires": time.time() + settings.NATIONAL_IDP_PENDING_SECONDS,
    }


def national_pending_clear(*, request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)
