"""New requests: a member's online submission and an agent's record of a phone call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from hotline.models import HotlineRequest, Kind, RequestTransition, State, Tier, Topic
from hotline.services.requests.base import (
    _actor,
    _check_attachments,
    _move,
    _save_attachments,
    _set_due,
    _text,
)
from hotline.services.requests.routing import hotline_request_route
from regions.models import Region


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
