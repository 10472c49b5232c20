"""Who may see a full ID number, and that every staff view is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.services.identity import identity_id_number_reveal
from accounts.services.roles import role_assign
from core.models import AuditLog
from regions.models import Region
from tests.accounts.factories import (
    StaffUserFactory,
    UserFactory,
    make_card_holder,
    make_id_number,
    make_identity,
)


@pytest.fixture
def member(union_tree):
    """A verified member of the 石家庄 factory union."""
    membership, _card = make_card_holder(organization=union_tree["factory"], verified=False)
    number = make_id_number(county="130102", birth="19860314", sequence=371)
    identity = make_identity(user=membership.user, real_name="王伟", id_number=number)
    return identity, number


def _admin_over(code: str):
    staff = StaffUserFactory()
    role_assign(user=staff, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code=code))
    return staff


def test_owner_sees_own_number_without_audit(member):
    identity, number = member
    assert identity_id_number_reveal(identity=identity, viewer=identity.user) == number
    assert not AuditLog.objects.filter(action="identity.view_id_number").exists()


def test_permitted_staff_view_is_audited(member):
    identity, number = member
    staff = _admin_over("130000")
    assert identity_id_number_reveal(identity=identity, viewer=staff) == number
    entry = AuditLog.objects.get(action="identity.view_id_number")
    assert entry.actor == staff
    assert entry.target_id == str(identity.pk)
    assert entry.target_type == "accounts.digitalidentity"


def test_superuser_view_is_audited(member):
    identity, number = member
    admin = StaffUserFactory(is_superuser=True)
    assert identity_id_number_reveal(identity=identity, viewer=admin) == number
    assert AuditLog.objects.filter(action="identity.view_id_number", actor=admin).count() == 1


@pytest.mark.parametrize("who", ["other_member", "plain_staff", "admin_elsewhere", "anonymous"])
def test_refused_reveal(member, who):
    identity, _number = member
    from django.contrib.auth.models import AnonymousUser

    viewer = {
        "other_member": lambda: UserFactory(),
        "plain_staff": lambda: StaffUserFactory(),
        # An administrator scoped to 廊坊 does not cover a 石家庄 member.
        "admin_elsewhere": lambda: _admin_over("131000"),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        identity_id_number_reveal(identity=identity, viewer=viewer)
    assert not AuditLog.objects.filter(action="identity.view_id_number").exists()


def test_member_without_union_is_in_province_scope(regions):
    identity = make_identity()
    with pytest.raises(PermissionDenied):
        identity_id_number_reveal(identity=identity, viewer=_admin_over("131000"))
    assert identity_id_number_reveal(identity=identity, viewer=_admin_over("130000"))
