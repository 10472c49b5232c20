"""The indicators and facts API: anonymous, a member, staff of another region, the right
staff; bad input is a 400 in Chinese."""

import pytest

from accounts.models import Role
from insights.services import facts_compute_day
from tests.accounts.factories import UserFactory
from tests.insights.factories import make_insights_staff, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(union_tree):
    scene = make_scene(union_tree)
    facts_compute_day(day=scene.day)
    return scene


def test_indicator_list(client, regions):
    assert client.get("/api/insights/indicators/").status_code in (401, 403)
    client.force_login(UserFactory())
    assert client.get("/api/insights/indicators/").status_code == 403
    client.force_login(make_insights_staff(region_code="131000", role=Role.REGION_EDITOR))
    items = client.get("/api/insights/indicators/").json()
    assert len(items) >= 40
    hotline = next(i for i in items if i["code"] == "hotline_requests")
    assert hotline["breakdown"] == "诉求类型" and hotline["levels"] == [
        "province",
        "city",
        "county",
    ]


def test_facts_are_scoped(client, computed):
    day = computed.day.isoformat()
    url = f"/api/insights/facts/?indicator=hotline_requests&start={day}&end={day}"
    client.force_login(make_insights_staff(region_code="131000", role=Role.REGION_EDITOR))
    rows = client.get(url).json()  # default: her city
    assert [(r["region"], r["value"]) for r in rows] == [("131000", 2.0)]
    assert client.get(f"{url}&region=131082").json()[0]["value"] == 2
    assert client.get(f"{url}&region=130100").status_code == 404
    everything = client.get(f"{url}&region=130000")
    assert everything.status_code == 404
    client.force_login(make_insights_staff())
    rows = client.get(f"{url}&region=130000&breakdown=*").json()
    assert {r["breakdown"]: r["value"] for r in rows} == {"": 4, "consultation": 3, "complaint": 1}


def test_bad_queries_are_400_in_chinese(client, computed):
    client.force_login(make_insights_staff())
    response = client.get("/api/insights/facts/?indicator=nope")
    assert response.status_code == 400
    response = client.get(
        "/api/insights/facts/?indicator=members_total&start=2026-11-20&end=2026-11-01"
    )
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.content.decode()
