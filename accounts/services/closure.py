"""Closing an account (PIPL right to deletion): personal fields are anonymised, the rows that
statistics count (memberships, events, applications) stay, pseudonymous."""

from __future__ import annotations

from datetime import date

from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    ConsentRecord,
    Credential,
    DigitalIdentity,
    ExternalAccount,
    Membership,
    MembershipApplication,
    SmsCode,
    TransferRequest,
    User,
)
from accounts.services.membership import membership_end
from accounts.services.wallet import credential_revoke
from core.audit import audit_record
from core.memberpage import member_pages_forget
from core.push import push_subscriptions_delete_all

CLOSED_NAME = "已注销用户"


def _closed_phone(user: User) -> str:
    # Keeps the unique column unique without resembling a real number (allowed by the
    # check constraint only on closed accounts).
    return f"c{user.pk:010d}"


@transaction.atomic
def account_close(*, user: User, request: HttpRequest | None = None) -> User:
    """Close ``user``'s account for good.

    Side effects: ends the active membership (reason "account closed") and voids every
    wallet credential; withdraws open applications and transfers; replaces phone, name,
    email, real name and ID number with anonymous values (birth date kept to its year for
    age statistics); deletes linked external accounts and sign-in links, SMS codes, push
    subscriptions, MFA authenticators and sessions; withdraws consents; writes an audit
    entry. Irreversible.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_closed:
        raise ValidationError(_("该账号已注销。"))
    now = timezone.now()
    original_phone = user.phone

    for membership in Membership.objects.filter(user=user, status=Membership.Status.ACTIVE):
        membership_end(membership=membership, reason=Membership.EndReason.CLOSED, actor=user)
    for credential in Credential.objects.filter(user=user, revoked_at__isnull=True):
        credential_revoke(credential=credential, reason=_("账号已注销"))
    MembershipApplication.objects.filter(
        user=user, status=MembershipApplication.Status.SUBMITTED
    ).update(status=MembershipApplication.Status.WITHDRAWN, decided_at=now)
    TransferRequest.objects.filter(user=user, status__in=TransferRequest.OPEN_STATUSES).update(
        status=TransferRequest.Status.WITHDRAWN
    )

    # A national (or any other) sign-in link would let the closed account be signed into.
    SocialAccount.objects.filter(user=user).delete()
    identity = DigitalIdentity.objects.filter(user=user).first()
    if identity is not None:
        ExternalAccount.objects.filter(identity=identity).delete()
        identity.real_name = CLOSED_NAME
        identity.id_number_ciphertext = ""
        identity.id_number_hash = f"closed:{user.pk}"
        identity.id_number_masked = ""
        identity.birth_date = date(identity.birth_date.year, 1, 1)
        identity.save(
            update_fields=[
                "real_name",
                "id_number_ciphertext",
                "id_number_hash",
                "id_number_masked",
                "birth_date",
            ]
        )

    ConsentRecord.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=now)
    member_pages_forget(user.pk)  # update() sends no signal: no page kept from before
    SmsCode.objects.filter(phone=original_phone).delete()
    push_subscriptions_delete_all(user=user)  # no notice reaches a closed account's phones
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()

    user.phone = _closed_phone(user)
    user.display_name = CLOSED_NAME
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.closed_at = now
    user.phone_verified_at = None
    # Mirrors the consents withdrawn above (accounts.services.privacy keeps it otherwise).
    user.privacy_consent_version = ""
    user.set_unusable_password()
    user.save(
        update_fields=[
            "phone",
            "display_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "closed_at",
            "phone_verified_at",
            "privacy_consent_version",
            "password",
        ]
    )
    user.role_assignments.all().delete()
    # No session scan needed: an inactive user with a changed password hash is signed out
    # of every session on its next request (Django's session auth hash check).
    audit_record(actor=user, action="account.close", target=user, request=request)
    return user
