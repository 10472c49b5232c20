"""Real name (实名认证), the digital identity, the member ID and linked external accounts."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric
from stdnum.iso7064 import mod_11_2

from accounts import crypto
from accounts.models import ConsentRecord, DigitalIdentity, ExternalAccount
from accounts.permissions import Action, user_can
from accounts.selectors.identity import identity_member_region
from accounts.services.privacy import consent_grant
from core.audit import audit_record, client_ip

#: Hebei's GB/T 2260 province code: the prefix of every member ID issued here.
MEMBER_ID_PREFIX = "13"
MEMBER_ID_SEQUENCE_DIGITS = 10

_NAME_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+(?:·[\u3400-\u4dbf\u4e00-\u9fff]+)*$")
# Middle dots people type for names such as 阿卜杜·热合曼.
_DOTS = str.maketrans(dict.fromkeys("•・‧∙⋅●.", "·"))


def _duplicate_message() -> str:
    return _("该身份证号已被其他账号认证。")


# --- validation -----------------------------------------------------------------------------


def real_name_normalize(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = re.sub(r"\s+", "", value)
    return value.translate(_DOTS)


def real_name_validate(value: str) -> str:
    """Returns the normalised name or raises ``ValidationError`` (Chinese)."""
    name = real_name_normalize(value)
    if not name:
        raise ValidationError(_("请输入真实姓名。"), code="required")
    if not _NAME_RE.match(name) or not 2 <= len(name) <= 20:
        raise ValidationError(
            _("姓名应为2至20个汉字，少数民族姓名可用“·”分隔，请与身份证上的姓名一致。"),
            code="invalid_name",
        )
    return name


def id_number_normalize(value: str) -> str:
    """Full-width to half-width (NFKC), spaces and dashes removed, a final x made X."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", value).upper()


def id_number_validate(value: str, *, today: datetime.date | None = None) -> str:
    """Check an 18-digit resident ID number the way the issuing office builds it: length,
    digits, check character (GB 11643), birth date, and a region code that existed when the
    person was born (python-stdnum's GB/T 2260 history). Returns the normalised number or
    raises ``ValidationError`` with a Chinese message naming what is wrong."""
    number = id_number_normalize(value)
    if not number:
        raise ValidationError(_("请输入身份证号码。"), code="required")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，您输入了%(count)d位。") % {"count": len(number)},
            code="id_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码只能由数字组成，最后一位可以是X。"), code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("身份证号码校验位不正确，请逐位核对后重新输入。"), code="id_checksum"
        )
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("身份证号码中的出生日期（%(date)s）不是有效日期。") % {"date": number[6:14]},
            code="id_birth_date",
        ) from None
    today = today or timezone.localdate()
    if birth_date > today or birth_date.year < 1900:
        raise ValidationError(
            _("身份证号码中的出生日期（%(date)s）不合理。") % {"date": number[6:14]},
            code="id_birth_date",
        )
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("身份证号码前6位（%(code)s）不是出生时有效的行政区划代码。") % {"code": number[:6]},
            code="id_region",
        ) from None
    return number


# --- member ID ------------------------------------------------------------------------------


def member_id_for_sequence(sequence: int) -> str:
    """``13`` + the zero-padded sequence + an ISO 7064 MOD 11-2 check character (0-9 or X),
    e.g. ``130000000042`` + check: 13 characters."""
    body = f"{MEMBER_ID_PREFIX}{sequence:0{MEMBER_ID_SEQUENCE_DIGITS}d}"
    return body + mod_11_2.calc_check_digit(body)


def member_id_is_valid(member_id: str) -> bool:
    return (
        len(member_id) == len(MEMBER_ID_PREFIX) + MEMBER_ID_SEQUENCE_DIGITS + 1
        and member_id.startswith(MEMBER_ID_PREFIX)
        and member_id[:-1].isdigit()
        and mod_11_2.is_valid(member_id)
    )


# --- real name ------------------------------------------------------------------------------


