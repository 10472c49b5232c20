"""allauth adapter: our user keeps the mainland mobile number in ``User.phone`` (11 digits);
allauth speaks E.164 (+86…), so the adapter translates at the boundary.

Sign-up happens only through the SMS code flow (``accounts:login_code``), where owning the
number is proven; allauth's password sign-up is closed here.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import normalize_mobile, validate_mobile
from core.push import push_subscriptions_end_session

logger = logging.getLogger(__name__)

#: Shown when the gateway refused a verification code, with the provider's reason
#: (``core.sms.errors``); the page offers to send it again.
CODE_NOT_SENT_MESSAGE = _("验证码短信未能发送：%(reason)s")
_CODE_NOT_SENT = "_accounts_verification_sms_failed"
_CODE_SENT_TEMPLATE = "account/messages/phone_verification_sent.txt"


def to_e164(phone: str) -> str:
    return f"+86{phone}"


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The key axes counts failures by: the normalised 11-digit number, whichever way it was
    typed (allauth passes ``phone`` as E.164; a bare form post carries ``login``)."""
    value = None
    if credentials:
        value = credentials.get("phone") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("login") or data.get("phone") or data.get("username")
    return normalize_mobile(value) if value else None


class MainlandPhoneField(forms.CharField):
    """A mainland mobile number typed as people type it ("138 0013 8000", "+86…",
    full-width digits); cleaned to E.164 for allauth."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号码"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "numeric",
                    "autocomplete": "tel",
                    "placeholder": _("11位手机号码"),
                }
            ),
        )
        kwargs.setdefault("error_messages", {"required": _("请输入手机号码。")})
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> str:
        value = normalize_mobile(super().clean(value))
        if not value and not self.required:
            return value
        # "+86" alone passes CharField's required check, yet is no number: refused as malformed.
        validate_mobile(value)
        return to_e164(value)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("该账号已停用。"),
        "phone_password_mismatch": _("手机号码或密码不正确。"),
        "incorrect_password": _("密码不正确。"),
        "enter_current_password": _("请输入当前密码。"),
        "incorrect_code": _("验证码不正确。"),
        "invalid_login": _("登录信息无效。"),
        "too_many_login_attempts": _("登录失败次数过多，请稍后再试。"),
        "phone_taken": _("该手机号码已注册。"),
        "unknown_phone": _("该手机号码未注册。"),
        "same_as_current": _("新的值不能与当前相同。"),
        "rate_limited": _("操作太频繁，请稍后再试。"),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # New accounts come only from the SMS code flow, where the number is proven.
        return False

    def phone_form_field(self, **kwargs: Any) -> forms.Field:
        return MainlandPhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        value = normalize_mobile(phone)
        try:
            validate_mobile(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return to_e164(value)

    def pre_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse | None:
        # A closed account keeps its row for statistics; it can never sign in again.
        if getattr(user, "is_closed", False):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def logout(self, request: HttpRequest) -> None:
        # Signing out on a phone ends the push this session turned on there: the next person
        # to use a shared phone must not see this member's notices (the session key is gone
        # once Django's logout has run).
        push_subscriptions_end_session(user=request.user, session_key=request.session.session_key)
        super().logout(request)

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
        # Sent here, in the request, not through the outbox like notices: the member is on
        # the page waiting for this code and must be told at once if it could not be sent,
        # not find out after a minute of retries.
        from allauth.account import app_settings

        from core.sms import SmsSendError, sms_send

        try:
            sms_send(
                phone=normalize_mobile(phone),
                template="code",
                params={"code": code, "minutes": app_settings.PHONE_VERIFICATION_TIMEOUT // 60},
            )
        except SmsSendError as exc:
            logger.warning(
                "verification sms failed", extra={"user_id": user.pk, "sms_error_code": exc.code}
            )
            request = context.request
            if request is not None:
                setattr(request, _CODE_NOT_SENT, True)
                self.add_message(
                    request,
                    messages.ERROR,
                    message=CODE_NOT_SENT_MESSAGE % {"reason": exc.message},
                )

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        # allauth announces "code sent" after every send, a failed one included.
        if message_template == _CODE_SENT_TEMPLATE and getattr(request, _CODE_NOT_SENT, False):
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )
