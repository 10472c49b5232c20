"""The conversation: staff replies and internal notes, the member's added information."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from hotline.models import HotlineRequest, RequestMessage, State
from hotline.services.requests.base import (
    ReplyAction,
    _actor,
    _check_attachments,
    _locked,
    _member_notice,
    _move,
    _require_handler,
    _require_owner,
    _resolve,
    _resume_clock,
    _save_attachments,
    _text,
)


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
        request, title=_("您的12351诉求有了新答复"), body=body, key=f"hotline-reply-{message.pk}"
    )
    return message


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
