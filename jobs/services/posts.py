"""Employers and job posts: create, verify, publish, take down."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import Action, forget_grants, user_can
from accounts.services.roles import role_assign
from core.audit import audit_record
from core.outbox import outbox_enqueue
from core.search import search_document
from jobs.matching import EDUCATION_LEVELS, normalise_certificate
from jobs.models import Employer, EmploymentType, JobPost, MappingSource
from jobs.occupation_map import post_occupation_fill
from jobs.selectors import user_can_manage_post, user_is_employer_of
from jobs.services.matching import job_index_invalidate
from regions.models import Region

POST_FIELDS = (
    "title",
    "description",
    "skills",
    "certificates",
    "region",
    "pay_min",
    "pay_max",
    "experience_years",
    "education",
    "employment_type",
    "headcount",
    "benefits",
    "valid_until",
)


def _clean_list(values: Any, *, limit: int = 20, certificate: bool = False) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")
    items: list[str] = []
    for value in values or ():
        text = str(value).strip()[:30]
        if certificate:
            text = normalise_certificate(text)
        if text and text not in items:
            items.append(text)
    return items[:limit]


def _validate_post(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _("请填写岗位名称。")
    region = data.get("region")
    if (
        not isinstance(region, Region)
        or region.level
        not in (
            Region.Level.CITY,
            Region.Level.COUNTY,
        )
        or not region.path.startswith("100000/130000/")
    ):
        errors["region"] = _("请选择河北省内的市或县（市、区）作为工作地点。")
    try:
        pay_min, pay_max = int(data.get("pay_min")), int(data.get("pay_max"))
    except (TypeError, ValueError):
        errors["pay_min"] = _("请填写月薪范围（整数，单位元）。")
        pay_min = pay_max = 0
    else:
        if pay_min <= 0 or pay_max <= 0:
            errors["pay_min"] = _("月薪应大于0。")
        elif pay_min > pay_max:
            errors["pay_max"] = _("月薪下限不能高于上限。")
    if data.get("education", "不限") not in EDUCATION_LEVELS:
        errors["education"] = _("学历要求无效。")
    if data.get("employment_type", EmploymentType.FULL_TIME) not in EmploymentType.values:
        errors["employment_type"] = _("用工形式应为全职、兼职或灵活用工。")
    valid_until = data.get("valid_until")
    if not isinstance(valid_until, dt.date) or valid_until < timezone.localdate():
        errors["valid_until"] = _("有效期不能早于今天。")
    try:
        headcount = int(data.get("headcount") or 1)
        experience = int(data.get("experience_years") or 0)
    except (TypeError, ValueError):
        errors["headcount"] = _("招聘人数和工作年限应为整数。")
        headcount, experience = 1, 0
    if headcount < 1 or experience < 0 or experience > 50:
        errors["headcount"] = _("招聘人数至少为1，工作年限在0到50之间。")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title[:60],
        "description": str(data.get("description") or "")[:5000],
        "skills": _clean_list(data.get("skills")),
        "certificates": _clean_list(data.get("certificates"), certificate=True),
        "region": region,
        "pay_min": pay_min,
        "pay_max": pay_max,
        "experience_years": experience,
        "education": data.get("education", "不限"),
        "employment_type": data.get("employment_type", EmploymentType.FULL_TIME),
        "headcount": headcount,
        "benefits": str(data.get("benefits") or "")[:200],
        "valid_until": valid_until,
    }


def job_post_validate(*, data: dict[str, Any]) -> dict[str, Any]:
    """Check a post's fields (the rules every write path shares); raises ValidationError
    with Chinese messages per field, returns the cleaned values. Writes nothing."""
    return _validate_post(data)


def job_post_may_create(*, actor: Any, employer: Employer, region: Region | None) -> bool:
    return _may_post_for(actor, employer, region)


def _may_post_for(actor: Any, employer: Employer, region: Region | None) -> bool:
    """Union staff post on an employer's behalf in their region; an employer's own accounts
    may draft (publishing needs the employer verified, see ``job_post_publish``)."""
    if region is not None and user_can(actor, Action.JOBS_MODERATE, region=region):
        return True
    return user_is_employer_of(actor, employer)


def _fill_derived(post: JobPost) -> None:
    post_occupation_fill(post)
    post.search_document = search_document(
        post.title,
        post.employer.name,
        " ".join(post.skills),
        " ".join(post.certificates),
        post.description,
        post.region.name,
    )


def posts_changed() -> None:
    """Tell every process its in-memory matching index is stale (after commit)."""
    transaction.on_commit(job_index_invalidate)


@transaction.atomic
def employer_create(
    *,
    actor: Any,
    name: str,
    region: Region,
    contact_name: str = "",
    contact_phone: str = "",
    credit_code: str = "",
    users: list[Any] | None = None,
) -> Employer:
    """Register an employer (unverified). Precondition: ``actor`` may moderate jobs in
    ``region``. Side effect: an audit entry."""
    if not user_can(actor, Action.JOBS_MODERATE, region=region):
        raise ValidationError(_("您无权在该地区登记用人单位。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写单位名称。")})
    if Employer.objects.filter(name=name).exists():
        raise ValidationError({"name": _("该单位已登记。")})
    employer = Employer.objects.create(
        name=name[:100],
        region=region,
        contact_name=contact_name,
        contact_phone=contact_phone,
        credit_code=credit_code,
    )
    audit_record(actor=actor, action="jobs.employer_create", target=employer)
    if users:
        employer_set_users(actor=actor, employer=employer, users=users)
    return employer


@transaction.atomic
def employer_set_users(*, actor: Any, employer: Employer, users: list[Any]) -> Employer:
    """Set the employer's accounts: each gets the employer role (``Role.EMPLOYER``) over
    the employer's region, which is how ``accounts.permissions`` knows them; removed
    accounts lose it unless another employer of theirs lies in that region."""
    if not user_can(actor, Action.JOBS_MODERATE, region=employer.region):
        raise ValidationError(_("您无权管理该单位的账号。"))
    before = set(employer.users.values_list("pk", flat=True))
    employer.users.set(users)
    for user in users:
        role_assign(user=user, role=Role.EMPLOYER, region=employer.region, granted_by=actor)
    for user in User.objects.filter(pk__in=before - {u.pk for u in users}):
        if not user.employers.filter(region=employer.region).exists():
            RoleAssignment.objects.filter(
                user=user, role=Role.EMPLOYER, region=employer.region
            ).delete()
            forget_grants(user)
    audit_record(actor=actor, action="jobs.employer_set_users", target=employer)
    return employer


@transaction.atomic
def employer_verify(*, actor: Any, employer: Employer) -> Employer:
    """Union staff confirm the employer is real; its posts may then be listed."""
    if not user_can(actor, Action.JOBS_MODERATE, region=employer.region):
        raise ValidationError(_("您无权核验该单位。"))
    if employer.verified_at is None:
        employer.verified_at = timezone.now()
        employer.verified_by = actor
        employer.save(update_fields=["verified_at", "verified_by"])
        audit_record(actor=actor, action="jobs.employer_verify", target=employer)
        posts_changed()
    return employer


@transaction.atomic
def job_post_create(
    *, actor: Any, employer: Employer, publish: bool = False, **data: Any
) -> JobPost:
    """Create a post (a draft unless ``publish``). Preconditions: the actor is one of the
    employer's accounts (an unverified employer may only draft), or moderates jobs in the
    post's region. Raises ValidationError (in Chinese, per field) and saves nothing on bad
    input. Publishing enqueues the post's matching after commit."""
    cleaned = _validate_post(data)
    if not _may_post_for(actor, employer, cleaned["region"]):
        raise ValidationError(_("您无权为该单位发布岗位。"))
    post = JobPost(employer=employer, created_by=actor, **cleaned)
    _fill_derived(post)
    post.save()
    audit_record(actor=actor, action="jobs.post_create", target=post)
    if publish:
        job_post_publish(actor=actor, post=post)
    return post


