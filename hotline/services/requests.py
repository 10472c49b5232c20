"""Requests: submission, routing, the lifecycle state machine, the conversation, rating.

Every function refuses bad input or a forbidden actor with a Chinese ``ValidationError``
before writing anything, and records each state change as a ``RequestTransition``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.audit import audit_record
from core.notifications import notify
from core.uploads import attachment_check
from hotline.calendar import (
    TIER_LIMITS,
    add_working_days,
    shift_by_working_days,
    working_days_between,
)
from hotline.models import (
    OPEN_STATES,
    TRANSITIONS,
    HotlineRequest,
    HotlineTeamMember,
    Kind,
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    State,
    Tier,
    Topic,
)
from hotline.services.deadlines import request_due_dates, request_histories
from regions.models import Region

MAX_ATTACHMENTS = 5


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _locked(request: HotlineRequest) -> HotlineRequest:
    return (
        HotlineRequest.objects.select_for_update(of=("self",))
        .select_related("region", "member", "assignee")
        .get(pk=request.pk)
    )


def _move(
    request: HotlineRequest,
    *,
    to: str,
    actor: Any,
    note: str = "",
    fields: Sequence[str] = (),
    at: datetime | None = None,
) -> None:
    """Change state if the lifecycle allows it; record who and when. ``at`` is the moment
    a clock was paused, resumed or restarted: the time limits are recomputed from these
    records (``hotline.services.deadlines``), so they carry the moment the limits used."""
    if to not in TRANSITIONS[request.state]:
        raise ValidationError(
            _("诉求当前为“%(from)s”，不能改为“%(to)s”。")
            % {"from": State(request.state).label, "to": State(to).label}
        )
    RequestTransition.objects.create(
        request=request,
        from_state=request.state,
        to_state=to,
        actor=_actor(actor),
        note=note[:200],
        created_at=at or timezone.now(),
    )
    audit_record(
        actor=_actor(actor),
        action="hotline.state_change",
        target=request,
        details={"from": request.state, "to": to},
    )
    request.state = to
    request.updated_at = timezone.now()
    request.save(update_fields=["state", "updated_at", *fields])


def _require_handler(actor: Any, request: HotlineRequest) -> None:
    if not user_can(actor, Action.HOTLINE_HANDLE, region=request.region):
        raise ValidationError(_("您无权办理%(region)s的诉求。") % {"region": request.region.name})


def _require_supervisor(actor: Any, region: Region) -> None:
    if not user_can(actor, Action.HOTLINE_SUPERVISE, region=region):
        raise ValidationError(_("只有%(region)s的热线班长可以这样做。") % {"region": region.name})


def _require_owner(member: Any, request: HotlineRequest) -> None:
    if member is None or request.member_id != member.pk:
        raise ValidationError(_("这不是您的诉求。"))


def _set_due(request: HotlineRequest, *, start: datetime) -> None:
    first, resolution = TIER_LIMITS[request.tier]
    request.first_response_due = add_working_days(start, first)
    request.resolution_due = add_working_days(start, resolution)


def _text(value: str, *, name: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({name: _("请填写内容。")})
    if len(value) > max_length:
        raise ValidationError({name: _("内容不能超过%(n)s字。") % {"n": max_length}})
    return value


def _check_attachments(attachments: Sequence[Any]) -> list[str]:
    """Every file checked before anything is saved; their real kinds in order."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("最多上传%(n)s个附件。") % {"n": MAX_ATTACHMENTS}})
    limit = settings.HOTLINE_MAX_ATTACHMENT_BYTES
    kinds = []
    for upload in attachments:
        if upload.size > limit:
            raise ValidationError(
                {
                    "attachments": _("附件“%(name)s”超过%(limit)sMB，请压缩后再上传。")
                    % {"name": PurePath(upload.name or "").name, "limit": limit // (1024 * 1024)}
                }
            )
        try:
            kinds.append(attachment_check(upload))
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from None
    return kinds


def _save_attachments(
    request: HotlineRequest,
    attachments: Sequence[Any],
    kinds: list[str],
    *,
    uploader: Any,
    message: RequestMessage | None = None,
) -> None:
    for upload, kind in zip(attachments, kinds, strict=True):
        name = PurePath(upload.name or "file").name[:120]
        RequestAttachment.objects.create(
            request=request,
            message=message,
            file=upload,
            name=name,
            kind=kind,
            size=upload.size,
            uploaded_by=_actor(uploader),
        )


def _validate_new(kind: str, topic: str, region: Region | None) -> None:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("请选择诉求类型。")})
    if topic not in Topic.values:
        raise ValidationError({"topic": _("请选择话题。")})
    if region is None or region.level not in (Region.Level.CITY, Region.Level.COUNTY):
        raise ValidationError({"region": _("请选择您所在的市或县（市、区）。")})
    if not region.path.startswith(f"100000/{settings.PORTAL_DEFAULT_REGION_CODE}/"):
        raise ValidationError({"region": _("请选择河北省内的地区。")})


