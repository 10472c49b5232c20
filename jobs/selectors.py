"""Reads for the employment service; every queryset selects what its page shows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Action, region_scope_q, user_can
from core.search import search_filter
from jobs.match_docs import match_explain
from jobs.models import Application, Employer, JobPost, MatchResult, Resume
from regions.selectors import region_ids_within


def active_posts() -> QuerySet[JobPost]:
    """Published, unexpired posts of verified employers (expiry needs no job: it is a filter)."""
    return JobPost.objects.filter(
        status=JobPost.Status.PUBLISHED,
        valid_until__gte=timezone.localdate(),
        employer__verified_at__isnull=False,
    )


def job_post_list(
    *,
    q: str = "",
    region_path: str | None = "",
    pay_at_least: int | None = None,
    employment_type: str = "",
) -> QuerySet[JobPost]:
    """Active posts, filtered. ``region_path`` "" is everywhere; ``None`` is a place the
    caller could not find (an unknown code): no posts."""
    posts = active_posts().select_related("employer", "region", "region__parent")
    if region_path is None:
        return posts.none()
    if region_path:
        # Ids, not a join on the path: the planner can then combine the region index with
        # the search index instead of reading every matching post of the province.
        posts = posts.filter(region_id__in=region_ids_within(path=region_path))
    if pay_at_least:
        posts = posts.filter(pay_max__gte=pay_at_least)
    if employment_type:
        posts = posts.filter(employment_type=employment_type)
    if q.strip():
        posts = search_filter(posts, query=q, vector_field="search_vector")
    return posts


def job_post_get_public(*, id: int) -> JobPost:
    post = (
        active_posts().select_related("employer", "region", "region__parent").filter(pk=id).first()
    )
    if post is None:
        raise Http404
    return post


def employers_of_user(*, user: Any) -> QuerySet[Employer]:
    """The employers ``user`` acts for: listed among the employer's accounts and holding
    the employer role (``Action.JOBS_POST``) over the employer's region."""
    if not getattr(user, "is_authenticated", False):
        return Employer.objects.none()
    return Employer.objects.filter(users=user).filter(region_scope_q(user, Action.JOBS_POST))


def user_is_employer_of(user: Any, employer: Employer) -> bool:
    return employers_of_user(user=user).filter(pk=employer.pk).exists()


def user_is_verified_employer(user: Any) -> bool:
    """Whether ``user`` acts for a verified employer; read once per user object (a request)."""
    cached = getattr(user, "_jobs_verified_employer", None)
    if cached is None:
        cached = employers_of_user(user=user).filter(verified_at__isnull=False).exists()
        if getattr(user, "is_authenticated", False):
            user._jobs_verified_employer = cached
    return cached