@transaction.atomic
def job_post_update(*, actor: Any, post: JobPost, **data: Any) -> JobPost:
    """Edit a post's fields; a published post is re-matched after commit."""
    post = JobPost.objects.select_for_update().select_related("employer", "region").get(pk=post.pk)
    if not user_can_manage_post(actor, post):
        raise ValidationError(_("您无权修改该岗位。"))
    merged = {name: getattr(post, name) for name in POST_FIELDS}
    merged.update({k: v for k, v in data.items() if k in POST_FIELDS})
    cleaned = _validate_post(merged)
    if cleaned.get("title", post.title) != post.title:
        post.occupation_source = MappingSource.AUTO  # a staff correction was for the old title
    for name, value in cleaned.items():
        setattr(post, name, value)
    _fill_derived(post)
    post.save(
        update_fields=[
            *POST_FIELDS,
            "occupation",
            "occupation_confidence",
            "occupation_source",
            "search_document",
            "updated_at",
        ]
    )
    posts_changed()
    if post.status == JobPost.Status.PUBLISHED:
        _enqueue_post_match(post)
    return post


def _enqueue_post_match(post: JobPost) -> None:
    # One matching per version of the post: a repeated request enqueues nothing more.
    outbox_enqueue(
        "jobs.tasks.match_post",
        args=[post.pk],
        key=f"jobs.match_post:{post.pk}:{post.updated_at.isoformat()}",
    )