@transaction.atomic
def hotline_request_submit(
    *,
    member: Any,
    kind: str,
    topic: str,
    title: str,
    description: str,
    region: Region | None,
    attachments: Sequence[Any] = (),
) -> HotlineRequest:
    """A member's request made online.

    Preconditions: ``member`` is signed in; kind and topic from the national scheme; a city
    or county of Hebei; attachments of an accepted real type within the size limit.
    Side effects: time limits set (ordinary tier), routed to an agent of the region's team
    (``hotline_request_route``), the agent notified in the site.
    """
    if _actor(member) is None:
        raise ValidationError(_("请先登录。"))
    _validate_new(kind, topic, region)
    title = _text(title, name="title", max_length=80)
    description = _text(description, name="description", max_length=5000)
    kinds = _check_attachments(attachments)
    now = timezone.now()
    request = HotlineRequest(
        member=member,
        channel=HotlineRequest.Channel.ONLINE,
        kind=kind,
        topic=topic,
        title=title,
        description=description,
        region=region,
        created_by=member,
        created_at=now,
        updated_at=now,
    )
    _set_due(request, start=now)
    request.save()
    RequestTransition.objects.create(
        request=request, to_state=State.NEW, actor=member, note=_("网上提交")
    )
    _save_attachments(request, attachments, kinds, uploader=member)
    return hotline_request_route(request=request)


@transaction.atomic
def hotline_request_open_for_caller(
    *,
    agent: Any,
    caller_name: str,
    caller_phone: str,
    kind: str,
    topic: str,
    title: str,
    description: str,
    region: Region | None,
    tier: str = Tier.ORDINARY,
    member: Any = None,
) -> HotlineRequest:
    """A request an agent records for a caller on the phone; the agent who took the call
    handles it (assigned to them).

    Preconditions: the agent may handle requests of ``region``.
    """
    _validate_new(kind, topic, region)
    if not user_can(agent, Action.HOTLINE_HANDLE, region=region):
        raise ValidationError({"region": _("您无权登记%(r)s的诉求。") % {"r": region.name}})
    if tier not in Tier.values:
        raise ValidationError({"tier": _("请选择时限等级。")})
    caller_name = _text(caller_name, name="caller_name", max_length=50)
    caller_phone = _text(caller_phone, name="caller_phone", max_length=20)
    now = timezone.now()
    request = HotlineRequest(
        member=member,
        caller_name=caller_name,
        caller_phone=caller_phone,
        channel=HotlineRequest.Channel.PHONE,
        kind=kind,
        topic=topic,
        tier=tier,
        title=_text(title, name="title", max_length=80),
        description=_text(description, name="description", max_length=5000),
        region=region,
        created_by=agent,
        created_at=now,
        updated_at=now,
    )
    _set_due(request, start=now)
    request.save()
    RequestTransition.objects.create(
        request=request, to_state=State.NEW, actor=agent, note=_("电话登记")
    )
    request.assignee = agent
    _move(request, to=State.ASSIGNED, actor=agent, note=_("接听坐席承办"), fields=["assignee"])
    return request


def _team_candidates(request: HotlineRequest) -> list[int]:
    """User ids of the active team members for the request's topic, on the deepest region
    (county, then city, then province) that has any."""
    codes = request.region.path.strip("/").split("/")[1:]  # without the national root
    members = list(
        HotlineTeamMember.objects.filter(is_active=True, region__code__in=codes)
        .select_related("region", "user")
        .order_by("-region__level", "id")
    )
    depth = {code: n for n, code in enumerate(codes)}
    by_depth: dict[int, list[int]] = {}
    for member in members:
        if member.topics and request.topic not in member.topics:
            continue
        if not user_can(member.user, Action.HOTLINE_HANDLE, region=request.region):
            continue
        by_depth.setdefault(depth[member.region.code], []).append(member.user_id)
    if not by_depth:
        return []
    return by_depth[max(by_depth)]


