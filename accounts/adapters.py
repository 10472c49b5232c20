"""allauth adapter: our user keeps the mainland mobile number in ``User.phone`` (11 digits);
allauth speaks E.164 (+86…), so the adapter translates at the boundary."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import timezone

from accounts.models import User
from accounts.validators import normalize_mobile


def to_e164(phone: str) -> str:
    return f"+86{phone}"


class AccountAdapter(DefaultAccountAdapter):
    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = normalize_mobile(phone)
        user.phone_verified_at = timezone.now() if verified else None
        if user.pk:
            user.save(update_fields=["phone", "phone_verified_at"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        if not user.phone or user.is_closed:
            return None
        return to_e164(user.phone), user.phone_verified_at is not None

    def set_phone_verified(self, user: User, phone: str) -> None:
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=normalize_mobile(phone), closed_at__isnull=True).first()

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs) -> None:
        from portal.sms import sms_send

        sms_send(
            phone=normalize_mobile(phone),
            message=f"【职工之家·河北】验证码 {code}，5分钟内有效。请勿告诉他人。",
        )
