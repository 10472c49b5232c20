"""The one audit log of the portal: staff views of personal data and sensitive changes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from core.models import AuditLog


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    request: HttpRequest | None = None,
    details: dict | None = None,
) -> AuditLog:
    """Append one entry. ``action`` is a dotted verb such as ``identity.view_id_number``.

    Written in the caller's transaction: if the action rolls back, so does its record.
    """
    return AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        details=details or {},
    )


#: However the setting is configured, entries younger than this are never deleted.
MIN_RETENTION_DAYS = 183


def audit_log_prune(*, now: Any = None) -> int:
    """Delete audit entries older than ``PORTAL_AUDIT_RETENTION_DAYS`` (never fewer than six
    months); the only deletion of audit rows anywhere. Returns how many were deleted."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    days = max(int(settings.PORTAL_AUDIT_RETENTION_DAYS), MIN_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = AuditLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
