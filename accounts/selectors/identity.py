"""Reads for the digital identity."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import DigitalIdentity, Membership
from accounts.permissions import Action, organization_scope_q


def identity_for_user(*, user: Any) -> DigitalIdentity | None:
    """The user's own identity with its linked accounts, or None before 实名认证."""
    if user is None or not user.is_authenticated:
        return None
    return DigitalIdentity.objects.filter(user=user).prefetch_related("external_accounts").first()


def identity_member_region(*, identity: DigitalIdentity) -> Any:
    """The region that scopes staff access to this member: the region of their active
    union, or the province code for a member who belongs to none yet."""
    membership = (
        Membership.objects.filter(user_id=identity.user_id, status=Membership.Status.ACTIVE)
        .select_related("organization__region")
        .first()
    )
    if membership is not None:
        return membership.organization.region
    return settings.PORTAL_DEFAULT_REGION_CODE


def member_scope_q(user: Any, *, field: str = "user") -> Q:
    """Objects of members whose active union lies in ``user``'s MEMBER_VIEW scope (admin
    lists of identities and credentials). Combine with ``.distinct()``."""
    if user is not None and user.is_authenticated and user.is_superuser and user.is_active:
        return Q()
    return Q(**{f"{field}__memberships__status": Membership.Status.ACTIVE}) & organization_scope_q(
        user, Action.MEMBER_VIEW, field=f"{field}__memberships__organization"
    )


def identity_list_for_staff(*, user: Any) -> QuerySet[DigitalIdentity]:
    return (
        DigitalIdentity.objects.filter(member_scope_q(user))
        .select_related("user")
        .distinct()
        .order_by("-verified_at")
    )
