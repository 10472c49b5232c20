"""PIPL: consents with the version of the text agreed to, data export, closing an account.

``User.privacy_consent_version`` mirrors the user's active privacy-policy consent so the
consent gate (``accounts.middleware.ConsentGateMiddleware``) needs no query; it is written
only here (and cleared by ``accounts.services.closure.account_close``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ConsentRecord, DigitalIdentity
from core.memberpage import member_pages_forget


def current_policy_version(kind: str) -> str:
    return settings.PORTAL_CONSENT_VERSIONS[ConsentRecord.Kind(kind)]


def _privacy_consent_version_keep(*, user: Any, version: str) -> None:
    current = current_policy_version(ConsentRecord.Kind.PRIVACY_POLICY)
    if user.privacy_consent_version == current and version != current:
        return  # agreeing to an older text again takes nothing from the current consent
    # Saved even when the instance already shows it: the caller's copy may be stale.
    user.privacy_consent_version = version
    user.save(update_fields=["privacy_consent_version"])


@transaction.atomic
def consent_grant(
    *, user: Any, kind: str, version: str | None = None, ip_address: str | None = None
) -> ConsentRecord:
    """Record that ``user`` agreed to the current (or given) version of a text; idempotent
    per version, also under a double submit (the active-per-version constraint decides).

    Side effect for the privacy policy: ``user.privacy_consent_version`` saved.
    """
    version = version or current_policy_version(kind)
    record, _created = ConsentRecord.objects.get_or_create(
        user=user,
        kind=kind,
        version=version,
        withdrawn_at=None,
        defaults={"ip_address": ip_address},
    )
    if kind == ConsentRecord.Kind.PRIVACY_POLICY:
        _privacy_consent_version_keep(user=user, version=version)
    return record


@transaction.atomic
def consent_withdraw(*, user: Any, kind: str) -> int:
    """Withdraw every active consent of ``kind``; returns how many were withdrawn.

    Side effect for the privacy policy: ``user.privacy_consent_version`` cleared, so the
    consent gate asks again on the next request.
    """
    withdrawn = ConsentRecord.objects.filter(
        user=user, kind=kind, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    member_pages_forget(user.pk)  # an update() sends no signal
    if kind == ConsentRecord.Kind.PRIVACY_POLICY:
        user.privacy_consent_version = ""
        user.save(update_fields=["privacy_consent_version"])
    return withdrawn


def user_holds_id_number(*, user: Any) -> bool:
    """Does the portal keep a resident ID number for ``user`` (实名认证, or a union roster)?"""
    return DigitalIdentity.objects.filter(user=user).exclude(id_number_ciphertext="").exists()


@transaction.atomic
def consent_gate_accept(*, user: Any, id_number: bool, ip_address: str | None = None) -> None:
    """The consent gate's answer: ``user`` agrees to the current privacy policy and, when
    ``id_number``, separately to processing the ID number the portal holds for them
    (敏感个人信息单独同意, PIPL art. 29).

    Raises ``ValidationError`` (Chinese) when ``id_number`` is asked for a user whose ID
    number the portal does not hold; nothing is saved then.
    Side effects: one or two ``ConsentRecord`` rows; ``user.privacy_consent_version`` saved.
    """
    if id_number and not user_holds_id_number(user=user):
        raise ValidationError(
            _("平台未保存您的身份证号，无需单独同意；实名认证时会再征求您的同意。"),
            code="no_id_number",
        )
    consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY, ip_address=ip_address)
    if id_number:
        consent_grant(user=user, kind=ConsentRecord.Kind.ID_NUMBER, ip_address=ip_address)
