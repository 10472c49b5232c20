"""The 劳模工匠 register's writes: staff record within their region, a record starts private,
only its member can make it public and take that back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditLog
from honours.models import Honour
from honours.selectors import honour_list_for_staff, honour_public_list
from honours.services import honour_consent_grant, honour_consent_withdraw
from tests.accounts.factories import UserFactory
from tests.honours.factories import make_editor, make_honour

pytestmark = pytest.mark.django_db


def test_a_recorded_honour_is_private_until_its_member_agrees(regions):
    editor = make_editor("131000")
    honour = make_honour(editor=editor)
    assert honour.recorded_by == editor and honour.consented_at is None
    assert not honour_public_list().exists()
    honour_consent_grant(user=honour.user, honour=honour)
    assert list(honour_public_list(region_path=honour.region.path)) == [honour]
    assert AuditLog.objects.filter(action="honours.consent").count() == 1


def test_withdrawing_takes_the_profile_off_the_public_pages(regions):
    honour = make_honour(editor=make_editor("131000"))
    honour_consent_grant(user=honour.user, honour=honour)
    honour_consent_withdraw(user=honour.user, honour=honour)
    honour_consent_withdraw(user=honour.user, honour=honour)  # idempotent
    assert not honour_public_list().exists()
    assert AuditLog.objects.filter(action="honours.withdraw").count() == 1


def test_nobody_but_the_member_can_consent(regions):
    editor = make_editor("131000")
    honour = make_honour(editor=editor)
    for other in (editor, UserFactory()):
        with pytest.raises(PermissionDenied):
            honour_consent_grant(user=other, honour=honour)
    honour.refresh_from_db()
    assert honour.consented_at is None


def test_staff_record_only_in_their_own_region(regions):
    with pytest.raises(PermissionDenied):
        make_honour(editor=make_editor("130100"), code="131082")  # 石家庄 editor, 三河 honour
    assert not Honour.objects.exists()


def test_the_same_honour_twice_is_refused_in_chinese(regions):
    editor = make_editor("131000")
    member = UserFactory()
    make_honour(editor=editor, member=member)
    with pytest.raises(ValidationError, match="已经登记过"):
        make_honour(editor=editor, member=member)
    assert Honour.objects.count() == 1


def test_a_year_out_of_range_or_a_missing_story_is_refused(regions):
    editor = make_editor("131000")
    with pytest.raises(ValidationError):
        make_honour(editor=editor, year=1800)
    with pytest.raises(ValidationError):
        make_honour(editor=editor, story="")
    assert not Honour.objects.exists()


def test_staff_see_the_honours_of_their_region_only(regions):
    langfang = make_editor("131000")
    sjz = make_editor("130100")
    mine = make_honour(editor=langfang)
    make_honour(editor=sjz, code="130102", name="刘鸿")
    assert list(honour_list_for_staff(user=langfang)) == [mine]
    assert honour_list_for_staff(user=UserFactory()).count() == 0


def test_a_county_page_shows_its_own_and_the_city_page_its_counties(regions):
    editor = make_editor("131000")
    sanhe = make_honour(editor=editor)
    honour_consent_grant(user=sanhe.user, honour=sanhe)
    from regions.models import Region

    assert list(honour_public_list(region_path=Region.objects.get(code="131000").path)) == [sanhe]
    assert not honour_public_list(region_path=Region.objects.get(code="130100").path).exists()


def test_the_members_download_holds_their_honours(regions):
    from honours.selectors import honours_personal_data

    honour = make_honour(editor=make_editor("131000"))
    data = honours_personal_data(honour.user)
    assert data["honours"][0]["title"] == "河北省五一劳动奖章"
    assert data["honours"][0]["public_since"] is None