@transaction.atomic
def identity_verify(
    *,
    user: Any,
    real_name: str,
    id_number: str,
    consent: bool,
    request: HttpRequest | None = None,
) -> DigitalIdentity:
    """实名认证: create ``user``'s digital identity and give it a permanent member ID.

    Preconditions: ``user`` has no identity yet; ``consent`` is the member's separate
    consent to processing the ID number (PIPL art. 29).

    Raises ``ValidationError`` (Chinese) for a missing consent, a malformed name or number,
    a number another account verified, or a second verification; nothing is saved then.

    The member ID's sequence is the identity's own primary key, written right after the
    insert in the same transaction: the database hands out primary keys atomically, so two
    concurrent verifications can never draw the same sequence, without a counter row to
    lock. Gaps (a rolled-back insert) are harmless; the ID is never reused or changed.

    Side effects: an ``id_number`` consent record, an audit entry ``identity.verify``.
    """
    if DigitalIdentity.objects.filter(user=user).exists():
        raise ValidationError(_("您已完成实名认证，无需重复认证。"), code="already_verified")
    errors: dict[str, list[str]] = {}
    try:
        name = real_name_validate(real_name)
    except ValidationError as exc:
        errors["real_name"] = exc.messages
    try:
        number = id_number_validate(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    if not consent:
        errors["consent"] = [_("处理身份证号需要您单独同意，请勾选同意后再提交。")]
    if errors:
        raise ValidationError(errors)

    number_hash = crypto.id_number_hash(number)
    if DigitalIdentity.objects.filter(id_number_hash=number_hash).exists():
        raise ValidationError({"id_number": [_duplicate_message()]}, code="duplicate")

    consent_grant(user=user, kind=ConsentRecord.Kind.ID_NUMBER, ip_address=client_ip(request))
    ciphertext, key_id = crypto.id_number_encrypt(number)
    identity = DigitalIdentity(
        user=user,
        real_name=name,
        id_number_ciphertext=ciphertext,
        id_number_hash=number_hash,
        id_number_masked=crypto.id_number_mask(number),
        key_id=key_id,
        birth_date=ric.get_birth_date(number),
    )
    try:
        with transaction.atomic():
            identity.save(force_insert=True)
    except IntegrityError:
        # A concurrent request verified the same number (or this user) first.
        if DigitalIdentity.objects.filter(user=user).exists():
            raise ValidationError(
                _("您已完成实名认证，无需重复认证。"), code="already_verified"
            ) from None
        raise ValidationError({"id_number": [_duplicate_message()]}, code="duplicate") from None
    identity.member_id = member_id_for_sequence(identity.pk)
    identity.save(update_fields=["member_id"])
    audit_record(
        actor=user,
        action="identity.verify",
        target=identity,
        request=request,
        details={"member_id": identity.member_id},
    )
    return identity


@transaction.atomic
def identity_id_number_reveal(
    *, identity: DigitalIdentity, viewer: Any, request: HttpRequest | None = None
) -> str:
    """The full ID number, for its owner or for staff allowed
    ``Action.IDENTITY_VIEW_ID_NUMBER`` over the member's region (their active union's
    region, or the province for a member without one).

    Raises ``PermissionDenied`` for anyone else. Side effect: a staff view writes the audit
    entry ``identity.view_id_number`` (in this transaction, so no entry means no view).
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        raise PermissionDenied(_("无权查看完整身份证号。"))
    if viewer.pk == identity.user_id:
        return crypto.id_number_decrypt(identity.id_number_ciphertext, identity.key_id)
    region = identity_member_region(identity=identity)
    if not (viewer.is_staff and user_can(viewer, Action.IDENTITY_VIEW_ID_NUMBER, region=region)):
        raise PermissionDenied(_("无权查看完整身份证号。"))
    audit_record(
        actor=viewer,
        action="identity.view_id_number",
        target=identity,
        request=request,
        details={"member_id": identity.member_id},
    )
    return crypto.id_number_decrypt(identity.id_number_ciphertext, identity.key_id)


def identity_reencrypt_batch(*, ids: list[int]) -> int:
    """Re-encrypt these identities under the current key; rows already on it are skipped
    (so a re-run or a concurrent run changes nothing). Returns how many were rewritten.
    Rows are locked while rewritten; call inside ``transaction.atomic``."""
    current = crypto.current_key_id()
    changed = 0
    for identity in (
        DigitalIdentity.objects.select_for_update().filter(pk__in=ids).exclude(key_id=current)
    ):
        number = crypto.id_number_decrypt(identity.id_number_ciphertext, identity.key_id)
        identity.id_number_ciphertext, identity.key_id = crypto.id_number_encrypt(number)
        identity.save(update_fields=["id_number_ciphertext", "key_id"])
        changed += 1
    return changed


# --- external accounts ----------------------------------------------------------------------


@transaction.atomic
def external_account_link(
    *,
    identity: DigitalIdentity,
    platform: str,
    external_id: str,
    platform_name: str = "",
    actor: Any = None,
) -> ExternalAccount:
    """Link an account on another platform (the national federation's 职工之家, a city
    union's app) to ``identity``; idempotent for the same account.

    Raises ``ValidationError`` (Chinese) for an unknown platform, an empty id, an account
    linked to another identity or a second account on the same platform. Side effect: an
    audit entry ``identity.link_external``.
    """
    if platform not in ExternalAccount.Platform.values:
        raise ValidationError({"platform": [_("不支持的平台。")]})
    external_id = (external_id or "").strip()
    platform_name = (platform_name or "").strip()
    if not external_id or len(external_id) > 128:
        raise ValidationError({"external_id": [_("请输入1至128个字符的平台账号。")]})
    if platform == ExternalAccount.Platform.OTHER and not platform_name:
        raise ValidationError({"platform_name": [_("请填写平台名称。")]})
    existing = ExternalAccount.objects.filter(
        platform=platform, platform_name=platform_name, external_id=external_id
    ).first()
    if existing is not None:
        if existing.identity_id == identity.pk:
            return existing
        raise ValidationError({"external_id": [_("该平台账号已关联到其他身份。")]})
    if ExternalAccount.objects.filter(
        identity=identity, platform=platform, platform_name=platform_name
    ).exists():
        raise ValidationError({"platform": [_("该身份已关联此平台的账号，请先解除关联。")]})
    account = ExternalAccount(
        identity=identity, platform=platform, platform_name=platform_name, external_id=external_id
    )
    try:
        with transaction.atomic():
            account.save(force_insert=True)
    except IntegrityError:
        raise ValidationError({"external_id": [_("该平台账号已关联到其他身份。")]}) from None
    audit_record(
        actor=actor,
        action="identity.link_external",
        target=identity,
        details={"platform": platform, "platform_name": platform_name},
    )
    return account


@transaction.atomic
def external_account_unlink(
    *, identity: DigitalIdentity, platform: str, platform_name: str = "", actor: Any = None
) -> bool:
    """Remove ``identity``'s link to ``platform``; returns whether there was one.
    Side effect: an audit entry ``identity.unlink_external`` when one was removed."""
    deleted, _details = ExternalAccount.objects.filter(
        identity=identity, platform=platform, platform_name=(platform_name or "").strip()
    ).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="identity.unlink_external",
            target=identity,
            details={"platform": platform, "platform_name": platform_name},
        )
    return bool(deleted)
