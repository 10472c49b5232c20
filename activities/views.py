"""Member pages (activities, benefits, points, mall) and the staff scanning page."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Action, user_can
from activities import selectors, services
from activities.forms import OrderCancelForm, ScanForm
from activities.models import Activity
from core.audit import audit_record
from core.security import rate_limited
from regions.selectors import region_tree

PAGE_SIZE = 20


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _region_path(request: HttpRequest) -> tuple[str | None, object]:
    code = request.GET.get("region", "")
    node = region_tree().get(code) if code else None
    return (node.path if node else None), node


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Upcoming activities and open benefits, optionally for one region (``?region=``)."""
    path, node = _region_path(request)
    kind = request.GET.get("kind", "")
    if kind not in Activity.Kind.values:
        kind = ""
    page = Paginator(selectors.activity_list(region_path=path, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "campaigns": list(selectors.campaign_list(region_path=path)[:10]),
        "region": node,
        "kind": kind,
        "kinds": Activity.Kind.choices,
        "may_manage": user_can(request.user, Action.ACTIVITIES_MANAGE),
    }
    return render(request, "activities/activity_list.html", context)


@require_GET
def region_block(request: HttpRequest, code: str) -> HttpResponse:
    """The region page's "近期活动" block as a fragment (htmx), cached per region."""
    node = region_tree().get(code)
    if node is None:
        raise Http404
    context = {
        "cards": selectors.region_upcoming_activities(node=node),
        "region_code": node.code,
        "region_name": node.short_name,
    }
    return render(request, "activities/_region_block.html", context)


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(user=request.user, id=pk)
    context = {
        "activity": activity,
        "signup": selectors.signup_for_user(user=request.user, activity=activity),
        "started": activity.starts_at <= timezone.now(),
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
@require_POST
def activity_signup_view(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.activity_get_for_user(user=request.user, id=pk)
    try:
        signup = services.activity_signup(activity_id=pk, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if signup.status == signup.Status.CONFIRMED:
            messages.success(request, _("报名成功，请按时参加。"))
        else:
            messages.success(
                request, _("名额已满，您已进入候补名单；有人取消时将按顺序递补并通知您。")
            )
    return redirect("activities:activity_detail", pk=pk)


@login_required
@require_POST
def signup_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        signup = services.activity_signup_cancel(signup_id=pk, user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("activities:my_signups")
    messages.success(request, _("已取消报名。"))
    return redirect("activities:activity_detail", pk=signup.activity_id)


@login_required
@require_GET
def my_signups(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.signup_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "activities/signup_list.html", {"page": page})


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, id=pk)
    claim = None
    if request.user.is_authenticated:
        claim = selectors.claim_list_for_user(user=request.user).filter(campaign=campaign).first()
    context = {"campaign": campaign, "claim": claim, "open": campaign.is_open()}
    return render(request, "activities/campaign_detail.html", context)


@login_required
@require_POST
@rate_limited("activities.claim")
def campaign_claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.campaign_get_for_user(user=request.user, id=pk)
    try:
        services.campaign_claim(campaign_id=pk, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("领取成功，礼包券已放入您的数字卡包。"))
    return redirect("activities:campaign_detail", pk=pk)


@login_required
@require_GET
def my_vouchers(request: HttpRequest) -> HttpResponse:
    claims = selectors.claim_list_for_user(user=request.user)
    return render(request, "activities/voucher_list.html", {"claims": claims})


@login_required
@require_GET
def my_points(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.points_ledger(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "balance": selectors.points_balance(user=request.user),
        "expiring": selectors.points_expiring(user=request.user),
    }
    return render(request, "activities/points_ledger.html", context)


@require_GET
def mall_index(request: HttpRequest) -> HttpResponse:
    path, node = _region_path(request)
    page = Paginator(selectors.mall_item_list(region_path=path), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    balance = selectors.points_balance(user=request.user) if request.user.is_authenticated else None
    regional = selectors.mall_item_regional_stock(user=request.user, items=page.object_list)
    for item in page.object_list:
        item.regional_stock = regional.get(item.pk)
    return render(
        request, "activities/mall_list.html", {"page": page, "balance": balance, "region": node}
    )


@require_GET
def mall_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.mall_item_get_for_user(user=request.user, id=pk)
    balance = selectors.points_balance(user=request.user) if request.user.is_authenticated else None
    regional = selectors.mall_item_regional_stock(user=request.user, items=[item]).get(item.pk)
    context = {"item": item, "balance": balance, "regional": regional}
    return render(request, "activities/mall_item_detail.html", context)


@login_required
@require_POST
def mall_order_place_view(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.mall_item_get_for_user(user=request.user, id=pk)
    try:
        services.mall_order_place(item_id=pk, user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("activities:mall_item", pk=pk)
    messages.success(request, _("兑换成功，请留意订单状态，备货完成后到领取地点领取。"))
    return redirect("activities:my_orders")


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.order_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "activities/order_list.html", {"page": page})


@login_required
@require_POST
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, id=pk)
    form = OrderCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.mall_order_cancel(order=order, actor=request.user, reason=reason)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("订单已取消，积分已退回。"))
    return redirect("activities:my_orders")


def _require_staff(request: HttpRequest) -> None:
    if not user_can(request.user, Action.ACTIVITIES_MANAGE):
        raise Http404


@login_required
def staff_scan(request: HttpRequest) -> HttpResponse:
    """Redeem a voucher or check a member in: the scanner app posts the token here, or
    staff paste it. Works without JavaScript on a phone."""
    _require_staff(request)
    result = None
    if request.method == "POST":
        form = ScanForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["mode"] == ScanForm.Mode.REDEEM:
                    claim = services.campaign_voucher_redeem(
                        token=data["token"], staff=request.user, request=request
                    )
                    result = {
                        "ok": True,
                        "title": _("核销成功"),
                        "detail": f"{claim.campaign.title} · {claim.user.get_short_name()}",
                    }
                else:
                    signup = services.activity_check_in(
                        activity_id=data["activity"].pk,
                        token=data["token"],
                        staff=request.user,
                        request=request,
                    )
                    result = {
                        "ok": True,
                        "title": _("签到成功"),
                        "detail": f"{signup.activity.title} · {signup.user.get_short_name()}",
                    }
            except ValidationError as error:
                result = {"ok": False, "title": _("操作未成功"), "detail": " ".join(error.messages)}
            # A fresh form for the next scan, keeping the mode and activity.
            form = ScanForm(
                initial={"mode": data["mode"], "activity": data.get("activity")},
                user=request.user,
            )
    else:
        form = ScanForm(user=request.user)
    return render(request, "activities/staff_scan.html", {"form": form, "result": result})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # Excel opens UTF-8 with a BOM correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def _audit_export(request: HttpRequest, *, what: str, details: dict) -> None:
    # Exports carry members' names and (masked) numbers: who took which file is logged.
    audit_record(
        actor=request.user,
        action=f"activities.export_{what}",
        target=request.user,
        request=request,
        details=details,
    )


@login_required
@require_GET
def staff_claims_csv(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Action.ACTIVITIES_MANAGE):
        raise PermissionDenied
    campaign_id = request.GET.get("campaign", "")
    campaign = int(campaign_id) if campaign_id.isdigit() else None
    claims = selectors.staff_claim_export_rows(user=request.user, campaign_id=campaign)
    _audit_export(request, what="claims", details={"campaign": campaign, "rows": claims.count()})
    rows = (
        [
            c.campaign.title,
            c.campaign.region.name,
            c.user.display_name,
            _masked_phone(c.user.phone),
            c.credential.serial if c.credential else "",
            _local(c.claimed_at),
            _local(c.redeemed_at),
            c.redeemed_by.get_short_name() if c.redeemed_by else "",
        ]
        for c in claims.iterator(chunk_size=500)
    )
    header = [
        _("福利活动"),
        _("地区"),
        _("会员"),
        _("手机号"),
        _("券号"),
        _("领取时间"),
        _("核销时间"),
        _("核销人"),
    ]
    return _csv_response("claims.csv", header, rows)


@login_required
@require_GET
def staff_orders_csv(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Action.ACTIVITIES_MANAGE):
        raise PermissionDenied
    orders = selectors.staff_order_export_rows(user=request.user)
    _audit_export(request, what="orders", details={"rows": orders.count()})
    rows = (
        [
            o.pk,
            o.item.title,
            o.item.region.name,
            o.user.display_name,
            _masked_phone(o.user.phone),
            o.points,
            o.get_status_display(),
            _local(o.created_at),
            _local(o.updated_at),
        ]
        for o in orders.iterator(chunk_size=500)
    )
    header = [
        _("订单号"),
        _("商品"),
        _("地区"),
        _("会员"),
        _("手机号"),
        _("积分"),
        _("状态"),
        _("下单时间"),
        _("更新时间"),
    ]
    return _csv_response("orders.csv", header, rows)
