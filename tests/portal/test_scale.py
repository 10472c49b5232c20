"""seed_scale at a small scale: counts, distributions and referential integrity."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from stdnum.cn import ric

from accounts.crypto import id_number_decrypt
from accounts.models import DigitalIdentity, Membership, UnionOrganization, User
from accounts.services.identity import member_id_is_valid
from portal.scale.build import BASE, MEMBER_PHONE_PREFIX, expected_members
from portal.scale.copy import copy_rows, to_text

SCALE = 0.002

pytestmark = pytest.mark.postgres


def _n(key: str, minimum: int) -> int:
    return max(minimum, round(BASE[key] * SCALE))


@pytest.fixture
def built(db, regions):
    call_command("seed_scale", scale=SCALE, no_demo=True, stdout=_Sink())
    return SCALE


class _Sink:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


def test_counts_follow_the_scale(built):
    from hotline.models import HotlineRequest
    from jobs.models import JobPost, MatchResult, Resume
    from learning.models import Enrollment, PracticeAnswer

    members = User.objects.filter(phone__startswith=MEMBER_PHONE_PREFIX)
    assert members.count() == expected_members(SCALE) == 1060
    assert HotlineRequest.objects.count() == _n("hotline_requests", 100)
    assert JobPost.objects.count() == _n("job_posts", 50)
    assert Resume.objects.count() == _n("resumes", 20)
    # Shares, not fixed numbers: most members verified, belong to a union, learn.
    assert 0.8 < DigitalIdentity.objects.count() / members.count() < 0.9
    assert 0.9 < Membership.objects.filter(status="active").count() / members.count() < 0.97
    assert Enrollment.objects.count() > members.count() * 0.5
    assert PracticeAnswer.objects.count() > members.count() * 2
    assert MatchResult.objects.filter(resume__isnull=False).exists()


def test_members_spread_by_city_population(built):
    by_city = dict(
        User.objects.filter(phone__startswith=MEMBER_PHONE_PREFIX)
        .values_list("memberships__organization__region__parent__code")
        .annotate(n=Count("id"))
        .values_list("memberships__organization__region__parent__code", "n")
    )
    # 保定 (11.5 M people) and 石家庄 (11.2 M) well above 秦皇岛 (3.1 M) and 承德 (3.4 M).
    assert by_city["130600"] > 2 * by_city["130300"]
    assert by_city["130100"] > 2 * by_city["130800"]
    assert set(by_city) >= {"130100", "130200", "130900", "131000"}


def test_referential_integrity_and_valid_values(built):
    from hotline.models import HotlineRequest

    with connection.cursor() as cursor:
        # Every deferred foreign key is checked now, as a commit would.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # Unions hang below their county federation, with a consistent path.
    for union in UnionOrganization.objects.filter(kind="grassroots").select_related("parent")[:50]:
        assert union.parent.kind == "county"
        assert union.path == f"{union.parent.path}{union.pk}/"
        assert union.parent.region_id == union.region_id
    # A member's union lies in the region of their hotline requests' county, when online.
    for request in HotlineRequest.objects.filter(channel="online").select_related("region")[:50]:
        assert request.region.level == "county"
        assert request.member_id is not None
        assert request.state == "new" or request.assignee_id is not None
    for identity in DigitalIdentity.objects.all()[:20]:
        number = id_number_decrypt(identity.id_number_ciphertext, identity.key_id)
        assert ric.is_valid(number)
        assert member_id_is_valid(identity.member_id)
        assert number.endswith(identity.id_number_masked[-4:])
    # Sequences moved past the COPied ids: an ordinary insert still works.
    user = User.objects.create_user("13999990000")
    assert user.pk > User.objects.exclude(pk=user.pk).order_by("-pk").first().pk


def test_second_run_refuses_and_reset_rebuilds(built):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", scale=SCALE, no_demo=True, stdout=_Sink())
    call_command("seed_scale", scale=SCALE, no_demo=True, reset=True, stdout=_Sink())
    assert User.objects.filter(phone__startswith=MEMBER_PHONE_PREFIX).count() == 1060


@pytest.mark.django_db
def test_copy_fills_unnamed_columns_from_the_model():
    from regions.models import Region

    assert to_text(None) == r"\N" and to_text(True) == "t" and to_text([1, "甲"]) == '[1, "甲"]'
    province = Region.objects.get(code="130000")
    written = copy_rows(
        UnionOrganization,
        ["id", "name", "kind", "region_id", "path"],
        [(990001, "测试工会", "grassroots", province.pk, "990001/")],
    )
    union = UnionOrganization.objects.get(pk=990001)
    assert written == 1
    # Left out: the model's defaults (accepts_applications=True, blanks, created_at now).
    assert union.accepts_applications is True and union.employer_name == ""
    assert union.created_at is not None
    with pytest.raises(ValueError, match="NOT NULL"):
        copy_rows(UnionOrganization, ["id", "name"], [])
