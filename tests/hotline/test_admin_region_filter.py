"""The hotline list's region filter: cities first, a city's counties once it is chosen,
never a place outside the staff member's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.hotline.factories import make_agent, make_request

pytestmark = pytest.mark.django_db

URL = reverse("admin:hotline_hotlinerequest_changelist")


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _choices(response) -> list[tuple[str, str]]:
    spec = next(
        f
        for f in response.context["cl"].filter_specs
        if getattr(f, "parameter_name", "") == "region"
    )
    return [(code, str(name)) for code, name in spec.lookup_choices]


def test_province_staff_see_cities_then_counties(client, regions):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    choices = _choices(client.get(URL))
    assert len(choices) == 11  # the cities of Hebei
    assert ("130100", "石家庄市") in choices
    assert not any(code == "130102" for code, _ in choices)

    opened = _choices(client.get(URL, {"region": "130102"}))
    assert ("130102", "· 长安区") in opened  # the chosen county and its neighbours
    assert len(opened) > 11
    assert not any(code.startswith("1302") and code != "130200" for code, _ in opened)


def test_city_agent_sees_own_counties_only(client, regions):
    agent = make_agent(region_code="130100")
    client.force_login(agent)
    choices = _choices(client.get(URL))
    codes = [code for code, _ in choices]
    assert codes[0] == "130100"
    assert "130102" in codes
    assert all(code.startswith("1301") for code in codes)


def test_filter_narrows_the_list(client, regions):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    inside = make_request(region_code="130102", title="长安区拖欠工资")
    outside = make_request(region_code="130202", title="路南区加班费")
    page = client.get(URL, {"region": "130100"}).content.decode()
    assert inside.title in page and outside.title not in page
    assert client.get(URL, {"region": "999999"}).status_code == 200
