"""Factories for jobs: employers and posts go through the services, like in real life."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Role
from accounts.services.roles import role_assign
from jobs.models import Employer
from jobs.services import employer_create, employer_verify, job_post_create
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory


def make_moderator(*, region_code: str = "130000"):
    staff = StaffUserFactory()
    role_assign(user=staff, role=Role.REGION_EDITOR, region=Region.objects.get(code=region_code))
    return staff


def make_employer(
    *,
    name: str = "廊坊顺达物流有限公司",
    region_code: str = "131000",
    verified: bool = True,
    moderator=None,
) -> Employer:
    moderator = moderator or make_moderator()
    account = UserFactory()
    employer = employer_create(
        actor=moderator, name=name, region=Region.objects.get(code=region_code), users=[account]
    )
    if verified:
        employer_verify(actor=moderator, employer=employer)
    return employer


def make_post(
    *, employer: Employer, actor=None, publish: bool = True, region_code: str = "131082", **fields
):
    data = {
        "title": "货车司机",
        "description": "负责京津冀干线运输，另招保安若干。",
        "skills": ["安全驾驶", "装卸货"],
        "certificates": ["B2驾驶证"],
        "region": Region.objects.get(code=region_code),
        "pay_min": 7000,
        "pay_max": 9500,
        "experience_years": 2,
        "education": "初中",
        "employment_type": "全职",
        "headcount": 3,
        "valid_until": timezone.localdate() + dt.timedelta(days=30),
    }
    data.update(fields)
    actor = actor or employer.users.first()
    return job_post_create(actor=actor, employer=employer, publish=publish, **data)


DRIVER_RESUME = {
    "desired_titles": ["货车司机"],
    "desired_city_codes": ["131000"],
    "expected_pay": 8000,
    "employment_types": ["全职"],
    "skills": ["安全驾驶", "装卸货"],
    "certificates": ["A2驾驶证"],
    "work_history": [{"title": "货车司机", "employer": "某物流公司", "years": 6}],
    "experience_years": 6,
    "education": "高中",
    "summary": "6年干线运输经验，熟悉京津冀路线。",
}
