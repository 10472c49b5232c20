"""The indicator dictionary page and the all-indicators export: who may see them
(anonymous, a member, staff of another region, province staff), what they hold, and
the query budget."""

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from insights.registry import indicators
from insights.services import facts_compute_day
from tests.accounts.factories import UserFactory
from tests.insights.factories import make_insights_staff, make_scene

pytestmark = pytest.mark.django_db

URL = "/insights/indicators/"


def test_anonymous_signs_in_and_a_member_gets_404(client, regions):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}?format=csv").status_code == 404


def test_staff_of_another_region_see_the_definitions_linked_to_their_own_region(client, regions):
    client.force_login(make_insights_staff(region_code="131000", role=Role.REGION_EDITOR))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "region=131000&amp;indicator=transfer_hours" in page
    assert "region=130000" not in page  # never a link into the province's figures


def test_province_staff_see_all_147_with_formula_source_owner_and_levels(
    client, regions, django_assert_max_num_queries
):
    client.force_login(make_insights_staff())
    client.get(URL)  # warm the region tree and grants
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="dictionary-entry"') == 147
    assert "转会办结时长" in page and "12351 工单" in page and "省总工会组织部" in page
    assert "省→市→县（区）" in page
    assert "Σ(办结时间−申请时间)" in page  # a formula


def test_dictionary_exports_parse_back(client, regions):
    client.force_login(make_insights_staff(region_code="131000", role=Role.REGION_EDITOR))
    response = client.get(f"{URL}?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["代码", "指标", "领域", "单位", "计算公式"]
    assert len(rows) == 148
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["hotline_on_time_rate"][6] == "12351 工单"
    response = client.get(f"{URL}?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 149  # title, header, 147 indicators


def test_export_of_every_indicator_of_a_region(client, union_tree):
    scene = make_scene(union_tree)
    facts_compute_day(day=scene.day)
    client.force_login(make_insights_staff())
    day = scene.day.isoformat()
    response = client.get(
        f"/insights/export/?region=130000&start={day}&end={day}&table=all&format=csv"
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["指标代码", "指标", "领域", "数值", "单位"]
    assert [r[0] for r in rows[1:]] == [i.code for i in indicators()]
    values = {r[0]: r[3] for r in rows[1:]}
    assert float(values["hotline_requests"]) == 4 and float(values["members_total"]) == 3
    # another region's staff: 404, as for every other export
    client.force_login(make_insights_staff(region_code="131000", role=Role.REGION_EDITOR))
    assert client.get("/insights/export/?region=130100&table=all&format=csv").status_code == 404
