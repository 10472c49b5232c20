"""Factories for accounts. Organisations are built through the service so their paths are
right; use ``union_tree`` (tests/conftest.py) for a ready-made tree."""

import factory

from accounts.models import ConsentRecord, Membership, RoleAssignment, UnionOrganization, User
from accounts.models.membership import EmploymentForm
from accounts.services.privacy import consent_grant
from accounts.services.unions import union_organization_create
from regions.models import Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"137{n:08d}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", "Test-password-2026")

    @factory.post_generation
    def consented(self, create, extracted, **kwargs):
        """Agreed to the current privacy policy, as everyone signing up does; pass
        ``consented=False`` for a member imported from a union roster (the consent gate)."""
        if create and extracted is not False:
            consent_grant(user=self, kind=ConsentRecord.Kind.PRIVACY_POLICY)

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


# --- membership (入会, 转会) ---


def make_officer(*, organization, **user_fields):
    """A staff user holding ORG_OFFICER over ``organization`` (and the unions below it)."""
    from accounts.models import Role
    from accounts.services.roles import role_assign

    officer = StaffUserFactory(**user_fields)
    role_assign(user=officer, role=Role.ORG_OFFICER, organization=organization)
    return officer


def make_member(*, organization, user=None, officer=None, **work):
    """A user with an active membership of ``organization``, admitted through the services
    (so the timeline and the member card exist as in real life)."""
    from accounts.services.membership import (
        membership_application_approve,
        membership_application_submit,
    )

    user = user or UserFactory()
    application = membership_application_submit(
        user=user,
        organization=organization,
        employer=work.get("employer", "石家庄重型装备制造有限公司"),
        occupation=work.get("occupation", "装配钳工"),
        employment_form=work.get("employment_form", EmploymentForm.FULL_TIME),
    )
    officer = officer or make_officer(organization=organization)
    membership_application_approve(application=application, officer=officer)
    return user


# --- identity (实名认证, member card, wallet) ---

import itertools  # noqa: E402 - appended section

_id_sequence = itertools.count(1)


def make_id_number(*, county="130102", birth="19860314", sequence=None):
    """A synthetic, valid resident ID number (real county code, real date, valid check)."""
    from stdnum.cn import ric

    sequence = next(_id_sequence) % 1000 if sequence is None else sequence
    body = f"{county}{birth}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_identity(*, user=None, real_name="张建华", id_number=None):
    """A user verified through identity_verify (consent given)."""
    from accounts.services.identity import identity_verify

    user = user or UserFactory()
    return identity_verify(
        user=user,
        real_name=real_name,
        id_number=id_number or make_id_number(),
        consent=True,
    )


def make_card_holder(*, organization, user=None, verified=True):
    """A member of ``organization`` holding its member card: ``(membership, card)``."""
    from accounts.services.wallet import member_card_issue

    user = user or UserFactory()
    if verified:
        make_identity(user=user)
    membership = MembershipFactory(user=user, organization=organization)
    return membership, member_card_issue(membership=membership)
