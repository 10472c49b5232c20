"""The member's own home (我的), privacy centre, data export and account closure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.me_forms import CLOSE_PHRASE, AccountCloseForm
from accounts.selectors.me import me_summary
from accounts.selectors.privacy import personal_data_export
from accounts.services.closure import account_close
from core.audit import audit_record
from core.memberpage import member_page_cache
from core.notifications import notification_list, notification_mark_read
from core.push import push_public_key


@login_required
@require_GET
@member_page_cache
def me_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/me_home.html", {"summary": me_summary(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def me_privacy(request: HttpRequest) -> HttpResponse:
    form = AccountCloseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_close(user=request.user, request=request)
        logout(request)
        messages.success(request, _("您的账号已注销，个人信息已删除或匿名化。感谢您的使用。"))
        return redirect("home")
    return render(
        request,
        "accounts/me_privacy.html",
        {"summary": me_summary(user=request.user), "form": form, "close_phrase": CLOSE_PHRASE},
    )


@login_required
@require_GET
def me_data_export(request: HttpRequest) -> HttpResponse:
    data = personal_data_export(user=request.user)
    audit_record(actor=request.user, action="account.export", target=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"zgzj-hebei-personal-data-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def me_notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_list(user=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request, "accounts/me_notices.html", {"page": page, "push_public_key": push_public_key()}
    )


@login_required
@require_POST
def me_notices_read(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("accounts:notices")
