"""Member pages of 冀工学堂: thin views over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.db_router import replica_reads
from core.memberpage import member_page_cache
from core.pagecache import anonymous_page_cache
from learning import selectors
from learning.forms import (
    CatalogueFilterForm,
    LeaderboardForm,
    PracticeFilterForm,
    answers_from_post,
)
from learning.models import Attempt, CourseCategory
from learning.services.competitions import (
    competition_eligibility_error,
    competition_register,
    competition_round_start,
)
from learning.services.courses import enrollment_create, lesson_complete, lesson_open
from learning.services.exams import (
    attempt_accepts_answers,
    attempt_answers_save,
    attempt_start,
    attempt_submit,
    grace,
)
from learning.services.practice import practice_answer, wrong_book_streak
from regions.current import current_region_for

PAGE_SIZE = 20


def _error_text(error: ValidationError) -> str:
    return "；".join(error.messages)


@require_GET
@anonymous_page_cache
@replica_reads
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    region = current_region_for(request)
    courses = selectors.course_catalogue(
        query=data.get("q", ""),
        category=data.get("category") or None,
        region_path=getattr(region, "path", None),
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    my = selectors.my_courses(user=request.user) if request.user.is_authenticated else []
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "learning/course_list.html",
        {
            "form": form,
            "page": page,
            "courses": page.object_list,
            "categories": CourseCategory.choices,
            "in_progress": [row for row in my if not row.enrollment.completed_at][:3],
            "querystring": querystring.urlencode(),
        },
    )


@require_GET
@member_page_cache
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_published(id=pk)
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    lessons = list(course.lessons.all())
    done = selectors.enrollment_done_lesson_ids(enrollment=enrollment)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "lessons": lessons,
            "enrollment": enrollment,
            "done": done,
            "resume": selectors.enrollment_resume_lesson(enrollment=enrollment, lessons=lessons)
            if enrollment
            else None,
        },
    )


@login_required
@require_POST
def course_enroll(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_published(id=pk)
    enrollment_create(user=request.user, course=course)
    messages.success(request, _("报名成功，开始学习吧。"))
    return redirect("learning:course_continue", pk=course.pk)


@login_required
@require_GET
def course_continue(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_published(id=pk)
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    lessons = list(course.lessons.all())
    if enrollment is None or not lessons:
        return redirect("learning:course_detail", pk=pk)
    lesson = selectors.enrollment_resume_lesson(enrollment=enrollment, lessons=lessons)
    return redirect("learning:lesson_detail", pk=pk, position=lesson.position)


def _lesson_context(request: HttpRequest, pk: int, position: int):
    course = selectors.course_get_published(id=pk)
    lessons = list(course.lessons.all())
    lesson = next((item for item in lessons if item.position == position), None)
    if lesson is None:
        raise Http404
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    return course, lessons, lesson, enrollment


@login_required
@require_GET
def lesson_detail(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    course, lessons, lesson, enrollment = _lesson_context(request, pk, position)
    if enrollment is None:
        messages.info(request, _("请先报名本课程。"))
        return redirect("learning:course_detail", pk=pk)
    lesson_open(enrollment=enrollment, lesson=lesson)
    index = lessons.index(lesson)
    return render(
        request,
        "learning/lesson_detail.html",
        {
            "course": course,
            "lesson": lesson,
            "lessons": lessons,
            "enrollment": enrollment,
            "done": selectors.enrollment_done_lesson_ids(enrollment=enrollment),
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        },
    )


@login_required
@require_POST
def lesson_done(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    _course, lessons, lesson, enrollment = _lesson_context(request, pk, position)
    if enrollment is None:
        messages.info(request, _("请先报名本课程。"))
        return redirect("learning:course_detail", pk=pk)
    was_completed = enrollment.completed_at is not None
    enrollment = lesson_complete(enrollment=enrollment, lesson=lesson)
    if enrollment.completed_at and not was_completed:
        messages.success(request, _("恭喜学完全部课时！结业证书已放入您的卡包。"))
        return redirect("learning:course_detail", pk=pk)
    index = lessons.index(lesson)
    if index + 1 < len(lessons):
        return redirect("learning:lesson_detail", pk=pk, position=lessons[index + 1].position)
    return redirect("learning:course_detail", pk=pk)


@login_required
@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/me.html",
        {
            "courses": selectors.my_courses(user=request.user),
            "accuracy": selectors.practice_accuracy_by_tag(user=request.user),
            "attempts": selectors.my_attempts(user=request.user)[:10],
            "wrong_count": selectors.wrong_book(user=request.user).count(),
            "certificates": selectors.learning_certificates(user=request.user),
            "rewards": selectors.learning_rewards(user=request.user)[:10],
        },
    )


# --- practice ----------------------------------------------------------------------------


@require_GET
def practice_index(request: HttpRequest) -> HttpResponse:
    wrong = selectors.wrong_book(user=request.user) if request.user.is_authenticated else None
    return render(
        request,
        "learning/practice_index.html",
        {
            "tags": selectors.practice_tags(),
            "wrong": list(wrong[:20]) if wrong is not None else [],
            "wrong_count": wrong.count() if wrong is not None else 0,
            "streak": wrong_book_streak(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_question(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("练习条件无效，请重新选择。"))
        return redirect("learning:practice")
    tag = form.cleaned_data["tag"]
    mode = form.cleaned_data["mode"] or "sequential"
    book = form.cleaned_data["book"]
    context = {"tag": tag, "mode": mode, "book": book, "querystring": request.GET.urlencode()}
    if request.method == "POST":
        question = selectors.question_get_active(id=_int(request.POST.get("question")))
        raw = request.POST.getlist("answer")
        try:
            feedback = practice_answer(
                user=request.user,
                question=question,
                raw_answer=raw if question.kind != "fill" else (raw[0] if raw else ""),
                tag=tag,
            )
        except ValidationError as error:
            context.update(question=question, error=_error_text(error))
            return render(request, "learning/practice_question.html", context, status=400)
        next_query = request.GET.copy()
        next_query["after"] = question.pk
        context.update(
            question=question,
            feedback=feedback,
            next_url=f"{reverse('learning:practice_question')}?{next_query.urlencode()}",
        )
        return render(request, "learning/practice_question.html", context)
    question = selectors.practice_next_question(
        user=request.user, tag=tag, mode=mode, after=form.cleaned_data["after"], wrong_book=book
    )
    if question is None:
        messages.info(request, _("错题本已清空，继续保持！") if book else _("该标签下还没有题目。"))
        return redirect("learning:practice")
    context["question"] = question
    return render(request, "learning/practice_question.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


# --- exams -------------------------------------------------------------------------------


@require_GET
def paper_list(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/paper_list.html", {"papers": selectors.paper_list_open()})


@require_GET
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    paper = selectors.paper_get_open(id=pk)
    attempts = (
        list(selectors.my_attempts(user=request.user, paper=paper))
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "learning/paper_detail.html",
        {"paper": paper, "attempts": attempts, "left": max(0, paper.max_attempts - len(attempts))},
    )


@login_required
@require_POST
def paper_start(request: HttpRequest, pk: int) -> HttpResponse:
    paper = selectors.paper_get_open(id=pk)
    try:
        attempt = attempt_start(user=request.user, paper=paper)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("learning:paper_detail", pk=pk)
    return redirect("learning:attempt", pk=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_take(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_get_for_user(user=request.user, id=pk)
    if not attempt.is_open:
        return redirect("learning:attempt_result", pk=pk)
    if not attempt_accepts_answers(attempt):
        attempt_submit(attempt=attempt, auto=True)
        messages.warning(request, _("考试时间已到，答卷已自动提交。"))
        return redirect("learning:attempt_result", pk=pk)
    error = None
    if request.method == "POST":
        answers = answers_from_post(request.POST)
        try:
            if "submit" in request.POST:
                attempt = attempt_submit(attempt=attempt, answers=answers)
                if attempt.status == Attempt.Status.AUTO_SUBMITTED:
                    messages.warning(request, _("已超过交卷时间，最后提交的答案未被接受。"))
                return redirect("learning:attempt_result", pk=pk)
            attempt_answers_save(attempt=attempt, answers=answers)
        except ValidationError as exc:
            error = _error_text(exc)
            attempt = selectors.attempt_get_for_user(user=request.user, id=pk)
            if not attempt.is_open:
                messages.warning(request, error)
                return redirect("learning:attempt_result", pk=pk)
        else:
            if request.htmx:
                return HttpResponse(
                    _("已自动保存 %(time)s") % {"time": timezone.localtime().strftime("%H:%M:%S")}
                )
            messages.success(request, _("答案已保存。"))
            return redirect("learning:attempt", pk=pk)
    remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "learning/attempt_take.html",
        {
            "attempt": attempt,
            "items": selectors.attempt_items(attempt=attempt),
            "remaining": remaining,
            "remaining_minutes": remaining // 60,
            "grace_seconds": int(grace().total_seconds()),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.attempt_get_for_user(user=request.user, id=pk)
    if attempt.is_open:
        return redirect("learning:attempt", pk=pk)
    return render(
        request,
        "learning/attempt_result.html",
        {
            "attempt": attempt,
            "items": selectors.attempt_items(attempt=attempt),
            "show_answers": attempt.paper.show_answers,
            "passed": attempt.score is not None and attempt.score >= attempt.paper.pass_score,
        },
    )


# --- competitions ------------------------------------------------------------------------


@require_GET
def competitions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/competition_list.html",
        {"competitions": selectors.competition_list(), "now": timezone.now()},
    )


@require_GET
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_published(id=pk)
    registration = selectors.competition_registration_for(
        user=request.user, competition=competition
    )
    eligibility = None
    if request.user.is_authenticated and registration is None:
        eligibility = competition_eligibility_error(user=request.user, competition=competition)
    return render(
        request,
        "learning/competition_detail.html",
        {
            "competition": competition,
            "rounds": list(competition.rounds.all()),
            "registration": registration,
            "eligibility_error": eligibility,
            "now": timezone.now(),
            "leaders": selectors.competition_leaderboard(competition_id=pk, limit=10),
            "my_rank": selectors.competition_rank_of(competition_id=pk, user=request.user),
        },
    )


@login_required
@require_POST
def competition_join(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_published(id=pk)
    try:
        competition_register(user=request.user, competition=competition)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("报名成功！请按时参加比赛。"))
    return redirect("learning:competition_detail", pk=pk)


@login_required
@require_POST
def competition_round_begin(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    competition = selectors.competition_get_published(id=pk)
    round_ = next((r for r in competition.rounds.all() if r.pk == round_pk), None)
    if round_ is None:
        raise Http404
    try:
        attempt = competition_round_start(user=request.user, round=round_)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("learning:competition_detail", pk=pk)
    return redirect("learning:attempt", pk=attempt.pk)


@require_GET
def competition_board(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_published(id=pk)
    form = LeaderboardForm(request.GET)
    scope, key = "province", None
    if form.is_valid() and form.cleaned_data["scope"] in ("city", "organization"):
        scope, key = form.cleaned_data["scope"], form.cleaned_data["key"]
        if scope == "organization" and not (key or "").isdigit():
            scope, key = "province", None
    choices = selectors.competition_scope_choices(competition_id=pk)
    return render(
        request,
        "learning/competition_leaderboard.html",
        {
            "competition": competition,
            "rows": selectors.competition_leaderboard(competition_id=pk, scope=scope, key=key),
            "scope": scope,
            "key": key,
            "cities": choices["cities"],
            "organizations": choices["organizations"],
        },
    )