def manageable_posts_q(user: Any) -> Q:
    """Posts ``user`` may manage: their employer's, or any in their moderation scope."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(employer__in=employers_of_user(user=user).values("pk")) | region_scope_q(
        user, Action.JOBS_MODERATE
    )


def job_post_list_for_manager(*, user: Any) -> QuerySet[JobPost]:
    return (
        JobPost.objects.filter(manageable_posts_q(user))
        .select_related("employer", "region", "region__parent")
        .order_by("-updated_at", "-pk")
    )


def job_post_get_for_manager(*, user: Any, id: int) -> JobPost:
    """A post the user may manage; Http404 for missing and forbidden alike."""
    post = job_post_list_for_manager(user=user).filter(pk=id).first()
    if post is None:
        raise Http404
    return post


def user_can_manage_post(user: Any, post: JobPost) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user_can(user, Action.JOBS_MODERATE, region=post.region):
        return True
    return user_is_employer_of(user, post.employer)


def user_can_moderate_post(user: Any, post: JobPost) -> bool:
    return user_can(user, Action.JOBS_MODERATE, region=post.region)


def user_may_browse_resumes(user: Any) -> bool:
    """Verified employers and union staff with a jobs scope (for menus and the list page)."""
    return user_is_verified_employer(user) or user_can(user, Action.JOBS_MODERATE)


def employers_for_user(*, user: Any) -> QuerySet[Employer]:
    """Employers ``user`` may post for: their own, or any in their moderation scope."""
    if not getattr(user, "is_authenticated", False):
        return Employer.objects.none()
    return (
        Employer.objects.filter(
            Q(pk__in=employers_of_user(user=user).values("pk"))
            | region_scope_q(user, Action.JOBS_MODERATE)
        )
        .select_related("region")
        .order_by("name")
    )


def employer_of_post(*, post: JobPost) -> QuerySet[Employer]:
    return Employer.objects.filter(pk=post.employer_id)


def resume_list_for_viewer(*, user: Any, q: str = "", city_code: str = "") -> QuerySet[Resume]:
    """Résumés ``user`` may browse: those "open to verified employers", to a verified
    employer anywhere and to union staff within their region scope (``Action.JOBS_MODERATE``).
    A résumé set to "only when I apply" is never listed: an employer sees it only as the
    snapshot in that member's application. Incomplete résumés and closed accounts are left
    out. Filters: a keyword over titles, skills, certificates and summary; a desired city."""
    if not getattr(user, "is_authenticated", False):
        return Resume.objects.none()
    if user_is_verified_employer(user):
        scope = Q()
    elif user_can(user, Action.JOBS_MODERATE):
        scope = region_scope_q(user, Action.JOBS_MODERATE)
    else:
        return Resume.objects.none()
    resumes = (
        Resume.objects.filter(scope, visibility=Resume.Visibility.EMPLOYERS)
        .exclude(match_state=Resume.MatchState.INCOMPLETE)
        .filter(user__is_active=True, user__closed_at__isnull=True)
        .select_related("user", "region", "region__parent")
        .order_by("-updated_at", "-pk")
    )
    for term in q.split()[:5]:
        resumes = resumes.filter(
            Q(desired_titles__icontains=term)
            | Q(skills__icontains=term)
            | Q(certificates__icontains=term)
            | Q(work_history__icontains=term)
            | Q(summary__icontains=term)
        )
    if city_code:
        resumes = resumes.filter(
            Q(desired_city_codes__icontains=city_code) | Q(region__path__contains=f"/{city_code}/")
        )
    return resumes


def resume_get_for_viewer(*, user: Any, id: int) -> Resume:
    """An open résumé the user may see (see ``resume_list_for_viewer``); Http404 for
    missing, "only when I apply" and out-of-scope alike."""
    resume = resume_list_for_viewer(user=user).filter(pk=id).first()
    if resume is None:
        raise Http404
    return resume


def resume_for_user(*, user: Any) -> Resume | None:
    return Resume.objects.select_related("region", "region__parent").filter(user=user).first()


def resume_get_for_user(*, user: Any, id: int) -> Resume:
    """The résumé if it is the user's own; Http404 for missing and forbidden alike."""
    resume = (
        Resume.objects.select_related("region")
        .filter(pk=id, user_id=getattr(user, "pk", None))
        .first()
    )
    if resume is None:
        raise Http404
    return resume


def match_list_for_user(*, user: Any, limit: int = 20) -> list[MatchResult]:
    """The member's recommendations on still-active posts, best first, each with its
    reasons (written now for results the nightly refresh stored as scores only)."""
    active = active_posts().values("pk")
    matches = list(
        MatchResult.objects.filter(resume__user=user, post__in=active, score__gt=0)
        .select_related("resume", "resume__region", "post", "post__employer", "post__region")
        .order_by("-score", "post_id")[:limit]
    )
    if matches:
        match_explain(resume=matches[0].resume, matches=matches)
    return matches


def application_exists(*, user: Any, post: JobPost) -> bool:
    """Whether ``user`` (possibly anonymous) has applied to ``post``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Application.objects.filter(user=user, post=post).exists()


def application_list_for_user(*, user: Any) -> QuerySet[Application]:
    return Application.objects.filter(user=user).select_related(
        "post", "post__employer", "post__region"
    )


def application_get_for_user(*, user: Any, id: int) -> Application:
    """The member's own application; Http404 for missing and forbidden alike."""
    application = (
        application_list_for_user(user=user).filter(pk=id).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if application is None:
        raise Http404
    return application


def application_list_for_manager(*, user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(
            post__in=JobPost.objects.filter(manageable_posts_q(user)).values("pk")
        )
        .select_related("user", "post", "post__employer", "post__region")
        .order_by("-created_at", "-pk")
    )


def application_get_for_manager(*, user: Any, id: int) -> Application:
    application = application_list_for_manager(user=user).filter(pk=id).first()
    if application is None:
        raise Http404
    return application


def region_nearest_posts(*, region_path: str, limit: int = 5) -> list[JobPost]:
    """Active posts nearest to a region: its own subtree first, then its city, then the
    province; one query (closeness is computed in SQL)."""
    from django.db.models import Case, IntegerField, Value, When

    parts = [p for p in region_path.split("/") if p]
    if len(parts) < 2:
        return []
    province = "/".join(parts[:2]) + "/"
    city = "/".join(parts[:3]) + "/" if len(parts) >= 3 else province
    closeness = Case(
        When(region__path__startswith=region_path, then=Value(0)),
        When(region__path__startswith=city, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        active_posts()
        .filter(region__path__startswith=province)
        .select_related("employer", "region")
        .annotate(closeness=closeness)
        .order_by("closeness", "-published_at", "-pk")[:limit]
    )
