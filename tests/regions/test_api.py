import pytest

pytestmark = pytest.mark.django_db


def test_list_children_of_the_province(client, regions):
    response = client.get("/api/regions/", {"parent": "130000"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 11
    names = [row["name"] for row in body["results"]]
    assert names[0] == "石家庄市" and "廊坊市" in names
    assert body["results"][0]["parent"] == "130000"


def test_list_by_level_and_parent(client, regions):
    body = client.get("/api/regions/", {"parent": "131000", "level": "county"}).json()
    assert body["count"] == 10
    assert {row["parent"] for row in body["results"]} == {"131000"}


def test_list_all_counties_is_paginated(client, regions):
    body = client.get("/api/regions/", {"level": "county", "page_size": 200}).json()
    assert body["count"] == 167
    assert len(body["results"]) == 167


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"parent": "13"}, "parent", "6位区划代码"),
        ({"parent": "999999"}, "parent", "没有区划代码为 999999 的地区"),
        ({"level": "village"}, "level", "level 应为"),
    ],
)
def test_bad_filters_get_a_chinese_400(client, regions, params, field, message):
    response = client.get("/api/regions/", params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_detail_and_missing(client, regions):
    body = client.get("/api/regions/130682/").json()
    assert body["name"] == "定州市" and body["parent"] == "130600"
    assert client.get("/api/regions/000001/").status_code == 404


def test_schema_and_docs_are_served_offline(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/regions/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs
