"""Builders for insights tests: staff with the insights role, and a small hand-built scene
across the modules whose figures are known."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role
from accounts.services.roles import role_assign
from insights.services import daily_active_record
from learning.models import PracticeAnswer
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory, make_identity, make_member
from tests.hotline.factories import make_request
from tests.learning.factories import make_question


def make_insights_staff(*, region_code: str = "130000", role=Role.PROVINCE_ADMIN):
    user = StaffUserFactory()
    role_assign(user=user, role=role, region=Region.objects.get(code=region_code))
    return user


@dataclass
class Scene:
    changan_members: list
    sanhe_members: list
    day: object


def make_scene(union_tree) -> Scene:
    """Today: 2 members in 长安区 (石家庄), 1 in 三河市 (廊坊), one of them verified; 3 hotline
    requests (2 in 长安区, 1 in 三河市); 2 of the members active; 4 practice answers, 3
    right."""
    changan = [make_member(organization=union_tree["factory"]) for _ in range(2)]
    sanhe = [make_member(organization=union_tree["joint"])]
    make_identity(user=changan[0])
    make_request(member=changan[0], region_code="130102")
    make_request(member=changan[1], region_code="130102", kind="complaint")
    make_request(member=sanhe[0], region_code="131082")
    make_request(member=UserFactory(), region_code="131082")  # a non-member, still counted
    day = timezone.localdate()
    daily_active_record(user_ids=[changan[0].pk, sanhe[0].pk], day=day)
    question = make_question()
    for user, right in [
        (changan[0], True),
        (changan[0], True),
        (changan[1], False),
        (sanhe[0], True),
    ]:
        PracticeAnswer.objects.create(user=user, question=question, is_correct=right)
    return Scene(changan_members=changan, sanhe_members=sanhe, day=day)