def agent_open_counts(*, user_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        HotlineRequest.objects.filter(assignee_id__in=user_ids, state__in=OPEN_STATES)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(user_ids, 0)
    counts.update({row["assignee_id"]: row["n"] for row in rows})
    return counts


def _notify_assigned(request: HotlineRequest) -> None:
    notify(
        user=request.assignee,
        kind="hotline.assigned",
        title=_("新分派诉求：%(title)s") % {"title": request.title},
        url=reverse("admin:hotline_hotlinerequest_change", args=[request.pk]),
        dedupe_key=f"hotline-assign-{request.pk}-{request.assignee_id}-{request.updated_at.timestamp()}",
    )


@transaction.atomic
def hotline_request_route(*, request: HotlineRequest) -> HotlineRequest:
    """Assign a new request to the agent of its region's team (county, else city, else
    province) for its topic with the fewest open requests; ties go to the longest-serving.
    Without a team the request stays "new" for supervisors to assign."""
    request = _locked(request)
    if request.state != State.NEW:
        return request
    candidates = _team_candidates(request)
    if not candidates:
        return request
    counts = agent_open_counts(user_ids=candidates)
    agent_id = min(candidates, key=lambda user_id: (counts[user_id], candidates.index(user_id)))
    request.assignee_id = agent_id
    _move(
        request, to=State.ASSIGNED, actor=None, note=_("按地区和话题自动分派"), fields=["assignee"]
    )
    request.refresh_from_db(fields=["assignee"])
    _notify_assigned(request)
    return request


@transaction.atomic
def hotline_request_assign(*, actor: Any, request: HotlineRequest, agent: Any) -> HotlineRequest:
    """Give the request to ``agent``. An agent may take an unassigned request for
    themselves ("assign to me"); reassigning someone else's is for supervisors.

    Preconditions: the request is open; the agent may handle its region.
    """
    request = _locked(request)
    if request.state not in OPEN_STATES:
        raise ValidationError(_("已办结或已关闭的诉求不能再分派。"))
    if not user_can(agent, Action.HOTLINE_HANDLE, region=request.region):
        raise ValidationError(
            _("%(agent)s不负责%(region)s的诉求。") % {"agent": agent, "region": request.region.name}
        )
    taking_free = (
        actor is not None and agent.pk == actor.pk and request.assignee_id in (None, actor.pk)
    )
    if not taking_free:
        _require_supervisor(actor, request.region)
    if request.assignee_id == agent.pk:
        return request
    previous = request.assignee
    request.assignee = agent
    note = (
        _("改派：%(old)s → %(new)s") % {"old": previous, "new": agent}
        if previous
        else _("分派给%(new)s") % {"new": agent}
    )
    target = State.ASSIGNED if request.state != State.WAITING else State.WAITING
    if target == request.state == State.WAITING:
        RequestTransition.objects.create(
            request=request,
            from_state=State.WAITING,
            to_state=State.WAITING,
            actor=actor,
            note=note,
        )
        request.save(update_fields=["assignee", "updated_at"])
    else:
        _move(request, to=State.ASSIGNED, actor=actor, note=note, fields=["assignee"])
    _notify_assigned(request)
    return request


def _member_notice(request: HotlineRequest, *, title: str, body: str, key: str) -> None:
    if request.member_id is None:
        return
    notify(
        user=request.member,
        kind="hotline.reply",
        title=title,
        body=body[:200],
        url=reverse("hotline:request_detail", kwargs={"pk": request.pk}),
        sms=True,
        dedupe_key=key,
    )


class ReplyAction:
    REPLY = "reply"  # answer, keep handling
    ASK = "ask"  # ask the member for information (pauses the clock)
    RESOLVE = "resolve"  # answer and resolve


@transaction.atomic
def hotline_reply(
    *,
    actor: Any,
    request: HotlineRequest,
    body: str,
    internal: bool = False,
    action: str = ReplyAction.REPLY,
    attachments: Sequence[Any] = (),
) -> RequestMessage:
    """A staff reply (the member is notified in the site and by SMS after commit) or an
    internal note (the member never sees it).

    Preconditions: the actor may handle the request's region; the request is not closed.
    Side effects: first response time kept; ``ask`` → waiting for the member (clock
    paused), ``resolve`` → resolved; a reply to an assigned request starts it.
    """
    request = _locked(request)
    _require_handler(actor, request)
    if request.state == State.CLOSED:
        raise ValidationError(_("诉求已关闭，不能再回复。如需继续办理，请先重新打开。"))
    body = _text(body, name="body", max_length=5000)
    if action not in (ReplyAction.REPLY, ReplyAction.ASK, ReplyAction.RESOLVE):
        raise ValidationError(_("未知的答复方式。"))
    if request.state == State.NEW and not internal:
        raise ValidationError(_("请先分派或认领这条诉求，再答复。"))
    kinds = _check_attachments(attachments)
    now = timezone.now()
    message = RequestMessage.objects.create(
        request=request,
        kind=RequestMessage.Kind.NOTE if internal else RequestMessage.Kind.REPLY,
        author=_actor(actor),
        body=body,
        created_at=now,
    )
    _save_attachments(request, attachments, kinds, uploader=actor, message=message)
    if internal:
        return message
    fields = []
    if request.first_response_at is None:
        request.first_response_at = now
        fields.append("first_response_at")
    if action == ReplyAction.ASK:
        if request.state == State.RESOLVED:
            raise ValidationError(_("已办结的诉求请先重新打开，再请职工补充材料。"))
        request.waiting_since = now
        _move(
            request,
            to=State.WAITING,
            actor=actor,
            note=_("请职工补充材料"),
            fields=[*fields, "waiting_since"],
            at=now,
        )
    elif action == ReplyAction.RESOLVE:
        _resolve(request, actor=actor, now=now, fields=fields)
    elif request.state == State.ASSIGNED:
        _move(request, to=State.IN_PROGRESS, actor=actor, note=_("答复职工"), fields=fields)
    elif fields:
        request.save(update_fields=fields)
    _member_notice(
        request,
        title=_("您的12351诉求有了新答复"),
        body=body,
        key=f"hotline-reply-{message.pk}",
    )
    return message


def _resume_clock(request: HotlineRequest, *, now: datetime) -> list[str]:
    """Leaving "waiting": the due times move by the working days spent waiting."""
    if request.waiting_since is None:
        return []
    waited = working_days_between(request.waiting_since, now)
    if request.first_response_due:
        request.first_response_due = shift_by_working_days(request.first_response_due, waited)
    if request.resolution_due:
        request.resolution_due = shift_by_working_days(request.resolution_due, waited)
    request.waiting_since = None
    return ["first_response_due", "resolution_due", "waiting_since"]


def _resolve(request: HotlineRequest, *, actor: Any, now: datetime, fields: list[str]) -> None:
    fields = [*fields, *_resume_clock(request, now=now)]
    request.resolved_at = now
    request.is_overdue = False
    _move(
        request,
        to=State.RESOLVED,
        actor=actor,
        note=_("办结"),
        fields=[*fields, "resolved_at", "is_overdue"],
        at=now,
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
def hotline_member_add_info(
    *, member: Any, request: HotlineRequest, body: str, attachments: Sequence[Any] = ()
) -> RequestMessage:
    """The member adds information. From "waiting" the request goes back to its agent
    (in progress) and the clock resumes.

    Preconditions: the member owns the request; it is not resolved or closed.
    """
    request = _locked(request)
    _require_owner(member, request)
    if request.state in (State.RESOLVED, State.CLOSED):
        raise ValidationError(_("诉求已办结，不能再补充。如问题没有解决，请选择“重新办理”。"))
    body = _text(body, name="body", max_length=5000)
    kinds = _check_attachments(attachments)
    now = timezone.now()
    message = RequestMessage.objects.create(
        request=request, kind=RequestMessage.Kind.MEMBER, author=member, body=body, created_at=now
    )
    _save_attachments(request, attachments, kinds, uploader=member, message=message)
    if request.state == State.WAITING:
        fields = _resume_clock(request, now=now)
        _move(
            request,
            to=State.IN_PROGRESS,
            actor=member,
            note=_("职工已补充材料"),
            fields=fields,
            at=now,
        )
    if request.assignee_id:
        notify(
            user=request.assignee,
            kind="hotline.member_info",
            title=_("职工补充了诉求 %(n)s") % {"n": request.number},
            url=reverse("admin:hotline_hotlinerequest_change", args=[request.pk]),
            dedupe_key=f"hotline-info-{message.pk}",
        )
    return message


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
    from activities.models import PointsEntry
    from activities.tasks import points_credit_later

    amount = getattr(settings, "ACTIVITIES_HOTLINE_RATING_POINTS", 0)
    if amount and request.member_id:
        points_credit_later(
            user_id=request.member_id,
            amount=amount,
            reason=_("评价12351热线服务（%(ref)s）") % {"ref": request.number},
            source=PointsEntry.Source.HOTLINE,
            idempotency_key=f"hotline:{request.pk}:rated",
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


# --- periodic work ------------------------------------------------------------------------


def overdue_q(now: datetime) -> Q:
    """Open, not paused, and past a time limit."""
    return Q(state__in=[State.NEW, State.ASSIGNED, State.IN_PROGRESS]) & (
        Q(first_response_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


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
