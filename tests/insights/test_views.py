"""The dashboard, its exports and the big screen: who may see what (anonymous, a member,
staff of another region, the right staff), the query budget, exports parsing back."""

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from insights.models import Fact
from insights.services import facts_compute_day
from tests.accounts.factories import UserFactory
from tests.insights.factories import make_insights_staff, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(union_tree):
    scene = make_scene(union_tree)
    facts_compute_day(day=scene.day)
    return scene


def _query(day, **extra):
    params = {"start": day.isoformat(), "end": day.isoformat(), **extra}
    return "&".join(f"{k}={v}" for k, v in params.items())


def test_anonymous_is_sent_to_sign_in_and_members_get_404(client, computed):
    response = client.get("/insights/")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get("/insights/").status_code == 404
    assert client.get("/insights/screen/130000/").status_code == 404
    assert client.get("/insights/export/?format=csv").status_code == 404


def test_city_editor_sees_her_city_and_counties_only(client, computed):
    editor = make_insights_staff(region_code="131000", role=Role.REGION_EDITOR)
    client.force_login(editor)
    home = client.get("/insights/")
    assert home.status_code == 200
    assert "廊坊市 数据看板" in home.content.decode()
    q = _query(computed.day, indicator="hotline_requests")
    assert client.get(f"/insights/?region=131082&{q}").status_code == 200
    assert client.get(f"/insights/?region=130100&{q}").status_code == 404  # 石家庄
    assert client.get(f"/insights/?region=130000&{q}").status_code == 404  # the province
    assert client.get(f"/insights/?region=999999&{q}").status_code == 404
    assert client.get("/insights/screen/131000/").status_code == 200
    assert client.get("/insights/screen/130100/").status_code == 404
    assert client.get("/insights/screen/131082/").status_code == 404  # counties have none
    assert client.get(f"/insights/export/?region=130100&format=csv&{q}").status_code == 404


def test_dashboard_shows_the_facts_with_a_bounded_number_of_queries(
    client, computed, django_assert_max_num_queries
):
    admin = make_insights_staff(region_code="130000")
    client.force_login(admin)
    q = _query(computed.day, indicator="hotline_requests", region="130000")
    client.get(f"/insights/?{q}")  # warm the region tree cache
    with django_assert_max_num_queries(9):
        response = client.get(f"/insights/?{q}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<script>" not in page
    assert "石家庄" in page and "廊坊" in page  # sub-region bars
    assert "信访投诉" in page  # the breakdown by kind
    assert 'href="/insights/?' in page  # drill-down links


def test_bad_filters_get_a_message_not_an_error(client, computed):
    client.force_login(make_insights_staff())
    response = client.get("/insights/?start=2026-11-20&end=2026-11-01", follow=True)
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    response = client.get("/insights/?start=not-a-date&indicator=nonsense")
    assert response.status_code == 200


def test_csv_and_excel_exports_parse_back(client, computed):
    client.force_login(make_insights_staff())
    q = _query(computed.day, indicator="hotline_requests", region="130000")
    response = client.get(f"/insights/export/?{q}&table=compare&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["地区", "热线诉求（件）"]
    values = dict(rows[1:])
    expected = {
        f.region.name: f.value
        for f in Fact.objects.filter(
            indicator="hotline_requests", breakdown="", region__level="city"
        ).select_related("region")
    }
    assert float(values["石家庄市"]) == expected["石家庄市"] == 2
    assert float(values["保定市"]) == 0  # no facts: zero, still listed
    response = client.get(f"/insights/export/?{q}&table=breakdown&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1] == ["诉求类型", "热线诉求（件）"]
    assert dict(cells[2:]) == {"问题咨询": 3, "信访投诉": 1}


def test_big_screen_refreshes_itself_and_shows_live_figures(client, computed):
    client.force_login(make_insights_staff())
    assert client.get("/insights/screen/").status_code == 302
    response = client.get("/insights/screen/130000/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 60s"' in page and "insights-screen.js" in page
    assert "今日实时" in page
    panel = client.get("/insights/screen/130000/panel/").content.decode()
    assert "<html" not in panel and "今日实时" in panel
    # Today's live counter for hotline requests in the province: 4 requests.
    assert '<span class="n">4</span><span class="l">热线诉求（件）</span>' in panel


def test_staff_see_the_menu_entry_members_do_not(client, computed):
    client.force_login(make_insights_staff())
    assert 'href="/insights/"' in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert 'href="/insights/"' not in client.get("/").content.decode()


def test_big_screen_shows_the_new_figures_and_the_rights_chart(client, computed):
    client.force_login(make_insights_staff())
    panel = client.get("/insights/screen/130000/panel/").content.decode()
    assert "入会率" in panel and "转会办结时长" in panel and "岗位匹配成功率" in panel
    assert "法律服务与维权" in panel and "劳动争议" in panel
    assert panel.count("<svg") >= 5


def test_dashboard_links_the_dictionary_and_the_all_indicators_export(client, computed):
    client.force_login(make_insights_staff())
    page = client.get("/insights/").content.decode()
    assert 'href="/insights/indicators/"' in page
    assert "table=all&amp;format=xlsx" in page
