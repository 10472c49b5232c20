import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from accounts.models import Role, UnionOrganization
from accounts.permissions import Action, organization_scope_q, region_scope_q, user_can
from accounts.services.roles import role_assign, role_revoke
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def region(code):
    return Region.objects.get(code=code)


def test_region_editor_scope_covers_own_subtree_only(regions):
    editor = StaffUserFactory()
    role_assign(user=editor, role=Role.REGION_EDITOR, region=region("131000"))
    assert user_can(editor, Action.CONTENT_PUBLISH, region=region("131000"))
    assert user_can(editor, Action.CONTENT_PUBLISH, region=region("131082"))  # 三河 in 廊坊
    assert user_can(editor, Action.CONTENT_PUBLISH, region="131082")
    assert not user_can(editor, Action.CONTENT_PUBLISH, region=region("130100"))  # 石家庄
    assert not user_can(editor, Action.CONTENT_PUBLISH, region=region("130000"))  # the province
    assert not user_can(editor, Action.MEMBERSHIP_REVIEW, region=region("131000"))
    assert user_can(editor, Action.CONTENT_PUBLISH)  # somewhere
    assert not user_can(editor, Action.CONTENT_PUBLISH, region="999999")


def test_region_scope_filter(regions):
    editor = StaffUserFactory()
    role_assign(user=editor, role=Role.REGION_EDITOR, region=region("131000"))
    codes = set(
        Region.objects.filter(
            region_scope_q(editor, Action.CONTENT_PUBLISH, field="parent")
        ).values_list("code", flat=True)
    )
    assert len(codes) == 10 and "131082" in codes
    assert not Region.objects.filter(region_scope_q(UserFactory(), Action.CONTENT_PUBLISH)).exists()


def test_officer_scope_is_their_organisation_subtree(union_tree):
    officer = UserFactory()
    role_assign(user=officer, role=Role.ORG_OFFICER, organization=union_tree["sanhe"])
    assert user_can(officer, Action.MEMBERSHIP_REVIEW, organization=union_tree["joint"])
    assert user_can(officer, Action.MEMBERSHIP_REVIEW, organization=union_tree["sanhe"])
    assert not user_can(officer, Action.MEMBERSHIP_REVIEW, organization=union_tree["factory"])
    assert not user_can(officer, Action.MEMBERSHIP_REVIEW, organization=union_tree["langfang"])
    visible = set(
        UnionOrganization.objects.filter(
            organization_scope_q(officer, Action.MEMBERSHIP_REVIEW, field="")
        ).values_list("name", flat=True)
    )
    assert visible == {"三河市总工会", "三河市新就业形态联合工会"}
    assert officer.is_staff  # officers work in the admin


def test_province_admin_reaches_organisations_through_their_region(union_tree):
    admin = StaffUserFactory()
    role_assign(user=admin, role=Role.PROVINCE_ADMIN, region=region("130000"))
    assert user_can(admin, Action.MEMBERSHIP_REVIEW, organization=union_tree["factory"])
    assert UnionOrganization.objects.filter(
        organization_scope_q(admin, Action.MEMBERSHIP_REVIEW, field="")
    ).count() == len(union_tree)


def test_nobody_else_and_revocation(union_tree):
    member = UserFactory()
    assert not user_can(AnonymousUser(), Action.CONTENT_PUBLISH)
    assert not user_can(member, Action.MEMBERSHIP_REVIEW, organization=union_tree["joint"])
    officer = UserFactory()
    assignment = role_assign(user=officer, role=Role.ORG_OFFICER, organization=union_tree["joint"])
    assert role_assign(user=officer, role=Role.ORG_OFFICER, organization=union_tree["joint"]) == (
        assignment
    )
    role_revoke(assignment=assignment)
    assert not user_can(officer, Action.MEMBERSHIP_REVIEW, organization=union_tree["joint"])


def test_inactive_user_may_do_nothing_superuser_everything(union_tree):
    officer = UserFactory()
    role_assign(user=officer, role=Role.ORG_OFFICER, organization=union_tree["joint"])
    officer.is_active = False
    assert not user_can(officer, Action.MEMBERSHIP_REVIEW, organization=union_tree["joint"])
    root = UserFactory(is_superuser=True, is_staff=True)
    assert user_can(root, Action.IDENTITY_VIEW_ID_NUMBER, region="130100")


def test_role_needs_the_right_kind_of_scope(union_tree):
    user = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        role_assign(user=user, role=Role.ORG_OFFICER, region=region("131000"))
    assert "该角色需要绑定正确的地区或工会。" in excinfo.value.messages
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.REGION_EDITOR, organization=union_tree["joint"])
