import pytest
from django.urls import reverse

from regions.current import CURRENT_REGION_COOKIE, CURRENT_REGION_SESSION_KEY

pytestmark = pytest.mark.django_db

CITIES = [
    "石家庄市",
    "唐山市",
    "秦皇岛市",
    "邯郸市",
    "邢台市",
    "保定市",
    "张家口市",
    "承德市",
    "沧州市",
    "廊坊市",
    "衡水市",
]


def test_home_lists_the_province_and_its_eleven_cities(client, regions):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "职工之家·河北" in html
    for city in CITIES:
        assert city in html
    assert 'href="/hebei/langfang/"' in html
    assert "12351" in html


def test_province_page_lists_cities(client, regions):
    response = client.get("/hebei/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>河北省</h1>" in html
    for city in CITIES:
        assert city in html


def test_county_page_has_breadcrumb_up_the_tree(client, regions):
    response = client.get("/hebei/langfang/sanhe/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>三河市</h1>" in html
    assert 'href="/hebei/langfang/"' in html and 'href="/hebei/"' in html


@pytest.mark.parametrize("path", ["/hebei/nowhere/", "/shanxi/", "/hebei/langfang/sanhe/x/"])
def test_unknown_region_is_a_friendly_404(client, regions, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()


def test_region_pages_use_a_fixed_number_of_queries(client, regions, django_assert_max_num_queries):
    client.get("/hebei/")  # warms the cached tree
    for path in ["/", "/hebei/", "/hebei/shijiazhuang/", "/hebei/shijiazhuang/changan/"]:
        with django_assert_max_num_queries(2):
            assert client.get(path).status_code == 200


def test_choose_page_lists_every_county(client, regions):
    html = client.get(reverse("publishing:choose")).content.decode()
    assert html.count('name="code"') == 1 + 11 + 167


def test_set_current_region_remembers_choice(client, regions):
    response = client.post(reverse("publishing:set_current"), {"code": "131000"})
    assert response.status_code == 302
    assert response["Location"] == "/hebei/langfang/"
    assert client.session[CURRENT_REGION_SESSION_KEY] == "131000"
    assert response.cookies[CURRENT_REGION_COOKIE].value == "131000"
    html = client.get("/").content.decode()
    assert 'class="region-switch"' in html and "<span>廊坊</span>" in html


def test_remembered_cookie_is_used_in_a_new_session(client, regions):
    client.cookies[CURRENT_REGION_COOKIE] = "130100"
    html = client.get("/").content.decode()
    assert "<span>石家庄</span>" in html


@pytest.mark.parametrize("code", ["999999", "abc", "", "1301001"])
def test_set_current_with_bad_code_explains_in_chinese(client, regions, code):
    response = client.post(reverse("publishing:set_current"), {"code": code}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "没有这个地区" in html or "请选择一个地区" in html
    assert CURRENT_REGION_SESSION_KEY not in client.session


def test_set_current_requires_post(client, regions):
    assert client.get(reverse("publishing:set_current")).status_code == 405
