"""The admin's bulk actions share one loop (``hotline.admin.common.bulk_apply``): one
service call per row, a refusal reported and the other rows carried on."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from hotline.admin.common import BULK_ERRORS_SHOWN, bulk_apply
from hotline.models import CalendarDay, ConsultationBooking
from hotline.services import consultations
from tests.hotline.factories import make_agent, make_request, make_supervisor, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _booking(agent, *, hours: int) -> ConsultationBooking:
    starts = timezone.now() + timedelta(days=2, hours=hours)
    slot = consultations.consultation_slot_create(
        actor=agent,
        region=region("130100"),
        counsellor="王律师",
        place="石家庄市总工会法律服务中心",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    return consultations.consultation_book(actor=agent, request=make_request(), slot=slot)


def test_cancel_bookings_cancels_the_rest_and_names_each_refusal(client, regions):
    agent = make_agent()
    first, second = _booking(agent, hours=0), _booking(agent, hours=2)
    consultations.consultation_cancel(actor=agent, booking=first)  # cancelled meanwhile
    client.force_login(agent)
    response = client.post(
        reverse("admin:hotline_consultationbooking_changelist"),
        {"action": "cancel_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ConsultationBooking.Status.CANCELLED
    assert _messages(response) == ["已取消 1 个预约。", "这个预约已经取消了。"]


def test_delete_days_goes_through_the_service_for_each_day(client, regions):
    supervisor = make_supervisor(region_code="130000")
    days = [
        CalendarDay.objects.create(date=date(2026, 10, 9), kind="holiday", name="地方调休"),
        CalendarDay.objects.create(date=date(2026, 10, 5), kind="makeup", name="值班上班"),
    ]
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:hotline_calendarday_changelist"),
        {"action": "delete_selected_days", "_selected_action": [d.pk for d in days]},
    )
    assert response.status_code == 302
    assert _messages(response) == ["已删除 2 天。"]
    assert not CalendarDay.objects.filter(pk__in=[d.pk for d in days]).exists()
    assert AuditLog.objects.filter(action="hotline.calendar_delete").count() == 2


class _Admin:
    def __init__(self):
        self.shown: list[tuple[str, int]] = []

    def message_user(self, request, message, level):
        self.shown.append((str(message), level))


def test_bulk_apply_labels_refusals_and_shows_at_most_ten():
    def call(n):
        if n % 2:
            raise ValidationError(f"第{n}条不能办理。")

    admin = _Admin()
    done = bulk_apply(
        admin, None, range(30), call, done="已办理 %(n)d 条。", label=lambda n: f"#{n}"
    )
    assert done == 15
    assert admin.shown[0] == ("已办理 15 条。", 25)  # messages.SUCCESS
    errors = [text for text, level in admin.shown[1:]]
    assert len(errors) == BULK_ERRORS_SHOWN
    assert errors[0] == "#1：第1条不能办理。"


def test_bulk_apply_with_nothing_done_shows_only_the_refusals():
    admin = _Admin()

    def refuse(_row):
        raise ValidationError("不行。")

    assert bulk_apply(admin, None, [1], refuse, done="已办理 %(n)d 条。") == 0
    assert admin.shown == [("不行。", 40)]  # messages.ERROR
