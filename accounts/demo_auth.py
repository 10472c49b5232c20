"""Demo data for signing in: the people of the article signed up by SMS code, so their
numbers are verified and the members agreed to the privacy policy; password sign-in then
goes straight in (no phone verification SMS). Runs after accounts/demo.py; idempotent."""

from __future__ import annotations

from accounts.models import ConsentRecord
from accounts.selectors.users import user_get_by_phone
from accounts.services.auth import user_phone_mark_verified
from accounts.services.privacy import consent_grant

# phone, member (signed up through the SMS code flow and agreed to the privacy policy)
DEMO_SIGN_INS = [
    ("13800000001", True),  # 王伟, 石家庄 equipment maker
    ("13800000002", True),  # 李师傅, 廊坊 freight driver
    ("13800000003", True),  # 刘鸿, 石家庄 technician
    ("13900000001", False),  # 省总工会管理员
    ("13900000002", False),  # 赵敏, 12351 hotline agent
    ("13900000003", False),  # 孙丽, 廊坊 city union editor
]


def seed(*, stdout) -> None:
    for phone, member in DEMO_SIGN_INS:
        user = user_get_by_phone(phone=phone)
        if user is None:
            stdout.write(f"  auth {phone}: no such user (run accounts.demo first)")
            continue
        user_phone_mark_verified(user=user)
        if member:
            consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY)
        stdout.write(f"  auth {phone}: number verified{', privacy consent' if member else ''}")
    stdout.write(
        "  auth: members may also sign in at /auth/code/ — the code is printed to the log "
        "(console SMS backend)"
    )
