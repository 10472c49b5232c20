import pytest
from django.urls import reverse

from accounts.models import EmploymentForm, MembershipApplication, TransferRequest
from accounts.selectors.membership import membership_current
from accounts.services import membership as services
from tests.accounts.factories import UserFactory, make_member, make_officer, make_union

pytestmark = pytest.mark.django_db

STATUS = reverse("accounts:membership")
APPLY = reverse("accounts:membership_apply")
TRANSFER = reverse("accounts:membership_transfer")


def work(**extra):
    data = {
        "employer": "三河市燕郊镇快递服务站",
        "occupation": "快递员",
        "employment_form": "new_form",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("url", [STATUS, APPLY, TRANSFER])
def test_member_pages_need_sign_in(client, regions, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_apply_page_suggests_the_area_joint_union_and_filters(client, union_tree):
    client.force_login(UserFactory())
    html = client.get(APPLY, {"region": "131082"}).content.decode()
    assert "推荐：本地区的联合工会、行业工会" in html
    assert "三河市新就业形态联合工会" in html
    assert "石家庄重型装备制造有限公司工会" not in html
    assert 'name="organization"' in html
    html = client.get(APPLY, {"region": "130100", "kind": "grassroots"}).content.decode()
    assert "石家庄重型装备制造有限公司工会" in html
    assert "三河市新就业形态联合工会" not in html
    html = client.get(APPLY, {"q": "装备"}).content.decode()
    assert "石家庄重型装备制造有限公司工会" in html
    response = client.get(APPLY, {"region": "999999"})
    assert response.status_code == 200
    assert "请选择河北省内的市或县（区）" in response.content.decode()


def test_apply_end_to_end_then_status_timeline_and_withdraw(client, union_tree):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        APPLY + "?region=131082", {"organization": union_tree["joint"].pk, **work()}
    )
    assert response.status_code == 302 and response["Location"] == STATUS
    application = MembershipApplication.objects.get(user=user)
    html = client.get(STATUS).content.decode()
    assert "入会申请已提交" in html
    assert "待审核的入会申请" in html and "三河市新就业形态联合工会" in html
    assert "提交入会申请" in html  # the timeline step
    assert application.submitted_at.astimezone().strftime("%Y年") in html

    # a second application is sent back to the status page
    response = client.get(APPLY)
    assert response.status_code == 302 and response["Location"] == STATUS

    withdraw = reverse("accounts:membership_application_withdraw", args=[application.pk])
    response = client.post(withdraw, follow=True)
    assert "入会申请已撤回" in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.WITHDRAWN
    response = client.post(withdraw, follow=True)
    assert "申请人已撤回该入会申请" in response.content.decode()


def test_apply_with_bad_input_shows_chinese_errors_and_saves_nothing(client, union_tree):
    client.force_login(UserFactory())
    response = client.post(APPLY, {"organization": "", **work(employer="", employment_form="x")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择要加入的工会" in html
    assert "请填写工作单位" in html
    assert "请选择用工形式" in html
    response = client.post(APPLY, {"organization": union_tree["sanhe"].pk, **work()})
    assert "所选工会不存在或暂不接受入会申请" in response.content.decode()
    response = client.post(APPLY, {"organization": "abc", **work()})
    assert response.status_code == 200
    assert not MembershipApplication.objects.exists()


def test_service_refusal_is_shown_on_the_form(client, union_tree, monkeypatch):
    from django.core.exceptions import ValidationError

    client.force_login(UserFactory())
    errors = iter(
        [
            ValidationError({"employer": "单位名称有误。", "other": "整体错误。"}),
            ValidationError("您已有一份待审核的入会申请，请等待审核或先撤回。"),
        ]
    )

    def refuse(**kwargs):
        raise next(errors)

    monkeypatch.setattr(services, "membership_application_submit", refuse)
    html = client.post(APPLY, {"organization": union_tree["joint"].pk, **work()}).content.decode()
    assert "单位名称有误。" in html and "整体错误。" in html
    html = client.post(APPLY, {"organization": union_tree["joint"].pk, **work()}).content.decode()
    assert "您已有一份待审核的入会申请" in html


def test_another_members_application_is_404(client, union_tree):
    owner = UserFactory()
    application = services.membership_application_submit(
        user=owner,
        organization=union_tree["joint"],
        employment_form=EmploymentForm.NEW_FORM,
        employer="站点",
        occupation="快递员",
    )
    url = reverse("accounts:membership_application_withdraw", args=[application.pk])
    assert client.post(url).status_code == 302  # anonymous: to sign-in
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    client.force_login(owner)
    assert client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.WITHDRAWN


def test_transfer_end_to_end_through_the_pages(client, union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    client.force_login(user)
    html = client.get(STATUS).content.decode()
    assert "有效会员" in html and "石家庄重型装备制造有限公司工会" in html
    assert "办理转会" in html

    page = client.get(TRANSFER, {"region": "131082"}).content.decode()
    assert "三河市新就业形态联合工会" in page
    response = client.post(
        TRANSFER, {"organization": union_tree["factory"].pk, **work(reason="换工作")}
    )
    assert "已是该工会的会员" in response.content.decode()
    response = client.post(
        TRANSFER, {"organization": union_tree["joint"].pk, **work(reason="换工作")}
    )
    assert response.status_code == 302
    transfer = TransferRequest.objects.get(user=user)
    assert "待原工会转出" in client.get(STATUS).content.decode()

    services.transfer_release(transfer=transfer, officer=old_officer)
    services.transfer_accept(transfer=transfer, officer=new_officer)
    html = client.get(STATUS).content.decode()
    for step in (
        "提交入会申请",
        "入会申请通过",
        "申请转会",
        "原工会同意转出",
        "新工会接收，转会完成",
    ):
        assert step in html
    assert membership_current(user=user).organization == union_tree["joint"]


def test_transfer_page_needs_membership_and_withdraw_is_owner_only(client, union_tree):
    client.force_login(UserFactory())
    response = client.get(TRANSFER)
    assert response.status_code == 302 and response["Location"] == APPLY

    user = make_member(organization=union_tree["factory"])
    transfer = services.transfer_request_submit(
        user=user,
        to_organization=union_tree["joint"],
        employer="站点",
        occupation="快递员",
        employment_form=EmploymentForm.NEW_FORM,
    )
    url = reverse("accounts:membership_transfer_withdraw", args=[transfer.pk])
    assert client.post(url).status_code == 404  # someone else
    client.force_login(user)
    assert client.get(TRANSFER)["Location"] == STATUS  # already one open
    assert client.post(url).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferRequest.Status.WITHDRAWN


def test_status_page_query_count_is_bounded(client, union_tree, django_assert_max_num_queries):
    other = make_union(
        name="廊坊市快递行业联合工会",
        kind="industry",
        region_code="131000",
        parent=union_tree["langfang"],
    )
    old_officer = make_officer(organization=union_tree["changan"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    for target in (union_tree["joint"], other, union_tree["joint"]):
        transfer = services.transfer_request_submit(
            user=user,
            to_organization=target,
            employer="站点",
            occupation="快递员",
            employment_form=EmploymentForm.NEW_FORM,
        )
        services.transfer_withdraw(transfer=transfer, user=user)
    client.force_login(user)
    client.get(STATUS)
    with django_assert_max_num_queries(12):
        assert client.get(STATUS).status_code == 200
