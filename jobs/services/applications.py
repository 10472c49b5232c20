"""Applications: submitted → viewed → interview invited → offered / not suitable / withdrawn.

The member is told at every step through ``core.notifications.notify`` (in-site + SMS).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.notifications import notify
from jobs.match_docs import resume_doc
from jobs.matching import resume_missing_fields
from jobs.models import Application, JobPost, Resume
from jobs.selectors import active_posts, user_can_manage_post

S = Application.Status
#: Which states each step may start from.
ALLOWED_FROM = {
    S.VIEWED: {S.SUBMITTED},
    S.INTERVIEW: {S.SUBMITTED, S.VIEWED, S.INTERVIEW},
    S.OFFERED: {S.VIEWED, S.INTERVIEW},
    S.REJECTED: {S.SUBMITTED, S.VIEWED, S.INTERVIEW},
    S.WITHDRAWN: {S.SUBMITTED, S.VIEWED, S.INTERVIEW},
}


def _snapshot(resume: Resume) -> dict:

    doc = resume_doc(resume)
    return {
        "name": resume.user.display_name,
        "phone": resume.user.phone,
        "city": doc.city,
        "county": doc.county,
        "desired_titles": resume.desired_titles,
        "desired_cities": list(doc.desired_cities),
        "expected_pay": resume.expected_pay,
        "employment_types": resume.employment_types,
        "skills": resume.skills,
        "certificates": resume.certificates,
        "work_history": resume.work_history,
        "experience_years": resume.experience_years,
        "education": resume.education,
        "summary": resume.summary,
        "revision": resume.revision,
    }


def _tell(application: Application, *, title: str, body: str = "", step: str) -> None:
    notify(
        user=application.user,
        kind=f"jobs.application.{step}",
        title=title,
        body=body,
        url=reverse("jobs:application_detail", args=[application.pk]),
        sms=True,
        # An interview has a date: it is worth a push to the phone; other steps wait on the site.
        push=step == "interview",
        dedupe_key=f"jobs.application:{application.pk}:{step}:{application.updated_at.timestamp():.0f}",
    )


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("post", "post__employer", "post__region", "user")
        .get(pk=application.pk)
    )


def _move(application: Application, to: str) -> None:
    if application.status not in ALLOWED_FROM[to]:
        raise ValidationError(
            _("该申请当前为“%(status)s”，不能进行此操作。")
            % {"status": application.get_status_display()}
        )


@transaction.atomic
def application_submit(*, user: Any, post: JobPost) -> Application:
    """Apply to an active post with a snapshot of the member's résumé. One application per
    member and post (the database enforces it). Side effect: a notice to the member."""
    post = active_posts().select_related("employer").filter(pk=post.pk).first()
    if post is None:
        raise ValidationError(_("该岗位已过期或已下架，不能投递。"))
    resume = Resume.objects.select_related("user", "region").filter(user=user).first()
    if resume is None:
        raise ValidationError(_("请先填写简历再投递。"))
    missing = resume_missing_fields(resume_doc(resume))
    if missing:
        raise ValidationError(_("简历还缺少：%(missing)s。") % {"missing": "、".join(missing)})
    if Application.objects.filter(user=user, post=post).exists():
        raise ValidationError(_("您已投递过该岗位。"))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                user=user, post=post, resume_snapshot=_snapshot(resume)
            )
    except IntegrityError as exc:  # a concurrent double submit
        raise ValidationError(_("您已投递过该岗位。")) from exc
    _tell(
        application,
        step="submitted",
        title=_("已投递：%(title)s") % {"title": post.title},
        body=_("%(employer)s 将尽快查看您的简历。") % {"employer": post.employer.name},
    )
    return application


@transaction.atomic
def application_mark_viewed(*, actor: Any, application: Application) -> Application:
    """The employer opened the application (only the first view moves it)."""
    application = _locked(application)
    if not user_can_manage_post(actor, application.post):
        raise ValidationError(_("您无权处理该申请。"))
    if application.status != S.SUBMITTED:
        return application
    application.status = S.VIEWED
    application.save(update_fields=["status", "updated_at"])
    _tell(
        application,
        step="viewed",
        title=_("%(employer)s 查看了您的简历") % {"employer": application.post.employer.name},
    )
    return application


@transaction.atomic
def application_invite(
    *, actor: Any, application: Application, at: dt.datetime, place: str, contact: str
) -> Application:
    """Invite the applicant to an interview (time, place, contact); may be re-sent with new
    details. Side effects: an audit entry and a notice + SMS with the details."""
    application = _locked(application)
    if not user_can_manage_post(actor, application.post):
        raise ValidationError(_("您无权处理该申请。"))
    _move(application, S.INTERVIEW)
    errors = {}
    if not isinstance(at, dt.datetime) or timezone.is_naive(at) or at <= timezone.now():
        errors["at"] = _("面试时间应晚于现在。")
    if not (place or "").strip():
        errors["place"] = _("请填写面试地点。")
    if not (contact or "").strip():
        errors["contact"] = _("请填写联系人及电话。")
    if errors:
        raise ValidationError(errors)
    application.status = S.INTERVIEW
    application.interview_at = at
    application.interview_place = place.strip()[:200]
    application.interview_contact = contact.strip()[:100]
    application.save(
        update_fields=[
            "status",
            "interview_at",
            "interview_place",
            "interview_contact",
            "updated_at",
        ]
    )
    audit_record(actor=actor, action="jobs.application_invite", target=application)
    when = timezone.localtime(at).strftime("%m月%d日 %H:%M")
    _tell(
        application,
        step="interview",
        title=_("面试邀请：%(title)s") % {"title": application.post.title},
        body=_("%(when)s，%(place)s，联系人：%(contact)s")
        % {
            "when": when,
            "place": application.interview_place,
            "contact": application.interview_contact,
        },
    )
    return application


@transaction.atomic
def application_decide(
    *, actor: Any, application: Application, offered: bool, note: str = ""
) -> Application:
    """Offer the job or mark the applicant as not suitable; the member is told either way."""
    application = _locked(application)
    if not user_can_manage_post(actor, application.post):
        raise ValidationError(_("您无权处理该申请。"))
    to = S.OFFERED if offered else S.REJECTED
    _move(application, to)
    application.status = to
    application.note = (note or "").strip()[:300]
    application.save(update_fields=["status", "note", "updated_at"])
    audit_record(actor=actor, action=f"jobs.application_{to}", target=application)
    title = (
        _("恭喜！%(employer)s 决定录用您") if offered else _("%(employer)s 暂未录用您，感谢投递")
    ) % {"employer": application.post.employer.name}
    _tell(application, step=to, title=title, body=application.note)
    return application


@transaction.atomic
def application_withdraw(*, user: Any, application: Application) -> Application:
    """The member withdraws their own application."""
    application = _locked(application)
    if application.user_id != user.pk:
        raise ValidationError(_("只能撤回自己的申请。"))
    _move(application, S.WITHDRAWN)
    application.status = S.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _tell(
        application,
        step="withdrawn",
        title=_("已撤回对“%(title)s”的申请") % {"title": application.post.title},
    )
    return application
