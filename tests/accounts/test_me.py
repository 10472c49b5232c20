import json

import pytest
from django.urls import reverse

from accounts.models import ConsentRecord, Credential, Membership, User
from accounts.services.closure import account_close
from accounts.services.privacy import consent_grant
from accounts.services.wallet import member_card_issue
from core.models import AuditLog
from tests.accounts.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(union_tree):
    user = UserFactory(phone="13800000001", display_name="王伟")
    membership = MembershipFactory(user=user, organization=union_tree["factory"])
    member_card_issue(membership=membership)
    consent_grant(user=user, kind="privacy_policy")
    return user


def test_me_requires_sign_in(client):
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_me_home_shows_union_and_wallet(client, member):
    client.force_login(member)
    html = client.get(reverse("accounts:me")).content.decode()
    assert "王伟" in html and "石家庄重型装备制造有限公司工会" in html
    assert "138****0001" in html
    assert "卡包里有 1 张有效凭证" in html


def test_me_home_query_count(client, member, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:me")).status_code == 200


def test_data_export_is_the_owners_only_and_audited(client, member):
    other = UserFactory(display_name="别人")
    client.force_login(member)
    response = client.get(reverse("accounts:me_data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["phone"] == "13800000001"
    assert data["memberships"][0]["organization"] == "石家庄重型装备制造有限公司工会"
    assert data["wallet"][0]["kind"] == "member_card"
    assert data["consents"][0]["kind"] == "privacy_policy"
    assert other.display_name not in response.content.decode()
    assert AuditLog.objects.filter(action="account.export", target_id=str(member.pk)).exists()


def test_api_me_anonymous_and_owner(client, member):
    assert client.get("/api/me/").status_code in (401, 403)
    client.force_login(member)
    body = client.get("/api/me/").json()
    assert body["phone"] == "13800000001"
    assert body["organization"] == "石家庄重型装备制造有限公司工会"
    assert body["active_credentials"] == 1
    response = client.patch(
        "/api/me/", {"display_name": "王伟师傅"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["display_name"] == "王伟师傅"
    too_long = client.patch(
        "/api/me/", {"display_name": "长" * 60}, content_type="application/json"
    )
    assert too_long.status_code == 400
    assert User.objects.get(pk=member.pk).display_name == "王伟师傅"


def test_api_me_export(client, member):
    client.force_login(member)
    body = client.get("/api/me/export/").json()
    assert body["account"]["display_name"] == "王伟"


def test_close_account_through_the_page(client, member):
    client.force_login(member)
    url = reverse("accounts:me_privacy")
    wrong = client.post(url, {"phone": "13800000002", "phrase": "确认注销"})
    assert wrong.status_code == 200
    assert "手机号码与当前账号不一致" in wrong.content.decode()
    assert not User.objects.get(pk=member.pk).is_closed

    response = client.post(url, {"phone": "138 0000 0001", "phrase": "确认注销"}, follow=True)
    assert "您的账号已注销" in response.content.decode()
    closed = User.objects.get(pk=member.pk)
    assert closed.is_closed and not closed.is_active
    assert closed.phone == f"c{member.pk:010d}" and closed.display_name == "已注销用户"
    assert not closed.has_usable_password()
    # statistics stay, personal links go
    membership = Membership.objects.get(user=closed)
    assert membership.status == "ended" and membership.end_reason == "closed"
    assert Credential.objects.get(user=closed).revoked_at is not None
    assert not ConsentRecord.objects.filter(user=closed, withdrawn_at__isnull=True).exists()
    # signed out, and the number can register again
    assert client.get(reverse("accounts:me")).status_code == 302
    assert UserFactory(phone="13800000001").pk != closed.pk


def test_closing_twice_is_refused(member):
    from django.core.exceptions import ValidationError

    account_close(user=member)
    with pytest.raises(ValidationError, match="已注销"):
        account_close(user=member)


def test_closing_anonymises_the_identity_and_frees_the_id_number(member):
    from accounts.demo_identity import synthetic_id_number
    from accounts.models import DigitalIdentity
    from accounts.services.identity import identity_verify

    id_number = synthetic_id_number(county="130102", birth="19860314", sequence=371)
    identity = identity_verify(user=member, real_name="王伟", id_number=id_number, consent=True)
    member_id = identity.member_id
    account_close(user=member)

    identity = DigitalIdentity.objects.get(pk=identity.pk)
    assert identity.real_name == "已注销用户"
    assert identity.id_number_ciphertext == "" and identity.id_number_masked == ""
    assert id_number not in str(identity.__dict__)
    assert identity.member_id == member_id  # pseudonymous key kept for statistics
    assert identity.birth_date.month == 1 and identity.birth_date.day == 1
    # the same person may verify again with a new account
    newcomer = UserFactory(phone="13800000001")
    identity_verify(user=newcomer, real_name="王伟", id_number=id_number, consent=True)


def test_export_contains_the_owners_full_id_number(client, member):
    from accounts.demo_identity import synthetic_id_number
    from accounts.services.identity import identity_verify

    id_number = synthetic_id_number(county="130102", birth="19860314", sequence=371)
    identity_verify(user=member, real_name="王伟", id_number=id_number, consent=True)
    client.force_login(member)
    data = client.get("/api/me/export/").json()
    assert data["identity"]["id_number"] == id_number
    assert data["identity"]["member_id"].startswith("13")


def test_closing_ends_the_membership_through_the_membership_service(member):
    from accounts.models import MembershipEvent

    account_close(user=member)
    ended = MembershipEvent.objects.filter(user=member, kind=MembershipEvent.Kind.ENDED).get()
    assert ended.note == "账号注销"
    assert ended.organization.name == "石家庄重型装备制造有限公司工会"


def test_membership_end_is_idempotent_and_leaves_transfers_to_their_flow(member):
    from django.core.exceptions import ValidationError

    from accounts.services.membership import membership_end

    membership = Membership.objects.get(user=member)
    with pytest.raises(ValidationError, match="转会"):
        membership_end(membership=membership, reason=Membership.EndReason.TRANSFERRED)
    membership_end(membership=membership, reason=Membership.EndReason.LEFT)
    again = membership_end(membership=membership, reason=Membership.EndReason.LEFT)
    assert again.status == "ended" and again.end_reason == "left"
    assert Credential.objects.get(user=member).revoked_at is not None