@transaction.atomic
def job_post_publish(*, actor: Any, post: JobPost) -> JobPost:
    """Publish a draft (or re-publish a taken-down post). Side effects: the post is matched
    against résumés after commit and members above the threshold are notified once."""
    post = JobPost.objects.select_for_update().select_related("employer", "region").get(pk=post.pk)
    if not user_can_manage_post(actor, post):
        raise ValidationError(_("您无权发布该岗位。"))
    if not post.employer.is_verified:
        raise ValidationError(_("用人单位尚未经工会核验，岗位暂不能发布。"))
    if post.valid_until < timezone.localdate():
        raise ValidationError(_("岗位已过有效期，请先修改有效期。"))
    if post.status == JobPost.Status.TAKEN_DOWN and not user_can(
        actor, Action.JOBS_MODERATE, region=post.region
    ):
        raise ValidationError(_("该岗位已被工会下架，需工会工作人员重新发布。"))
    if post.status != JobPost.Status.PUBLISHED:
        post.status = JobPost.Status.PUBLISHED
        post.published_at = timezone.now()
        post.takedown_reason = ""
        post.save(update_fields=["status", "published_at", "takedown_reason", "updated_at"])
        audit_record(actor=actor, action="jobs.post_publish", target=post)
        posts_changed()
        _enqueue_post_match(post)
    return post


@transaction.atomic
def job_post_take_down(*, actor: Any, post: JobPost, reason: str = "") -> JobPost:
    """Union moderation: take a post off the lists; only union staff may publish it again.
    Side effects: an audit entry with the reason; the matching index is refreshed."""
    post = JobPost.objects.select_for_update().select_related("employer", "region").get(pk=post.pk)
    if not user_can(actor, Action.JOBS_MODERATE, region=post.region):
        raise ValidationError(_("只有工会工作人员可以下架岗位。"))
    if post.status != JobPost.Status.TAKEN_DOWN:
        post.status = JobPost.Status.TAKEN_DOWN
        post.takedown_reason = (reason or "").strip()[:200]
        post.save(update_fields=["status", "takedown_reason", "updated_at"])
        audit_record(
            actor=actor, action="jobs.post_take_down", target=post, details={"reason": reason}
        )
        posts_changed()
    return post


@transaction.atomic
def job_post_close(*, actor: Any, post: JobPost) -> JobPost:
    """The employer stops recruiting on a post (it leaves the lists; it may publish it
    again). Applications already received stay as they are."""
    post = JobPost.objects.select_for_update().select_related("employer", "region").get(pk=post.pk)
    if not user_can_manage_post(actor, post):
        raise ValidationError(_("您无权关闭该岗位。"))
    if post.status == JobPost.Status.TAKEN_DOWN:
        raise ValidationError(_("该岗位已被工会下架。"))
    if post.status != JobPost.Status.CLOSED:
        post.status = JobPost.Status.CLOSED
        post.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="jobs.post_close", target=post)
        posts_changed()
    return post
