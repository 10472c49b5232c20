from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Credential(models.Model):
    """A card in the member's wallet (数字卡包): the member card, a course certificate, a
    competition award, a gift-pack voucher. Every kind is issued by the one wallet service
    and verified the same way (a signed, short-lived QR token naming ``serial``).

    ``source_type``/``source_id`` name what issued it (a membership, an enrolment, a
    claim), so issuing twice for the same source returns the existing card.
    """

    class Kind(models.TextChoices):
        MEMBER_CARD = "member_card", _("电子会员卡")
        COURSE_CERTIFICATE = "course_certificate", _("课程结业证书")
        COMPETITION_AWARD = "competition_award", _("竞赛获奖证书")
        VOUCHER = "voucher", _("礼包券")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持有人"),
        on_delete=models.CASCADE,
        related_name="credentials",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    serial = models.CharField(_("编号"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("名称"), max_length=100)
    issuer = models.CharField(_("颁发单位"), max_length=100)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    source_type = models.CharField(_("来源类型"), max_length=40)
    source_id = models.CharField(_("来源编号"), max_length=40)
    issued_at = models.DateTimeField(_("颁发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("卡包凭证")
        verbose_name_plural = _("卡包凭证")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"],
                name="accounts_credential_one_per_source",
            ),
        ]
        indexes = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.title} {self.serial}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, *, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class UsedCredentialToken(models.Model):
    """The nonce of a QR token consumed by a check-in or redemption scanner. The unique
    constraint makes a replay fail in every process, not only the one that saw it first.

    Rows older than the token lifetime can be deleted: an expired token is refused anyway.
    """

    nonce = models.CharField(_("随机数"), max_length=32)
    credential = models.ForeignKey(
        Credential,
        verbose_name=_("凭证"),
        on_delete=models.CASCADE,
        related_name="used_tokens",
    )
    used_at = models.DateTimeField(_("使用时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("已使用的二维码")
        verbose_name_plural = _("已使用的二维码")
        constraints = [
            models.UniqueConstraint(
                fields=["nonce"],
                name="accounts_used_token_unique_nonce",
                violation_error_message=_("二维码已使用。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential_id}:{self.nonce}"
