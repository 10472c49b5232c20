"""Factories for accounts. Organisations are built through the service so their paths are
right; use ``union_tree`` (tests/conftest.py) for a ready-made tree."""

import factory

from accounts.models import Membership, RoleAssignment, UnionOrganization, User
from accounts.models.membership import EmploymentForm
from accounts.services.unions import union_organization_create
from regions.models import Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"137{n:08d}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", "Test-password-2026")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save(update_fields=["password"])


class StaffUserFactory(UserFactory):
    is_staff = True


def make_union(*, name, kind, region_code, parent=None, **extra) -> UnionOrganization:
    return union_organization_create(
        name=name,
        kind=kind,
        region=Region.objects.get(code=region_code),
        parent=parent,
        **extra,
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    employer = "河北某装备制造有限公司"
    occupation = "装配钳工"
    employment_form = EmploymentForm.FULL_TIME


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(StaffUserFactory)
