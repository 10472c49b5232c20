"""Granting and revoking roles. The permission helper (accounts.permissions) reads them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import Role, RoleAssignment, UnionOrganization
from accounts.permissions import forget_grants
from core.audit import audit_record
from regions.models import Region


@transaction.atomic
def role_assign(
    *,
    user: Any,
    role: str,
    region: Region | None = None,
    organization: UnionOrganization | None = None,
    granted_by: Any = None,
) -> RoleAssignment:
    """Grant ``role`` over a region or an organisation; idempotent.

    Raises ``ValidationError`` when the role needs the other kind of scope.
    Side effects: an audit entry; the user's cached grants are dropped.
    """
    assignment = RoleAssignment.objects.filter(
        user=user, role=role, region=region, organization=organization
    ).first()
    if assignment is not None:
        return assignment
    assignment = RoleAssignment(
        user=user, role=Role(role), region=region, organization=organization, granted_by=granted_by
    )
    assignment.full_clean()
    assignment.save()
    if not user.is_staff and role != Role.EMPLOYER:
        # Union staff work in the admin.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_grants(user)
    audit_record(
        actor=granted_by,
        action="roles.assign",
        target=assignment,
        details={"user": user.pk, "role": str(role)},
    )
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: Any = None) -> None:
    audit_record(
        actor=revoked_by,
        action="roles.revoke",
        target=assignment,
        details={"user": assignment.user_id, "role": assignment.role},
    )
    assignment.delete()
    forget_grants(assignment.user)
