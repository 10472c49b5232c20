"""Legal consultations: lawyers' and volunteers' time slots per region, bookings for a
request (never two live bookings of one slot: a partial unique constraint), cancellation and
reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.notifications import notify
from hotline.models import ConsultationBooking, ConsultationSlot, HotlineRequest, State
from regions.models import Region

Status = ConsultationBooking.Status


@transaction.atomic
def consultation_slot_create(
    *,
    actor: Any,
    region: Region,
    counsellor: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
) -> ConsultationSlot:
    """Publish a time slot. Preconditions: the actor handles hotline requests of ``region``;
    the slot lies in the future and ends after it starts (at most 4 hours)."""
    if not user_can(actor, Action.HOTLINE_HANDLE, region=region):
        raise ValidationError(_("您无权为%(r)s发布咨询时段。") % {"r": region.name})
    counsellor = (counsellor or "").strip()
    place = (place or "").strip()
    if not counsellor or not place:
        raise ValidationError(_("请填写律师或志愿者姓名和咨询地点（方式）。"))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("咨询时段应在将来。")})
    if not starts_at < ends_at <= starts_at + timedelta(hours=4):
        raise ValidationError({"ends_at": _("结束时间应晚于开始时间，且一个时段不超过4小时。")})
    return ConsultationSlot.objects.create(
        region=region,
        counsellor=counsellor[:50],
        place=place[:120],
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )


def slot_serves(slot: ConsultationSlot, request: HotlineRequest) -> bool:
    """A slot of the request's region or of a region above it (a county member may see a
    lawyer of the city union)."""
    return request.region.path.startswith(slot.region.path)


@transaction.atomic
def consultation_book(
    *, actor: Any, request: HotlineRequest, slot: ConsultationSlot
) -> ConsultationBooking:
    """Book ``slot`` for ``request``, by the member who asked or an agent handling it.

    Preconditions: the request is open (not resolved or closed) and has no live booking;
    the slot is in the future, not cancelled, serves the request's region and is free.
    Side effects: the member notified (site + SMS).
    Two concurrent bookings of one slot: the database's partial unique index lets one
    through; the other gets a clear message.
    """
    request = (
        HotlineRequest.objects.select_for_update(of=("self",))
        .select_related("region", "member")
        .get(pk=request.pk)
    )
    is_member = actor is not None and request.member_id == actor.pk
    if not is_member and not user_can(actor, Action.HOTLINE_HANDLE, region=request.region):
        raise ValidationError(_("您无权为这条诉求预约。"))
    if request.state in (State.RESOLVED, State.CLOSED):
        raise ValidationError(_("诉求已办结，不能再预约法律咨询。"))
    slot = ConsultationSlot.objects.select_related("region").get(pk=slot.pk)
    if slot.is_cancelled or slot.starts_at <= timezone.now():
        raise ValidationError({"slot": _("这个时段已取消或已过期，请另选时段。")})
    if not slot_serves(slot, request):
        raise ValidationError({"slot": _("请选择本地区的咨询时段。")})
    if request.bookings.filter(status=Status.BOOKED).exists():
        raise ValidationError(_("这条诉求已有一个预约，如需改约请先取消。"))
    try:
        with transaction.atomic():
            booking = ConsultationBooking.objects.create(
                slot=slot, request=request, booked_by=actor
            )
    except IntegrityError:
        raise ValidationError({"slot": _("这个时段刚刚被预约了，请另选时段。")}) from None
    if request.member_id:
        local = timezone.localtime(slot.starts_at)
        notify(
            user=request.member,
            kind="hotline.booking",
            title=_("法律咨询已预约：%(t)s") % {"t": f"{local:%m月%d日 %H:%M}"},
            body=_("%(c)s，%(p)s") % {"c": slot.counsellor, "p": slot.place},
            url=reverse("hotline:request_detail", kwargs={"pk": request.pk}),
            sms=True,
            dedupe_key=f"hotline-booking-{booking.pk}",
        )
    return booking


@transaction.atomic
def consultation_cancel(*, actor: Any, booking: ConsultationBooking) -> ConsultationBooking:
    """Cancel a live booking (the member or an agent in scope); the slot is free again."""
    booking = (
        ConsultationBooking.objects.select_for_update(of=("self",))
        .select_related("request__region", "slot")
        .get(pk=booking.pk)
    )
    request = booking.request
    is_member = actor is not None and request.member_id == actor.pk
    if not is_member and not user_can(actor, Action.HOTLINE_HANDLE, region=request.region):
        raise ValidationError(_("您无权取消这个预约。"))
    if booking.status != Status.BOOKED:
        raise ValidationError(_("这个预约已经取消了。"))
    booking.status = Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    return booking


@transaction.atomic
def consultation_remind(*, booking_id: int) -> bool:
    """Remind the member of tomorrow's consultation once (site + SMS). Idempotent."""
    booking = (
        ConsultationBooking.objects.select_for_update(of=("self",))
        .select_related("slot", "request__member")
        .filter(pk=booking_id, status=Status.BOOKED, reminded_at__isnull=True)
        .first()
    )
    if booking is None or booking.request.member_id is None:
        return False
    slot = booking.slot
    local = timezone.localtime(slot.starts_at)
    notify(
        user=booking.request.member,
        kind="hotline.booking_reminder",
        title=_("提醒：法律咨询 %(t)s") % {"t": f"{local:%m月%d日 %H:%M}"},
        body=_("%(c)s，%(p)s") % {"c": slot.counsellor, "p": slot.place},
        url=reverse("hotline:request_detail", kwargs={"pk": booking.request_id}),
        sms=True,
        push=True,
        dedupe_key=f"hotline-reminder-{booking.pk}",
    )
    booking.reminded_at = timezone.now()
    booking.save(update_fields=["reminded_at"])
    return True
