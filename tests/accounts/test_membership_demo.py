from io import StringIO

import pytest

from accounts import demo, demo_membership
from accounts.models import (
    Credential,
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
    UnionOrganization,
)
from accounts.selectors import membership as selectors
from accounts.selectors.users import user_get_by_phone

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        model.objects.count()
        for model in (
            UnionOrganization,
            Membership,
            MembershipApplication,
            TransferRequest,
            MembershipEvent,
            Credential,
        )
    )


def test_demo_membership_is_idempotent_and_tells_the_story(regions):
    demo.seed(stdout=StringIO())
    demo_membership.seed(stdout=StringIO())
    first = counts()
    demo_membership.seed(stdout=StringIO())
    assert counts() == first

    names = set(UnionOrganization.objects.values_list("name", flat=True))
    assert {
        "河北省总工会",
        "石家庄市总工会",
        "衡水市总工会",
        "定州市总工会",
        "三河市总工会",
    } <= names
    assert UnionOrganization.objects.filter(kind="city").count() == 11
    assert all(org.path.endswith(f"{org.pk}/") for org in UnionOrganization.objects.all())

    wang = user_get_by_phone(phone="13800000001")
    assert selectors.membership_current(user=wang).organization.name.startswith("石家庄")
    li = user_get_by_phone(phone="13800000002")
    assert selectors.membership_current(user=li).organization.name == "廊坊顺达物流有限公司工会"
    steps = list(selectors.membership_event_list(user=li))
    assert [s.kind for s in steps] == [
        "applied",
        "approved",
        "transfer_requested",
        "transfer_released",
        "transfer_completed",
    ]
    assert steps[0].created_at < steps[-1].created_at  # spread over real dates

    officer = user_get_by_phone(phone="13900000004")
    queue = list(selectors.membership_application_review_queue(user=officer))
    assert [a.user.display_name for a in queue] == ["张强"]
    assert queue[0].employment_form == "new_form"
