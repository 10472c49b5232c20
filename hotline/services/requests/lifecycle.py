"""The lifecycle after the first answer: start, resolve, confirm, reopen, rate, reclassify."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import PointsEntry
from core.outbox import outbox_enqueue
from hotline.calendar import TIER_LIMITS, add_working_days
from hotline.models import HotlineRequest, RequestMessage, RequestTransition, State, Tier
from hotline.services.deadlines import request_due_dates, request_histories
from hotline.services.requests.base import (
    _locked,
    _member_notice,
    _move,
    _require_handler,
    _require_owner,
    _require_supervisor,
    _resolve,
    _text,
)


@transaction.atomic
def hotline_request_start(*, actor: Any, request: HotlineRequest) -> HotlineRequest:
    """assigned → in progress, by the agent handling it. Only from "assigned": a resolved
    or closed request comes back through ``hotline_request_reopen`` (reason, new limit)."""
    request = _locked(request)
    _require_handler(actor, request)
    if request.state != State.ASSIGNED:
        raise ValidationError(
            _("诉求当前为“%(from)s”，不能改为“%(to)s”。")
            % {"from": State(request.state).label, "to": State.IN_PROGRESS.label}
        )
    _move(request, to=State.IN_PROGRESS, actor=actor, note=_("开始办理"))
    return request


@transaction.atomic
def hotline_request_resolve(
    *, actor: Any, request: HotlineRequest, note: str = ""
) -> HotlineRequest:
    """→ resolved, by staff; the member is asked to confirm or reopen."""
    request = _locked(request)
    _require_handler(actor, request)
    if request.state == State.NEW:
        raise ValidationError(_("请先分派或认领这条诉求。"))
    _resolve(request, actor=actor, now=timezone.now(), fields=[])
    _member_notice(
        request,
        title=_("您的12351诉求已办结，请确认并评价"),
        body=note,
        key=f"hotline-resolved-{request.pk}-{request.resolved_at.timestamp()}",
    )
    return request


@transaction.atomic
def hotline_request_confirm(*, member: Any, request: HotlineRequest) -> HotlineRequest:
    """resolved → closed: the member confirms the answer."""
    request = _locked(request)
    _require_owner(member, request)
    if request.state != State.RESOLVED:
        raise ValidationError(_("只有已办结的诉求可以确认。"))
    request.closed_at = timezone.now()
    _move(request, to=State.CLOSED, actor=member, note=_("职工确认办结"), fields=["closed_at"])
    return request


@transaction.atomic
def hotline_request_reopen(*, actor: Any, request: HotlineRequest, reason: str) -> HotlineRequest:
    """resolved/closed → in progress, by the member who asked or by staff in scope; a new
    resolution time limit runs from now."""
    request = _locked(request)
    if request.member_id is None or actor is None or request.member_id != actor.pk:
        _require_handler(actor, request)
    if request.state not in (State.RESOLVED, State.CLOSED):
        raise ValidationError(_("只有已办结或已关闭的诉求可以重新办理。"))
    reason = _text(reason, name="reason", max_length=500)
    now = timezone.now()
    RequestMessage.objects.create(
        request=request,
        kind=RequestMessage.Kind.MEMBER
        if actor.pk == request.member_id
        else RequestMessage.Kind.NOTE,
        author=actor,
        body=_("重新办理：%(r)s") % {"r": reason},
        created_at=now,
    )
    request.resolution_due = add_working_days(now, TIER_LIMITS[request.tier][1])
    request.resolved_at = None
    request.closed_at = None
    request.is_overdue = False
    _move(
        request,
        to=State.IN_PROGRESS,
        actor=actor,
        note=_("重新办理"),
        fields=["resolution_due", "resolved_at", "closed_at", "is_overdue"],
        at=now,
    )
    return request


@transaction.atomic
def hotline_request_rate(
    *, member: Any, request: HotlineRequest, rating: int, comment: str = ""
) -> HotlineRequest:
    """The member rates the service once, after resolution (1–5 and a comment)."""
    request = _locked(request)
    _require_owner(member, request)
    if request.state not in (State.RESOLVED, State.CLOSED):
        raise ValidationError(_("诉求办结后才能评价。"))
    if request.rating is not None:
        raise ValidationError(_("您已经评价过这条诉求了，每条诉求只能评价一次。"))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("请选择1到5星。")})
    request.rating = rating
    request.rating_comment = _text(comment, name="comment", max_length=500, required=False)
    request.rated_at = timezone.now()
    request.save(update_fields=["rating", "rating_comment", "rated_at"])
    _rating_points(request)
    return request


def _rating_points(request: HotlineRequest) -> None:
    """Rating earns points once per request, credited after commit by the points ledger."""
    amount = getattr(settings, "ACTIVITIES_HOTLINE_RATING_POINTS", 0)
    if amount and request.member_id:
        key = f"hotline:{request.pk}:rated"
        # By task name: services never import tasks (docs/architecture.md).
        outbox_enqueue(
            "activities.tasks.points_credit_task",
            args=[
                request.member_id,
                amount,
                _("评价12351热线服务（%(ref)s）") % {"ref": request.number},
                PointsEntry.Source.HOTLINE,
                key,
            ],
            key=f"activities.points_credit:{key}",
        )


@transaction.atomic
def hotline_request_set_tier(*, actor: Any, request: HotlineRequest, tier: str) -> HotlineRequest:
    """A supervisor classes the request difficult or especially complex; the time limits
    are recomputed for the new tier by the one rule (``hotline.services.deadlines``): from
    the submission (the resolution limit from a reopening), keeping the time the request
    spent waiting for the member."""
    request = _locked(request)
    _require_supervisor(actor, request.region)
    if tier not in Tier.values:
        raise ValidationError(_("未知的时限等级。"))
    request.tier = tier
    due = request_due_dates(
        request=request, history=request_histories(request_ids=[request.pk]).get(request.pk, [])
    )
    request.first_response_due, request.resolution_due = due.first_response_due, due.resolution_due
    request.save(update_fields=["tier", "first_response_due", "resolution_due"])
    RequestTransition.objects.create(
        request=request,
        from_state=request.state,
        to_state=request.state,
        actor=actor,
        note=_("时限等级调整为%(t)s") % {"t": Tier(tier).label},
    )
    return request
