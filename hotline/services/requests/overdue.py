"""Periodic work (beat): flagging and escalating overdue requests, closing unconfirmed ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.notifications import notify
from hotline.models import HotlineRequest, HotlineTeamMember, RequestTransition, State
from hotline.selectors import overdue_q
from hotline.services.requests.base import _move
from regions.models import Region


def _supervisors_of(region: Region) -> list[Any]:
    members = HotlineTeamMember.objects.filter(region=region, is_active=True).select_related("user")
    return [m.user for m in members if user_can(m.user, Action.HOTLINE_SUPERVISE, region=region)]


@transaction.atomic
def hotline_request_flag_overdue(*, request_id: int, now: datetime | None = None) -> bool:
    """Flag one request overdue and escalate it once to the supervisors of its parent
    region (idempotent: an escalated request is not escalated again)."""
    now = now or timezone.now()
    request = (
        HotlineRequest.objects.select_for_update(of=("self",))
        .select_related("region__parent")
        .filter(overdue_q(now), pk=request_id)
        .first()
    )
    if request is None:
        return False
    fields = []
    if not request.is_overdue:
        request.is_overdue = True
        fields.append("is_overdue")
    if request.escalated_at is None:
        request.escalated_at = now
        fields.append("escalated_at")
        parent = request.region.parent
        for supervisor in _supervisors_of(parent) if parent else []:
            notify(
                user=supervisor,
                kind="hotline.overdue",
                title=_("超时督办：%(n)s %(t)s") % {"n": request.number, "t": request.title},
                body=_("%(r)s的诉求已超过办理时限。") % {"r": request.region.name},
                url=reverse("admin:hotline_hotlinerequest_change", args=[request.pk]),
                sms=True,
                dedupe_key=f"hotline-overdue-{request.pk}-{supervisor.pk}",
            )
        RequestTransition.objects.create(
            request=request,
            from_state=request.state,
            to_state=request.state,
            note=_("超时，升级至上级热线班长督办"),
        )
    if fields:
        request.save(update_fields=fields)
    return bool(fields)


@transaction.atomic
def hotline_request_auto_close(*, request_id: int, now: datetime | None = None) -> bool:
    """Close a request resolved more than ``HOTLINE_AUTO_CLOSE_DAYS`` ago that the member
    neither confirmed nor reopened. Idempotent."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.HOTLINE_AUTO_CLOSE_DAYS)
    request = (
        HotlineRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, state=State.RESOLVED, resolved_at__lte=limit)
        .first()
    )
    if request is None:
        return False
    request.closed_at = now
    _move(
        request, to=State.CLOSED, actor=None, note=_("逾期未确认，自动关闭"), fields=["closed_at"]
    )
    return True
