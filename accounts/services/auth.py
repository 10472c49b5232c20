"""Signing up and in with a one-time SMS code.

A code is six digits, stored only as a keyed hash (HMAC-SHA256 with ``SECRET_KEY``), valid for
``SMS_CODE_TTL_SECONDS``, allows ``SMS_CODE_MAX_ATTEMPTS`` wrong tries and is consumed once;
requesting a new code retires the previous one, so one code is valid at a time. Resends are
throttled per number and per IP, counted from the ``SmsCode`` table so the limits hold across
processes and servers.

Signing in (the session, allauth's stages such as MFA) is the view's business: these services
only prove the number and return the user.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ConsentRecord, SmsCode, User
from accounts.services.privacy import consent_grant
from accounts.services.users import user_create
from accounts.validators import normalize_mobile, validate_mobile
from core.sms import SmsSendError, sms_send

CODE_LENGTH = 6
_CODE_RE = re.compile(rf"^\d{{{CODE_LENGTH}}}$")


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def sms_code_hash(*, phone: str, purpose: str, code: str) -> str:
    """The keyed hash stored for a code; number and purpose are bound into it, so a code
    sent to one number is worthless for another."""
    message = f"{purpose}:{phone}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def phone_clean(*, phone: str) -> str:
    """Normalise a mainland mobile number (+86, spaces, full-width digits) and validate it.

    Raises ``ValidationError`` with a Chinese message for anything else.
    """
    value = normalize_mobile(phone)
    if not value:
        raise ValidationError(_("请输入手机号码。"), code="required")
    validate_mobile(value)
    return value


def _lock_number(phone: str) -> None:
    """Serialise concurrent requests for one number, so two parallel requests cannot both
    slip under a throttle. PostgreSQL: a transaction-level advisory lock; SQLite already
    serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"sms:{phone}"])


def _throttle_check(*, phone: str, purpose: str, ip_address: str | None) -> None:
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    sent = SmsCode.objects.filter(phone=phone, purpose=purpose)
    last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
    interval = _limit("SMS_CODE_RESEND_INTERVAL_SECONDS")
    if last is not None and (now - last).total_seconds() < interval:
        wait = max(1, int(interval - (now - last).total_seconds()))
        raise ValidationError(
            _("验证码发送太频繁，请 %(seconds)s 秒后再试。") % {"seconds": wait},
            code="throttled_number",
        )
    if sent.filter(created_at__gte=hour_ago).count() >= _limit("SMS_CODE_PER_NUMBER_PER_HOUR"):
        raise ValidationError(
            _("该号码一小时内获取验证码次数已达上限，请稍后再试。"), code="throttled_number"
        )
    if ip_address:
        per_ip = SmsCode.objects.filter(ip_address=ip_address, created_at__gte=hour_ago).count()
        if per_ip >= _limit("SMS_CODE_PER_IP_PER_HOUR"):
            raise ValidationError(
                _("当前网络获取验证码次数过多，请一小时后再试。"), code="throttled_ip"
            )


