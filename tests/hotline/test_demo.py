import io

import pytest

from hotline.models import ConsultationBooking, HotlineRequest

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(regions):
    from accounts import demo as accounts_demo
    from hotline import demo

    accounts_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    count = HotlineRequest.objects.count()
    demo.seed(stdout=io.StringIO())
    assert HotlineRequest.objects.count() == count == 4
    liu = HotlineRequest.objects.get(member__phone="13800000003")
    assert liu.assignee.phone == "13900000002" and liu.messages.filter(kind="reply").exists()
    assert ConsultationBooking.objects.filter(request=liu, status="booked").exists()
