"""The member's "开启手机推送" / "关闭推送" on 消息通知: the browser's push subscription is
kept or forgotten here (``core.push``). JSON in and out for static/js/pwa.js; bad input is a
400 with a Chinese ``error``, never a 500."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.push import push_subscription_delete, push_subscription_save
from core.security import rate_limited

#: A subscription is an endpoint URL and two short keys: anything longer is not one.
BODY_MAX = 4096


def _json_body(request: HttpRequest) -> dict | None:
    if len(request.body) > BODY_MAX:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@login_required
@require_POST
@rate_limited("push.subscribe")
def push_subscribe(request: HttpRequest) -> JsonResponse:
    data = _json_body(request)
    if data is None:
        return _bad(_("请求格式无效，请刷新页面后重试。"))
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    refresh_only = data.get("refresh") is True
    try:
        subscription = push_subscription_save(
            user=request.user,
            endpoint=data.get("endpoint"),
            p256dh=keys.get("p256dh"),
            auth=keys.get("auth"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            session_key=request.session.session_key,
            refresh_only=refresh_only,
        )
    except ValidationError as exc:
        return _bad(" ".join(exc.messages))
    if subscription is None:
        return JsonResponse({"subscribed": False})
    if refresh_only:
        return JsonResponse({"subscribed": True})
    return JsonResponse({"subscribed": True, "message": _("已开启手机推送。")}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    data = _json_body(request)
    if data is None or not isinstance(data.get("endpoint"), str):
        return _bad(_("请求格式无效，请刷新页面后重试。"))
    deleted = push_subscription_delete(user=request.user, endpoint=data["endpoint"])
    return JsonResponse({"subscribed": False, "deleted": deleted})
