"""What every request service shares: the row lock, the one state-change path (``_move``,
which records each transition), the actor checks, text and attachment checks, the clock
when a request leaves "waiting", and the member's notice.

Package-private (the leading underscores): the services of ``hotline.services.requests``
use them; nothing else should.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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
    TRANSITIONS,
    HotlineRequest,
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    State,
)
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
        push=True,
        dedupe_key=key,
    )


class ReplyAction:
    REPLY = "reply"  # answer, keep handling
    ASK = "ask"  # ask the member for information (pauses the clock)
    RESOLVE = "resolve"  # answer and resolve


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
