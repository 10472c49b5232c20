"""What both aid workflows share: the member's union, documents through the safe upload
check, the member's notices, the staff permission checks and the refusal wording."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from accounts.selectors.membership import membership_current
from core.notifications import notify
from core.uploads import attachment_check

MAX_DOCUMENTS = 6


def actor_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def require_membership(member: Any) -> Any:
    """The member's active membership, or a refusal: the aid services are for members."""
    if member is None or not getattr(member, "is_authenticated", False):
        raise ValidationError(_("请先登录。"))
    membership = membership_current(user=member)
    if membership is None:
        raise ValidationError(
            _("只有工会会员可以办理。请先在“我的 · 会籍”中申请入会，入会后再来办理。")
        )
    return membership


def require_can(
    actor: Any, action: Action, *, region: Any = None, organization: Any = None, message: str
) -> None:
    if not user_can(actor, action, region=region, organization=organization):
        raise ValidationError(message)


def city_of(region: Any) -> Any:
    """The city a county lies in (a city is its own); the province stays the province."""
    if region.level == "county" and region.parent_id:
        return region.parent
    return region


def money(
    value: Any, *, name: str, maximum: Decimal | None = None, allow_zero: bool = False
) -> Decimal:
    """An amount in yuan > 0 with at most two decimals, or a refusal naming the field."""
    try:
        raw = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({name: _("请填写正确的金额。")}) from None
    if not raw.is_finite():
        raise ValidationError({name: _("请填写正确的金额。")})
    amount = raw.quantize(Decimal("0.01"))
    if amount != raw:
        raise ValidationError({name: _("金额最多保留两位小数。")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({name: _("金额必须大于0。")})
    if maximum is not None and amount > maximum:
        raise ValidationError({name: _("金额不能超过%(max)s元。") % {"max": maximum}})
    return amount


def text(value: str, *, name: str, max_length: int, min_length: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < min_length:
        if min_length <= 1:
            raise ValidationError({name: _("请填写内容。")})
        raise ValidationError({name: _("请至少写%(n)s个字。") % {"n": min_length}})
    if len(value) > max_length:
        raise ValidationError({name: _("内容不能超过%(n)s字。") % {"n": max_length}})
    return value


def documents_check(documents: Sequence[Any], *, required: bool = True) -> list[str]:
    """Every upload checked by its real content (``core.uploads``) before anything is
    saved; their kinds in order."""
    if required and not documents:
        raise ValidationError(
            {"documents": _("请上传证明材料（如诊断证明、收入证明），支持 PDF 和图片。")}
        )
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _("最多上传%(n)s个文件。") % {"n": MAX_DOCUMENTS}})
    kinds = []
    for upload in documents:
        try:
            kinds.append(attachment_check(upload))
        except ValidationError as exc:
            raise ValidationError({"documents": exc.messages}) from None
    return kinds


def documents_save(
    model: Any, parent_field: str, parent: Any, documents: Sequence[Any], kinds: list[str]
) -> None:
    for upload, kind in zip(documents, kinds, strict=True):
        model.objects.create(
            **{parent_field: parent},
            file=upload,
            name=PurePath(upload.name or "file").name[:120],
            kind=kind,
            size=upload.size,
        )


def member_notice(
    *, user: Any, kind: str, title: str, body: str, url: str, key: str, sms: bool = False
) -> None:
    notify(user=user, kind=kind, title=title, body=body[:200], url=url, sms=sms, dedupe_key=key)
