"""Member, employer and union-staff pages of the employment service (thin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagecache import anonymous_page_cache
from jobs import selectors, services
from jobs.forms import (
    DecisionForm,
    InterviewForm,
    JobPostForm,
    JobSearchForm,
    ResumeForm,
    ResumeSearchForm,
)
from regions.selectors import region_tree

PAGE_SIZE = 20


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@anonymous_page_cache
def index(request: HttpRequest) -> HttpResponse:
    """The job list and search. Anonymous visitors get it from the page cache (a post saved
    drops it; a post past its deadline leaves it within ``PAGE_CACHE_SECONDS``)."""
    form = JobSearchForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        node = (
            region_tree().get(form.cleaned_data["region"]) if form.cleaned_data["region"] else None
        )
        filters = {
            "q": form.cleaned_data["q"],
            "region_path": node.path if node else "",
            "pay_at_least": form.cleaned_data["pay"],
            "employment_type": form.cleaned_data["type"],
        }
    posts = selectors.job_post_list(**filters) if not form.is_bound or form.is_valid() else []
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/post_list.html",
        {"form": form, "page": page, "posts": page.object_list, "querystring": query.urlencode()},
    )


def region_posts(request: HttpRequest, code: str) -> HttpResponse:
    """The nearest active posts for a region page (an htmx fragment; one query)."""
    node = region_tree().get(code)
    if node is None:
        raise Http404
    posts = selectors.region_nearest_posts(region_path=node.path)
    return render(request, "jobs/_region_posts.html", {"posts": posts, "region": node})


def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.job_post_get_public(id=pk)
    applied = selectors.application_exists(user=request.user, post=post)
    return render(request, "jobs/post_detail.html", {"post": post, "applied": applied})


@login_required
@require_POST
def post_apply(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.job_post_get_public(id=pk)
    try:
        application = services.application_submit(user=request.user, post=post)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("jobs:post_detail", pk=post.pk)
    messages.success(request, _("投递成功，用人单位查看后会通知您。"))
    return redirect("jobs:application_detail", pk=application.pk)


@login_required
def resume_edit(request: HttpRequest) -> HttpResponse:
    resume = selectors.resume_for_user(user=request.user)
    form = ResumeForm(request.POST or None, initial=ResumeForm.initial_for(resume))
    if request.method == "POST" and form.is_valid():
        try:
            services.resume_save(user=request.user, **form.service_data(resume))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("简历已保存，正在为您匹配岗位。"))
            return redirect("jobs:recommendations")
    return render(request, "jobs/resume_edit.html", {"form": form, "resume": resume})


@login_required
def recommendations(request: HttpRequest) -> HttpResponse:
    resume = selectors.resume_for_user(user=request.user)
    matches = selectors.match_list_for_user(user=request.user) if resume else []
    template = "jobs/_recommendations.html" if request.htmx else "jobs/recommendations.html"
    return render(request, template, {"resume": resume, "matches": matches})


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.application_list_for_user(user=request.user)
    return render(request, "jobs/application_list.html", {"applications": applications})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, id=pk)
    return render(request, "jobs/application_detail.html", {"application": application})


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, id=pk)
    try:
        services.application_withdraw(user=request.user, application=application)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("jobs:application_detail", pk=pk)


@login_required
def manage_applications(request: HttpRequest) -> HttpResponse:
    """Employers and union staff: the applications to the posts they manage."""
    page = Paginator(selectors.application_list_for_manager(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "jobs/manage_application_list.html", {"page": page})


@login_required
def manage_application(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_manager(user=request.user, id=pk)
    interview_form = InterviewForm(prefix="invite")
    decision_form = DecisionForm(prefix="decide")
    try:
        if request.method == "POST" and "invite-at" in request.POST:
            interview_form = InterviewForm(request.POST, prefix="invite")
            if interview_form.is_valid():
                services.application_invite(
                    actor=request.user, application=application, **interview_form.cleaned_data
                )
                messages.success(request, _("面试邀请已发送。"))
                return redirect("jobs:manage_application", pk=pk)
        elif request.method == "POST":
            decision_form = DecisionForm(request.POST, prefix="decide")
            if decision_form.is_valid():
                services.application_decide(
                    actor=request.user,
                    application=application,
                    offered=decision_form.cleaned_data["decision"] == "offer",
                    note=decision_form.cleaned_data["note"],
                )
                messages.success(request, _("已通知求职者。"))
                return redirect("jobs:manage_application", pk=pk)
        else:
            application = services.application_mark_viewed(
                actor=request.user, application=application
            )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        application = selectors.application_get_for_manager(user=request.user, id=pk)
    return render(
        request,
        "jobs/manage_application_detail.html",
        {
            "application": application,
            "interview_form": interview_form,
            "decision_form": decision_form,
        },
    )


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _employers_or_404(user):
    employers = selectors.employers_for_user(user=user)
    if not employers.exists():
        raise Http404
    return employers


@login_required
def manage_posts(request: HttpRequest) -> HttpResponse:
    """An employer's own posts (union staff: the posts in their region), newest first."""
    _employers_or_404(request.user)
    page = Paginator(selectors.job_post_list_for_manager(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "jobs/manage_post_list.html",
        {
            "page": page,
            "is_verified_employer": selectors.user_is_verified_employer(request.user),
            "may_browse_resumes": selectors.user_may_browse_resumes(request.user),
        },
    )


@login_required
def manage_post_new(request: HttpRequest) -> HttpResponse:
    employers = _employers_or_404(request.user)
    form = JobPostForm(
        request.POST or None,
        employers=employers,
        initial={"education": "不限", "employment_type": "全职", "headcount": 1},
    )
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            post = services.job_post_create(
                actor=request.user,
                employer=form.cleaned_data["employer"],
                publish=publish,
                **form.service_data(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("岗位已发布，正在为您匹配求职者。") if publish else _("草稿已保存。")
            )
            return redirect("jobs:manage_post_edit", pk=post.pk)
    return render(request, "jobs/manage_post_form.html", {"form": form, "post": None})


@login_required
def manage_post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.job_post_get_for_manager(user=request.user, id=pk)
    employers = selectors.employer_of_post(post=post)  # the employer stays; shown, not changed
    form = JobPostForm(
        request.POST or None, employers=employers, initial=JobPostForm.initial_for(post)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.job_post_update(actor=request.user, post=post, **form.service_data())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("岗位已保存。"))
            return redirect("jobs:manage_post_edit", pk=post.pk)
    return render(
        request,
        "jobs/manage_post_form.html",
        {
            "form": form,
            "post": post,
            "may_moderate": selectors.user_can_moderate_post(request.user, post),
        },
    )


@login_required
@require_POST
def manage_post_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish, close (employer) or take down (union staff) a post."""
    post = selectors.job_post_get_for_manager(user=request.user, id=pk)
    action = request.POST.get("action")
    calls = {
        "publish": (
            lambda: services.job_post_publish(actor=request.user, post=post),
            _("岗位已发布，正在为您匹配求职者。"),
        ),
        "close": (
            lambda: services.job_post_close(actor=request.user, post=post),
            _("岗位已关闭，不再接受投递。"),
        ),
        "take_down": (
            lambda: services.job_post_take_down(
                actor=request.user, post=post, reason=request.POST.get("reason", "")
            ),
            _("岗位已下架。"),
        ),
    }
    if action not in calls:
        messages.error(request, _("未知的操作。"))
        return redirect("jobs:manage_post_edit", pk=pk)
    call, done = calls[action]
    try:
        call()
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("jobs:manage_post_edit", pk=pk)


@login_required
def manage_resumes(request: HttpRequest) -> HttpResponse:
    """Verified employers and union staff browse the résumés open to them."""
    if not selectors.user_may_browse_resumes(request.user):
        raise Http404
    form = ResumeSearchForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {"q": form.cleaned_data["q"], "city_code": form.cleaned_data["city"]}
    resumes = selectors.resume_list_for_viewer(user=request.user, **filters)
    page = Paginator(resumes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/manage_resume_list.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )


@login_required
def manage_resume(request: HttpRequest, pk: int) -> HttpResponse:
    resume = selectors.resume_get_for_viewer(user=request.user, id=pk)
    return render(request, "jobs/manage_resume_detail.html", {"resume": resume})
