"""The demo: facts for the past 30 days, the dashboard and the big screen open for the
province administrator and for 孙丽 (廊坊 editor), and a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from insights import demo
from insights.models import DailyActive, Fact, FactDay

pytestmark = pytest.mark.django_db


def test_demo_figures_open_for_the_demo_staff(client, regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    call_command("seed_demo", stdout=StringIO())
    assert FactDay.objects.count() == demo.DAYS
    members = Fact.objects.filter(indicator="members_total", region__code="130000", breakdown="")
    assert members.count() == demo.DAYS
    assert max(members.values_list("value", flat=True)) > 50  # the month's new members
    assert Fact.objects.filter(indicator="hotline_requests", region__code="130000").exists()
    facts, actives = Fact.objects.count(), DailyActive.objects.count()

    demo.seed(stdout=StringIO())  # again: nothing new
    assert (Fact.objects.count(), DailyActive.objects.count()) == (facts, actives)

    client.force_login(User.objects.get(phone="13900000001"))
    assert client.get("/insights/").status_code == 200
    assert client.get("/insights/screen/130000/").status_code == 200
    client.force_login(User.objects.get(phone="13900000003"))  # 孙丽, 廊坊市
    page = client.get("/insights/")
    assert page.status_code == 200 and "廊坊市 数据看板" in page.content.decode()
    assert client.get("/insights/screen/131000/").status_code == 200
    assert client.get("/insights/screen/130000/").status_code == 404
