"""PIPL: consents with the version of the text agreed to, data export, closing an account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ConsentRecord


def current_policy_version(kind: str) -> str:
    return settings.PORTAL_CONSENT_VERSIONS[ConsentRecord.Kind(kind)]


@transaction.atomic
def consent_grant(
    *, user: Any, kind: str, version: str | None = None, ip_address: str | None = None
) -> ConsentRecord:
    """Record that ``user`` agreed to the current (or given) version of a text; idempotent
    per version."""
    version = version or current_policy_version(kind)
    existing = ConsentRecord.objects.filter(
        user=user, kind=kind, version=version, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return ConsentRecord.objects.create(
        user=user, kind=kind, version=version, ip_address=ip_address
    )


@transaction.atomic
def consent_withdraw(*, user: Any, kind: str) -> int:
    """Withdraw every active consent of ``kind``; returns how many were withdrawn."""
    return ConsentRecord.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
