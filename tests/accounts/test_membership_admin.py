import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.models import (
    Membership,
    MembershipApplication,
    Role,
    TransferRequest,
    UnionOrganization,
)
from accounts.services import membership as services
from accounts.services.roles import role_assign
from regions.models import Region
from tests.accounts.factories import (
    StaffUserFactory,
    UserFactory,
    make_member,
    make_officer,
    make_union,
)

pytestmark = pytest.mark.django_db

APPLICATIONS = reverse("admin:accounts_membershipapplication_changelist")
TRANSFERS = reverse("admin:accounts_transferrequest_changelist")
UNIONS = reverse("admin:accounts_unionorganization_changelist")
MEMBERSHIPS = reverse("admin:accounts_membership_changelist")


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    # The TOTP gate has its own tests; here officers go straight to work.
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def apply(user, organization):
    return services.membership_application_submit(
        user=user,
        organization=organization,
        employer="三河市燕郊镇快递服务站",
        occupation="快递员",
        employment_form="new_form",
    )


def act(client, url, action, objects, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


def test_officer_without_model_permissions_sees_only_their_scope(client, union_tree):
    officer = make_officer(organization=union_tree["sanhe"])
    assert not officer.user_permissions.exists() and not officer.is_superuser
    mine = apply(UserFactory(display_name="张强"), union_tree["joint"])
    other = apply(UserFactory(display_name="王五"), union_tree["factory"])
    client.force_login(officer)

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert APPLICATIONS in index.content.decode()

    html = client.get(APPLICATIONS).content.decode()
    assert "张强" in html and "王五" not in html
    own_url = reverse("admin:accounts_membershipapplication_change", args=[mine.pk])
    other_url = reverse("admin:accounts_membershipapplication_change", args=[other.pk])
    assert client.get(own_url).status_code == 200
    assert client.get(other_url).status_code == 404
    assert (
        client.get(
            reverse("admin:accounts_membershipapplication_history", args=[other.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:accounts_membershipapplication_change", args=["x"])).status_code
        == 404
    )

    unions = client.get(UNIONS).content.decode()
    assert "三河市新就业形态联合工会" in unions and "石家庄重型装备制造有限公司工会" not in unions


def test_plain_member_and_anonymous_cannot_enter(client, union_tree):
    assert client.get(APPLICATIONS).status_code == 302  # to the admin login
    staff_without_role = StaffUserFactory()
    client.force_login(staff_without_role)
    assert client.get(APPLICATIONS).status_code == 403


def test_approve_action_calls_the_service_and_is_scoped(client, union_tree):
    officer = make_officer(organization=union_tree["sanhe"])
    user = UserFactory()
    mine = apply(user, union_tree["joint"])
    other = apply(UserFactory(), union_tree["factory"])
    client.force_login(officer)

    response = act(client, APPLICATIONS, "approve_selected", [mine, other])
    html = response.content.decode()
    assert "已通过 1 份入会申请" in html
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == MembershipApplication.Status.APPROVED and mine.decided_by == officer
    assert other.status == MembershipApplication.Status.SUBMITTED  # out of scope: untouched
    assert Membership.objects.get(user=user).organization == union_tree["joint"]

    html = act(client, APPLICATIONS, "approve_selected", [mine]).content.decode()
    assert "无需重复审核" in html
    assert Membership.objects.filter(user=user).count() == 1


def test_reject_action_asks_for_a_reason(client, union_tree):
    officer = make_officer(organization=union_tree["sanhe"])
    application = apply(UserFactory(), union_tree["joint"])
    client.force_login(officer)

    page = act(client, APPLICATIONS, "reject_selected", [application])
    assert page.status_code == 200
    assert "确认驳回" in page.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED

    empty = act(client, APPLICATIONS, "reject_selected", [application], apply="1", reason=" ")
    assert "请填写理由" in empty.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED

    done = act(
        client,
        APPLICATIONS,
        "reject_selected",
        [application],
        apply="1",
        reason="请提供与快递站点的劳务协议",
    )
    assert "已驳回 1 条" in done.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decision_reason == "请提供与快递站点的劳务协议"


def test_transfer_release_and_accept_actions(client, union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    transfer = services.transfer_request_submit(
        user=user,
        to_organization=union_tree["joint"],
        employer="三河市燕郊镇快递服务站",
        occupation="快递员",
        employment_form="new_form",
    )
    client.force_login(new_officer)
    html = act(client, TRANSFERS, "accept_selected", [transfer]).content.decode()
    assert "原工会尚未同意转出" in html
    client.force_login(old_officer)
    html = act(client, TRANSFERS, "release_selected", [transfer]).content.decode()
    assert "已同意转出 1 份" in html
    html = act(client, TRANSFERS, "accept_selected", [transfer]).content.decode()
    assert "无权办理" in html
    client.force_login(new_officer)
    html = act(client, TRANSFERS, "accept_selected", [transfer]).content.decode()
    assert "已接收 1 名会员" in html
    transfer.refresh_from_db()
    assert transfer.status == TransferRequest.Status.COMPLETED
    assert Membership.objects.get(user=user, status="active").organization == union_tree["joint"]
    # both sides see it; an officer elsewhere gets a 404
    url = reverse("admin:accounts_transferrequest_change", args=[transfer.pk])
    assert client.get(url).status_code == 200
    client.force_login(make_officer(organization=union_tree["langfang"]))
    assert client.get(url).status_code == 200  # 三河 lies below 廊坊
    qiaoxi = make_union(
        name="桥西区总工会", kind="county", region_code="130104", parent=union_tree["sjz"]
    )
    client.force_login(make_officer(organization=qiaoxi))
    assert client.get(url).status_code == 404


def test_transfer_reject_action(client, union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    transfer = services.transfer_request_submit(
        user=user,
        to_organization=union_tree["joint"],
        employer="站点",
        occupation="快递员",
        employment_form="new_form",
    )
    client.force_login(old_officer)
    html = act(
        client, TRANSFERS, "reject_selected", [transfer], apply="1", reason="会费未结清"
    ).content.decode()
    assert "已驳回 1 条" in html
    transfer.refresh_from_db()
    assert transfer.status == TransferRequest.Status.REJECTED


def test_memberships_are_read_only_and_scoped(client, union_tree):
    officer = make_officer(organization=union_tree["sanhe"])
    mine = make_member(organization=union_tree["joint"], user=UserFactory(display_name="张强"))
    make_member(organization=union_tree["factory"], user=UserFactory(display_name="王伟"))
    client.force_login(officer)
    html = client.get(MEMBERSHIPS).content.decode()
    assert "张强" in html and "王伟" not in html
    membership = Membership.objects.get(user=mine)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "ended"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert client.get(reverse("admin:accounts_membership_add")).status_code == 403


def test_add_union_goes_through_the_service_within_scope(client, union_tree):
    officer = make_officer(organization=union_tree["sanhe"])
    client.force_login(officer)
    add = reverse("admin:accounts_unionorganization_add")
    assert client.get(add).status_code == 200
    data = {
        "name": "三河市燕郊高新区某电子有限公司工会",
        "kind": "grassroots",
        "parent": union_tree["sanhe"].pk,
        "region": Region.objects.get(code="131082").pk,
        "employer_name": "三河市燕郊高新区某电子有限公司",
        "credit_code": "",
        "trades": "",
        "accepts_applications": "on",
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = UnionOrganization.objects.get(name="三河市燕郊高新区某电子有限公司工会")
    assert created.path == f"{union_tree['sanhe'].path}{created.pk}/"

    # a parent outside the scope is not a choice; a region outside the parent's is refused
    before = UnionOrganization.objects.count()
    outside = client.post(add, {**data, "name": "外地工会", "parent": union_tree["changan"].pk})
    assert outside.status_code == 200
    wrong_region = client.post(
        add, {**data, "name": "错地区工会", "region": Region.objects.get(code="130102").pk}
    )
    assert "工会所在地区必须在上级工会的地区范围内" in wrong_region.content.decode()
    no_parent = client.post(add, {**data, "name": "无上级工会", "parent": ""})
    assert "请选择您负责范围内的上级工会" in no_parent.content.decode()
    bad_code = client.post(add, {**data, "name": "错代码工会", "credit_code": "123"})
    assert "无效" in bad_code.content.decode()
    assert UnionOrganization.objects.count() == before


def test_province_admin_sees_everything_in_their_region(client, union_tree):
    admin_user = StaffUserFactory()
    role_assign(user=admin_user, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="130000"))
    apply(UserFactory(display_name="张强"), union_tree["joint"])
    apply(UserFactory(display_name="王五"), union_tree["factory"])
    client.force_login(admin_user)
    html = client.get(APPLICATIONS).content.decode()
    assert "张强" in html and "王五" in html
