"""Honours made through the service, as union staff record them."""

from __future__ import annotations

from accounts.models import Role
from accounts.services.roles import role_assign
from honours.models import Honour
from honours.services import honour_save
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory


def make_editor(code: str, role: str = Role.REGION_EDITOR):
    user = StaffUserFactory()
    role_assign(user=user, role=role, region=Region.objects.get(code=code))
    return user


def make_honour(*, editor, member=None, code: str = "131082", **fields) -> Honour:
    values = {
        "name": "张强",
        "kind": Honour.Kind.LABOUR_MEDAL,
        "level": Honour.Level.PROVINCIAL,
        "title": "河北省五一劳动奖章",
        "year": 2025,
        "employer": "三河市顺丰速运营业部",
        "occupation": "快递员",
        "story": "风雨无阻送件八年，零投诉。",
        **fields,
    }
    return honour_save(
        honour=Honour(user=member or UserFactory(), region=Region.objects.get(code=code), **values),
        actor=editor,
    )
