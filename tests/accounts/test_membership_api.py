import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import MembershipApplication, TransferRequest
from accounts.services import membership as services
from tests.accounts.factories import UserFactory, make_member, make_officer

pytestmark = pytest.mark.django_db

STATUS = "/api/me/membership/"
APPLICATIONS = "/api/me/membership/applications/"
TRANSFERS = "/api/me/membership/transfers/"


@pytest.fixture
def api():
    return APIClient(enforce_csrf_checks=True)


def signed_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def payload(union, **extra):
    data = {
        "organization": union.pk,
        "employer": "廊坊顺达物流有限公司",
        "occupation": "货车司机",
        "employment_form": "full_time",
    }
    data.update(extra)
    return data


def test_urls_are_named(regions):
    assert reverse("membership-status") == STATUS
    assert reverse("membership-application-create") == APPLICATIONS
    assert reverse("membership-transfer-create") == TRANSFERS


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", STATUS),
        ("post", APPLICATIONS),
        ("post", TRANSFERS),
        ("post", APPLICATIONS + "1/withdraw/"),
        ("post", TRANSFERS + "1/withdraw/"),
    ],
)
def test_anonymous_is_refused(api, regions, method, url):
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code in (401, 403)


def test_status_of_a_non_member(regions):
    response = signed_in(UserFactory()).get(STATUS)
    assert response.status_code == 200
    assert response.json() == {
        "membership": None,
        "open_application": None,
        "open_transfer": None,
        "timeline": [],
    }


def test_apply_status_and_withdraw(union_tree):
    user = UserFactory()
    client = signed_in(user)
    response = client.post(APPLICATIONS, payload(union_tree["joint"]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["status_display"] == "待审核"
    assert body["organization"]["name"] == "三河市新就业形态联合工会"
    assert body["organization"]["region"] == "131082"

    status = client.get(STATUS).json()
    assert status["open_application"]["id"] == body["id"]
    assert [step["kind_display"] for step in status["timeline"]] == ["提交入会申请"]

    again = client.post(APPLICATIONS, payload(union_tree["factory"]), format="json")
    assert again.status_code == 400
    assert "待审核的入会申请" in str(again.json())

    withdraw = client.post(f"{APPLICATIONS}{body['id']}/withdraw/")
    assert withdraw.status_code == 200 and withdraw.json()["status"] == "withdrawn"
    assert client.post(f"{APPLICATIONS}{body['id']}/withdraw/").status_code == 400


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"employer": ""}, "请填写工作单位"),
        ({"employment_form": "part_time"}, "请选择用工形式"),
        ({"organization": "abc"}, "工会编号应为整数"),
        ({"organization": 999999}, "所选工会不存在"),
    ],
)
def test_apply_with_bad_input_is_400_in_chinese(union_tree, change, message):
    client = signed_in(UserFactory())
    response = client.post(APPLICATIONS, payload(union_tree["joint"], **change), format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not MembershipApplication.objects.exists()


def test_applying_to_a_federation_is_400(union_tree):
    response = signed_in(UserFactory()).post(
        APPLICATIONS, payload(union_tree["sanhe"]), format="json"
    )
    assert response.status_code == 400
    assert "所选工会不存在或暂不接受入会申请" in str(response.json())


def test_another_members_application_is_404(union_tree):
    owner = UserFactory()
    created = signed_in(owner).post(APPLICATIONS, payload(union_tree["joint"]), format="json")
    url = f"{APPLICATIONS}{created.json()['id']}/withdraw/"
    assert signed_in(UserFactory()).post(url).status_code == 404
    assert signed_in(owner).post(f"{APPLICATIONS}999999/withdraw/").status_code == 404
    assert MembershipApplication.objects.get().status == MembershipApplication.Status.SUBMITTED


def test_transfer_through_the_api(union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    client = signed_in(user)
    status = client.get(STATUS).json()
    assert status["membership"]["organization"]["name"] == "石家庄重型装备制造有限公司工会"
    assert [s["kind"] for s in status["timeline"]] == ["applied", "approved"]

    response = client.post(
        TRANSFERS, payload(union_tree["joint"], reason="到三河跑运输"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested"
    assert body["from_organization"]["name"] == "石家庄重型装备制造有限公司工会"
    assert client.get(STATUS).json()["open_transfer"]["id"] == body["id"]

    second = client.post(TRANSFERS, payload(union_tree["joint"]), format="json")
    assert second.status_code == 400 and "正在办理的转会申请" in str(second.json())

    url = f"{TRANSFERS}{body['id']}/withdraw/"
    assert signed_in(UserFactory()).post(url).status_code == 404
    assert client.post(url).status_code == 200
    assert TransferRequest.objects.get().status == TransferRequest.Status.WITHDRAWN


def test_transfer_without_membership_is_400(union_tree):
    response = signed_in(UserFactory()).post(TRANSFERS, payload(union_tree["joint"]), format="json")
    assert response.status_code == 400
    assert "请先申请入会" in str(response.json())


def test_completed_transfer_shows_full_history(union_tree):
    old_officer = make_officer(organization=union_tree["changan"])
    new_officer = make_officer(organization=union_tree["sanhe"])
    user = make_member(organization=union_tree["factory"], officer=old_officer)
    transfer = services.transfer_request_submit(
        user=user,
        to_organization=union_tree["joint"],
        employer="站点",
        occupation="快递员",
        employment_form="new_form",
    )
    services.transfer_release(transfer=transfer, officer=old_officer)
    services.transfer_accept(transfer=transfer, officer=new_officer)
    status = signed_in(user).get(STATUS).json()
    assert status["membership"]["organization"]["name"] == "三河市新就业形态联合工会"
    assert status["open_transfer"] is None
    assert [s["kind"] for s in status["timeline"]] == [
        "applied",
        "approved",
        "transfer_requested",
        "transfer_released",
        "transfer_completed",
    ]
    assert all(step["created_at"] for step in status["timeline"])


def test_schema_documents_the_membership_endpoints(client, regions):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/me/membership/" in paths
    assert "post" in paths["/api/me/membership/applications/"]
    assert "post" in paths["/api/me/membership/transfers/"]
    assert paths["/api/me/membership/"]["get"]["summary"] == "我的会籍"
