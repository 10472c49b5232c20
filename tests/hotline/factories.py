"""Hotline test helpers: agents and supervisors on real regions, requests through services."""

from __future__ import annotations

from accounts.models import Role
from accounts.services.roles import role_assign
from hotline.models import HotlineTeamMember, Kind, Topic
from hotline.services.requests import hotline_request_submit
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_agent(*, region_code: str = "130100", topics=(), role=Role.HOTLINE_AGENT, **fields):
    user = StaffUserFactory(**fields)
    role_assign(user=user, role=role, region=region(region_code))
    HotlineTeamMember.objects.create(user=user, region=region(region_code), topics=list(topics))
    return user


def make_supervisor(*, region_code: str = "130100", **fields):
    return make_agent(region_code=region_code, role=Role.HOTLINE_SUPERVISOR, **fields)


def make_request(*, member=None, region_code: str = "130102", topic=Topic.NON_COMPETE, **extra):
    return hotline_request_submit(
        member=member or UserFactory(),
        kind=extra.pop("kind", Kind.CONSULTATION),
        topic=topic,
        title=extra.pop("title", "离职后竞业限制协议是否有效"),
        description=extra.pop("description", "公司让我签了竞业限制协议，但一直没有发补偿金。"),
        region=region(region_code),
        **extra,
    )
