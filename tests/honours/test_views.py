"""The public 劳模工匠 pages and the member's consent page: anonymous, another member, the
member themselves."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from honours.services import honour_consent_grant
from tests.accounts.factories import UserFactory
from tests.honours.factories import make_editor, make_honour

pytestmark = pytest.mark.django_db


@pytest.fixture
def honour(regions):
    return make_honour(editor=make_editor("131000"), story="风雨无阻送件八年，零投诉。")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_private_honour_is_shown_to_nobody_but_its_member(honour):
    detail = reverse("honours:detail", args=[honour.pk])
    assert _client().get(detail).status_code == 404
    assert _client(UserFactory()).get(detail).status_code == 404
    assert "张强" not in _client().get(reverse("honours:list")).content.decode()
    mine = _client(honour.user).get(reverse("honours:mine")).content.decode()
    assert "河北省五一劳动奖章" in mine and "同意公开我的事迹" in mine


def test_the_member_publishes_and_withdraws_from_their_page(honour):
    client = _client(honour.user)
    consent = reverse("honours:consent", args=[honour.pk])
    assert client.post(consent, {"decision": "grant"}).status_code == 302
    page = _client().get(reverse("honours:region", args=["hebei/langfang"]))
    assert "张强" in page.content.decode()
    assert _client().get(reverse("honours:detail", args=[honour.pk])).status_code == 200
    client.post(consent, {"decision": "withdraw"})
    assert _client().get(reverse("honours:detail", args=[honour.pk])).status_code == 404


def test_another_member_cannot_publish_someone_elses_honour(honour):
    response = _client(UserFactory()).post(
        reverse("honours:consent", args=[honour.pk]), {"decision": "grant"}
    )
    assert response.status_code == 404
    honour.refresh_from_db()
    assert honour.consented_at is None


def test_a_bad_decision_gets_a_chinese_message_and_changes_nothing(honour):
    client = _client(honour.user)
    response = client.post(
        reverse("honours:consent", args=[honour.pk]), {"decision": "both"}, follow=True
    )
    assert "请选择同意公开或撤回同意" in response.content.decode()
    honour.refresh_from_db()
    assert honour.consented_at is None


def test_anonymous_is_sent_to_sign_in_for_the_consent_page(honour):
    assert _client().get(reverse("honours:mine")).status_code == 302


def test_the_city_page_lists_public_profiles_in_few_queries(honour, django_assert_max_num_queries):
    honour_consent_grant(user=honour.user, honour=honour)
    for n in range(5):
        other = make_honour(editor=make_editor("131000"), name=f"工匠{n}", title=f"廊坊工匠{n}")
        honour_consent_grant(user=other.user, honour=other)
    with django_assert_max_num_queries(4):
        page = _client().get(reverse("honours:region", args=["hebei/langfang"]) + "?kind=")
    assert page.status_code == 200 and "工匠4" in page.content.decode()


def test_an_unknown_region_is_a_404_and_a_bad_kind_shows_everything(honour):
    honour_consent_grant(user=honour.user, honour=honour)
    assert _client().get(reverse("honours:region", args=["hebei/nowhere"])).status_code == 404
    page = _client().get(reverse("honours:list") + "?kind=nonsense")
    assert page.status_code == 200 and "张强" in page.content.decode()


def test_the_api_lists_only_public_profiles(honour):
    data = _client().get("/api/honours/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert rows == []
    honour_consent_grant(user=honour.user, honour=honour)
    data = _client().get("/api/honours/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [row["name"] for row in rows] == ["张强"]


def test_the_api_filters_by_region_code(honour):
    honour_consent_grant(user=honour.user, honour=honour)

    def names(query: str) -> list[str]:
        data = _client().get("/api/honours/" + query).json()
        return [row["name"] for row in (data["results"] if isinstance(data, dict) else data)]

    assert names("?region=131000") == ["张强"]  # 廊坊, the city of 三河
    assert names("?region=130100") == []  # 石家庄
    assert names("?region=nowhere") == []
