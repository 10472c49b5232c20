"""The member's 入会 and 转会 pages under /me/membership/. Officers work in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.membership_forms import MembershipApplyForm, TransferRequestForm, UnionSearchForm
from accounts.selectors import membership as selectors
from accounts.services import membership as services
from regions.current import current_region_for


def _add_service_error(form: Form, exc: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on the form, next to the field it names if there is one."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))


def _union_choices(request: HttpRequest) -> dict:
    """The search form, its results and the area's joint/industry unions for new-form
    workers, for the apply and transfer pages."""
    search = UnionSearchForm(request.GET or None)
    region_code = kind = keyword = ""
    if search.is_bound and search.is_valid():
        region_code = search.cleaned_data["region"]
        kind = search.cleaned_data["kind"]
        keyword = search.cleaned_data["q"]
    if not region_code and not search.is_bound:
        current = current_region_for(request)
        region_code = current.code if current is not None else ""
        search = UnionSearchForm(initial={"region": region_code})
    suggestions = selectors.union_organization_suggest_for_area(
        region_code=region_code, occupation=keyword
    )
    suggested_ids = {union.pk for union in suggestions}
    results = [
        union
        for union in selectors.union_organization_search(
            region_code=region_code, kind=kind, keyword=keyword
        )
        if union.pk not in suggested_ids
    ]
    return {"search": search, "suggestions": suggestions, "results": results}


@login_required
def membership_status(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "membership": selectors.membership_current(user=user),
        "pending_application": selectors.membership_application_pending_for_user(user=user),
        "open_transfer": selectors.transfer_request_open_for_user(user=user),
        "events": selectors.membership_event_list(user=user),
    }
    return render(request, "accounts/membership_status.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def membership_apply(request: HttpRequest) -> HttpResponse:
    if selectors.membership_current(user=request.user) is not None:
        messages.info(request, _("您已是工会会员。如需更换工会，请办理转会。"))
        return redirect("accounts:membership_transfer")
    pending = selectors.membership_application_pending_for_user(user=request.user)
    if pending is not None:
        messages.info(request, _("您已有一份待审核的入会申请。"))
        return redirect("accounts:membership")
    form = MembershipApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_application_submit(
                user=request.user,
                organization=form.cleaned_data["organization"],
                employer=form.cleaned_data["employer"],
                occupation=form.cleaned_data["occupation"],
                employment_form=form.cleaned_data["employment_form"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("入会申请已提交，请等待工会审核。"))
            return redirect("accounts:membership")
    context = {"form": form, **_union_choices(request)}
    return render(request, "accounts/membership_apply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def membership_transfer(request: HttpRequest) -> HttpResponse:
    membership = selectors.membership_current(user=request.user)
    if membership is None:
        messages.info(request, _("您还没有有效会籍，请先申请入会。"))
        return redirect("accounts:membership_apply")
    if selectors.transfer_request_open_for_user(user=request.user) is not None:
        messages.info(request, _("您已有一份正在办理的转会申请。"))
        return redirect("accounts:membership")
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_request_submit(
                user=request.user,
                to_organization=form.cleaned_data["organization"],
                employer=form.cleaned_data["employer"],
                occupation=form.cleaned_data["occupation"],
                employment_form=form.cleaned_data["employment_form"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("转会申请已提交，请等待原工会同意转出。"))
            return redirect("accounts:membership")
    context = {"form": form, "membership": membership, **_union_choices(request)}
    return render(request, "accounts/membership_transfer.html", context)


@login_required
@require_POST
def membership_application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.membership_application_get_for_user(user=request.user, id=pk)
    try:
        services.membership_application_withdraw(application=application, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("入会申请已撤回。"))
    return redirect("accounts:membership")


@login_required
@require_POST
def membership_transfer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = selectors.transfer_request_get_for_user(user=request.user, id=pk)
    try:
        services.transfer_withdraw(transfer=transfer, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("转会申请已撤回。"))
    return redirect("accounts:membership")
