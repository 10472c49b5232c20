from __future__ import annotations

from typing import Any

from accounts.models import ConsentRecord
from accounts.services.privacy import current_policy_version


def consent_is_current(*, user: Any, kind: str) -> bool:
    """Has ``user`` agreed to the current version of ``kind`` and not withdrawn it?"""
    return ConsentRecord.objects.filter(
        user=user, kind=kind, version=current_policy_version(kind), withdrawn_at__isnull=True
    ).exists()
