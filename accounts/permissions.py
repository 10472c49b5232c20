"""The one permission helper: "may this user do X in this region / organisation?".

Every app (views, API, admin, services) asks here; nobody reads ``RoleAssignment`` directly.

A role is granted over a region subtree (a 廊坊 editor covers 廊坊市 and its counties) or
over a union organisation subtree (an officer of a joint union covers it and the unions
below it). Scope is a path prefix, so every check is a string comparison and every list
filter is one indexed ``LIKE 'prefix%'``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from accounts.models import Role, RoleAssignment

if TYPE_CHECKING:
    from accounts.models import UnionOrganization


class Action(StrEnum):
    MEMBERSHIP_REVIEW = "membership.review"  # decide 入会 applications, release/accept 转会
    IDENTITY_VIEW_ID_NUMBER = "identity.view_id_number"  # see a full ID number (audited)
    MEMBER_VIEW = "members.view"  # see members' records in scope
    ROLES_MANAGE = "accounts.manage_roles"
    CONTENT_PUBLISH = "regions.publish"  # articles, services, courses of a region
    HOTLINE_HANDLE = "hotline.handle"
    HOTLINE_SUPERVISE = "hotline.supervise"
    JOBS_POST = "jobs.post"
    JOBS_MODERATE = "jobs.moderate"
    ACTIVITIES_MANAGE = "activities.manage"
    INSIGHTS_VIEW = "insights.view"
    POINTS_AUDIT = "activities.points_audit"  # read every member's points ledger (province)
    AUDIT_VIEW = "audit.view"  # browse the audit log and the admin change history
    DATAHUB_IMPORT = "datahub.import"  # upload member rosters (数据归集) for a region
    EXCHANGE_MANAGE = "datahub.exchange_manage"  # register trusted systems, grant their scopes
    AID_VERIFY = "aid.verify"  # 困难职工帮扶: the grassroots union checks (核实) an application
    AID_APPROVE = "aid.approve"  # approve (城市工会审批), disburse, re-check; 互助保障 review


ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.MEMBERSHIP_REVIEW: frozenset({Role.ORG_OFFICER, Role.PROVINCE_ADMIN}),
    Action.IDENTITY_VIEW_ID_NUMBER: frozenset({Role.PROVINCE_ADMIN}),
    Action.MEMBER_VIEW: frozenset({Role.ORG_OFFICER, Role.PROVINCE_ADMIN}),
    Action.ROLES_MANAGE: frozenset({Role.PROVINCE_ADMIN}),
    Action.CONTENT_PUBLISH: frozenset({Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.HOTLINE_HANDLE: frozenset(
        {Role.HOTLINE_AGENT, Role.HOTLINE_SUPERVISOR, Role.PROVINCE_ADMIN}
    ),
    Action.HOTLINE_SUPERVISE: frozenset({Role.HOTLINE_SUPERVISOR, Role.PROVINCE_ADMIN}),
    Action.JOBS_POST: frozenset({Role.EMPLOYER, Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.JOBS_MODERATE: frozenset({Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.ACTIVITIES_MANAGE: frozenset({Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.INSIGHTS_VIEW: frozenset({Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.POINTS_AUDIT: frozenset({Role.PROVINCE_ADMIN}),
    Action.AUDIT_VIEW: frozenset({Role.PROVINCE_ADMIN}),
    Action.DATAHUB_IMPORT: frozenset({Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.EXCHANGE_MANAGE: frozenset({Role.PROVINCE_ADMIN}),
    Action.AID_VERIFY: frozenset({Role.ORG_OFFICER, Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
    Action.AID_APPROVE: frozenset({Role.REGION_EDITOR, Role.PROVINCE_ADMIN}),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    region_path: str | None  # "100000/130000/131000/"
    organization_path: str | None  # "1/5/"


_CACHE_ATTR = "_portal_role_grants"


def user_grants(user: Any) -> tuple[Grant, ...]:
    """The user's role grants, read once per user object (one query per request)."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = tuple(
            Grant(
                role=Role(role),
                region_path=region_path,
                organization_path=organization_path,
            )
            for role, region_path, organization_path in RoleAssignment.objects.filter(
                user_id=user.pk
            ).values_list("role", "region__path", "organization__path")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the per-object cache after the user's roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _is_active(user: Any) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "closed_at", None) is None
    )


def _region_path(region: Any) -> str:
    """Accepts a Region, a RegionNode or a region code."""
    if isinstance(region, str):
        from regions.selectors import region_tree

        node = region_tree().get(region)
        return node.path if node else "\0"  # an unknown code matches nothing
    return region.path


def _grants_for(user: Any, action: Action) -> list[Grant]:
    roles = ACTION_ROLES[Action(action)]
    return [grant for grant in user_grants(user) if grant.role in roles]


def user_can(
    user: Any,
    action: Action | str,
    *,
    region: Any = None,
    organization: UnionOrganization | None = None,
) -> bool:
    """May ``user`` do ``action`` in ``region`` or on ``organization``?

    With neither given, answers whether the user may do it anywhere (to show a menu).
    Superusers may do everything; closed or inactive accounts nothing.
    """
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    grants = _grants_for(user, Action(action))
    if region is None and organization is None:
        return bool(grants)
    region_path = _region_path(region) if region is not None else None
    org_region_path = organization.region.path if organization is not None else None
    for grant in grants:
        if grant.region_path is not None:
            target = region_path or org_region_path
            if target is not None and target.startswith(grant.region_path):
                return True
        elif organization is not None and organization.path.startswith(grant.organization_path):
            return True
    return False


def region_scope_q(user: Any, action: Action | str, *, field: str = "region") -> Q:
    """A filter for objects whose ``field`` (a Region FK) lies in the user's scope for
    ``action``: ``Model.objects.filter(region_scope_q(user, Action.X))``."""
    if not _is_active(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    query = Q(pk__in=[])
    for grant in _grants_for(user, Action(action)):
        if grant.region_path is not None:
            query |= Q(**{f"{field}__path__startswith": grant.region_path})
    return query


def organization_scope_q(user: Any, action: Action | str, *, field: str = "organization") -> Q:
    """A filter for objects whose ``field`` (a UnionOrganization FK, or "" for the
    organisation itself) lies in the user's scope: below an organisation the user is an
    officer of, or in a region the user administers."""
    if not _is_active(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    prefix = f"{field}__" if field else ""
    query = Q(pk__in=[])
    for grant in _grants_for(user, Action(action)):
        if grant.organization_path is not None:
            query |= Q(**{f"{prefix}path__startswith": grant.organization_path})
        elif grant.region_path is not None:
            query |= Q(**{f"{prefix}region__path__startswith": grant.region_path})
    return query


def user_region_paths(user: Any, action: Action | str) -> list[str]:
    """The roots of the region subtrees where the user may do ``action`` (for menus and
    default filters). Superusers get the whole tree: ``[""]``."""
    if not _is_active(user):
        return []
    if user.is_superuser:
        return [""]
    return sorted(
        {g.region_path for g in _grants_for(user, Action(action)) if g.region_path is not None}
    )