def sms_code_send(
    *, phone: str, ip_address: str | None = None, purpose: str = SmsCode.Purpose.LOGIN
) -> SmsCode:
    """Send a new one-time code to ``phone`` and retire any earlier one still valid.

    Preconditions: none; the number is normalised and validated here.
    Side effects: one ``SmsCode`` row (hash only), one text through ``core.sms`` and its
    ``SmsDelivery`` record. Raises ``ValidationError`` (Chinese) for a malformed number, a
    throttle hit or a provider failure (the provider's reason: its rate limit, a number it
    cannot reach, no credit left …); then no code is saved and an earlier code stays valid.
    Do not call it inside an outer ``transaction.atomic``: the text is sent after the code
    is committed, so a slow provider holds no lock.
    """
    phone = phone_clean(phone=phone)
    ttl = _limit("SMS_CODE_TTL_SECONDS")
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    with transaction.atomic():
        _lock_number(phone)
        _throttle_check(phone=phone, purpose=purpose, ip_address=ip_address)
        now = timezone.now()
        # Counted by the throttle from here on, so a parallel request for the number waits.
        record = SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=sms_code_hash(phone=phone, purpose=purpose, code=code),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
            ip_address=ip_address,
        )
    # Sent here, in the request, not through the outbox like notices: the member is on the
    # page waiting for this code and must be told at once if it could not be sent, and why.
    try:
        sms_send(phone=phone, template="code", params={"code": code, "minutes": ttl // 60})
    except SmsSendError as exc:
        # A code that never arrived must not count, block or replace the previous one.
        SmsCode.objects.filter(pk=record.pk).delete()
        raise ValidationError(exc.message, code="sms_failed") from exc
    # One code valid at a time: a resend retires the previous code.
    SmsCode.objects.filter(
        phone=phone, purpose=purpose, consumed_at__isnull=True, expires_at__gt=record.created_at
    ).exclude(pk=record.pk).update(expires_at=record.created_at)
    return record


def _sms_code_check(*, phone: str, purpose: str, code: str) -> tuple[SmsCode | None, str | None]:
    """Inside the caller's transaction: lock the number's current code and compare.

    Returns ``(record, None)`` for a match, else ``(None, message)``; a wrong code has its
    attempt counted (saved) before returning, so the caller must commit, not raise, first.
    """
    code = re.sub(r"\s", "", code or "")
    if not _CODE_RE.match(code):
        return None, _("请输入短信中的6位数字验证码。")
    record = (
        SmsCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose, consumed_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if record is None:
        return None, _("验证码无效或已使用，请重新获取。")
    if record.expires_at <= timezone.now():
        return None, _("验证码已过期，请重新获取。")
    max_attempts = _limit("SMS_CODE_MAX_ATTEMPTS")
    if record.attempts >= max_attempts:
        return None, _("验证码错误次数过多，请重新获取。")
    expected = sms_code_hash(phone=phone, purpose=purpose, code=code)
    if not hmac.compare_digest(record.code_hash, expected):
        record.attempts += 1
        record.save(update_fields=["attempts"])
        left = max_attempts - record.attempts
        if left <= 0:
            return None, _("验证码错误次数过多，请重新获取。")
        return None, _("验证码不正确，还可以再试 %(left)s 次。") % {"left": left}
    return record, None


def sms_code_verify(*, phone: str, code: str, purpose: str = SmsCode.Purpose.LOGIN) -> SmsCode:
    """Check ``code`` against the number's current code and consume it.

    Not one atomic block on purpose: a wrong attempt is committed before the error is raised,
    otherwise the rollback would forgive it and the attempt limit would mean nothing. So do
    not call it inside an outer ``transaction.atomic``.
    Raises ``ValidationError`` (Chinese) for a malformed number, a malformed, wrong, expired,
    exhausted or used code.
    """
    phone = phone_clean(phone=phone)
    with transaction.atomic():
        record, error = _sms_code_check(phone=phone, purpose=purpose, code=code)
        if record is not None:
            record.consumed_at = timezone.now()
            record.save(update_fields=["consumed_at"])
    if error:
        raise ValidationError(error, code="invalid_code")
    assert record is not None  # noqa: S101 - no error means a record
    return record


def user_sign_in_or_up_by_code(
    *,
    phone: str,
    code: str,
    privacy_consent: bool,
    ip_address: str | None = None,
) -> tuple[User, bool]:
    """Prove ownership of ``phone`` by its code; return ``(user, created)``.

    An unknown number becomes an account only with ``privacy_consent``: the consent (current
    version) is recorded with the account, and the number is marked verified. A known
    member who ticks the box records consent to the current version too.
    The consent question is answered only after the code matched, so the form does not
    reveal to a stranger whether a number is registered.
    Like ``sms_code_verify`` a wrong attempt is committed before the error; anything else
    that fails leaves nothing saved (the code stays unused).
    Raises ``ValidationError`` (Chinese) for bad numbers or codes, a missing consent, and
    closed or disabled accounts.
    """
    phone = phone_clean(phone=phone)
    purpose = SmsCode.Purpose.LOGIN
    error: str | None = None
    with transaction.atomic():
        record, error = _sms_code_check(phone=phone, purpose=purpose, code=code)
        if record is not None:
            user, created = user_for_verified_phone(
                phone=phone, privacy_consent=privacy_consent, ip_address=ip_address
            )
            record.consumed_at = timezone.now()
            record.save(update_fields=["consumed_at"])
    if error:
        raise ValidationError(error, code="invalid_code")
    return user, created


@transaction.atomic
def user_phone_mark_verified(*, user: User) -> User:
    """Record that ``user`` proved their number; idempotent (an earlier stamp stays).

    Side effect: ``phone_verified_at`` saved, so allauth's phone verification stage does
    not ask again at password sign-in.
    """
    if user.phone_verified_at is None:
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
    return user


@transaction.atomic
def user_for_verified_phone(
    *, phone: str, privacy_consent: bool, ip_address: str | None
) -> tuple[User, bool]:
    """The account of a number whose owner was just proven (SMS code here, the national
    platform's verification in ``accounts.national``), created with consent if there is
    none; ``(user, created)``. Raises ``ValidationError`` (Chinese) for a closed or
    disabled account, or a new number without ``privacy_consent``."""
    user = User.objects.select_for_update().filter(phone=phone).first()
    if user is not None:
        if user.is_closed:
            raise ValidationError(_("该账号已注销，无法登录。"), code="closed")
        if not user.is_active:
            raise ValidationError(_("该账号已停用，请拨打12351咨询。"), code="inactive")
        user_phone_mark_verified(user=user)
        if privacy_consent:
            consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY, ip_address=ip_address)
        return user, False
    if not privacy_consent:
        raise ValidationError(
            _("首次登录即注册：请先阅读并勾选同意《隐私政策》。"), code="consent_required"
        )
    user = user_create(phone=phone, password=None)
    user_phone_mark_verified(user=user)
    consent_grant(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY, ip_address=ip_address)
    return user, True
