"""The exchange API: OAuth2 client credentials, scopes, cursors, pushes, the call log."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from allauth.idp.oidc.models import Token
from django.test import Client
from django.utils import timezone

from accounts.models import DigitalIdentity, Membership, User
from datahub.models import ExchangeCallLog, MemberChange
from datahub.services.exchange import exchange_client_register, exchange_members_push
from tests.datahub.factories import PersonFactory, id_number

MEMBERS = "/api/exchange/v1/members/"
CHANGES = "/api/exchange/v1/changes/"
PUSH = "/api/exchange/v1/members/push/"


def _record(row: dict) -> dict:
    return {
        "name": row["姓名"],
        "id_number": row["身份证号"],
        "phone": row["手机号"],
        "region": row["所在地区"],
        "union": row["工会"],
        "joined_on": row["入会日期"],
    }


@pytest.fixture
def federation(db):
    client, secret = exchange_client_register(
        name="中华全国总工会会员信息系统",
        scopes=["members:read", "members:write", "members:id_number"],
        client_id="acftu-test",
    )
    return client, secret


def _token(federation, scope: str) -> str:
    client, secret = federation
    basic = base64.b64encode(f"{client.id}:{secret}".encode()).decode()
    response = Client().post(
        "/oidc/token",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _get(path, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(path, params, **headers)


@pytest.mark.django_db
def test_no_token_is_a_chinese_401_and_logged(federation):
    response = _get(MEMBERS)
    assert response.status_code == 401
    assert "访问令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    log = ExchangeCallLog.objects.get()
    assert (log.status_code, log.client_id, log.path) == (401, "", MEMBERS)


@pytest.mark.django_db
def test_unknown_and_expired_tokens_are_told_apart(federation):
    assert "无效" in _get(MEMBERS, "not-a-token").json()["detail"]
    token = _token(federation, "members:read")
    Token.objects.filter(type=Token.Type.ACCESS_TOKEN).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = _get(MEMBERS, token)
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


@pytest.mark.django_db
def test_missing_scope_is_403_naming_it(federation):
    token = _token(federation, "members:read")
    response = Client().post(
        PUSH, {"members": []}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403
    assert "members:write" in response.json()["detail"]
    assert ExchangeCallLog.objects.filter(status_code=403, client_id="acftu-test").exists()


@pytest.mark.django_db
def test_a_scope_the_client_lacks_cannot_be_obtained(db):
    client, secret = exchange_client_register(name="只读系统", scopes=["members:read"])
    basic = base64.b64encode(f"{client.id}:{secret}".encode()).decode()
    response = Client().post(
        "/oidc/token",
        {"grant_type": "client_credentials", "scope": "members:write"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


@pytest.mark.django_db
def test_a_members_own_token_is_refused(federation):
    user = User.objects.create(phone="13712345678")
    token = Token(type=Token.Type.ACCESS_TOKEN, client=federation[0], user=user)
    token.set_value("member-token-value")
    token.set_scopes(["members:read"])
    token.expires_at = timezone.now() + timedelta(hours=1)
    token.save()
    response = _get(MEMBERS, "member-token-value")
    assert response.status_code == 401
    assert "client_credentials" in response.json()["detail"]


@pytest.mark.django_db
def test_push_then_pull_with_masking_by_scope(federation, union_tree):
    rows = [_record(r) for r in PersonFactory.build_batch(3)]
    rows.append({**rows[0], "id_number": "110105194912310021"})  # bad checksum
    token = _token(federation, "members:read members:write")
    response = Client().post(
        PUSH,
        {"members": rows},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["accepted", "accepted", "accepted", "rejected"]
    assert "校验位" in response.json()["results"][3]["reason"]
    assert Membership.objects.filter(organization=union_tree["joint"]).count() == 3

    again = Client().post(
        PUSH,
        {"members": rows[:3]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert [r["status"] for r in again.json()["results"]] == ["unchanged"] * 3
    assert DigitalIdentity.objects.count() == 3

    page = _get(MEMBERS, token).json()
    assert {m["id_number"] for m in page["results"]} == {
        DigitalIdentity.objects.get(member_id=m["member_id"]).id_number_masked
        for m in page["results"]
    }
    assert all(m["id_number_masked"] and "*" in m["id_number"] for m in page["results"])
    assert page["results"][0]["union"]["name"] == "三河市新就业形态联合工会"

    full_token = _token(federation, "members:read members:id_number")
    full = _get(MEMBERS, full_token).json()["results"]
    assert {m["id_number"] for m in full} == {r["id_number"] for r in rows[:3]}
    log = ExchangeCallLog.objects.filter(scopes__contains="members:id_number").get()
    assert log.result_count == 3


@pytest.mark.django_db
def test_bad_cursor_and_limit_are_400(federation):
    token = _token(federation, "members:read")
    assert _get(MEMBERS, token, cursor="forged").status_code == 400
    assert "游标" in str(_get(CHANGES, token, cursor="abc").json())
    assert _get(MEMBERS, token, limit="0").status_code == 400


@pytest.mark.django_db
def test_member_pages_have_no_gaps_or_repeats(federation, union_tree):
    exchange_members_push(
        client_id="seed", records=[_record(r) for r in PersonFactory.build_batch(7)]
    )
    token = _token(federation, "members:read")
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = _get(MEMBERS, token, **params).json()
        seen += [m["member_id"] for m in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(DigitalIdentity.objects.values_list("member_id", flat=True))
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.django_db(transaction=True)
def test_change_feed_pages_without_gaps_or_repeats_while_rows_change(federation, union_tree):
    people = PersonFactory.build_batch(10)
    exchange_members_push(client_id="seed", records=[_record(r) for r in people[:4]])
    token = _token(federation, "members:read")
    collected, cursor = [], None
    for round_ in range(12):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = _get(CHANGES, token, **params).json()
        collected += [(c["member_id"], c["kind"]) for c in page["results"]]
        cursor = page["next_cursor"]
        if 4 + round_ < len(people):  # rows keep arriving between pages
            exchange_members_push(client_id="seed", records=[_record(people[4 + round_])])
    expected = [
        (member_id, kind)
        for member_id, kind in MemberChange.objects.order_by("txid", "id").values_list(
            "user_id", "kind"
        )
    ]
    assert len(collected) == len(expected) == 20  # created + joined, for 10 people
    assert len(set(collected)) == len(collected)
    member_ids = dict(DigitalIdentity.objects.values_list("user_id", "member_id"))
    assert collected == [(member_ids[user_id], kind) for user_id, kind in expected]


@pytest.mark.django_db
def test_push_validates_the_body(federation):
    token = _token(federation, "members:write")
    response = Client().post(
        PUSH,
        {"members": [{"name": "张三"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "id_number" in str(response.json()["members"])


def test_id_number_helper_is_valid():
    from stdnum.cn import ric

    assert ric.is_valid(id_number())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_committing_late_is_not_skipped(federation, union_tree):
    """A long transaction (an import) draws its ids first but commits last: the feed holds
    later rows back until it has committed, so the cursor never passes its rows."""
    import threading

    from django.db import connection, transaction

    people = PersonFactory.build_batch(2)
    token = _token(federation, "members:read")
    inside, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_import():
        try:
            with transaction.atomic():
                exchange_members_push(client_id="slow", records=[_record(people[0])])
                inside.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=slow_import)
    worker.start()
    assert inside.wait(timeout=30)
    exchange_members_push(client_id="fast", records=[_record(people[1])])  # commits first
    first = _get(CHANGES, token).json()
    assert first["results"] == []  # held back: an older transaction is still running
    release.set()
    assert done.wait(timeout=30)
    worker.join()
    second = _get(CHANGES, token, cursor=first["next_cursor"]).json()
    sources = [c["member_id"] for c in second["results"]]
    assert len(sources) == 4
    slow_member = DigitalIdentity.objects.get(user__phone=people[0]["手机号"]).member_id
    assert sources[:2] == [slow_member, slow_member]
