import pytest
from django.core.exceptions import ValidationError

from accounts.models import UnionOrganization
from accounts.services.unions import union_organization_create
from regions.models import Region

pytestmark = pytest.mark.django_db
Kind = UnionOrganization.Kind


def test_paths_follow_the_tree(union_tree):
    province, sjz, factory = union_tree["province"], union_tree["sjz"], union_tree["factory"]
    assert province.path == f"{province.pk}/"
    assert factory.path.startswith(sjz.path) and factory.path.endswith(f"{factory.pk}/")
    assert factory.is_joinable and not sjz.is_joinable


def test_kind_must_fit_its_parent(union_tree):
    with pytest.raises(ValidationError, match="不能设在"):
        union_organization_create(
            name="错误的市总工会",
            kind=Kind.CITY_FEDERATION,
            region=Region.objects.get(code="130200"),
            parent=union_tree["factory"],
        )
    with pytest.raises(ValidationError, match="请选择上级工会"):
        union_organization_create(
            name="无上级工会", kind=Kind.GRASSROOTS, region=Region.objects.get(code="130102")
        )


def test_region_must_be_inside_the_parents(union_tree):
    with pytest.raises(ValidationError, match="地区范围内"):
        union_organization_create(
            name="跑错地方的工会",
            kind=Kind.GRASSROOTS,
            region=Region.objects.get(code="131082"),  # 三河, under 廊坊
            parent=union_tree["changan"],  # 石家庄 长安区
        )


def test_credit_code_is_checked_and_unique(union_tree):
    region = Region.objects.get(code="130102")
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        union_organization_create(
            name="某公司工会",
            kind=Kind.GRASSROOTS,
            region=region,
            parent=union_tree["changan"],
            credit_code="91130100MA0000000X",
        )
    assert not UnionOrganization.objects.filter(name="某公司工会").exists()


def test_duplicate_name_in_region_is_refused(union_tree):
    with pytest.raises(ValidationError, match="同名工会"):
        union_organization_create(
            name="石家庄重型装备制造有限公司工会",
            kind=Kind.GRASSROOTS,
            region=Region.objects.get(code="130102"),
            parent=union_tree["changan"],
        )
