"""The member's side of 12351 under /hotline/: ask (with matching cases first), follow, add
information, rate, confirm or reopen, book a legal consultation. Staff work in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.security import rate_limited
from hotline import selectors
from hotline.forms import AddInfoForm, BookForm, RateForm, ReopenForm, RequestSubmitForm
from hotline.models import ConsultationBooking, State
from hotline.services import consultations
from hotline.services import requests as services
from regions.current import current_region_for


def _add_error(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@rate_limited("hotline.submit", when=lambda request: "preview" not in request.POST)
def index(request: HttpRequest) -> HttpResponse:
    """The member's entry: the question form (matching cases and answers shown before
    submitting) and their requests."""
    if not request.user.is_authenticated:
        return render(request, "hotline/request_index.html", {"form": None})
    suggestions: list = []
    if request.method == "POST":
        form = RequestSubmitForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                suggestions = selectors.hotline_suggestions(
                    query=f"{data['title']} {data['description'][:60]}", region=data["region"]
                )
            else:
                try:
                    created = services.hotline_request_submit(
                        member=request.user,
                        kind=data["kind"],
                        topic=data["topic"],
                        title=data["title"],
                        description=data["description"],
                        region=data["region"],
                        attachments=data["attachments"],
                    )
                except ValidationError as exc:
                    _add_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("诉求已提交，编号 %(n)s。工作人员答复后会通知您。")
                        % {"n": created.number},
                    )
                    return redirect(created)
    else:
        region = current_region_for(request)
        initial = (
            {"region": region.code}
            if region is not None and region.level in ("city", "county")
            else {}
        )
        form = RequestSubmitForm(initial=initial)
    context = {
        "form": form,
        "suggestions": suggestions,
        "previewed": request.method == "POST" and "preview" in request.POST,
        "my_requests": selectors.hotline_request_list_for_member(user=request.user)[:50],
    }
    return render(request, "hotline/request_index.html", context)


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Matching typical cases and answers for what the member is typing (htmx partial)."""
    query = request.GET.get("title", "") + " " + request.GET.get("description", "")[:60]
    found = selectors.hotline_suggestions(query=query.strip())
    return render(request, "hotline/_suggestions.html", {"suggestions": found, "previewed": True})


def _detail(request: HttpRequest, pk: int, **forms: Form) -> HttpResponse:
    item = selectors.hotline_request_get_for_user(user=request.user, id=pk)
    live = [b for b in item.bookings.all() if b.status == ConsultationBooking.Status.BOOKED]
    can_book = item.state not in (State.RESOLVED, State.CLOSED) and not live
    context = {
        "item": item,
        "bookings": item.bookings.all(),
        "slots": selectors.consultation_slots_open_for(request=item) if can_book else [],
        "info_form": forms.get("info_form") or AddInfoForm(),
        "rate_form": forms.get("rate_form") or RateForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "book_form": forms.get("book_form"),
        "State": State,
        "errors": [e for form in forms.values() for e in form.non_field_errors()],
    }
    status = 400 if any(form.errors for form in forms.values()) else 200
    return render(request, "hotline/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _act(request: HttpRequest, pk: int, form: Form, form_name: str, action, success: str):
    item = selectors.hotline_request_get_for_user(user=request.user, id=pk)
    if form.is_valid():
        try:
            action(item, form.cleaned_data)
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(item)
    return _detail(request, pk, **{form_name: form})


@login_required
@require_POST
def request_add_info(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        AddInfoForm(request.POST, request.FILES),
        "info_form",
        lambda item, data: services.hotline_member_add_info(
            member=request.user, request=item, body=data["body"], attachments=data["attachments"]
        ),
        _("补充内容已提交。"),
    )


@login_required
@require_POST
def request_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        RateForm(request.POST),
        "rate_form",
        lambda item, data: services.hotline_request_rate(
            member=request.user, request=item, rating=data["rating"], comment=data["comment"]
        ),
        _("感谢您的评价。"),
    )


@login_required
@require_POST
def request_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Form(request.POST),
        "rate_form",
        lambda item, data: services.hotline_request_confirm(member=request.user, request=item),
        _("已确认办结，诉求已关闭。"),
    )


@login_required
@require_POST
def request_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReopenForm(request.POST),
        "reopen_form",
        lambda item, data: services.hotline_request_reopen(
            actor=request.user, request=item, reason=data["reason"]
        ),
        _("已申请重新办理，工作人员会继续跟进。"),
    )


@login_required
@require_POST
def request_book(request: HttpRequest, pk: int) -> HttpResponse:
    def book(item, data):
        slot = selectors.consultation_slot_get(id=data["slot"])
        consultations.consultation_book(actor=request.user, request=item, slot=slot)

    return _act(request, pk, BookForm(request.POST), "book_form", book, _("法律咨询已预约。"))


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int, booking_pk: int) -> HttpResponse:
    item = selectors.hotline_request_get_for_user(user=request.user, id=pk)
    booking = next((b for b in item.bookings.all() if b.pk == booking_pk), None)
    if booking is None:
        raise Http404("no such booking")
    try:
        consultations.consultation_cancel(actor=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("预约已取消。"))
    return redirect(item)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.hotline_attachment_get_for_user(user=request.user, id=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
