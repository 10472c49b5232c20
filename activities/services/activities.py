"""Activity sign-ups with a capacity and a waiting list, and check-in by member card QR."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.permissions import Action, user_can
from accounts.tokens import credential_token_verify
from activities.models import Activity, PointsEntry, Signup
from activities.services.eligibility import eligibility_check
from activities.services.points import points_credit
from core.audit import audit_record
from core.notifications import notify


def _locked_activity(activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=activity_id, published=True)
        .first()
    )
    if activity is None:
        raise ValidationError(_("没有找到该活动。"))
    return activity


@transaction.atomic
def activity_signup(*, activity_id: int, user: Any) -> Signup:
    """Sign ``user`` up: a place if one is free, else the waiting list.

    The activity row is locked, so places are counted and taken one sign-up at a time and
    never exceed the capacity; the partial unique constraint stops a second active
    sign-up. Raises ``ValidationError`` for an event that has started, an ineligible
    member or a repeated sign-up.
    """
    activity = _locked_activity(activity_id)
    if timezone.now() >= activity.starts_at:
        raise ValidationError(_("活动已开始，不能再报名。"))
    eligibility_check(target=activity, user=user)
    active = Signup.objects.filter(activity=activity).exclude(status=Signup.Status.CANCELLED)
    if active.filter(user_id=user.pk).exists():
        raise ValidationError(_("您已报名该活动。"))
    confirmed = active.filter(status=Signup.Status.CONFIRMED).count()
    status = Signup.Status.CONFIRMED if confirmed < activity.capacity else Signup.Status.WAITING
    try:
        with transaction.atomic():
            return Signup.objects.create(activity=activity, user=user, status=status)
    except IntegrityError:
        raise ValidationError(_("您已报名该活动。")) from None


def _promote_first_waiting(activity: Activity) -> Signup | None:
    waiting = (
        Signup.objects.select_related("user")
        .filter(activity=activity, status=Signup.Status.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = Signup.Status.CONFIRMED
    waiting.promoted_at = timezone.now()
    waiting.save(update_fields=["status", "promoted_at"])
    when = timezone.localtime(activity.starts_at).strftime("%m月%d日 %H:%M")
    notify(
        user=waiting.user,
        kind="activities.promoted",
        title=_("候补成功：%(title)s") % {"title": activity.title},
        body=_("您已从候补转为正式报名，活动时间 %(when)s，请准时参加。") % {"when": when},
        url=reverse("activities:activity_detail", args=[activity.pk]),
        sms=True,
        dedupe_key=f"activities:promoted:{waiting.pk}",
    )
    return waiting


@transaction.atomic
def activity_signup_cancel(*, signup_id: int, user: Any) -> Signup:
    """Cancel the member's own sign-up. When it held a place, the first on the waiting
    list gets it and is notified (in-site notice and SMS after commit)."""
    signup = Signup.objects.filter(pk=signup_id, user_id=user.pk).first()
    if signup is None:
        raise ValidationError(_("没有找到该报名记录。"))
    activity = _locked_activity(signup.activity_id)
    signup.refresh_from_db(fields=["status"])
    if signup.status == Signup.Status.CANCELLED:
        raise ValidationError(_("该报名已取消。"))
    if timezone.now() >= activity.starts_at:
        raise ValidationError(_("活动已开始，不能取消报名。"))
    held_place = signup.status == Signup.Status.CONFIRMED
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if held_place:
        _promote_first_waiting(activity)
    return signup


@transaction.atomic
def activity_check_in(*, activity_id: int, token: str, staff: Any, request: Any = None) -> Signup:
    """Check a member in by scanning their member-card QR (consumed once).

    Preconditions: ``staff`` may manage activities in the activity's region; the token is
    a valid member card of a member with a confirmed sign-up. Side effects: the sign-up's
    check-in time, the activity's points award (idempotent per member and activity), an
    audit entry. Nothing is written when any check fails.
    """
    activity = Activity.objects.select_related("region").filter(pk=activity_id).first()
    if activity is None or not user_can(staff, Action.ACTIVITIES_MANAGE, region=activity.region):
        raise ValidationError(_("没有找到该活动。"))
    check = credential_token_verify(token=token or "", consume=True)
    if not check.is_valid:
        raise ValidationError(check.message)
    if check.credential.kind != Credential.Kind.MEMBER_CARD:
        raise ValidationError(_("请出示电子会员卡二维码签到。"))
    member = check.credential.user
    signup = (
        Signup.objects.select_for_update()
        .filter(activity=activity, user=member)
        .exclude(status=Signup.Status.CANCELLED)
        .first()
    )
    if signup is None:
        raise ValidationError(_("%(name)s 未报名该活动。") % {"name": check.masked_name})
    if signup.status == Signup.Status.WAITING:
        raise ValidationError(_("%(name)s 仍在候补名单中。") % {"name": check.masked_name})
    if signup.checked_in_at is not None:
        raise ValidationError(_("%(name)s 已签到。") % {"name": check.masked_name})
    signup.checked_in_at = timezone.now()
    signup.checked_in_by = staff
    signup.save(update_fields=["checked_in_at", "checked_in_by"])
    if activity.points_award:
        points_credit(
            user=member,
            amount=activity.points_award,
            reason=_("参加活动：%(title)s") % {"title": activity.title},
            source=PointsEntry.Source.ACTIVITY,
            idempotency_key=f"activity:{activity.pk}:attend:{member.pk}",
        )
    audit_record(actor=staff, action="activities.check_in", target=signup, request=request)
    return signup
