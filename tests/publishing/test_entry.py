import json

import pytest
from django.urls import reverse

from publishing.selectors.entry import region_nearest_county
from regions.current import CURRENT_REGION_COOKIE, CURRENT_REGION_SESSION_KEY
from tests.accounts.factories import make_member

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_member_opens_their_unions_region_first(client, union_tree):
    user = make_member(organization=union_tree["joint"])  # 三河市新就业形态联合工会
    client.force_login(user)
    client.cookies[CURRENT_REGION_COOKIE] = "130100"  # a saved choice loses to the union
    response = client.get(reverse("publishing:entry"))
    assert response.status_code == 302
    assert response["Location"] == "/hebei/langfang/sanhe/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "根据您所在的工会（三河市新就业形态联合工会）" in html
    assert "切换地区" in html
    assert client.session[CURRENT_REGION_SESSION_KEY] == "131082"


def test_saved_choice_is_used_without_a_union(client, regions):
    client.cookies[CURRENT_REGION_COOKIE] = "130100"
    response = client.get(reverse("publishing:entry"))
    assert response["Location"] == "/hebei/shijiazhuang/"
    assert "您上次选择了石家庄市" in client.get(response["Location"]).content.decode()


def test_signed_in_user_without_union_uses_saved_choice(client, member):
    client.force_login(member)
    client.post(reverse("publishing:set_current"), {"code": "131000"})
    response = client.get(reverse("publishing:entry"))
    assert response["Location"] == "/hebei/langfang/"


def test_without_union_or_choice_the_visitor_is_located_or_asks(client, regions):
    response = client.get(reverse("publishing:entry"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "使用我的位置" in html and "js/region-locate.js" in html
    # Without JavaScript the list of every region is there to pick from.
    assert html.count('name="code"') == 1 + 11 + 167


def test_location_opens_the_nearest_county(client, regions):
    # 三河市 lies between Beijing and 廊坊's main city.
    response = client.post(
        reverse("publishing:locate"), {"latitude": "39.98", "longitude": "117.08"}
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data == {"url": "/hebei/langfang/sanhe/", "code": "131082", "name": "三河市"}
    assert client.session[CURRENT_REGION_SESSION_KEY] == "131082"
    assert "根据您的定位" in client.get(data["url"]).content.decode()


def test_nearest_county_by_coordinates(regions):
    assert region_nearest_county(latitude=38.04, longitude=114.51).code.startswith("1301")
    assert region_nearest_county(latitude=31.23, longitude=121.47) is None  # 上海


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({}, "没有收到定位信息"),
        ({"latitude": "abc", "longitude": "117"}, "定位信息无效"),
        ({"latitude": "91", "longitude": "117"}, ""),
        ({"latitude": "31.23", "longitude": "121.47"}, "不在河北省内"),
    ],
)
def test_bad_or_far_location_explains_in_chinese(client, regions, data, text):
    response = client.post(reverse("publishing:locate"), data)
    assert response.status_code == 400
    assert text in json.loads(response.content)["error"]
    assert CURRENT_REGION_SESSION_KEY not in client.session


def test_locate_requires_post(client, regions):
    assert client.get(reverse("publishing:locate")).status_code == 405
