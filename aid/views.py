"""The member's side under /aid/: apply for hardship aid and follow every step, enrol in a
互助保障 plan, file a claim and follow it. Staff decide in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aid import selectors
from aid.forms import ClaimForm, EnrolForm, HardshipApplyForm
from aid.models import ClaimStatus, EnrolmentStatus, HardshipStatus
from aid.services import hardship, mutual
from core.security import rate_limited


def _add_error(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "plans": selectors.mutual_plan_list_open()[:20],
        "applications": selectors.hardship_application_list_for_member(user=user)[:20],
        "enrolments": selectors.mutual_enrolment_list_for_member(user=user)[:20],
    }
    return render(request, "aid/aid_index.html", context)


# --- 困难职工帮扶 ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("aid.submit")
def hardship_apply(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = HardshipApplyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = hardship.hardship_application_submit(
                    member=request.user,
                    reason=data["reason"],
                    family_size=data["family_size"],
                    monthly_income=data["monthly_income"],
                    family_situation=data["family_situation"],
                    phone=data["phone"],
                    documents=data["documents"],
                )
            except ValidationError as exc:
                _add_error(form, exc)
            else:
                messages.success(
                    request,
                    _("申请已提交，编号 %(n)s。每一步办理情况都会在这里显示并通知您。")
                    % {"n": application.number},
                )
                return redirect(application)
    else:
        form = HardshipApplyForm()
    status = 400 if form.errors else 200
    return render(request, "aid/hardship_apply.html", {"form": form}, status=status)


@login_required
@require_GET
def hardship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.hardship_application_get_for_user(user=request.user, id=pk)
    context = {
        "item": item,
        "S": HardshipStatus,
        "can_withdraw": item.status in (HardshipStatus.SUBMITTED, HardshipStatus.VERIFIED),
        "stages": _stages(item),
    }
    return render(request, "aid/hardship_detail.html", context)


def _stages(item) -> list[dict]:
    """The four stages of the journey, each done / current / to come, for the progress bar."""
    order = [
        (HardshipStatus.SUBMITTED, _("提交申请")),
        (HardshipStatus.VERIFIED, _("基层核实")),
        (HardshipStatus.APPROVED, _("市总审批")),
        (HardshipStatus.DISBURSED, _("帮扶发放")),
    ]
    reached = {step.to_status for step in item.steps.all()}
    stages = []
    for status, label in order:
        state = "done" if status in reached else "todo"
        stages.append({"label": label, "state": state})
    if item.status == HardshipStatus.REFUSED:
        stages.append({"label": _("未获批准"), "state": "refused"})
    return stages


@login_required
@require_POST
def hardship_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.hardship_application_get_for_user(user=request.user, id=pk)
    try:
        hardship.hardship_application_withdraw(member=request.user, application=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect(item)


@login_required
@require_GET
def hardship_document(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.hardship_document_get_for_user(user=request.user, id=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


# --- 职工互助保障 ------------------------------------------------------------------------------


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.mutual_plan_get_public(id=pk)
    return render(request, "aid/plan_detail.html", {"plan": plan, "form": EnrolForm()})


@login_required
@require_POST
def plan_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.mutual_plan_get_public(id=pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            enrolment = mutual.mutual_enrol(
                member=request.user,
                plan=plan,
                payer=form.cleaned_data["payer"],
                employer_name=form.cleaned_data["employer_name"],
            )
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("报名成功，工会确认缴费后保障生效。"))
            return redirect(enrolment)
    return render(request, "aid/plan_detail.html", {"plan": plan, "form": form}, status=400)


def _enrolment_page(request: HttpRequest, enrolment, form: ClaimForm | None = None, status=200):
    context = {
        "enrolment": enrolment,
        "claims": enrolment.claims.all(),
        "form": form or ClaimForm(),
        "can_claim": enrolment.status == EnrolmentStatus.ACTIVE,
        "can_cancel": enrolment.status == EnrolmentStatus.PENDING,
    }
    return render(request, "aid/enrolment_detail.html", context, status=status)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.mutual_enrolment_get_for_user(user=request.user, id=pk)
    return _enrolment_page(request, enrolment)


@login_required
@require_POST
@rate_limited("aid.submit")
def enrolment_claim(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.mutual_enrolment_get_for_user(user=request.user, id=pk)
    form = ClaimForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = mutual.mutual_claim_file(
                member=request.user,
                enrolment=enrolment,
                incident_date=data["incident_date"],
                amount_claimed=data["amount_claimed"],
                description=data["description"],
                documents=data["documents"],
            )
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("理赔申请已提交，编号 %(n)s。") % {"n": claim.number})
            return redirect(claim)
    return _enrolment_page(request, enrolment, form, status=400)


@login_required
@require_POST
def enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.mutual_enrolment_get_for_user(user=request.user, id=pk)
    try:
        mutual.mutual_enrolment_cancel(member=request.user, enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已取消报名。"))
    return redirect(enrolment)


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.mutual_claim_get_for_user(user=request.user, id=pk)
    return render(request, "aid/claim_detail.html", {"claim": claim, "C": ClaimStatus})


@login_required
@require_GET
def claim_document(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.claim_document_get_for_user(user=request.user, id=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)
