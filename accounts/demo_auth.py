"""Demo data for signing in: the demo members signed up by SMS code, so their numbers are
verified and they agreed to the privacy policy (the consent gate lets them through); password
sign-in then goes straight in (no phone verification SMS). Members who never signed up
online (a feature's demo may make some: ``datahub.demo_auth`` passes the ones its roster
import created as ``offline_member_ids``) are left for the consent gate to ask.

Runs last in ``seed_demo``, after every module that makes demo users; idempotent."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import ConsentRecord, User
from accounts.selectors.users import user_get_by_phone
from accounts.services.auth import user_phone_mark_verified
from accounts.services.privacy import consent_grant, current_policy_version

# phone, member (signed up through the SMS code flow and agreed to the privacy policy)
DEMO_SIGN_INS = [
    ("13800000001", True),  # 王伟, 石家庄 equipment maker
    ("13800000002", True),  # 李师傅, 廊坊 freight driver
    ("13800000003", True),  # 刘鸿, 石家庄 technician
    ("13900000001", False),  # 省总工会管理员
    ("13900000002", False),  # 赵敏, 12351 hotline agent
    ("13900000003", False),  # 孙丽, 廊坊 city union editor
]


def _members_signed_up_online(offline_member_ids: QuerySet | Iterable[int] | None):
    members = User.objects.filter(is_staff=False, is_active=True, closed_at__isnull=True)
    if offline_member_ids is not None:
        members = members.exclude(pk__in=offline_member_ids)
    return members


def seed(*, stdout, offline_member_ids: QuerySet | Iterable[int] | None = None) -> None:
    for phone, member in DEMO_SIGN_INS:
        user = user_get_by_phone(phone=phone)
        if user is None:
            stdout.write(f"  auth {phone}: no such user (run accounts.demo first)")
            continue
        user_phone_mark_verified(user=user)
        if member:
            consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY)
        stdout.write(f"  auth {phone}: number verified{', privacy consent' if member else ''}")
    current = current_policy_version(ConsentRecord.Kind.PRIVACY_POLICY)
    others = _members_signed_up_online(offline_member_ids).exclude(privacy_consent_version=current)
    count = 0
    for user in others.order_by("pk"):
        user_phone_mark_verified(user=user)
        consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY)
        count += 1
    stdout.write(f"  auth: {count} more demo members signed up by SMS code (privacy consent)")
    stdout.write(
        "  auth: members may also sign in at /auth/code/ — the code is printed to the log "
        "(console SMS backend)"
    )
