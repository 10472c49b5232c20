"""Reads for the employment service; every queryset selects what its page shows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Action, region_scope_q, user_can
from jobs.models import Application, Employer, JobPost, MatchResult, Resume
from portal.search import search_filter


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
    region_path: str = "",
    pay_at_least: int | None = None,
    employment_type: str = "",
) -> QuerySet[JobPost]:
    posts = active_posts().select_related("employer", "region", "region__parent")
    if region_path:
        posts = posts.filter(region__path__startswith=region_path)
    if pay_at_least:
        posts = posts.filter(pay_max__gte=pay_at_least)
    if employment_type:
        posts = posts.filter(employment_type=employment_type)
    if q.strip():
        posts = search_filter(posts, query=q)
    return posts


def job_post_get_public(*, id: int) -> JobPost:
    post = (
        active_posts().select_related("employer", "region", "region__parent").filter(pk=id).first()
    )
    if post is None:
        raise Http404
    return post


def manageable_posts_q(user: Any) -> Q:
    """Posts ``user`` may manage: their employer's, or any in their moderation scope."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(employer__users=user) | region_scope_q(user, Action.JOBS_MODERATE)


def job_post_list_for_manager(*, user: Any) -> QuerySet[JobPost]:
    return (
        JobPost.objects.filter(manageable_posts_q(user))
        .select_related("employer", "region")
        .distinct()
        .order_by("-updated_at", "-pk")
    )


def job_post_get_for_manager(*, user: Any, id: int) -> JobPost:
    post = job_post_list_for_manager(user=user).filter(pk=id).first()
    if post is None:
        raise Http404
    return post


def user_can_manage_post(user: Any, post: JobPost) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user_can(user, Action.JOBS_MODERATE, region=post.region):
        return True
    return post.employer.users.filter(pk=user.pk).exists()


def employers_for_user(*, user: Any) -> QuerySet[Employer]:
    return Employer.objects.filter(
        Q(users=user) | region_scope_q(user, Action.JOBS_MODERATE)
    ).distinct()


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
    """The member's recommendations on still-active posts, best first."""
    active = active_posts().values("pk")
    return list(
        MatchResult.objects.filter(resume__user=user, post__in=active, score__gt=0)
        .select_related("post", "post__employer", "post__region")
        .order_by("-score", "post_id")[:limit]
    )


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
