"""The staff's 劳模工匠 workplace: region-scoped lists, recording through the service, the
public flag shown and never editable."""

from __future__ import annotations

import pytest
from django.test import Client

from honours.models import Honour
from tests.accounts.factories import UserFactory
from tests.honours.factories import make_editor, make_honour

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/honours/honour/"


def _staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def test_a_city_editor_sees_only_their_city(regions):
    langfang = make_editor("131000")
    make_honour(editor=langfang, name="张强")
    make_honour(editor=make_editor("130100"), code="130102", name="刘鸿")
    page = _staff_client(langfang).get(CHANGELIST).content.decode()
    assert "张强" in page and "刘鸿" not in page


def test_an_editor_records_an_honour_that_starts_private(regions):
    editor = make_editor("131000")
    member = UserFactory()
    from regions.models import Region

    response = _staff_client(editor).post(
        CHANGELIST + "add/",
        {
            "user": member.pk,
            "name": "李建军",
            "kind": Honour.Kind.LABOUR_MEDAL,
            "level": Honour.Level.PROVINCIAL,
            "title": "河北省五一劳动奖章",
            "year": 2025,
            "region": Region.objects.get(code="131082").pk,
            "employer": "三河市顺通物流有限公司",
            "occupation": "货车司机",
            "story": "安全驾驶一百六十万公里零事故。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    honour = Honour.objects.get()
    assert honour.recorded_by == editor and honour.consented_at is None


def test_members_cannot_open_the_register(regions):
    assert _staff_client(UserFactory()).get(CHANGELIST).status_code in (302, 403, 404)
